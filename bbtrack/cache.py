"""A disposable parse cache, in the spirit of Beancount's.

Parsing YAML costs ~0.3 ms a record; unpickling the parsed records is 25–30×
cheaper and needs no yaml import. The cache is derived state only: it lives
in the user's cache folder (never beside the data), is keyed by everything
that could change the result, and any doubt — a missing, corrupt, stale or
foreign entry — means parse again. It is never the source of truth.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from . import __version__
from .model import SCHEMA_VERSION

if TYPE_CHECKING:
    from .loader import LoadResult

_FORMAT = 1  # bump when the pickled classes change shape


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bbtrack"


def _fingerprint(data_dir: Path) -> tuple:
    """Stat data plus a content hash of each data file.

    size/mtime alone miss an edit that keeps both (an editor restoring mtime,
    a same-second checkout); hashing the bytes is ~1 ms per MB, far cheaper
    than parsing them.
    """
    from .loader import COMMITMENTS_FILE, CROSSINGS_FILE

    parts: list[object] = [__version__, SCHEMA_VERSION, _FORMAT, os.getcwd()]
    for name in (COMMITMENTS_FILE, CROSSINGS_FILE):
        path = data_dir / name
        try:
            with open(path, "rb") as handle:
                st = os.fstat(handle.fileno())
                digest = hashlib.file_digest(handle, "blake2b").hexdigest()
        except OSError:
            return ()  # unreadable: let the parser report it, uncached
        parts.append((str(path.resolve()), st.st_size, st.st_mtime_ns, digest))
    return tuple(parts)


def _entry_path(data_dir: Path) -> Path:
    key = hashlib.sha1(str(data_dir.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return cache_dir() / f"{key}.pickle"


def cached_load(data_dir: Path, parse: Callable[[Path], LoadResult]) -> LoadResult:
    fingerprint = _fingerprint(data_dir)
    if not fingerprint:
        return parse(data_dir)
    entry = _entry_path(data_dir)
    hit = _read(entry, fingerprint)
    if hit is not None:
        return hit
    result = parse(data_dir)
    # Only cache what was read from unchanged files: re-check after parsing.
    if _fingerprint(data_dir) == fingerprint:
        _write(entry, fingerprint, result)
    return result


def _read(entry: Path, fingerprint: tuple) -> LoadResult | None:
    try:
        with open(entry, "rb") as handle:
            gc.disable()  # unpickling many small objects: the collector only slows it down
            try:
                stored_fingerprint, result = pickle.load(handle)
            finally:
                gc.enable()
    except Exception:  # missing, truncated, from another version: all just a miss
        return None
    return result if stored_fingerprint == fingerprint else None


def _write(entry: Path, fingerprint: tuple, result: LoadResult) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((fingerprint, result), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only home or full disk only costs speed


def clear() -> int:
    """Remove every cache entry; returns how many were removed."""
    removed = 0
    for path in cache_dir().glob("*.pickle"):
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed
