"""Edits inside a record's history: insert an entry in date order, amend one, remove one.

An older event found later (a backfill) and the correction of a mistaken
entry touch the history list in the middle. As everywhere in this package the
file is never re-serialised: the entries replaced are the only lines written
(a new entry is rendered in the file's own indentation; an amended one has only
the values that changed rewritten, where each stays a one-line scalar), the
`from:` of the entry after them is re-pointed in place when the chain of
statuses needs it, and the record's status/stage field is set when the latest
entry changed. The result is read back: the text outside the record is
identical and the record reads as the old one with exactly this change.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import yaml

from ...core.i18n import _
from ...core.errors import EditRefused
from ...core.problems import Source
from .compose import _construct, _is_block_scalar, _last_leaf, _plain, _same
from .emit import _insertion, _render_mapping, _splice, scalar_edit
from .locate import _locate, _Located, _top_lines
from .textpos import _after_line, _newline, _source
from .tokens import _check_file_tokens
from .verify import _fail, _outside_same


def edit_history(text: str, collection: str, record_id: str, index: int, *, remove: int = 0,
                 insert: Sequence[Mapping[str, Any]] = (), next_from: str | None = None,
                 fields: Mapping[str, object] | None = None, filename: str = "<data>") -> str:
    """`text` with the entries `index` … `index + remove - 1` of the record's history replaced by
    `insert` (rendered as new lines); `next_from`: the new `from` of the entry that then follows
    them; `fields`: one-line fields of the record to set (its status or stage).

    Raises EditRefused for a shape this editor does not touch (a flow or block-scalar
    history, a history item that is not a mapping) and when the result does not read back.
    """
    tops = _top_lines(text, filename)
    located = _locate(text, collection, record_id, filename, tops)
    _check_file_tokens(text, tops, filename, skip=(located.start, located.end))
    node = _history_node(text, located, filename)
    items = list(node.value)
    if not 0 <= index <= len(items) or index + remove > len(items):
        raise EditRefused(_("{id} has no history entry {number}").format(id=record_id, number=index + 1), Source(filename))
    nl = _newline(text)
    edits: list[tuple[int, int, int, str]] = []
    if items:
        dash_col, key_col = _columns(text, located, items[0], filename)
    else:
        record_col = located.column(text, located.at(located.item.start_mark))
        dash_col, key_col = record_col + 2, record_col + 4
    amended = (_amended_in_place(text, located, items[index], insert[0])
               if remove == 1 and len(insert) == 1 and index < len(items) else None)
    if amended is not None:  # an amendment: only the values that changed are written
        edits.extend(amended)
    else:
        lines = [line for entry in insert for line in _render_mapping(entry, key_col, dash_col)]
        if index < len(items):
            at = _line_start(text, located.at(items[index].start_mark))
        elif items:
            at = _after_line(text, located.at(_last_leaf(items[-1]).end_mark))
        else:
            at = -1
        if remove:
            end = _after_line(text, located.at(_last_leaf(items[index + remove - 1]).end_mark))
            edits.append((at, end, 1, _insertion(text, at, lines, nl) if lines else ""))
        elif lines and at >= 0:
            edits.append((at, at, 0, _insertion(text, at, lines, nl)))
        emptied = remove and remove == len(items) and not lines
        if at < 0 or emptied:  # no entry before or after: "history: []" <-> a block list
            edits.extend(_empty_list_edits(text, located, node, lines, nl, filename, emptied=bool(emptied)))
    following = index + remove
    if next_from is not None and following < len(items):
        edits.append(_replace_value(text, located, items[following], "from", next_from, filename))
    for name, value in (fields or {}).items():
        edits.append(_replace_value(text, located, located.item, name, value, filename))
    new_text = _splice(text, edits)
    _check(text, new_text, located, collection, record_id, index, remove, insert, next_from, fields, filename)
    return new_text


def _amended_in_place(text: str, located: _Located, item: yaml.Node, new: Mapping[str, Any]) -> list | None:
    """The edits that make history entry `item` read as `new` by rewriting only the values that
    changed, each a one-line scalar as before; None when keys come or go, or a changed value is
    not a one-line scalar (the entry is then written anew). A value left as it was keeps its
    own text: its quotes, its escapes."""
    if not isinstance(item, yaml.MappingNode) or [key.value for key, _node in item.value] != list(new):
        return None
    old = _construct(item)
    edits = []
    for key, node in item.value:
        value = new[key.value]
        if _same(_plain(value), old[key.value]):
            continue
        if (not isinstance(node, yaml.ScalarNode) or _is_block_scalar(node) or isinstance(value, (list, tuple, dict))
                or node.start_mark.line != node.end_mark.line):
            return None
        edits.append(scalar_edit(located.at(node.start_mark), located.at(node.end_mark), value))
    return edits


def _history_node(text: str, located: _Located, filename: str) -> yaml.Node:
    pair = located.fields().get("history")
    if pair is None:
        raise EditRefused(_("the record has no history key"), _source(filename, text, located.start))
    node = pair[1]
    where = _source(filename, text, located.at(node.start_mark))
    if isinstance(node, yaml.SequenceNode) and (not node.flow_style or not node.value):
        if any(not isinstance(item, yaml.MappingNode) for item in node.value):
            raise EditRefused(_("history items must be mappings"), where)
        if node.value and _is_block_scalar(_last_leaf(node)):
            raise EditRefused(_("history ends with a block scalar (| or >); edit it by hand"), where)
        return node
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" and not node.style:
        return yaml.SequenceNode("tag:yaml.org,2002:seq", [], node.start_mark, node.end_mark, flow_style=True)
    raise EditRefused(_("history must be a block list, [] or null to be edited"), where)


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _columns(text: str, located: _Located, item: yaml.Node, filename: str) -> tuple[int, int]:
    """(dash column, key column) of an existing history entry."""
    key = located.at(item.start_mark)
    start = _line_start(text, key)
    dash = text.rfind("-", start, key)
    if dash == -1 or text[start:dash].strip(" "):
        raise EditRefused(_("cannot tell the indentation of this history list"), _source(filename, text, key))
    return dash - start, key - start


def _empty_list_edits(text: str, located: _Located, node: yaml.Node, lines: list[str], nl: str,
                      filename: str, *, emptied: bool) -> list[tuple[int, int, int, str]]:
    """Turning `history: []` into a block list of `lines`, or the last entry's removal into `[]`."""
    key = located.fields()["history"][0]
    colon = text.find(":", located.at(key.end_mark))
    if colon == -1:
        raise EditRefused(_("cannot find the ':' after history"), _source(filename, text, located.at(key.start_mark)))
    if emptied:
        return [(colon + 1, colon + 1, 0, " []")]
    value_end = located.at(node.end_mark) if node.value == [] and node.flow_style else colon + 1
    at = _after_line(text, value_end)
    return [(colon + 1, max(colon + 1, value_end), 1, ""), (at, at, 0, _insertion(text, at, lines, nl))]


