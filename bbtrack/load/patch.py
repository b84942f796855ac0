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
fingerprint is made from them (`cache.fingerprint_of`).

Like `cached.py`, this module wraps the loader and the cache; neither knows it.
"""

from __future__ import annotations

import bisect
from pathlib import Path

from . import cache, loader
from .folder import COMMITMENTS_FILE, CROSSINGS_FILE

MAX_CHANGED = 2000  # records: above this a full read is about as quick, and says more


def refresh(data_dir: Path, data: bytes | None = None) -> bool:
    """Patch the cached index to the folder's state; True when a fresh patch (or entry) is there.

    `data`: the bytes of the commitments file as just written by bbtrack (saves reading
    them again); they are used only if the file still holds exactly them."""
    try:
        return _refresh(data_dir, data)
    except (OSError, UnicodeDecodeError, MemoryError, ValueError):
        return False


def _refresh(data_dir: Path, data: bytes | None) -> bool:
    from ..core.model import Dataset
    from ..core.text import display_path
    from ..ops.query import id_key
    from ..views import listindex
    from .spans import split_records, strip_bom
    from .validate import PER_RECORD

    path = data_dir / COMMITMENTS_FILE
    if data is None:
        data = path.read_bytes()
    fingerprint = cache.fingerprint_of(data_dir, path, data)
    if not fingerprint:
        return False
    base = cache.read_base(data_dir, fingerprint, (0, listindex.PARTS.index("meetings")))
    if base is None:
        return False
    old_fingerprint, parts, spans = base
    if old_fingerprint == fingerprint:
        return True
    if len(parts) != len(listindex.PARTS) or "commitments" not in spans or "crossings" not in spans:
        return False
    if len(fingerprint) != cache.SAME_CODE + 2 or fingerprint[-1] != old_fingerprint[-1]:
        return False  # the crossings changed: every reference may mean another thing
    index, _, _, meetings = parts
    name = display_path(path)
    old_name, old_spans = spans["commitments"]
    if old_name != name or len(old_spans) != len(index.file_ids):
        return False
    text = strip_bom(data.decode("utf-8"))
    split = split_records(text, "commitments")
    if split is None:
        return False
    unused: dict[bytes, list[int]] = {}
    for j in range(len(old_spans) - 1, -1, -1):  # reversed: pop() hands out the first one first
        unused.setdefault(old_spans[j][0], []).append(j)
    known: dict[int, int] = {}
    for i, span in enumerate(split.spans):
        same = unused.get(span.digest)
        if same:
            known[i] = same.pop()
    changed = len(split.spans) - len(known)
    if changed > MAX_CHANGED:
        return False
    read = loader.parse_by_record(text, name, "commitments", split, known)
    if read is None:
        return False
    records, now_meetings = read
    if tuple(now_meetings) != tuple(meetings):
        return False  # the header changed: every record's checks may come out otherwise
    new = [r for r in records if not isinstance(r, int)]
    # Per-record checks on the changed records alone; a warning is no reason to give up
    # (a clean entry may hold warnings), an error is: the long way then reports it.
    small = Dataset(tuple(new), (), tuple(meetings), name, fingerprint_name(data_dir))
    if any(p.severity != "warning" for check in PER_RECORD for p in check(small)):
        return False
    # Across records: every reference names a crossing (the crossings are unchanged), no id twice.
    crossing_ids = {key[0] for key in index.crossing_keys}
    if any(ref not in crossing_ids for c in new for ref in c.crossings):
        return False
    kept_ids = [index.file_ids[j] for j in known.values()]
    seen = {i.upper() for i in kept_ids}
    for c in new:
        if c.id.upper() in seen:
            return False
        seen.add(c.id.upper())
    # The rows: drop those of records gone or changed, insert the new ones in id order.
    kept_ids_set = set(kept_ids)
    gone = {k for k, record_id in enumerate(index.ids) if record_id not in kept_ids_set}
    ordered = sorted(new, key=lambda c: id_key(c.id))
    ds_new = Dataset(tuple(ordered), (), tuple(meetings), name, "")
    add_index = listindex.build(ds_new, ordered)
    keep = [k for k in range(len(index.ids)) if k not in gone]
    kept_keys_ids = [index.ids[k] for k in keep]
    at = [bisect.bisect_left(kept_keys_ids, id_key(c.id), key=id_key) for c in ordered]

    def merged(old: list, added: list) -> list:
        out: list = []
        start = 0
        for n, where in enumerate(at):
            out.extend(old[k] for k in keep[start:where])
            out.append(added[n])
            start = where
        out.extend(old[k] for k in keep[start:])
        return out

    columns = {}
    for field, value in vars(index).items():
        if field == "file_ids":
            continue
        if isinstance(value, list):
            columns[field] = merged(value, getattr(add_index, field))
        elif isinstance(value, dict):
            columns[field] = {lang: merged(value[lang], getattr(add_index, field)[lang]) for lang in value}
        else:
            columns[field] = value
    # A removed record may have held the latest event: keeping the old one only makes the
    # index answer for fewer days (`listindex.answers`), never wrongly.
    columns["latest_event"] = max(index.latest_event, add_index.latest_event)
    columns["file_ids"] = [index.file_ids[known[i]] if i in known else r.id for i, r in enumerate(records)]
    patched = listindex.ListIndex(**columns)
    new_spans = {**spans, "commitments": (name, [(span.digest, span.line) for span in split.spans])}
    # No JSON or CSV rows: at 100k records they are ~160 MB to read and write again, seconds on
    # every write; `list --format json|csv` after a change reads the folder and stores them anew.
    cache.write_index(data_dir, fingerprint, [patched, None, None, meetings], new_spans)
    return True


def fingerprint_name(data_dir: Path) -> str:
    from ..core.text import display_path

    return display_path(data_dir / CROSSINGS_FILE)
