"""A data file as records with their exact text spans, for merging record by record.

A merge must leave every byte it does not merge as it was, so records are
found where the splicing editor finds them (its column-0 and item-line scans,
one record composed at a time, and only when its text differs between the
versions) and each is kept as the span from its "- " line to its last line
that is neither blank nor a comment. Comments and blank lines after it (the
next section's heading comment, say) belong to the text between records.

The position helpers come from the YAML editor's modules; they are imported
here only, so that a reorganisation of the editor touches one import block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..core.i18n import N_, _
from ..core.errors import DataError, EditRefused
from .yamledit.compose import _compose_item, _construct, _last_leaf, _same
from .yamledit.emit import _render_mapping
from .yamledit.locate import _DASH_LINE, _ID_LINE, _id_value, _item_starts, _region, _top_lines
from .yamledit.textpos import _after_line, _line_end, _newline, _source

# Top-level keys that hold records with an `id`, in the order they are merged.
COLLECTIONS = ("meetings", "commitments", "crossings")

newline = _newline
same = _same


@dataclass(slots=True)
class RecordText:
    """One record of a collection: text[start:end] and, once `load`ed, what it reads as.

    Only records whose text differs between the versions are composed: a
    merge of a 10k-record file changes a handful of them.
    """

    collection: str
    id: str
    start: int  # start of its "- " line
    end: int  # start of the line after its last content line (len(text) at the very end)
    dash_col: int
    key_col: int
    source: str  # the whole text the record is in
    filename: str
    value: dict[str, Any] | None = None
    node: Any = None  # its composed mapping; marks relative to `start`

    def load(self) -> RecordText:
        """Compose the record (once); refused like the editor refuses it (DataError / EditRefused)."""
        if self.node is None:
            text = self.source
            item = _compose_item(text, self.start, self.end, self.filename, _("record {id!r}").format(id=self.id))
            value = dict(_construct(item))
            if value.get("id") != self.id:
                raise EditRefused(_("record at this line reads as id {value!r}, not {id!r}; merge this file by hand").format(
                    value=value.get('id'), id=self.id), _source(self.filename, text, self.start))
            if getattr(_last_leaf(item), "style", None) in ("|", ">"):
                raise EditRefused(_("record {id!r} ends with a block scalar (| or >); merge it by hand").format(id=self.id),
                                  _source(self.filename, text, self.start))
            key_at = self.start + item.start_mark.index
            self.key_col = key_at - (text.rfind("\n", 0, key_at) + 1)
            self.node, self.value = item, value
        return self


@dataclass(slots=True)
class Collection:
    """A collection's records, and where a record appended to it goes."""

    name: str
    records: list[RecordText]


def _content_end(text: str, start: int, limit: int) -> int:
    """Start of the line after the last line of text[start:limit] that is neither blank nor a
    comment: comments and blank lines after a record (a heading) are the text between records."""
    end = limit
    while end > start:
        line_start = max(text.rfind("\n", start, end - 1) + 1, start)
        if line_start == start:
            break  # the record's own "- " line
        line = text[line_start:end].strip()
        if line and not line.startswith("#"):
            break
        end = line_start
    return end


def split_records(text: str, filename: str = "<data>") -> dict[str, Collection]:
    """The record collections of a data file (`meetings`, `commitments`, `crossings`), keyed by name.

    Records are found by the editor's text scans; each is composed only when
    `load`ed. Raises DataError / EditRefused (the editor's checks) when the
    file's layout cannot be split into records.
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
            first_end = _line_end(text, start)
            end = _content_end(text, start, limit)
            match = _ID_LINE.match(text, start, first_end)
            record_id = _id_value(match.group("val")) if match and match.group("dash") else None
            dash = _DASH_LINE.match(text, start, first_end)
            key_col = len(dash.group(1)) + 1 + len(dash.group(2)) if dash else (region.indent or 0) + 2
            record = RecordText(name, record_id or "", start, end, region.indent or 0, key_col, text, filename)
            if record_id is None or len(match.group("indent")) != region.indent:
                node = _compose_item(text, start, end, filename, _("a record of {collection}").format(collection=name))
                record_id = dict(_construct(node)).get("id")
                if not isinstance(record_id, str) or not record_id:
                    raise DataError(_("a record in {collection} has no text id; every record needs 'id:'").format(collection=name),
                                    _source(filename, text, start))
                record.id = record_id
                record.load()
            records.append(record)
        found[name] = Collection(name, records)
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


# Why `entry_chunks` found no entries to splice between, with the way out; one line (a conflict marker's label).
HISTORY_LAYOUT = N_("its history is not a '- date: ...' block list: write each entry as a '- ' line with the "
                    "entry's first key on it, or merge this record by hand")


def entry_chunks(text: str, record: RecordText) -> tuple[list[tuple[int, int]], int, int] | None:
    """The text spans of the record's history entries, with the columns new entries are written at.

    An entry runs from its "- " line to the next entry's (comments between
    entries stay with the entry above them); the last one to its last leaf's
    line. None when the history is not a non-empty block list of mappings
    written "- key: ..." (such a record is merged by hand: `HISTORY_LAYOUT`).
    Entries whose keys sit at different columns ("-  date:" after "- date:")
    are valid YAML and are kept verbatim; new ones take the first entry's columns.
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
        if dash_col == -1:
            dash_col, key_col = lead.index("-"), key_at - line_start
        spans.append((line_start, -1))
    ends = [start for start, _ in spans[1:]]
    ends.append(_after_line(text, record.start + _last_leaf(history).end_mark.index))
    return [(start, end) for (start, _), end in zip(spans, ends)], dash_col, key_col