def _replace_value(text: str, located: _Located, mapping: yaml.Node, name: str, value: object,
                   filename: str) -> tuple[int, int, int, str]:
    for key, node in mapping.value:
        if key.value == name:
            if not isinstance(node, yaml.ScalarNode) or _is_block_scalar(node):
                raise EditRefused(_("{name} is not a one-line value; edit it by hand").format(name=name),
                                  _source(filename, text, located.at(node.start_mark)))
            return scalar_edit(located.at(node.start_mark), located.at(node.end_mark), value)
    raise EditRefused(_("no {name!r} to change here").format(name=name), _source(filename, text, located.at(mapping.start_mark)))


def _check(old_text: str, new_text: str, old: _Located, collection: str, record_id: str, index: int,
           remove: int, insert: Sequence[Mapping[str, Any]], next_from: str | None,
           fields: Mapping[str, object] | None, filename: str) -> None:
    new = _locate(new_text, collection, record_id, filename)
    if not _outside_same(old_text, new_text, old.start, old.end, new.start, new.end):
        raise _fail(_("text outside the record changed"), filename, new_text, new.start)
    expected = dict(_construct(old.item))
    history = list(expected.get("history") or [])
    history[index:index + remove] = [_plain(dict(entry)) for entry in insert]
    following = index + len(insert)
    if next_from is not None and following < len(history):
        history[following] = {**history[following], "from": next_from}
    expected["history"] = history
    for name, value in (fields or {}).items():
        expected[name] = _plain(value)
    got = dict(_construct(new.item))
    if got.get("history") is None:
        got["history"] = []
    if not _same(got, expected):
        wrong = [k for k in expected if k not in got or not _same(got[k], expected[k])] or list(got)
        raise _fail(_("field {name!r} reads back wrong").format(name=wrong[0]), filename, new_text, new.start)
