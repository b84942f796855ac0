"""The edits: set fields of one record, append a history entry, append a record, list ids."""

from __future__ import annotations

import functools
from typing import Mapping

import yaml

from ...core.i18n import _
from ...core.errors import DataError, EditRefused
from ...core.problems import Source
from .compose import _compose_item, _construct, _is_block_scalar, _last_leaf
from .emit import (BLOCK_LIST_KEYS, _colon_after, _format_key, _insertion, _render_mapping, _render_pair,
                   _splice, scalar_edit)
from .misread import explained
from .locate import (_ID_LINE, _id_lines, _id_value, _item_starts, _last_item, _locate, _Located, _region,
                     _top_lines)
from .textpos import _after_line, _line_end, _newline, _source
from .tokens import _check_file_tokens
from .verify import _check_splice, validate_append

# --- public API ------------------------------------------------------------------------


def set_fields(text: str, collection: str, record_id: str, fields: dict[str, object],
               history_entry: dict[str, object] | None = None, *, filename: str = "<data>") -> str:
    """Return `text` with record `record_id` of the top-level sequence `collection` ("commitments" or
    "crossings") changed: each key in `fields` gets its new value (existing key: only the value's text is
    replaced; missing key: a new `key: value` line is inserted after the record's last key), and
    `history_entry` (an ordered dict) is appended to the record's `history` list.

    Raises NotFoundError (unknown collection/id), EditRefused (a shape this
    editor will not touch: anchors, tags, duplicate keys/ids, block values...),
    DataError (the record is not valid YAML). The result is validated by
    reading it back before it is returned.
    """
    if not fields and not history_entry:
        return text
    with explained(text, filename, collection, record_id):
        tops = _top_lines(text, filename)
        located = _locate(text, collection, record_id, filename, tops)
    _check_file_tokens(text, tops, filename, skip=(located.start, located.end))
    new_text = _build_set(text, located, fields, history_entry, filename)
    _check_splice(text, new_text, located, _locate(new_text, collection, record_id, filename),
                  fields, history_entry, filename)
    return new_text


def _build_set(text: str, located: _Located, fields: dict[str, object],
               history_entry: dict[str, object] | None, filename: str, nl: str | None = None) -> str:
    nl = nl or _newline(text)
    existing = located.fields()
    key_col = located.column(text, located.at(located.item.start_mark))
    edits: list[tuple[int, int, int, str]] = []
    new_lines: list[str] = []
    for name, value in fields.items():
        _format_key(name)
        if name == "id":
            raise EditRefused(_("a record's id never changes; add a new record instead"), Source(filename))
        if name == "history":
            raise EditRefused(_("history is only appended to (pass history_entry)"), Source(filename))
        if name not in existing:
            new_lines.extend(_render_pair(name, value, key_col, " " * key_col))
            continue
        key, node = existing[name]
        start, end = located.at(node.start_mark), located.at(node.end_mark)
        where = functools.partial(_source, filename, text, start)  # line counting is O(n): only on error
        if isinstance(value, (list, tuple)) and name in BLOCK_LIST_KEYS:
            raise EditRefused(_("{name} is a block list; bbtrack does not rewrite it").format(name=name), where())
        if isinstance(node, yaml.ScalarNode):
            if _is_block_scalar(node):
                raise EditRefused(_("{name} is a block scalar (| or >); edit it by hand").format(name=name), where())
        elif not node.flow_style:
            raise EditRefused(_("{name} holds a block list/mapping; bbtrack only replaces one-line values").format(
                name=name), where())
        edits.append(scalar_edit(start, end, value))
    append_at = located.after_leaf(text, filename)
    if history_entry is not None:
        _history_edits(text, located, history_entry, key_col, append_at, nl, edits, filename)
    if new_lines:
        edits.append((append_at, append_at, 2, _insertion(text, append_at, new_lines, nl)))
    return _splice(text, edits)


