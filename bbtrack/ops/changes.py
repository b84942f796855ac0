"""What happened and what changed: history events (`log`) and semantic diffs (`diff`).

`log` reads the history entries stored in the records. `diff` compares two
versions of the data keyed by id, so a reviewer sees "SM23-3-17: status open →
done" instead of YAML lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field as _field
from pathlib import Path
from typing import Any, Iterable

from ..core.dates import PartialDate
from ..core.errors import DataError
from ..core.model import Commitment, Crossing, Dataset, HistoryEntry
from ..core.problems import Problem


@dataclass(frozen=True)
class Event:
    """One history entry and the record it belongs to."""

    record_id: str
    collection: str  # "commitments" | "crossings"
    entry: HistoryEntry


def events(ds: Dataset, record_id: str | None = None, since: PartialDate | None = None, *,
           until: PartialDate | None = None, parties: frozenset[str] = frozenset(),
           crossings: frozenset[str] = frozenset(), limit: int | None = None,
           left_out: tuple[str, ...] = ()) -> list[Event]:
    """History entries, newest first (ties: file order reversed, i.e. latest recorded first).

    Filtered as `list` filters: `parties` (canonical names; a crossing counts for its
    province), `crossings` (ids: the crossings themselves and the commitments naming
    them), the period from `since` to `until` (a partial date covers its whole period).
    """
    found: list[Event] = []
    records: Iterable[Commitment | Crossing]
    if record_id is not None:
        from .query import find_record

        records = [find_record(ds, record_id, left_out)]
    else:
        records = (*ds.commitments, *ds.crossings)
    for record in records:
        collection = "commitments" if isinstance(record, Commitment) else "crossings"
        if collection == "commitments":
            if (parties and not parties.intersection(record.parties)
                    or crossings and not crossings.intersection(record.crossings)):
                continue
        elif parties and record.province not in parties or crossings and record.id not in crossings:
            continue
        for entry in record.history:
            if (since is None or entry.date.end >= since.start) and (until is None or entry.date.start <= until.end):
                found.append(Event(record.id, collection, entry))
    found.reverse()
    found.sort(key=lambda e: e.entry.date.start, reverse=True)
    return found[:limit] if limit else found


# --- semantic diff ------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One difference between two revisions of a record."""

    record_id: str
    collection: str
    change: str  # "added" | "removed" | "changed" | "history"
    field: str | None = None
    old: Any = None
    new: Any = None
    # The record added or removed, for a view to name it in its reader's language
    # (`new`/`old` keep the English title or the pair, as JSON has them).
    record: Any = _field(default=None, compare=False, repr=False)


def _plain(record: Commitment | Crossing) -> dict[str, Any]:
    from ..views.render import commitment_row, crossing_row

    if isinstance(record, Commitment):
        import datetime as _dt

        row = commitment_row(record, _dt.date.min, full=False)
        for derived in ("timing", "done_on", "last_event"):
            row.pop(derived)
        return row
    return crossing_row(record, full=False) | {"name_source": record.name_source}


def diff_records(collection: str, old: Iterable[Commitment | Crossing],
                 new: Iterable[Commitment | Crossing]) -> list[FieldChange]:
    before = {r.id: r for r in old}
    after = {r.id: r for r in new}
    out: list[FieldChange] = []
    from .query import id_key

    for rid in sorted(before.keys() | after.keys(), key=id_key):
        a, b = before.get(rid), after.get(rid)
        if a is None:
            out.append(FieldChange(rid, collection, "added", new=b.title_en if isinstance(b, Commitment) else b.pair,
                                   record=b))
            continue
        if b is None:
            out.append(FieldChange(rid, collection, "removed", old=a.title_en if isinstance(a, Commitment) else a.pair,
                                   record=a))
            continue
        pa, pb = _plain(a), _plain(b)
        for key in pa.keys() | pb.keys():
            if pa.get(key) != pb.get(key):
                out.append(FieldChange(rid, collection, "changed", key, pa.get(key), pb.get(key)))
        old_h, new_h = a.history, b.history
        if new_h[: len(old_h)] != old_h:
            out.append(FieldChange(rid, collection, "changed", "history", len(old_h), len(new_h)))
        else:
            for entry in new_h[len(old_h):]:
                out.append(FieldChange(rid, collection, "history", "history", None, entry))
    order = {"removed": 0, "added": 1, "changed": 2, "history": 3}
    return sorted(out, key=lambda c: (c.collection, id_key(c.record_id), order[c.change], c.field or ""))


def _parse_version(text: str | None, collection: str, label: str) -> list[Any]:
    from ..load.loader import parse_commitments, parse_crossings

    if text is None:
        return []
    problems: list[Problem] = []
    if collection == "commitments":
        records: list[Any] = parse_commitments(text, label, problems)[0]
    else:
        records = parse_crossings(text, label, problems)
    fatal = [p for p in problems if p.severity == "fatal"]
    if fatal:
        raise DataError(f"{fatal[0]} — cannot compare this version")
    return records


def diff_revisions(data_dir: Path, rev_a: str | None, rev_b: str | None) -> list[FieldChange]:
    """Changes from rev_a (default HEAD) to rev_b (default: the working tree)."""
    from . import gitio
    from ..load.loader import COMMITMENTS_FILE, CROSSINGS_FILE

    gitio.toplevel(data_dir)  # a clear error outside git
    rev_a = gitio.check_rev(rev_a or "HEAD")
    if rev_b is not None:
        gitio.check_rev(rev_b)
    out: list[FieldChange] = []
    for collection, name in (("commitments", COMMITMENTS_FILE), ("crossings", CROSSINGS_FILE)):
        path = data_dir / name
        old_text = gitio.show(rev_a, path)
        if rev_b is None:
            try:
                new_text: str | None = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                new_text = None
            except (OSError, UnicodeDecodeError) as exc:
                raise DataError(f"{path}: cannot read: {exc}") from None
        else:
            new_text = gitio.show(rev_b, path)
        out += diff_records(collection, _parse_version(old_text, collection, f"{rev_a}:{name}"),
                            _parse_version(new_text, collection, f"{rev_b or 'working tree'}:{name}"))
    return out

