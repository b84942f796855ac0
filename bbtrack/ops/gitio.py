"""The little bbtrack asks of git. Arguments are always lists, never a shell string,
and a user-supplied revision is checked before it can be read as an option."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ..core.errors import NotFoundError, UsageError
from ..core.i18n import _

_REV = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/@{}~^:-]*$")


def check_rev(rev: str) -> str:
    """A revision that cannot be mistaken for an option (`--output=/tmp/x` is refused)."""
    if not rev or rev.startswith("-") or not _REV.match(rev) or ".." in rev.replace("...", ""):
        raise UsageError(_("invalid git revision {rev!r}; use a commit, branch or tag such as HEAD~1 or main").format(rev=rev))
    return rev


def run(args: list[str], cwd: Path, *, check: bool = True) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=30)
    except FileNotFoundError:
        raise NotFoundError(_("git is not installed; install git to use this command")) from None
    except subprocess.TimeoutExpired:
        raise NotFoundError(_("git {command} did not answer within 30 s").format(command=args[0])) from None
    if check and proc.returncode != 0:
        message = (proc.stderr.strip().splitlines() or [_("failed")])[-1]  # git's own words, in git's language
        raise NotFoundError(f"git {args[0]}: {message}")
    return proc.stdout


def toplevel(path: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    try:
        out = run(["rev-parse", "--show-toplevel"], folder)
    except NotFoundError:
        raise NotFoundError(_("{folder} is not inside a git repository; this command compares git revisions").format(
            folder=folder)) from None
    return Path(out.strip())


def show(rev: str, path: Path) -> str | None:
    """The file's text at `rev`, or None if it did not exist there."""
    top = toplevel(path)
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    check_rev(rev)
    if run(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top, check=False).strip() == "":
        raise NotFoundError(_("unknown git revision {rev!r}; see `git log --oneline`").format(rev=rev))
    proc = subprocess.run(["git", "show", f"{rev}:{rel}", "--"], cwd=top, capture_output=True, timeout=30)
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", errors="strict")


def stamp(path: Path) -> tuple[str, bool] | None:
    """(short hash, dirty) of the repository holding `path`, or None outside git."""
    try:
        top = toplevel(path)
        head = run(["rev-parse", "--short", "HEAD"], top).strip()
        dirty = bool(run(["status", "--porcelain", "--", str(path)], top).strip())
    except NotFoundError:
        return None
    return head, dirty


def user_name(path: Path) -> str | None:
    try:
        return run(["config", "user.name"], path if path.is_dir() else path.parent).strip() or None
    except NotFoundError:
        return None
