"""What the CLI does around the library, without Typer.

Two front ends share this module: the Typer app (`bbtrack.cli.app`), which
parses every command line it is given, and the entry point
(`bbtrack.cli.entry`), which answers the commonest one — a plain `list` — without
importing Typer (~40 ms, most of a piped `list`). Everything both must do
alike lives here: the command-line state, loading with its refusal of broken
data, option values checked the same way, the `list` command itself, and the
one place where an error becomes a line on stderr and an exit code.
"""

from __future__ import annotations

import datetime as _dt
import gc
import os
import sys
from pathlib import Path
from typing import Sequence, TextIO

from ..core.errors import EXIT_DATA, EXIT_USAGE, BbtrackError, UsageError
from ..core.i18n import N_, _, current, ngettext, pgettext


class State:
    """The global options (`--data-dir`, `--no-cache`, `--lang`) of this invocation."""

    data_dir: str | None = None
    use_cache: bool = True
    lang: str | None = None  # `bbtrack --lang en list`: the command's own --lang wins
    lang_word: str | None = None  # the --lang the command line gave, wherever it stood (`language_from_argv`)
    left_out: tuple[str, ...] = ()  # ids a read left out for their problems (`load`)
    collector_paused: bool = False  # by the console script, for its start-up (entry.main)


STATE = State()


def start_work(typer: bool = False) -> None:
    """The command line is parsed and the command about to run (`typer`: by the Typer app,
    which then leaves `list`'s option words for the console script: cli/optiontable.py).

    If the console script paused the cyclic collector for start-up, freeze
    what start-up built (modules, Typer's command) so that no collection walks
    it again, and turn the collector back on. Library users' collector is
    never touched.
    """
    if typer:
        from .optiontable import remember

        remember()
    if STATE.collector_paused:
        STATE.collector_paused = False
        gc.freeze()
        gc.enable()


EXIT_INTERNAL = 70  # a bug of ours (sysexits' EX_SOFTWARE)


def err(message: str) -> None:
    sys.stderr.write(f"bbtrack: {message}\n")


def error(message: object) -> None:
    """`bbtrack: error: …`, the one line of a command that stops (the program's name stays as typed)."""
    err(_("error: {message}").format(message=message))


def warn(message: object) -> None:
    err(_("warning: {message}").format(message=message))


def exit_code_for(exc: BaseException) -> int:
    """Say what went wrong in one line on stderr; the exit code to leave with.

    Re-raises what is not a user-facing condition when BBTRACK_DEBUG asks for
    the traceback.
    """
    if isinstance(exc, BbtrackError):
        error(exc)
        return exc.exit_code
    if isinstance(exc, BrokenPipeError):
        # `bbtrack list | head`: the reader left; not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    if isinstance(exc, KeyboardInterrupt):
        err(_("interrupted"))
        return 130
    if os.environ.get("BBTRACK_DEBUG"):
        raise exc
    err(_("internal error: {kind}: {message} (set BBTRACK_DEBUG=1 for details; please report)").format(
        kind=type(exc).__name__, message=exc))
    return EXIT_INTERNAL


class DataProblems(BbtrackError):
    def __init__(self, message: str, severity: str) -> None:
        super().__init__(message)
        self.exit_code = EXIT_USAGE if severity == "fatal" else EXIT_DATA


def load(strict: bool = True):
    """Load the data folder for a read. A file that cannot be used stops the command (exit 2);
    other problems leave their records out, said in one warning line (`load.partial`).
    `strict=False` (check, completion) returns everything as read."""
    from ..load.folder import find_data_dir
    from ..load.cached import load as load_folder

    data_dir = find_data_dir(STATE.data_dir)
    note_packaged(data_dir)
    progress = None
    if sys.stderr.isatty():
        from .progress import Progress

        progress = Progress(sys.stderr)
    try:
        result = load_folder(data_dir, use_cache=STATE.use_cache, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    if strict and result.fatal:
        # A fatal problem (the file cannot be used) is named first and exits as `check` does.
        first = next(p for p in result.errors if p.severity == "fatal")
        more = len(result.errors) - 1
        said = (_("{problem} (+{more} more); run `bbtrack check` for all problems") if more
                else _("{problem}; run `bbtrack check` for all problems"))
        raise DataProblems(said.format(problem=first, more=more), first.severity)
    if strict and result.errors:
        import dataclasses

        from ..load.partial import valid_part

        part = valid_part(result)
        named = ", ".join(part.left_out[:5]) + (", …" if len(part.left_out) > 5 else "")
        left = [_("{count} left out ({ids})").format(count=len(part.left_out), ids=named)] if part.left_out else []
        if part.unnamed:
            left.append(ngettext("{count} record without an id left out", "{count} records without an id left out",
                                 part.unnamed).format(count=part.unnamed))
        STATE.left_out = part.left_out
        problems = ngettext("{count} problem", "{count} problems", part.problems).format(count=part.problems)
        said = (_("the data has {problems}; answering from the valid records, {left}; "
                  "run `bbtrack check` to see and fix them") if left else
                _("the data has {problems}; answering from the valid records; run `bbtrack check` to see and fix them"))
        warn(said.format(problems=problems, left=pgettext("list", " and ").join(left)))
        return dataclasses.replace(result, dataset=part.dataset)
    return result


def editor_refusals(result) -> list:
    """What `status set` or `add` would refuse to edit, found by the editor itself: a user
    learns it from `check`, not from the first edit (docs/errors.md, `not-editable`)."""
    from ..load.folder import COMMITMENTS_FILE, CROSSINGS_FILE

    ds = result.dataset
    problems = []
    for file, name, collection, records in ((COMMITMENTS_FILE, ds.commitments_file, "commitments", ds.commitments),
                                            (CROSSINGS_FILE, ds.crossings_file, "crossings", ds.crossings)):
        try:
            data = (result.data_dir / file).read_bytes()
            data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the loader has reported why
        problems += _audited(data, name, collection, [record.id for record in records])
    return problems


def _audited(data: bytes, name: str, collection: str, ids: list[str]) -> list:
    """`yamledit.audit.refusals`, remembered for these bytes: the audit composes records in
    Python (seconds at 10k records), and a warm `check` must stay a hash of the files."""
    import json

    from .. import __version__
    from ..core.problems import Problem, Source
    from ..load import cache, fingerprint

    code = Path(__file__).resolve().parent.parent / "write" / "yamledit"  # not imported on a hit: it imports yaml
    # the audit runs the editor's steps and the merge driver's (recordtext): a change of either is a new audit
    sources = sorted([*code.glob("*.py"), code.parent / "recordtext.py"])
    # Its messages are in the reader's language: another language, another audit.
    key = fingerprint.digest_bytes(b"\0".join([
        data, name.encode(), collection.encode(), "\n".join(ids).encode(), __version__.encode(), current().encode(),
        *(f"{f.name}:{f.stat().st_mtime_ns}".encode() for f in sources)]))
    entry = cache.cache_dir() / f"audit-{key.replace(':', '-')}.json"
    try:
        return [Problem(Source(*p["source"]), p["code"], p["message"], p["severity"])
                for p in json.loads(entry.read_text(encoding="utf-8"))]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from ..write.yamledit.audit import refusals

    problems = refusals(data.decode("utf-8"), name, collection, ids)
    try:  # best effort: a cache that cannot be written only costs the next check the audit again
        entry.parent.mkdir(parents=True, exist_ok=True)
        temp = entry.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(json.dumps([{"source": [p.source.file, p.source.line, p.source.col], "code": p.code,
                                     "message": p.message, "severity": p.severity} for p in problems]),
                        encoding="utf-8")
        os.replace(temp, entry)
    except OSError:
        pass
    return problems


def note_packaged(data_dir: Path) -> None:
    """Say so when no data/ was found and the copy shipped with bbtrack is read: a
    user in the wrong folder should not mistake it for their own data."""
    from ..load.folder import packaged_data_dir

    if STATE.data_dir or os.environ.get("BBTRACK_DATA"):
        return
    try:
        packaged = packaged_data_dir()
    except BbtrackError:
        return
    if data_dir == packaged and not Path.cwd().resolve().is_relative_to(packaged.parent.resolve()):
        err(_("no data/ folder here; reading the data shipped with bbtrack ({path}). Use --data-dir for your own.")
            .format(path=packaged))


def write_output(output: Path | None, binary: bool, write) -> None:
    """What `write(stream)` writes, whole, to the file `--output` names (saying so on stderr), or to
    stdout: bytes to its binary stream, for a pipe (the command refused a terminal before the work).
    Written to memory first, so a failed command leaves no half file."""
    import io

    buffer = io.BytesIO() if binary else io.StringIO()
    write(buffer)
    data = buffer.getvalue()
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
        return
    try:
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise UsageError(_("cannot write {path}: {reason}").format(path=output, reason=exc.strerror)) from None
    sys.stderr.write(_("wrote {path}").format(path=output) + "\n")


def parse_lang(value: str | None) -> str:
    """The command's language (`--lang`, then the global `--lang`, BBTRACK_LANG, the locale,
    Vietnamese), made the language of every message from here on."""
    from ..core import i18n

    try:
        chosen = i18n.choose(value or STATE.lang)
    except ValueError as exc:
        from ..core.lookup import closest

        near = closest(str(exc), i18n.LANGS, n=1)
        hint = i18n._("; did you mean {lang}?").format(lang=near[0]) if near else ""
        raise UsageError(i18n._("unknown language {word}{hint} (one of vi, en, zh)").format(
            word=repr(str(exc)), hint=hint)) from None
    i18n.set_language(chosen)
    return chosen


def language_from_argv(args: Sequence[str]) -> None:
    """Before the command line is parsed, take its language from it: help, and Click's own
    errors, are written before any command runs. A bad value is left for `parse_lang`."""
    from ..core import i18n

    given = None
    words = iter(args)
    for word in words:
        if word == "--":
            break
        if word == "--lang":
            given = next(words, None)
        elif word.startswith("--lang="):
            given = word.partition("=")[2]
    STATE.lang_word = given
    try:
        i18n.set_language(i18n.choose(given))
    except ValueError:
        try:
            i18n.set_language(i18n.choose())
        except ValueError:
            i18n.set_language(i18n.DEFAULT)


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    """The format in lower case (`--format JSON` is json); an unknown one names the closest."""
    if value in allowed:
        return value
    from ..core.lookup import choose

    return choose(value, allowed, "format")


def parse_today(value: str | None) -> _dt.date:
    if not value:
        return _dt.date.today()
    from ..core.dates import parse_day  # only here: without --today, `list` creates no date class

    return parse_day(value, "--today")


def list_commitments(
    province: Sequence[str] = (),
    party: Sequence[str] = (),
    status: Sequence[str] = (),
    crossing: Sequence[str] = (),
    section: Sequence[int] = (),
    kind: Sequence[str] = (),
    due_before: str | None = None,
    due_within: int | None = None,
    due_source: Sequence[str] = (),
    overdue: bool = False,
    late: bool = False,
    grep: str | None = None,
    sort: str = "id",
    limit: int | None = None,
    today: str | None = None,  # noqa: A002 - the option's name
    format: str = "table",  # noqa: A002 - the option's name
    lang: str | None = None,
    output: str | None = None,
) -> None:
    """`bbtrack list`: the options as typed, the table on stdout (or `output`). The
    defaults are the command's (tests/test_entry.py compares them with the Typer app's)."""
    from ..ops.query import CommitmentFilter, crossing_keys, resolve_crossings, resolve_parties, resolve_statuses, select
    from ..views.render import SHEET_FORMATS
    from ..views.tables import RICH_MAX_ROWS, too_long_for_rich

    lang_ = parse_lang(lang)  # first: every message below is in the command's language
    format = check_format(format, SHEET_FORMATS)  # noqa: A001 - the option's name
    check_output(output, format)
    day = parse_today(today)
    parties = resolve_parties(province, provinces_only=True) if province else frozenset()
    if party:
        wanted = resolve_parties(party, provinces_only=False)
        parties = parties & wanted if province else wanted
        if not parties:
            parties = frozenset({"\0none"})  # --province and --party that exclude each other
    # The table of a list sorted by id and filtered on fields the list index holds needs no records.
    # JSON and CSV sorted by id, so filtered, are the machine rows the index keeps beside it.
    simple = format in ("table", "markdown", "json", "csv") and sort == "id" and not (
        due_before or due_within is not None or due_source or overdue or late or grep)
    index = rows = None
    if simple:
        # After a change of a few records since the cache last saw the folder, their rows are
        # patched in (`load.patch`); the folder is read only when something is out of the way.
        # (A patch keeps no JSON or CSV rows: those formats read the folder, and store them.)
        index, rows = _list_index(day, format, patch=format in ("table", "markdown"))
    ds = load().dataset if index is None else None
    if simple and ds is not None and STATE.use_cache:
        # A miss (the first list after a write or a pull) has just stored the new state's index:
        # printing from it is ~4× faster than from the records at scale, and prints the same.
        index, rows = _list_index(day, format, noted=True)
        ds = None if index is not None else ds
    f = CommitmentFilter(
        parties=parties,
        statuses=resolve_statuses(status),
        crossings=resolve_crossings(crossing_keys(ds.crossings) if ds else index.crossing_keys, crossing)
        if crossing else frozenset(),
        sections=frozenset(section),
        kinds=frozenset(kind),
        due_before=_due_before(due_before) if due_before else None,
        due_within=due_within,
        due_sources=frozenset(due_source),
        overdue=overdue,
        late=late,
        grep=grep,
        today=day,
    )
    if index is not None:
        from ..views import listindex

        picked = listindex.select(index, f, limit)
        count = len(picked)
    else:
        records = select(ds, f, sort, limit)
        count = len(records)
    if count == 0:
        typed = dict(province=province, party=party, status=status, crossing=crossing, section=section, kind=kind,
                     due_before=due_before, due_within=due_within, overdue=overdue, late=late, grep=grep, today=today)
        say_empty("commitments", typed, day if (overdue or late or due_within is not None) and not today else None)
        if format in ("table", "markdown") and output is None:
            return  # a header over nothing reads like a broken table
    if format == "table" and output is None and too_long_for_rich(count, sys.stdout):
        err(_("{count} rows: plain columns above {limit} rows (--limit N for the coloured table)").format(
            count=count, limit=RICH_MAX_ROWS))
    with open_output(output, format) as out:
        if rows is not None:
            listindex.write_rows(rows, index, picked, day, out)
        elif index is not None:
            from ..views.render import write_commitment_table

            cells, styles = listindex.columns(index, picked, day, lang_)
            write_commitment_table(format, cells, out, lang=lang_, row_style=styles.__getitem__)
        else:
            from ..views.render import render_commitments

            render_commitments(records, format, out, today=day, lang=lang_)


# What `say_empty` says, by what was looked for: (filters given, none given; each as of a day or not).
_EMPTY = {
    "commitments": (N_("no commitments match {filters}"), N_("no commitments in the data"),
                    N_("no commitments match {filters} as of {day}"), N_("no commitments in the data as of {day}")),
    "crossings": (N_("no crossings match {filters}"), N_("no crossings in the data")),
    "events": (N_("no events match {filters}"), N_("no events in the data")),
}


def say_empty(what: str, typed: dict, as_of: _dt.date | None = None) -> None:
    """One line on stderr when nothing matched, with the filters as typed: an empty
    table alone does not say whether the filters or the data are at fault."""
    import shlex

    words = []
    for name, value in typed.items():
        flag = "--" + name.replace("_", "-") if name else ""  # "": an argument
        for one in (value if isinstance(value, (list, tuple)) else [value]):
            if one is True:
                words.append(flag)
            elif one is not None and one is not False:
                words.append(f"{flag} {shlex.quote(str(one))}".lstrip())
    said = _EMPTY[what][(0 if words else 1) + (2 if as_of else 0)]
    err(_(said).format(filters=" ".join(words), day=as_of))


def check_output(output: str | os.PathLike[str] | None, fmt: str) -> None:
    from ..views.tables import is_terminal

    if fmt == "xlsx" and output is None and is_terminal(sys.stdout):
        raise UsageError(_("xlsx is a binary workbook: write it with --output FILE, or redirect stdout to a file"))


class open_output:
    """stdout, or the file `output` names, replaced only once it is written whole.

    CSV written to a file starts with a UTF-8 byte-order mark: without it, Excel
    opens a double-clicked .csv as the local code page and Vietnamese comes out
    as mojibake. On stdout CSV stays BOM-free for the tools that read it.
    (A class, not contextlib: the `list` fast path imports nothing it need not.)
    """

    def __init__(self, output: str | os.PathLike[str] | None, fmt: str) -> None:
        self.path = Path(output) if output is not None else None
        self.fmt = fmt
        self.handle: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        self.temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.handle = open(self.temp, "w", encoding="utf-8-sig" if self.fmt == "csv" else "utf-8", newline="")
        except OSError as exc:
            raise UsageError(_("cannot write {path}: {reason}").format(path=self.path, reason=exc.strerror)) from None
        return self.handle

    def __exit__(self, kind, exc, tb) -> None:
        if self.handle is None:
            return
        try:
            self.handle.close()
            if kind is None:
                os.replace(self.temp, self.path)
                sys.stderr.write(_("wrote {path}").format(path=self.path) + "\n")
        except OSError as problem:
            raise UsageError(_("cannot write {path}: {reason}").format(path=self.path, reason=problem.strerror)) from None
        finally:
            self.temp.unlink(missing_ok=True)


def write_paged(write, no_pager: bool = False) -> None:
    """`write(stream)`, through $PAGER (less by default) when stdout is a terminal and the
    text is taller than it: the terminal report is thousands of lines.

    The text is laid out for the terminal first (Rich sees a terminal and its
    width), then handed to the pager. `--no-pager`, `PAGER=cat` or a pager that
    cannot be started print it as it is.
    """
    from ..views.tables import is_terminal

    pager = os.environ.get("PAGER", "less")
    if no_pager or pager.strip() in ("", "cat") or not is_terminal(sys.stdout):
        write(sys.stdout)
        return
    import io
    import shlex
    import shutil
    import subprocess

    class TerminalText(io.StringIO):
        def isatty(self) -> bool:  # lay out for the terminal the text is going to
            return True

    buffer = TerminalText()
    write(buffer)
    text = buffer.getvalue()
    if text.count("\n") < shutil.get_terminal_size().lines:
        sys.stdout.write(text)
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # colours through, and quit at once if the text fits after all
    try:
        proc = subprocess.Popen(shlex.split(pager), stdin=subprocess.PIPE, env=env, text=True, encoding="utf-8")
    except (OSError, ValueError):
        sys.stdout.write(text)
        return
    try:
        proc.stdin.write(text)
        proc.stdin.close()
    except BrokenPipeError:  # the reader quit the pager before the end
        pass
    proc.wait()


def _due_before(value: str):
    from ..core.dates import parse_user  # only here: the list index's path creates no date class

    return parse_user(value, "--due-before")


def _list_index(day: _dt.date, fmt: str, noted: bool = False, patch: bool = False):
    """(the folder's list index, its rows in `fmt` when json or csv, else None) when the cache
    holds a fresh index that answers for `day` — with `patch`, one patched from an older state
    if need be (`load.patch`) —; else (None, None)."""
    if not STATE.use_cache:
        return None, None
    from ..load import cache, fingerprint, folder
    from ..views import listindex

    data_dir = folder.find_data_dir(STATE.data_dir)
    machine = fmt in listindex.PARTS[1:]
    which = (0, listindex.PARTS.index(fmt)) if machine else (0,)
    # A patch needs the file's bytes: when they have to be read for the lookup, they are kept
    # for it (read and hashed once), and let go of before a hit loads its index.
    kept: dict | None = {} if patch else None
    state = fingerprint.folder_fingerprint(data_dir, keep=kept)
    if kept and cache.stored(data_dir, state):
        kept.clear()
    found = cache.cached_index(data_dir, which, state) if state else None
    if found is None and patch:
        from ..load.patch import refresh

        read = kept.pop("read", None) or fingerprint.read_file(data_dir / folder.COMMITMENTS_FILE)
        parts = read and refresh(data_dir, *read)
        found = parts and [parts[k] for k in which]
    if not found or not listindex.answers(found[0], day) or (machine and found[1] is None):
        return None, None  # (an index patch keeps no machine rows: `load.patch`)
    if not noted:
        note_packaged(data_dir)  # as `load` would have
    return found[0], found[1] if machine else None


def print_edit(result, dry_run: bool, said: str | None = None) -> None:
    """What an edit did, on stderr (a dry run: its diff on stdout); `said`: a line more."""
    from ..write.storage import display_path, unified_diff

    shown = display_path(result.path)
    if dry_run:
        sys.stdout.write(unified_diff(result.old_text, result.new_text, shown))
        sys.stderr.write(_("dry run: nothing written") + "\n")
    else:
        sys.stderr.write(_("{id}: updated {path}; review with `git diff` or `bbtrack diff`").format(
            id=result.record_id, path=shown) + "\n")
    if result.notice:
        sys.stderr.write(f"{result.record_id}: {result.notice}\n")
    if said:
        sys.stderr.write(said + "\n")


def event_date(text: str | None, today: _dt.date):
    """`status set --date`: required, since an unsaid date silently became today's for events found
    later; `today` is allowed. (date, what to say once the edit is done: the date `today` stood for)."""
    from ..core.dates import PartialDate, parse_user

    if not text or not text.strip():
        raise UsageError(_("give --date: when it happened (25/6/2024, 2024-06, 2024), or `--date today`"))
    if text.strip().lower() in ("today", "hôm nay", "hom nay"):
        return PartialDate.of(today), _("--date today is {date}").format(date=today.isoformat())
    return parse_user(text, "--date"), None