def _history_edits(text: str, located: _Located, entry: dict[str, object], key_col: int,
                   append_at: int, nl: str, edits: list[tuple[int, int, int, str]], filename: str) -> None:
    """Edits appending `entry` to the record's history list."""
    if not isinstance(entry, Mapping) or not entry:
        raise TypeError("history_entry must be a non-empty dict")
    existing = located.fields().get("history")
    if existing is None:  # no history key yet: add "history:" and the list at the end
        lines = [" " * key_col + "history:", *_render_mapping(entry, key_col + 4, key_col + 2)]
        edits.append((append_at, append_at, 3, _insertion(text, append_at, lines, nl)))
        return
    key, node = existing
    where = functools.partial(_source, filename, text, located.at(node.start_mark))
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        # A block list: the new item goes after the last item's last leaf,
        # with the dash and key columns of the existing items.
        first = node.value[0]
        if not isinstance(first, yaml.MappingNode):
            raise EditRefused(_("history items must be mappings"), where())
        entry_key = located.at(first.start_mark)
        entry_col = located.column(text, entry_key)
        line_start = text.rfind("\n", 0, entry_key) + 1
        dash = text.rfind("-", line_start, entry_key)
        if dash == -1 or text[line_start:dash].strip(" "):
            raise EditRefused(_("cannot tell the indentation of this history list"), where())
        leaf = _last_leaf(node)
        if _is_block_scalar(leaf):
            raise EditRefused(_("history ends with a block scalar (| or >); edit it by hand"), where())
        at = _after_line(text, located.at(leaf.end_mark))
        lines = _render_mapping(entry, entry_col, dash - line_start)
        edits.append((at, at, 0, _insertion(text, at, lines, nl)))
        return
    empty_flow = isinstance(node, yaml.SequenceNode) and node.flow_style and not node.value
    null = isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" and not node.style
    if not (empty_flow or null):
        raise EditRefused(_("history must be a block list, [] or null to be appended to"), where())
    # "history: []" becomes "history:" followed by a block list (a trailing
    # comment stays on the key line).
    start, end = located.at(key.end_mark), located.at(node.end_mark)
    colon = _colon_after(text, start, located.at(node.start_mark), filename)
    edits.append((colon, end, 1, ""))
    at = _after_line(text, end)
    lines = _render_mapping(entry, key_col + 4, key_col + 2)
    edits.append((at, at, 0, _insertion(text, at, lines, nl)))


def append_record(text: str, collection: str, record: dict[str, object], *, filename: str = "<data>") -> str:
    """Return `text` with a new record appended at the end of sequence `collection`, in the file's own
    style (indentation of existing records, newline style; flow lists for short scalar lists like the
    existing `parties: [..]`, block list for history entries / evidence).

    The new record goes right after the last record's last leaf line, so
    comments and blank lines that follow the list stay after it.
    """
    if not isinstance(record, Mapping) or not isinstance(record.get("id"), str) or not record["id"]:
        raise TypeError("record must be a dict with a non-empty str 'id'")
    record_id = record["id"]
    nl = _newline(text)
    with explained(text, filename, collection):
        tops = _top_lines(text, filename)
        region = _region(text, tops, collection, filename)
        if dup := _id_lines(text, region, record_id):
            raise EditRefused(_("record id {id!r} already exists; ids are never reused").format(id=record_id),
                              _source(filename, text, dup[0]))
        if region.indent is not None:
            last = _last_item(text, region)
            item = _compose_item(text, last, region.end, filename, _("the last record"))
    edits: list[tuple[int, int, int, str]] = []
    skip = (0, 0)
    if region.indent is not None:
        located = _Located(region, last, region.end, item)
        key_col = located.column(text, located.at(item.start_mark))
        dash_col = region.indent
        at = located.after_leaf(text, filename)
        skip = (last, region.end)
    else:
        dash_col, key_col = 2, 4  # the spec's 2-space style when no record shows another
        first, last = region.empty_value
        if last > first:  # "key: []" / "key: null" -> "key:" (a comment stays)
            edits.append((first, last, 1, ""))
        at = _after_line(text, region.key_start)
    _check_file_tokens(text, tops, filename, skip=skip)
    lines = _render_mapping(record, key_col, dash_col)
    edits.append((at, at, 0, _insertion(text, at, lines, nl)))
    new_text = _splice(text, edits)
    validate_append(text, new_text, collection, record, filename=filename)
    return new_text


def record_ids(text: str, collection: str, *, filename: str = "<data>") -> list[str]:
    """Ids of the records of `collection`, in file order (duplicates included).

    Reads each record's "- id: X" line; a record whose first key is not its id
    is composed to find it. Raises DataError for a record without a str id.
    """
    with explained(text, filename, collection):
        return _record_ids(text, collection, filename)


def _record_ids(text: str, collection: str, filename: str) -> list[str]:
    tops = _top_lines(text, filename)
    region = _region(text, tops, collection, filename)
    starts = list(_item_starts(text, region))
    ids: list[str] = []
    for number, start in enumerate(starts):
        match = _ID_LINE.match(text, start, _line_end(text, start))
        if match and match.group("dash") and len(match.group("indent")) == region.indent:
            value = _id_value(match.group("val"))
            if value is not None:
                ids.append(value)
                continue
        end = starts[number + 1] if number + 1 < len(starts) else region.end
        item = _compose_item(text, start, end, filename, _("a record"))
        value = dict(_construct(item)).get("id")
        if not isinstance(value, str) or not value:
            raise DataError(_("a record in {collection} has no text id; every record needs 'id:'").format(
                collection=collection),
                            _source(filename, text, start))
        ids.append(value)
    return ids
