"""`list`'s index after a change of a few records, patched instead of rebuilt.

After bbtrack's own write (`status set`, `add`, …) or a pull of a few records,
a cache miss used to parse the changed records, then validate the whole folder,
build the whole index and pickle every record again: at 100k records over a
minute on a loaded machine. Here only the commitments whose span bytes changed
are composed and checked; the checks that compare records with each other
(duplicate ids, references to crossings) run over the ids the index keeps; the
index's rows are replaced where records changed; and the result is written as
an index patch (`cache.index_path`), an entry without records. The entry's
records stay as they were, the base a later full read re-parses against.

Anything out of the ordinary gives up (returns False) and the caller reads the
folder the long way, which reports every problem as a whole read does: the
crossings file changed, the header (schema, meetings) changed, a file laid out so
that it cannot be split, a changed record with any problem at all, many changed
records. A patch is only ever written for the exact bytes it parsed: its
fingerprint is made from them (`fingerprint.fingerprint_of`).

Like `cached.py`, this module wraps the loader and the cache; neither knows it.
"""

from __future__ import annotations

from pathlib import Path

from . import cache, fingerprint, loader
from .folder import COMMITMENTS_FILE, CROSSINGS_FILE

MAX_CHANGED = 2000  # records: above this a full read is about as quick, and says more


def refresh(data_dir: Path, data: bytes | None = None, held: tuple | None = None) -> list | None:
    """The cached index parts (`listindex.PARTS`; a patch has no JSON or CSV rows: None) of the
    folder's state, patched and stored if need be; None when no patch could be made.

    `data`: the bytes of the commitments file as just written by bbtrack, or as read by
    `fingerprint.read_file` with its `held` (saves reading and hashing them again); they are used
    only if the file still holds exactly them."""
    try:
        return _refresh(data_dir, data, held)
    except (OSError, UnicodeDecodeError, MemoryError, ValueError):
        return None


def _refresh(data_dir: Path, data: bytes | None, held: tuple | None) -> list | None:
    from ..core.model import Dataset
    from ..core.text import display_path
    from ..views import listindex
    from .spans import BOM, Span, Split, lines_at, readable_alone, split_bytes
    from .validate import PER_RECORD

    path = data_dir / COMMITMENTS_FILE
    if data is None:
        data = path.read_bytes()
    state = fingerprint.fingerprint_of(data_dir, path, data, held)
    if not state:
        return None
    base = cache.read_base(data_dir, state, (0, listindex.PARTS.index("meetings")))
    if base is None:
        return None
    old_state, parts, spans, stored = base
    if old_state == state:  # this very state is cached
        return cache.cached_index(data_dir, tuple(range(len(listindex.PARTS))))
    if len(parts) != len(listindex.PARTS) or "commitments" not in spans or "crossings" not in spans:
        return None
    if len(state) != fingerprint.SAME_CODE + 2 or state[-1] != old_state[-1]:
        return None  # the crossings changed: every reference may mean another thing
    index, _, _, meetings = parts
    name = display_path(path)
    old_name, old_spans = spans["commitments"]
    # An entry's spans are (digest, first line); a patch keeps the digests alone.
    old_digests = [span[0] for span in old_spans] if old_spans and isinstance(old_spans[0], tuple) else old_spans
    if old_name != name or len(old_digests) != len(index.file_ids):
        return None
    raw = data[len(BOM):] if data.startswith(BOM) else data
    pieces = split_bytes(raw, "commitments")
    if pieces is None:
        return None
    # Each span whose bytes the base state had is that record; no two spans of a clean state
    # are the same bytes (ids are unique), and two new ones that are would be one id twice.
    was = dict(zip(old_digests, range(len(old_digests))))
    matched = list(map(was.get, pieces.digests))
    changed = [i for i, j in enumerate(matched) if j is None]
    kept = set(matched)
    kept.discard(None)
    if len(was) != len(old_digests) or len(kept) != len(matched) - len(changed) or len(changed) > MAX_CHANGED:
        return None
    # Only the header and the changed records are decoded and composed, as one small text laid
    # out as the file is: each record keeps its own first line, for a message's file:line.
    chunks = [pieces.chunk(raw, i) for i in changed]
    if not all(readable_alone(chunk, pieces.indent) for chunk in chunks):
        return None
    text = raw[:pieces.header_end].decode("utf-8")
    header_end = len(text)
    small_spans = []
    for i, chunk, line in zip(changed, chunks, lines_at(raw, [pieces.starts[i] for i in changed])):
        piece = chunk.decode("utf-8")
        small_spans.append(Span(len(text), len(text) + len(piece), line, pieces.digests[i]))
        text += piece
    read = loader.parse_by_record(text, name, "commitments", Split(header_end, small_spans), {})
    if read is None:
        return None
    new, now_meetings = read
    if tuple(now_meetings) != tuple(meetings):
        return None  # the header changed: every record's checks may come out otherwise
    # Per-record checks on the changed records alone; a warning is no reason to give up
    # (a clean entry may hold warnings), an error is: the long way then reports it.
    small = Dataset(tuple(new), (), tuple(meetings), name, display_path(data_dir / CROSSINGS_FILE))
    if any(p.severity != "warning" for check in PER_RECORD for p in check(small)):
        return None
    # Across records: every reference names a crossing (the crossings are unchanged), no id twice.
    crossing_ids = {key[0] for key in index.crossing_keys}
    if any(ref not in crossing_ids for c in new for ref in c.crossings):
        return None
    old_ids = index.file_ids
    gone = {old_ids[j] for j in set(range(len(old_ids))) - kept}  # changed or removed
    taken = set(map(str.upper, old_ids)) - set(map(str.upper, gone))
    for c in new:
        if c.id.upper() in taken:
            return None
        taken.add(c.id.upper())
    file_ids = [None if j is None else old_ids[j] for j in matched]
    for i, c in zip(changed, new):
        file_ids[i] = c.id
    add = listindex.rows_of(new)
    patched = listindex.splice(index, gone, add, file_ids)
    # Stored as a change of the entry's index: a few rows and the ids, not the whole index again.
    before = stored[0]
    delta = (before.then(gone, add, file_ids) if isinstance(before, listindex.IndexDelta)
             else listindex.IndexDelta(base=old_state, gone=gone, add=add, file_ids=file_ids))
    # No JSON or CSV rows: at 100k records they are ~160 MB to read and write again, seconds on
    # every write; `list --format json|csv` after a change reads the folder and stores them anew.
    cache.write_index(data_dir, state, [delta, None, None, meetings],
                      {**spans, "commitments": (name, pieces.digests)})
    return [patched, None, None, meetings]
