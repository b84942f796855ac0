"""What a cache entry is keyed by: the folder's fingerprint, and the digests it is made of.

A fingerprint names bbtrack's version and the code that shapes a parse, the folders as
spelled, and each data file's resolved path, size, mtime and a hash of its bytes: an
entry (`cache`) is used only for exactly that state. Hashing is ~1 ms per MB; parsing
~700 ms per MB.

This module is on the start-up path of every read command: a hit imports neither hashlib
(OpenSSL's loader costs ~3 ms; `_blake2` is built in) nor pickle.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import __version__

try:  # the C module itself: hashlib costs ~3 ms more to import
    from _blake2 import blake2b
except ImportError:  # not CPython
    from hashlib import blake2b

FORMAT = 10  # of the cache's entries: bump when the pickled classes or the entry layout change shape
_CHUNK = 1 << 20
_BIG = 8 << 20  # bytes: above this, hash with hashlib's SHA-256
# Modules whose code decides what a parse yields or how its objects are pickled:
# editing one (a development checkout) makes every entry stale without a version bump.
# Paths are relative to the package folder.
_CODE = ("load/cache.py", "load/fingerprint.py", "core/dates.py", "core/errors.py", "load/folder.py",
         "views/listindex.py", "load/loader.py", "load/cached.py", "load/spans.py", "load/portable.py",
         "core/model.py", "core/problems.py", "core/provinces.py", "ops/query.py", "views/render.py", "views/tables.py", "core/text.py",
         "load/validate.py", "core/vocab.py", "views/labels.py",
         # The list index holds cells in every language: translated by these catalogues.
         "locale/vi/LC_MESSAGES/bbtrack.mo", "locale/zh/LC_MESSAGES/bbtrack.mo")


def digest_file(handle, size: int) -> str:
    if size >= _BIG:
        import hashlib  # OpenSSL's SHA-256 is 2× faster than blake2b; its import is worth it only here

        return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
    h = blake2b(digest_size=20)
    while chunk := handle.read(_CHUNK):
        h.update(chunk)
    return h.hexdigest()


def digest_bytes(data: bytes) -> str:
    """`digest_file` of bytes already in memory (the same algorithm for the same size)."""
    if len(data) >= _BIG:
        import hashlib

        return "sha256:" + hashlib.sha256(data).hexdigest()
    return blake2b(data, digest_size=20).hexdigest()


_STEP = 1 << 20  # bytes between the hash states `Hashed` keeps


class Hashed:
    """`digest_bytes(data)`, with the hash's state kept every _STEP bytes.

    An edit replaces a run of bytes: the digest of the result then costs only
    the bytes from the last state before the run, not a second pass over the
    file (85 MB: 50 ms) for a verdict.
    """

    def __init__(self, data: bytes) -> None:
        self.size = len(data)
        if self.size >= _BIG:
            import hashlib

            self._prefix, h = "sha256:", hashlib.sha256()
        else:
            self._prefix, h = "", blake2b(digest_size=20)
        view = memoryview(data)
        self._states = [h.copy()]  # [k]: the state after data[:k * _STEP]
        for pos in range(0, self.size, _STEP):
            h.update(view[pos:pos + _STEP])
            self._states.append(h.copy())
        self.digest = self._prefix + h.hexdigest()

    def spliced(self, data: bytes, start: int, end: int, replacement: bytes) -> str:
        """`digest_bytes(data[:start] + replacement + data[end:])`; `data` is the bytes hashed."""
        view = memoryview(data)
        size = self.size - (end - start) + len(replacement)
        if (size >= _BIG) != (self.size >= _BIG):  # another algorithm: hash it all
            return digest_bytes(data[:start] + replacement + data[end:])
        h = self._states[start // _STEP].copy()
        h.update(view[start // _STEP * _STEP:start])
        h.update(replacement)
        h.update(view[end:])
        return self._prefix + h.hexdigest()


def folder_fingerprint(data_dir: Path, held: tuple | None = None, keep: dict | None = None) -> tuple:
    """Versions, code, folders, and for each data file its resolved path, size,
    mtime_ns and a content hash; () when a file cannot be read.

    `held` = (path, stat, digest) of a data file whose bytes the caller has read
    and hashed: its part is made from them instead of reading the file again.
    `keep`: where the commitments file's bytes go, with their `held`, under "read", when
    they had to be read (a caller that may patch from them reads them once).

    size/mtime alone miss an edit that keeps both (an editor restoring mtime,
    a same-second checkout); hashing the bytes is ~1 ms per MB, far cheaper
    than parsing them (~700 ms per MB).
    """
    from .folder import COMMITMENTS_FILE, CROSSINGS_FILE
    from ..core.vocab import SCHEMA_VERSION

    here = os.path.dirname(os.path.dirname(__file__))
    code = []
    for name in _CODE:
        try:
            st = os.stat(os.path.join(here, name))
        except OSError:
            return ()
        code.append((name, st.st_size, st.st_mtime_ns))
    # The folder as spelled (it is kept in the result) and the current folder (messages
    # name files relative to it) change the result as much as the files do. The reader's
    # language does not: an entry's warnings say which language they are in (`cache._read`).
    parts: list[object] = [__version__, SCHEMA_VERSION, FORMAT, tuple(code), os.getcwd(), str(data_dir)]
    for name in (COMMITMENTS_FILE, CROSSINGS_FILE):
        path = data_dir / name
        if held is not None and os.path.realpath(path) == os.path.realpath(held[0]):
            st, digest = held[1], held[2]
            parts.append((os.path.realpath(path), st.st_size, st.st_mtime_ns, digest))
            continue
        try:
            st, digest = _file_digest(path, keep if name == COMMITMENTS_FILE else None)
        except OSError:
            return ()  # unreadable: let the parser report it, uncached
        parts.append((os.path.realpath(path), st.st_size, st.st_mtime_ns, digest))
    return tuple(parts)


# A file's digest is taken again without reading it while its inode, size, mtime and ctime are
# those it had when it was hashed, if that was this long after its last change (git's "racy"
# rule): a write in the same clock tick as the hash could leave all four as they were, but
# not two seconds later. No program sets a ctime; any write, rename or chmod moves it. At
# 100k records (186 MB) this spares every warm command 0.25 s of reading and hashing.
SETTLED_NS = 2_000_000_000
_MEMO_SIZE = 64  # files remembered (a few folders' two files)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bbtrack"


def _memo_path() -> Path:
    return cache_dir() / "digests.pickle"


def _stat_key(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


_read_memo: dict[Path, dict] = {}  # per cache folder, read once a process


def _memo() -> dict:
    path = _memo_path()
    if path not in _read_memo:
        try:
            from _pickle import load
        except ImportError:  # not CPython
            from pickle import load
        try:
            with open(path, "rb") as handle:
                found = load(handle)
            _read_memo[path] = found if isinstance(found, dict) else {}
        except Exception:  # noqa: BLE001 - missing or damaged: nothing remembered
            _read_memo[path] = {}
    return _read_memo[path]


def _file_digest(path: Path, keep: dict | None = None) -> tuple[os.stat_result, str]:
    """(the file's stat, its digest), the digest remembered when the stat says the bytes are
    those hashed before (`SETTLED_NS`). `keep`: see `folder_fingerprint`."""
    real = os.path.realpath(path)
    st = os.stat(real)
    known = _memo().get(real)
    if known is not None and known[0] == _stat_key(st):
        return st, known[1]
    if keep is not None:
        read = read_file(Path(real))
        if read is None:
            raise OSError("changed while read")
        keep["read"] = read
        return read[1][1], read[1][2]
    with open(real, "rb") as handle:
        st = os.fstat(handle.fileno())  # before the bytes are read: a later write moves its ctime
        digest = digest_file(handle, st.st_size)
    remember(real, st, digest)
    return st, digest


def remember(real: str, st: os.stat_result, digest: str) -> None:
    """Keep `digest` for the file at `real` as `st` (taken before its bytes were read) shows it,
    if its last change was long enough before (`SETTLED_NS`)."""
    import time

    if time.time_ns() - st.st_ctime_ns < SETTLED_NS:
        return
    memo = dict(_memo())
    if memo.get(real) == (_stat_key(st), digest):
        return
    memo.pop(real, None)
    memo[real] = (_stat_key(st), digest)
    while len(memo) > _MEMO_SIZE:
        memo.pop(next(iter(memo)))  # the oldest first
    import pickle

    path = _memo_path()
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            pickle.dump(memo, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _read_memo[path] = memo
    except Exception:  # noqa: BLE001 - a read-only cache folder: only speed is lost
        try:
            os.unlink(tmp)
        except OSError:
            pass


SAME_CODE = 6  # fingerprint parts before the files': versions, format, code, folders


def fingerprint_of(data_dir: Path, path: Path, data: bytes, held: tuple | None = None) -> tuple:
    """The folder's fingerprint with `path`'s part made from `data`, bytes read from it (`folder_fingerprint`);
    `held`: `read_file`'s, for those bytes."""
    if held is None:
        try:
            st = os.stat(path)
        except OSError:
            return ()
        if st.st_size != len(data):
            return ()  # changed since: this fingerprint would match neither state
        held = (path, st, digest_bytes(data))
    return folder_fingerprint(data_dir, held)


def read_file(path: Path) -> tuple[bytes, tuple] | None:
    """(the bytes of `path`, the `held` that `folder_fingerprint` takes for them), so that a caller that
    needs both the fingerprint and the bytes (a patch: `load.patch`) reads and hashes the file
    once; None when it cannot be read whole."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            data = handle.read()
    except (OSError, MemoryError):
        return None
    if len(data) != st.st_size:
        return None  # written to while read
    digest = digest_bytes(data)
    remember(os.path.realpath(path), st, digest)
    return data, (path, st, digest)


