"""Writing data files safely: one writer at a time, atomic replace, no lost edits.

Every writer goes through `update_file`, which

1. takes an exclusive `flock` on `<data dir>/.bbtrack.lock` (waiting up to
   `LOCK_TIMEOUT` seconds). The lock is a separate file on purpose: a lock on
   the data file itself would be lost when the atomic rename swaps a new inode
   in, and a writer queued on the old inode would then overwrite the edit just
   made. The kernel drops a flock when its holder dies, so a killed bbtrack
   never leaves a stale lock;
2. reads the bytes and decodes them strictly as UTF-8 (a BOM and CRLF
   newlines stay in the str exactly as they are in the file);
3. calls `transform(text)`;
4. writes the new text to `.<name>.<random>.tmp` in the same folder, fsyncs
   it, gives it the original file's mode, reads the file on disk again (an
   editor save or `git checkout` does not take our lock: if its bytes changed
   since they were read, nothing is written) and `os.replace`s it over the file, then
   fsyncs the folder so the rename itself survives a crash.

Readers never lock: a replace is atomic, so they see the old or the new file.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from ..core.errors import ConflictError, DataError, NotFoundError
from ..core.i18n import _
from ..core.problems import Source
from ..core.text import display_path

if TYPE_CHECKING:
    from .yamledit import Splice

LOCK_NAME = ".bbtrack.lock"  # listed in .gitignore
LOCK_TIMEOUT = 10.0  # seconds to wait for another writer before giving up
_LOCK_POLL = 0.05


# --- reading ---------------------------------------------------------------------------


def _read_bytes(path: Path, name: str) -> bytes:
    return _read_with_stat(path, name)[0]


def _decode(data: bytes, name: str) -> str:
    try:
        # Plain "utf-8", not "utf-8-sig": a BOM stays in the str so that it is
        # written back; bytes are not newline-translated, so CRLF stays too.
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", errors="replace")) + 1  # characters, not bytes
        where = Source(name, data.count(b"\n", 0, exc.start) + 1, column)
        raise DataError(
            _("byte {byte} at byte offset {offset} is not UTF-8; save the file as UTF-8").format(
                byte=f"0x{data[exc.start]:02x}", offset=exc.start),
            where,
        ) from None


# --- locking ---------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(folder: Path, name: str, *, required: bool) -> Iterator[None]:
    """Hold the folder's writer lock. With required=False a lock file that
    cannot be created (read-only folder) is skipped: a dry run writes nothing."""
    lock_path = folder / LOCK_NAME
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        if not required:
            yield
            return
        raise DataError(
            _("cannot create the lock file {path}: {reason}; is the data folder writable?").format(
                path=display_path(lock_path), reason=exc.strerror or exc),
            Source(name),
        ) from None
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                # Poll rather than block: a blocking flock cannot time out.
                if time.monotonic() >= deadline:
                    raise ConflictError(_("another bbtrack is writing {name}; try again").format(name=name),
                                        Source(name)) from None
                time.sleep(_LOCK_POLL)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


# --- writing ---------------------------------------------------------------------------


def _check_writable(path: Path, name: str) -> None:
    """Refuse a read-only file or folder before doing any work.

    Mode bits are checked as well as access(2): root may write anything, but a
    file someone made read-only is meant to stay unchanged.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise NotFoundError(_("file not found; check the data folder (--data-dir)"), Source(name)) from None
    if not mode & 0o222:
        raise DataError(_("is read-only (mode {mode}); make it writable to edit it").format(mode=f"{stat.S_IMODE(mode):o}"),
                        Source(name))
    folder = path.parent
    if not folder.stat().st_mode & 0o222 or not os.access(folder, os.W_OK | os.X_OK):
        raise DataError(
            _("the folder {folder} is read-only; bbtrack writes a new file there and renames it").format(
                folder=display_path(folder)),
            Source(name),
        )


def _remove_stale_temps(path: Path) -> None:
    """Delete temp files of writers that were killed mid-write.

    Only called under the lock: no live bbtrack writer has a temp file then.
    """
    pattern = re.compile(r"\." + re.escape(path.name) + r"\.[A-Za-z0-9_]+\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _write_all(fd: int, payload: bytes | list) -> None:
    """Write `payload`, or each buffer of a list of them in turn (a splice is written as the
    old bytes before it, the new ones and the old ones after it, never joined in memory)."""
    for part in payload if isinstance(payload, list) else [payload]:
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view):]


def _holds(path: Path, expected: bytes) -> bool:
    """Whether the file holds exactly `expected` (False when it is gone).

    Read a block at a time and compared in place: reading 85 MB into a new
    object costs more than the comparison (fresh pages).
    """
    try:
        handle = open(path, "rb", buffering=0)
    except FileNotFoundError:
        return False
    with handle:
        block = bytearray(1 << 20)
        view = memoryview(block)
        pos = 0
        while count := handle.readinto(block):
            if not expected.startswith(view[:count], pos):
                return False
            pos += count
        return pos == len(expected)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename durable. Some file systems refuse fsync on a folder;
    # the replace has happened by then, so that is not an error worth raising.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_atomic(path: Path, payload: bytes | list, read: bytes, name: str) -> None:
    folder = path.parent
    try:
        original = path.stat()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        raise ConflictError(_("the file was removed while bbtrack was editing it; nothing written"),
                            Source(name)) from None
    except OSError as exc:
        raise DataError(_("cannot write in {folder}: {reason}; nothing written").format(
            folder=display_path(folder), reason=exc.strerror or exc),
                        Source(name)) from None
    try:
        try:
            _write_all(fd, payload)
            os.fchmod(fd, stat.S_IMODE(original.st_mode))
            with contextlib.suppress(PermissionError):  # only root may give a file away
                os.fchown(fd, original.st_uid, original.st_gid)
            os.fsync(fd)
        finally:
            os.close(fd)
        # Last look before the rename: an editor save or `git checkout` does not
        # take our lock. (A change in the microseconds between this read and the
        # rename is still lost; nothing short of the lock can close that window.)
        # Comparing the bytes is exact and, unlike hashing both, a memcmp.
        if not _holds(path, read):
            raise ConflictError(
                _("the file changed on disk while bbtrack was editing it (an editor or git?); "
                  "nothing written, run the command again"),
                Source(name),
            )
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise DataError(_("cannot write: {reason}; nothing written").format(reason=exc.strerror or exc),
                            Source(name)) from None
        raise
    _fsync_dir(folder)


def update_file(path: Path, transform: Callable[[str], str], *, dry_run: bool = False,
                on_written: Callable[[bytes, bytes], None] | None = None) -> tuple[str, str]:
    """Under an exclusive lock, read `path` (bytes → decode UTF-8 strictly, keep BOM and newlines as they are
    in the str), call transform(text) -> new_text, and (unless dry_run) write atomically. Return (old_text, new_text).

    Nothing is written when the new text equals the old one. After a write,
    on_written(old bytes, new bytes) runs while the lock is still held. Raises
    ConflictError (lock not obtained in LOCK_TIMEOUT s, or the file changed on
    disk meanwhile), NotFoundError, DataError (unreadable, not UTF-8,
    read-only); whatever `transform` raises propagates and nothing is written.
    """
    given = Path(path)
    name = display_path(given)
    target = Path(os.path.realpath(given))  # through a symlink: replace its target, keep the link
    with _locked(target.parent, name, required=not dry_run):
        if not dry_run:
            _check_writable(target, name)
        data = _read_bytes(target, name)
        old = _decode(data, name)
        new = transform(old)
        if dry_run or new == old:
            return old, new
        try:
            payload = new.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise DataError(_("new text cannot be stored as UTF-8 ({reason}); nothing written").format(reason=exc.reason),
                            Source(name)) from None
        _remove_stale_temps(target)
        _write_atomic(target, payload, data, name)
        if on_written is not None:
            on_written(data, payload)
    return old, new


def splice_file(path: Path, edit: Callable[[bytes], Splice | None], *, dry_run: bool = False,
                check: Callable[[bytes, os.stat_result], bool] | None = None,
                on_written: Callable[[bytes, Splice], None] | None = None) -> tuple[bytes, Splice | None]:
    """`update_file` for an edit that replaces one run of bytes: under the same lock, with the
    same checks and the same atomic write, but the file is never decoded or re-encoded whole.

    `check(data, stat)` runs first on the bytes read (and the stat of the descriptor they were
    read from); True means they are bytes a clean load has read, so valid UTF-8. Otherwise
    they are decoded strictly as `update_file` decodes them. Then `edit(data)` returns the
    splice (None: nothing to change), which is written as the old bytes around the new ones.
    Returns (old bytes, splice); raises what `update_file` raises.
    """
    given = Path(path)
    name = display_path(given)
    target = Path(os.path.realpath(given))
    with _locked(target.parent, name, required=not dry_run):
        data, st = _read_with_stat(target, name)
        known = check(data, st) if check is not None else False
        if not dry_run:
            _check_writable(target, name)
        if not known:
            _decode(data, name)
        splice = edit(data)
        if dry_run or splice is None or data[splice.start:splice.end] == splice.replacement:
            return data, splice
        view = memoryview(data)
        _remove_stale_temps(target)
        _write_atomic(target, [view[:splice.start], splice.replacement, view[splice.end:]], data, name)
        if on_written is not None:
            on_written(data, splice)
    return data, splice


def _read_with_stat(path: Path, name: str) -> tuple[bytes, os.stat_result]:
    try:
        with open(path, "rb") as handle:
            return handle.read(), os.fstat(handle.fileno())
    except FileNotFoundError:
        raise NotFoundError(_("file not found; check the data folder (--data-dir)"), Source(name)) from None
    except IsADirectoryError:
        raise DataError(_("is a folder, not a data file"), Source(name)) from None
    except PermissionError:
        raise DataError(_("cannot read: permission denied"), Source(name)) from None
    except OSError as exc:
        raise DataError(_("cannot read: {reason}").format(reason=exc.strerror or exc), Source(name)) from None


# --- showing a change ------------------------------------------------------------------

_HUNK = re.compile(r"@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def _lines(text: str) -> list[str]:
    """Lines split on "\\n" only (str.splitlines would also split inside a value at
    U+2028, U+0085, \\x1c...), each keeping its "\\n" ("\\r\\n" stays visible)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def unified_diff(old: str, new: str, path: str, *, context: int = 3) -> str:
    """A git-style unified diff (a/path, b/path) of two texts; "" when equal.

    Identical leading and trailing lines are cut off before difflib runs, so a
    one-record change in a large file costs one pass over the lines.
    """
    if old == new:
        return ""
    a, b = _lines(old), _lines(new)
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    first = max(0, head - context)
    keep_tail = max(0, tail - context)
    out = []
    for line in difflib.unified_diff(a[first:len(a) - keep_tail], b[first:len(b) - keep_tail],
                                     f"a/{path}", f"b/{path}", n=context):
        if first and line.startswith("@@"):
            line = _HUNK.sub(lambda m: f"@@ -{int(m[1]) + first}{m[2]} +{int(m[3]) + first}{m[4]} @@", line, 1)
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)
