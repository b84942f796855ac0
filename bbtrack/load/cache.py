"""A disposable parse cache, in the spirit of Beancount's.

Parsing YAML costs ~0.3 ms a record; unpickling the parsed records is 25–30×
cheaper and needs no yaml import. The cache is derived state only: it lives
in the user's cache folder (never beside the data), is keyed by everything
that could change the result, and any doubt — a missing, corrupt, stale or
foreign entry — means parse again. It is never the source of truth, and it
never holds a folder with errors (those are re-parsed, and reported, each time).

An entry is one file: the fingerprint, `list`'s index (`views.listindex`, after its
length, so that a reader of the records can seek past it), the digest and first
line of each record's span of text (after its length too; read only on a miss,
by `_reuse`), then the `LoadResult`. A stale entry is recognised from the first, small pickle
without unpickling anything else; `list` reads the index and never the
records.
A verdict (`<key>.clean`) is a fingerprint alone: a state bbtrack's own write
created from a checked one, so the next write need not re-check it.

An entry is keyed by the folder's fingerprint (`fingerprint`). This module is on
the start-up path of every read command: a hit imports neither pickle.py
(`_pickle` is the C half) nor tempfile.
"""

from __future__ import annotations

import functools
import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .loader import LoadResult

try:  # the C module itself: pickle.py costs ~1 ms more to import
    from _pickle import load as _unpickle
except ImportError:  # not CPython
    from pickle import load as _unpickle

from ..core.i18n import current
from .fingerprint import SAME_CODE, Hashed, blake2b, cache_dir, digest_bytes, folder_fingerprint

FREEZE_AT = 10_000  # records: from here a load is big enough to gc.freeze() (see _no_gc)


def entry_path(data_dir: Path) -> Path:
    key = blake2b(os.path.realpath(data_dir).encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()
    return cache_dir() / f"{key}.pickle"


def verdict_path(data_dir: Path) -> Path:
    return entry_path(data_dir).with_suffix(".clean")


def known_clean(data_dir: Path, held: tuple | None = None) -> tuple:
    """The folder's fingerprint if bbtrack has found exactly this state clean
    before — an entry (only clean parses are cached) or a verdict left by its own
    write — read without unpickling a record; () otherwise. `held`: see `fingerprint.folder_fingerprint`.

    A write must refuse a broken folder, but at 100k records unpickling them
    only to learn that costs 0.7 s, and parsing them 20 s.
    """
    fingerprint = folder_fingerprint(data_dir, held)
    return fingerprint if fingerprint and _holds((entry_path(data_dir), verdict_path(data_dir)), fingerprint) else ()


def _holds(paths: tuple[Path, ...], fingerprint: tuple) -> bool:
    """Whether one of the files at `paths` (entries, verdicts, patches) is of exactly this state:
    their first pickle, read alone, is its fingerprint."""
    for path in paths:
        try:
            with open(path, "rb") as handle:
                if _unpickle(handle) == fingerprint:
                    return True
        except Exception:  # noqa: BLE001 - missing or unreadable: not this one
            continue
    return False


def vouch(data_dir: Path, checked: tuple, path: Path, old: bytes, new: bytes | tuple[int, int, bytes],
          *, hashed: Hashed | None = None) -> tuple | None:
    """Record that the folder is clean after bbtrack's own write of `path`.

    `checked` is the state the folder was found clean in; the write replaced the
    bytes `old` of one file with `new`, a change the editor only makes when the
    result passes every check (tests/test_properties.py holds it to that). The
    verdict is `checked` with that file's part replaced, so it can only match
    a future state where that file holds exactly `new` and every other file
    exactly what was checked: an edit by anything else is never vouched for.
    Called under the writer lock, just after the rename. `new` may be given as the
    splice (start, end, replacement) of `old`, and `hashed` as `Hashed(old)`. Returns the
    `held` (path, stat, digest) of the file as written, for a caller that fingerprints it next.
    """
    real = os.path.realpath(path)
    parts = list(checked)
    index = next((i for i, part in enumerate(parts) if isinstance(part, tuple) and len(part) == 4
                  and part[0] == real), None)
    if index is None:
        return None
    _, size, _, digest = parts[index]
    if size != len(old) or (hashed.digest if hashed is not None else digest_bytes(old)) != digest:
        return None  # the text spliced was not the text checked (changed in between)
    if isinstance(new, bytes):
        new_digest = digest_bytes(new)
    elif hashed is not None:
        new_digest = hashed.spliced(old, *new)
    else:
        new_digest = digest_bytes(old[:new[0]] + new[2] + old[new[1]:])
    try:
        st = os.stat(real)
    except OSError:
        return None
    if st.st_size != (len(new) if isinstance(new, bytes) else len(old) - (new[1] - new[0]) + len(new[2])):
        return None  # changed since the write: this verdict would match neither state
    parts[index] = (real, st.st_size, st.st_mtime_ns, new_digest)
    _write(verdict_path(data_dir), tuple(parts))
    return real, st, new_digest


def cached_load(data_dir: Path, parse: Callable[..., LoadResult], index: Callable | None = None) -> LoadResult:
    """`parse(data_dir, reuse=...)`, or its result from a fresh cache entry. `index(result.dataset)`,
    (a number of parts, an iterator of them), is stored beside a new entry's records, for
    `cached_index` (None: none is stored).

    On a miss, `reuse` hands the parser the records of the entry that is there (an
    older state of the folder) whose bytes did not change, so that after an edit —
    bbtrack's own, or a `git pull` — only the records that changed are parsed again.
    """
    fingerprint = folder_fingerprint(data_dir)
    if not fingerprint:
        return _no_gc(parse, data_dir)
    entry = entry_path(data_dir)
    hit = _read(entry, fingerprint)
    if hit is not None:
        return hit
    result = _no_gc(parse, data_dir, reuse=functools.partial(_reuse, entry, fingerprint))
    # Only cache a clean parse of files that did not change while being read.
    if not result.errors and folder_fingerprint(data_dir) == fingerprint:
        _write(entry, fingerprint, result, index)
        try:
            os.unlink(index_path(data_dir))  # an older state's, or this one's: the entry says it all now
        except OSError:
            pass
    return result


def _reuse(entry: Path, fingerprint: tuple, plan: dict) -> dict:
    """The records of `entry` whose spans' bytes recur in `plan`, at their new lines.

    Only an entry of the same bbtrack code, folders and versions is used: records
    pickled by other code may not mean the same (a field added to a class would
    shift every value after it). `plan` is {collection: (file name, [Span, ...])} of the files as they are now
    (`loader.parse_folder`); the answer {collection: {span index: record}}. The
    entry's records are unpickled with every `Source` moved by the number of
    lines its record's span moved: an edit above a record shifts it, and its
    file:line:col must be those of a fresh parse (tests/test_cache.py).
    """
    from bisect import bisect_right
    from _pickle import Unpickler

    from ..core.problems import Source

    try:
        with open(entry, "rb") as handle:
            if _unpickle(handle)[:SAME_CODE] != fingerprint[:SAME_CODE]:
                return {}  # the files may differ (each span's digest says what still holds); the code may not
            _skip_parts(handle)
            _unpickle(handle)  # the spans' length
            before = _unpickle(handle)
            if not before:
                return {}
            moves, pairs = {}, {}
            for collection, (name, spans) in plan.items():
                if collection not in before or before[collection][0] != name:
                    continue
                now: dict[bytes, int] = {}
                for i, span in enumerate(spans):
                    now.setdefault(span.digest, i)
                old = before[collection][1]
                pairs[collection] = [(i, j) for j, (digest, _) in enumerate(old) if (i := now.pop(digest, None)) is not None]
                deltas = [0] * len(old)
                for i, j in pairs[collection]:
                    deltas[j] = spans[i].line - old[j][1]
                moves[name] = ([line for _, line in old], deltas)

            def source(file: str, line: int = 0, col: int = 0) -> Source:
                move = moves.get(file)
                if move is not None and line:
                    j = bisect_right(move[0], line) - 1
                    if j >= 0:
                        line += move[1][j]
                return Source(file, line, col)

            class Moving(Unpickler):
                def find_class(self, module: str, name: str):
                    if name == "Source" and module == Source.__module__:
                        return source
                    return super().find_class(module, name)

            _lang, old_result = Moving(handle).load()
    except Exception:  # noqa: BLE001 - no entry, another format, a damaged one: parse it all
        return {}
    records = {"commitments": old_result.dataset.commitments, "crossings": old_result.dataset.crossings}
    return {collection: {i: records[collection][j] for i, j in found} for collection, found in pairs.items()}


def _no_gc(function, *args, **kwargs):
    """Run a loader with the cyclic collector off; freeze what a big load built.

    Loading allocates hundreds of thousands of objects and frees almost none:
    each collection would only re-walk them (100k records: 1.3 s with the
    collector, 0.65 s without). After a big load, `gc.freeze()` moves the
    records out of later collections' way (rendering 75k rows: 2.3 s → 1.75 s).
    Freezing is process-wide, so small loads — and so long-lived library
    users with small data — never freeze.
    """
    enabled = gc.isenabled()
    gc.disable()
    result = None
    try:
        result = function(*args, **kwargs)
        return result
    finally:
        dataset = getattr(result, "dataset", None)
        if dataset is not None and len(dataset.commitments) >= FREEZE_AT:
            gc.freeze()
        if enabled:
            gc.enable()


def cached_index(data_dir: Path, which: tuple[int, ...] = (0,), fingerprint: tuple | None = None):
    """The index parts numbered `which` (ascending) that the index builder gave a fresh entry
    for the folder (part 0 is `list`'s index), or a patch of them (`index_path`), as a list;
    None on any miss (`list` then loads). `fingerprint`: the folder's, if the caller has it."""
    fingerprint = fingerprint or folder_fingerprint(data_dir)
    if not fingerprint:
        return None
    found = _read(entry_path(data_dir), fingerprint, parts=which)
    if found is not None:
        return found
    found = _read(index_path(data_dir), fingerprint, parts=which)
    return None if found is None else _resolve(data_dir, found, which)


def _resolve(data_dir: Path, parts: list, which: tuple[int, ...]) -> list | None:
    """An index patch's parts, each read over the entry's part of the same number where it is a
    change of it (it has `over`, and `base`: the entry's fingerprint); None when the entry is
    not that one (a full read replaced it: the patch is stale)."""
    relative = [(at, number) for at, number in enumerate(which) if hasattr(parts[at], "over")]
    if not relative:
        return parts
    entry = parts[relative[0][0]].base
    if any(parts[at].base != entry for at, _number in relative):
        return None
    try:
        with open(entry_path(data_dir), "rb") as handle:
            if _unpickle(handle) != entry:
                return None
            base = _no_gc(_load_parts, handle, tuple(number for _at, number in relative))
    except Exception:  # noqa: BLE001 - no entry, a damaged one: a miss
        return None
    if base is None:
        return None
    resolved = list(parts)
    for (at, _number), part in zip(relative, base):
        resolved[at] = parts[at].over(part)
    return resolved


def stored(data_dir: Path, fingerprint: tuple) -> bool:
    """Whether an entry or an index patch of exactly this state is there (read without unpickling
    more than its fingerprint)."""
    return _holds((entry_path(data_dir), index_path(data_dir)), fingerprint)


def index_path(data_dir: Path) -> Path:
    """An entry without records: the index parts and spans of a later state than the entry's,
    patched from an earlier one's (`load.patch`). The entry's records stay the base that
    `_reuse` parses a changed folder against; a full entry written later removes it."""
    return entry_path(data_dir).with_suffix(".index")


def read_base(data_dir: Path, code: tuple, which: tuple[int, ...]) -> tuple[tuple, list, dict, list] | None:
    """(fingerprint, the index parts numbered `which` (None for the others), spans, those parts as
    stored) of the newest state cached for the folder — the index patch if there is one (whose
    parts may be changes of the entry's: `_resolve`), else the entry — if it was made by code
    whose fingerprint starts with `code`'s; None otherwise. `code` is the current fingerprint:
    an entry of that state itself is answered without its parts."""
    for path in (index_path(data_dir), entry_path(data_dir)):
        try:
            with open(path, "rb") as handle:
                fingerprint = _unpickle(handle)
                if fingerprint == code:
                    return fingerprint, [], {}, []  # the state itself: nothing to patch
                if tuple(fingerprint[:SAME_CODE]) != tuple(code[:SAME_CODE]):
                    continue

                def every() -> tuple[list, dict]:
                    parts = []
                    for number in range(_unpickle(handle)):
                        length = _length(handle)
                        if number in which:
                            parts.append(_unpickle(handle))
                        else:
                            parts.append(None)
                            handle.seek(length, os.SEEK_CUR)
                    _unpickle(handle)
                    return parts, _unpickle(handle)

                stored, spans = _no_gc(every)
                parts = _resolve(data_dir, stored, tuple(range(len(stored)))) if spans else None
                if parts is not None:
                    return fingerprint, parts, spans, stored
        except Exception:  # noqa: BLE001 - missing or damaged: try the other, then give up
            continue
    return None


def write_index(data_dir: Path, fingerprint: tuple, parts: list, spans: dict) -> None:
    """Store a patched state's index parts and spans (`index_path`)."""
    _write(index_path(data_dir), fingerprint, parts=parts, spans=spans)


def _skip_parts(handle) -> None:
    """Seek past the entry's index parts; the handle is after their number."""
    for _ in range(_unpickle(handle)):
        handle.seek(_length(handle), os.SEEK_CUR)


def _load_parts(handle, which: tuple[int, ...]) -> list | None:
    if _unpickle(handle) <= which[-1]:
        return None
    found = []
    for number in range(which[-1] + 1):
        length = _length(handle)
        if number in which:
            found.append(_unpickle(handle))
        else:
            handle.seek(length, os.SEEK_CUR)
    return found


def _read(entry: Path, fingerprint: tuple, *, parts: tuple[int, ...] = ()):
    """The records of the entry (or, with `parts`, those index parts) if it is `fingerprint`'s."""
    try:
        with open(entry, "rb") as handle:
            if _unpickle(handle) != fingerprint:
                return None
            if parts:
                return _no_gc(_load_parts, handle, parts)
            _skip_parts(handle)
            handle.seek(_length(handle), os.SEEK_CUR)  # the spans, for `_reuse` only
            lang, result = _no_gc(_unpickle, handle)
            if result.problems and lang != current():
                return None  # warnings in another language: read again, reusing every record (`_reuse`)
            return result
    except Exception:  # missing, truncated, from another version: all just a miss
        return None


_WIDE = 1 << 62  # a section's length is pickled as _WIDE | length: always 8 bytes, so it can be filled in after


def _length(handle) -> int:
    """The length of the section that follows (`_dump_section`)."""
    return _unpickle(handle) & (_WIDE - 1)


def _dump_section(handle, part, pickle) -> None:
    """`part`, after its length: pickled straight to the file (a 100 MB part is not built as
    bytes in memory first), its length written into the room left before it."""
    at = handle.tell()
    handle.write(pickle.dumps(_WIDE, protocol=pickle.HIGHEST_PROTOCOL))
    start = handle.tell()
    pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(part)
    end = handle.tell()
    handle.seek(at)
    handle.write(pickle.dumps(_WIDE | (end - start), protocol=pickle.HIGHEST_PROTOCOL))
    handle.seek(end)


def _write(entry: Path, fingerprint: tuple, result: LoadResult | None = None, index: Callable | None = None,
           *, parts: list | None = None, spans: dict | None = None) -> None:
    """An entry (`result` given), a verdict (the fingerprint alone) or an index patch (`parts`)."""
    import dataclasses
    import pickle

    tmp = entry.with_name(f".tmp-{os.getpid()}-{entry.name}")
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Private to the user: whoever can write an entry can run code in the next bbtrack.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with open(fd, "wb") as handle:
                pickle.dump(fingerprint, handle, protocol=pickle.HIGHEST_PROTOCOL)
                if result is not None or parts is not None:
                    # `index(dataset)` is (how many parts, an iterator of them): each is written and
                    # dropped before the next is built, so the peak holds one part at a time.
                    if result is not None:
                        count, parts = index(result.dataset) if index else (0, iter(()))
                        spans = result.spans
                    else:
                        count = len(parts)
                    pickle.dump(count, handle, protocol=pickle.HIGHEST_PROTOCOL)
                    for part in parts:
                        _dump_section(handle, part, pickle)
                        del part
                    _dump_section(handle, spans, pickle)
                if result is not None:
                    # The language its warnings were written in: a reader of another language reads
                    # the folder again (its records all reused), where the key would have made it parse all.
                    _pickler(handle).dump((current(), dataclasses.replace(result, spans=None)))
            os.replace(tmp, entry)  # readers see the old entry or the new one, never half of one
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except Exception:  # noqa: BLE001 - a read-only home, a full disk, an odd object: only speed is lost
        pass


def _pickler(handle):
    """A pickler that stores each record as `Class(*fields)` and shares repeated values.

    The default pickling of a frozen, slotted dataclass calls a Python-level
    `__setstate__` that re-reads `dataclasses.fields()` for every object; a
    call of the class itself is ~2× faster to load (0.7 s instead of 1.3 s
    for 100k records). Values that repeat across records (statuses, party
    lists, dates, file names) are pickled once and referenced after that, so
    loading builds fewer objects. Free text is never shared.
    """
    import dataclasses
    import pickle

    from ..core.dates import PartialDate
    from ..core.model import Commitment, Crossing, Dataset, HistoryEntry, Meeting
    from ..core.problems import Problem, Source

    shared_fields = {
        Commitment: {"parties", "crossings", "kind", "due", "status"},
        HistoryEntry: {"date", "from_", "to", "kind", "by", "confidence"},
        Crossing: {"province", "kind", "target_kind", "stage", "zh_confidence"},
        Meeting: set(),
        Dataset: set(),
        Source: {"file"},
        Problem: {"code", "severity"},
        PartialDate: set(),
    }
    layouts = {}
    for cls, shared in shared_fields.items():
        fields = dataclasses.fields(cls)
        if all(f.init and not f.kw_only for f in fields):  # else: pickle's default for this class
            layouts[cls] = tuple((f.name, f.name in shared) for f in fields)
    canonical: dict = {}

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            layout = layouts.get(type(obj))
            if layout is None:
                return NotImplemented
            values = []
            for name, shared in layout:
                value = getattr(obj, name)
                if shared and value is not None:
                    # One object per distinct value: the pickle memo then writes a reference.
                    try:
                        value = canonical.setdefault((type(value), value), value)
                    except TypeError:  # unhashable: pickled as it is
                        pass
                values.append(value)
            return type(obj), tuple(values)

    return Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)


def clear() -> int:
    """Remove every cache entry; returns how many were removed."""
    removed = 0
    for path in [*cache_dir().glob("*.pickle"), *cache_dir().glob("*.clean"), *cache_dir().glob("*.index"),
                 *cache_dir().glob("audit-*.json")]:
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed
