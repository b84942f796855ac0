"""A data file as records with their exact text spans, for merging record by record.

A merge must leave every byte it does not merge as it was, so records are
found where the splicing editor finds them (its column-0 and item-line scans,
one record composed at a time) and each is kept as the span from its "- "
line to the end of its last leaf's line. Comments and blank lines after the
last leaf (the next section's heading comment, say) belong to the text
between records, not to the record.

The position helpers come from the YAML editor's modules; they are imported
here only, so that a reorganisation of the editor touches one import block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..core.errors import DataError, EditRefused
from .yamledit.compose import _compose_item, _construct, _last_leaf, _same
from .yamledit.emit import _render_mapping
from .yamledit.locate import _item_starts, _region, _top_lines
from .yamledit.textpos import _after_line, _newline, _source

# Top-level keys that hold records with an `id`, in the order they are merged.
COLLECTIONS = ("meetings", "commitments", "crossings")

newline = _newline
same = _same


@dataclass(slots=True)
class RecordText:
    """One record of a collection: text[start:end] and what it reads as."""

    collection: str
    id: str
    start: int  # start of its "- " line
    end: int  # start of the line after its last leaf (len(text) at the very end)
    value: dict[str, Any]
    node: Any  # its composed mapping; marks relative to `start`
    dash_col: int
    key_col: int


@dataclass(slots=True)
class Collection:
    """A collection's records, and where a record appended to it goes."""

    name: str
    records: list[RecordText]
    append_at: int | None  # after the last record's last leaf; None when it has no block items


def split_records(text: str, filename: str = "<data>") -> dict[str, Collection]:
    """The record collections of a data file (`meetings`, `commitments`, `crossings`), keyed by name.

    Raises DataError / EditRefused (from the editor's checks) when a record
    cannot be read on its own: such a file cannot be merged by record.
    """
    tops = _top_lines(text, filename)
    keys = {key for _, key in tops}
    found: dict[str, Collection] = {}
    for name in COLLECTIONS:
        if name not in keys:
            continue
        region = _region(text, tops, name, filename)
        starts = list(_item_starts(text, region))
        records: list[RecordText] = []
        for number, start in enumerate(starts):
            limit = starts[number + 1] if number + 1 < len(starts) else region.end
            item = _compose_item(text, start, limit, filename, f"a record of {name}")
            value = dict(_construct(item))
            record_id = value.get("id")
            if not isinstance(record_id, str) or not record_id:
                raise DataError(f"a record in {name} has no text id; every record needs 'id:'",
                                _source(filename, text, start))
            leaf = _last_leaf(item)
            if getattr(leaf, "style", None) in ("|", ">"):
                raise EditRefused(f"record {record_id!r} ends with a block scalar (| or >); merge it by hand",
                                  _source(filename, text, start))
            end = _after_line(text, start + leaf.end_mark.index)
            key_at = start + item.start_mark.index
            key_col = key_at - (text.rfind("\n", 0, key_at) + 1)
            records.append(RecordText(name, record_id, start, min(end, limit), value, item,
                                      region.indent or 0, key_col))
        append_at = records[-1].end if records else None
        found[name] = Collection(name, records, append_at)
    return found


def record_text(text: str, record: RecordText) -> str:
    return text[record.start:record.end]


def render_record(value: Mapping[str, Any], dash_col: int, key_col: int, nl: str) -> str:
    """A record's lines in the editor's style (what `bbtrack add` writes)."""
    return nl.join(_render_mapping(value, key_col, dash_col)) + nl


def render_entry(entry: Mapping[str, Any], dash_col: int, key_col: int, nl: str) -> str:
    """A history entry's lines in the editor's style (what `bbtrack status set` appends)."""
    return nl.join(_render_mapping(entry, key_col, dash_col)) + nl


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def with_newlines(chunk: str, nl: str) -> str:
    """`chunk` with every line break written as `nl` (a side saved with other line endings)."""
    plain = chunk.replace("\r\n", "\n")
    return plain.replace("\n", nl) if nl != "\n" else plain


def entry_chunks(text: str, record: RecordText) -> tuple[list[tuple[int, int]], int, int] | None:
    """The text spans of the record's history entries, with the entries' dash and key columns.

    An entry runs from its "- " line to the next entry's (comments between
    entries stay with the entry above them); the last one to its last leaf's
    line. None when the history is not a non-empty block list of mappings
    written "- key: ..." (such a record is merged by hand).
    """
    history = next((value for key, value in record.node.value if key.value == "history"), None)
    if history is None or getattr(history, "flow_style", True) or not getattr(history, "value", None):
        return None
    spans: list[tuple[int, int]] = []
    dash_col = key_col = -1
    for entry in history.value:
        if not hasattr(entry, "value") or not isinstance(entry.value, list) or not entry.value:
            return None
        key_at = record.start + entry.start_mark.index
        line_start = text.rfind("\n", 0, key_at) + 1
        lead = text[line_start:key_at]
        if lead.strip(" ") != "-" or not lead.rstrip(" ").endswith("-"):
            return None
        dash, key = lead.index("-"), key_at - line_start
        if dash_col == -1:
            dash_col, key_col = dash, key
        elif (dash, key) != (dash_col, key_col):
            return None
        spans.append((line_start, -1))
    ends = [start for start, _ in spans[1:]]
    ends.append(_after_line(text, record.start + _last_leaf(history).end_mark.index))
    return [(start, end) for (start, _), end in zip(spans, ends)], dash_col, key_col
