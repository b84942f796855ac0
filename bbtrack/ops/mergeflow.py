"""Merging branches of a data repository: `git-setup`, the merge driver and `resolve`.

`write/merge.py` merges three texts; this module feeds it from git (the
driver's %O %A %B files, the index stages, or a file left with diff3 markers),
checks the result as `bbtrack check` would, and writes it. A merged record
that `check` would reject becomes a conflict with the problem as its reason,
so a merge never lands a file `check` rejects without saying so. Messages are
returned, never printed: the command line prints them.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import BbtrackError, ConflictError, DataError, NotFoundError
from ..core.i18n import _, pgettext
from ..core.problems import Problem
from ..load.folder import COMMITMENTS_FILE, CROSSINGS_FILE
from . import gitio

DRIVER_NAME = "bbtrack"
DRIVER_TITLE = "bbtrack: merge data files record by record"
_OTHER = {COMMITMENTS_FILE: CROSSINGS_FILE, CROSSINGS_FILE: COMMITMENTS_FILE}


@dataclass
class Outcome:
    """What a merge of one file did: its text, and the lines to say about it."""

    name: str
    text: str
    conflicts: int = 0  # records (or runs of text) left between conflict markers
    failing: int = 0  # new `check` problems outside the conflicts
    messages: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts and not self.failing


# --- checking a merged file ------------------------------------------------------------


def problems_of(text: str, name: str, other: str | None, other_name: str, data_dir: Path | None) -> list[Problem]:
    """What `bbtrack check` says of a folder holding `text` as `name` and `other` beside it.

    Without the other file (missing, or itself mid-merge) the references
    between the files are not checked: nothing else depends on it.
    """
    from ..core.model import Dataset
    from ..load.loader import parse_commitments, parse_crossings
    from ..load.validate import check_quotes, validate

    problems: list[Problem] = []
    texts = {Path(name).name: (text, name), Path(other_name).name: (other, other_name)}
    commitments_text, c_name = texts[COMMITMENTS_FILE]
    crossings_text, x_name = texts[CROSSINGS_FILE]
    commitments, meetings = parse_commitments(commitments_text, c_name, problems) if commitments_text else ([], [])
    crossings = parse_crossings(crossings_text, x_name, problems) if crossings_text else []
    if any(p.severity == "fatal" for p in problems):
        return [p for p in problems if p.source.file == name]
    ds = Dataset(tuple(commitments), tuple(crossings), tuple(meetings), c_name, x_name)
    problems += validate(ds)
    if data_dir is not None:
        problems += check_quotes(ds, data_dir)
    if other is None:
        problems = [p for p in problems if p.code not in ("unknown-crossing", "unknown-parent")]
    return [p for p in problems if p.source.file == name]


def _new_problems(merged: list[Problem], ours: list[Problem]) -> list[Problem]:
    """Problems of the merged text that ours did not have already (compared without line numbers)."""
    known = Counter((p.code, p.message) for p in ours)
    out = []
    for p in merged:
        if known[p.code, p.message]:
            known[p.code, p.message] -= 1
        else:
            out.append(p)
    return out


def merge_checked(base: str | None, ours: str, theirs: str, name: str, *, other: str | None,
                  data_dir: Path | None) -> Outcome:
    """Merge by record and check the result; records the check rejects become conflicts.

    Raises BbtrackError when a version cannot be read record by record.
    """
    from ..write.merge import merge_texts

    other_name = str(Path(name).with_name(_OTHER[Path(name).name]))
    result = merge_texts(base, ours, theirs, filename=name)
    failing: list[Problem] = []
    if result.clean:
        new = problems_of(result.text, name, other, other_name, data_dir)
        if new:  # only then is ours read too (a parse of the whole file), to tell what the merge brought
            new = _new_problems(new, problems_of(ours, name, other, other_name, data_dir))
        force: dict[tuple[str, str], str] = {}
        for p in new:
            if p.severity == "warning":
                continue
            key = next((key for key, (first, last) in result.changed.items()
                        if first <= p.source.line <= last), None)
            if key is None:
                failing.append(p)
            else:
                force.setdefault(key, _("merged, it would fail `bbtrack check`: {code} {problem}").format(
                    code=p.code, problem=p.message))
        warnings = [p for p in new if p.severity == "warning"]
        if force:
            result = merge_texts(base, ours, theirs, filename=name, force_conflict=force)
    else:
        warnings = []
    outcome = Outcome(name, result.text, conflicts=len(result.conflicts), failing=len(failing))
    outcome.messages += [f"{name}: {note}" for note in result.notes]
    for c in result.conflicts:
        where = f"{name}:{c.line}" if c.line else name
        what = f"{c.record_id}: {c.reason}" if c.record_id else c.reason
        outcome.messages.append(_("error: {where}: conflict: {what}; keep the right text between the "
                                  "<<<<<<< and >>>>>>> lines, delete the markers, then `git add {name}`").format(
                                    where=where, what=what, name=name))
    for p in failing:
        outcome.messages.append(_("error: after the merge `bbtrack check` reports: {problem}").format(problem=p))
    for p in warnings:
        outcome.messages.append(_("after the merge `bbtrack check` warns: {problem}").format(problem=p))
    return outcome


# --- the merge driver -------------------------------------------------------------------


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise NotFoundError(_("{path}: cannot read: {reason}").format(path=path, reason=exc.strerror)) from None
    except UnicodeDecodeError as exc:
        raise DataError(_("{path}: byte {offset} is not UTF-8").format(path=path, offset=exc.start)) from None


def run_driver(base_path: Path, ours_path: Path, theirs_path: Path, name: str) -> Outcome:
    """git's `merge.bbtrack.driver`: merge %O %A %B into %A; %P (`name`) is the file's path in the
    repository, relative to the current folder (git runs drivers at the top of the work tree)."""
    file_name = Path(name).name
    if file_name not in _OTHER:
        return _line_merge(base_path, ours_path, theirs_path, name, None)
    try:
        base, ours, theirs = _read(base_path), _read(ours_path), _read(theirs_path)
        data_dir = Path(name).parent
        other_path = data_dir / _OTHER[file_name]
        other = _other_after_merge(other_path)
        outcome = merge_checked(base, ours, theirs, name, other=other,
                                data_dir=data_dir if data_dir.is_dir() else None)
    except BbtrackError as exc:
        return _line_merge(base_path, ours_path, theirs_path, name, str(exc))
    try:
        ours_path.write_bytes(outcome.text.encode("utf-8"))
    except OSError as exc:
        raise DataError(_("cannot write the merged {name}: {reason}").format(name=name, reason=exc.strerror)) from None
    return outcome


def _other_after_merge(path: Path) -> str | None:
    """The other data file as this merge will leave it, to check references against.

    git runs drivers before it updates the work tree, which still holds ours;
    a crossing that theirs added (and theirs' new commitment names) is only in
    theirs. git names theirs' commit in a GITHEAD_<sha> variable: the other
    file is merged by record from ours, theirs and their merge base, as it will
    be. Without that (a rebase, a cherry-pick), or if it does not merge
    cleanly, ours is used.
    """
    import os

    from ..write.merge import merge_texts

    ours = _clean_text(path)
    heads = [name[len("GITHEAD_"):] for name in os.environ if name.startswith("GITHEAD_")]
    if ours is None or len(heads) != 1 or not all(c in "0123456789abcdef" for c in heads[0]):
        return ours
    theirs_commit = heads[0]
    top = Path.cwd()
    try:
        rel = path.resolve().relative_to(top.resolve()).as_posix()
        base_commit = gitio.run(["merge-base", "HEAD", theirs_commit], top).split()[0]
        theirs = gitio.show(theirs_commit, path)
        base = gitio.show(base_commit, path)
        if theirs is None:
            return ours
        result = merge_texts(base, ours, theirs, filename=rel)
    except (BbtrackError, ValueError, IndexError, UnicodeDecodeError):
        return ours
    return result.text if result.clean else ours


def _clean_text(path: Path) -> str | None:
    """The file's text when it is there and has no conflict markers; else None."""
    from ..write.merge3 import has_markers

    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return None if has_markers(text) else text


def _line_merge(base_path: Path, ours_path: Path, theirs_path: Path, name: str, why: str | None) -> Outcome:
    """What git would have done without the driver: a line merge with diff3 markers."""
    try:
        proc = subprocess.run(["git", "merge-file", "--diff3", "-L", "ours", "-L", "base", "-L", "theirs",
                               str(ours_path), str(base_path), str(theirs_path)], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NotFoundError(_("git merge-file could not run: {reason}").format(reason=exc)) from None
    outcome = Outcome(name, "", conflicts=max(proc.returncode, 0))
    if why is not None:
        outcome.messages.append(_("{name}: cannot merge by record ({why}); merged line by line instead").format(
            name=name, why=why))
    if proc.returncode:
        outcome.messages.append(_("error: {name}: {count} conflict(s) left by the line merge; "
                                  "resolve them, run `bbtrack check`, then `git add {name}`").format(
                                    name=name, count=proc.returncode))
    return outcome


# --- git-setup --------------------------------------------------------------------------


def default_command() -> str:
    """bbtrack as this very interpreter runs it: works whether or not `bbtrack` is on PATH."""
    return f"{shlex.quote(sys.executable)} -m bbtrack"


def git_setup(data_dir: Path, command: str | None = None) -> list[str]:
    """Attribute the data files to the bbtrack driver and define it in the repository's config.

    Idempotent: a line already in .gitattributes is not added again, and the
    config values are set to the same text.
    """
    top = gitio.toplevel(data_dir)
    try:
        rel = data_dir.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise NotFoundError(_("{folder} is not inside the repository at {top}").format(folder=data_dir, top=top)) from None
    pattern = "*.yaml" if rel == "." else f"{rel}/*.yaml"
    line = f"{pattern} merge={DRIVER_NAME}"
    messages = []
    attributes = top / ".gitattributes"
    try:
        old = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(_("{path}: cannot read: {reason}").format(path=attributes, reason=exc)) from None
    if line in (existing.strip() for existing in old.splitlines()):
        messages.append(_(".gitattributes already has `{line}`").format(line=line))
    else:
        new = old + ("" if not old or old.endswith("\n") else "\n") + line + "\n"
        try:
            attributes.write_text(new, encoding="utf-8")
        except OSError as exc:
            raise DataError(_("cannot write {path}: {reason}").format(path=attributes, reason=exc.strerror)) from None
        messages.append(_("added `{line}` to .gitattributes; commit it so that every clone merges the data alike").format(
            line=line))
    runner = command or default_command()
    driver = f"{runner} merge-driver %O %A %B %P"
    gitio.run(["config", "--local", f"merge.{DRIVER_NAME}.name", DRIVER_TITLE], top)
    gitio.run(["config", "--local", f"merge.{DRIVER_NAME}.driver", driver], top)
    messages.append(_("set {key} = {driver} (in .git/config: run `bbtrack git-setup` once in each clone)").format(
        key=f"merge.{DRIVER_NAME}.driver", driver=driver))
    try:
        probe = subprocess.run(f"{runner} --version", shell=True, cwd=top, capture_output=True, text=True,
                               timeout=60)
        works = probe.returncode == 0 and probe.stdout.startswith("bbtrack")
    except (OSError, subprocess.TimeoutExpired):
        works = False
    if not works:
        messages.append(_("warning: `{runner} --version` does not run bbtrack here; git would fall back to a "
                          "line merge. Run `bbtrack git-setup` again with --command (e.g. --command \"uv run bbtrack\")")
                        .format(runner=runner))
    elif "/uv/archive" in runner or "/.cache/" in runner:
        messages.append(_("warning: this interpreter lives in a cache that may be cleaned (uvx?); install bbtrack "
                          "(`uv tool install`) or use --command \"uv run bbtrack\""))
    return messages


# --- resolve ----------------------------------------------------------------------------


def _stages(path: Path) -> dict[int, str] | None:
    """The index stages (1 base, 2 ours, 3 theirs) of an unmerged file, or None when it is not unmerged
    (or not in git)."""
    try:
        top = gitio.toplevel(path)
    except NotFoundError:
        return None
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    listing = gitio.run(["ls-files", "-u", "-z", "--", rel], top, check=False)
    stages: dict[int, str] = {}
    for entry in filter(None, listing.split("\0")):
        meta = entry.partition("\t")[0]
        sha, stage = meta.split()[1:]
        proc = subprocess.run(["git", "cat-file", "blob", sha], cwd=top, capture_output=True, timeout=30)
        if proc.returncode:
            raise NotFoundError(_("git cat-file {sha}: cannot read stage {stage} of {path}").format(sha=sha, stage=stage, path=rel))
        try:
            stages[int(stage)] = proc.stdout.decode("utf-8")
        except UnicodeDecodeError:
            raise DataError(_("stage {stage} of {path} is not UTF-8").format(stage=stage, path=rel)) from None
    return stages or None


def _versions(path: Path, name: str) -> tuple[str | None, str, str, str] | None:
    """(base, ours, theirs, how) of a file mid-merge, from the index, else from its diff3 markers;
    None when it holds no conflict."""
    from ..write.merge3 import has_markers, split_diff3

    stages = _stages(path)
    if stages is not None:
        if 2 not in stages or 3 not in stages:
            side = pgettext("branch", "ours") if 2 not in stages else pgettext("branch", "theirs")
            raise DataError(_("{name} was deleted on {side}; decide by hand (`git rm` or `git add`)").format(name=name, side=side))
        return stages.get(1), stages[2], stages[3], _("the index")
    text = _read(path)
    if not has_markers(text):
        return None
    base, ours, theirs = split_diff3(text, name)
    return base, ours, theirs, _("its conflict markers")


def resolve(data_dir: Path, files: list[Path]) -> list[Outcome]:
    """Merge by record each file left conflicted, and write it; an outcome per file resolved."""
    from ..core.text import display_path
    from ..write import storage

    found: dict[Path, tuple[str | None, str, str, str, str]] = {}
    for path in files or [data_dir / COMMITMENTS_FILE, data_dir / CROSSINGS_FILE]:
        name = display_path(path)
        if path.name not in _OTHER:
            raise NotFoundError(_("{name} is not a bbtrack data file ({commitments} or {crossings})").format(
                name=name, commitments=COMMITMENTS_FILE, crossings=CROSSINGS_FILE))
        versions = _versions(path, name)
        if versions is not None:
            found[path] = (*versions, _read(path))
    outcomes = []
    merged: dict[Path, str] = {}
    for path, (base, ours, theirs, how, on_disk) in found.items():
        name = display_path(path)
        other_path = path.with_name(_OTHER[path.name])
        other = merged.get(other_path) if other_path in merged else _clean_text(other_path)
        outcome = merge_checked(base, ours, theirs, name, other=other, data_dir=path.parent)
        outcome.messages.insert(0, _("{name}: merged by record from {how}").format(name=name, how=how))
        merged[path] = outcome.text

        def replace(current: str, new: str = outcome.text, seen: str = on_disk, shown: str = name) -> str:
            if current != seen:
                raise ConflictError(_("{path} changed on disk while bbtrack was resolving it; run `bbtrack resolve` again")
                                    .format(path=shown))
            return new

        storage.update_file(path, replace)
        outcomes.append(outcome)
    return outcomes
