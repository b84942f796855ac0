"""The true reason for a refusal when the line scans misread a file YAML reads fine.

The editor finds top-level keys, records and ids by reading lines (`locate`):
it never composes the whole file. A multi-line string whose continuation line
starts at column 0, or looks like "  - item" or "id: X", is then taken for a
top-level key, a new record or an id line, and the scans conclude something
false: "no record X", "schema '1\"' is not supported", "cannot read record X:
found unexpected end of stream". Before such a refusal reaches the user, the
file is composed once (only on this error path) and, when a string or an
unusual record form misled the scans, the refusal says so, with its line.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any, Iterator

import yaml

from ...core.i18n import N_, _
from ...core.errors import BbtrackError, DataError, EditRefused, NotFoundError
from . import compose
from .locate import _ID_LINE
from .textpos import _bom_len, _line_no, _source

# Composing is ~0.7 s a MB: above this an error keeps its first wording.
_EXPLAIN_LIMIT = 16 * 1024 * 1024

_ITEM_LIKE = re.compile(r" *-(?=[ \t\r\n]|$)")


def misread_line(text: str, root: Any, base: int = 0) -> tuple[int, int, str] | None:
    """(line start, scalar start, what it looks like) of the first continuation line of a
    multi-line flow or plain scalar that the line scans take for something else.

    Marks of `root` are relative to text[base:].
    """
    found: list[tuple[int, int, str]] = []
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif node.style in (None, '"', "'"):
            start, end = base + node.start_mark.index, base + node.end_mark.index
            for line_start in _continuations(text, start, end):
                line_end = text.find("\n", line_start)
                line = text[line_start:len(text) if line_end == -1 else line_end]
                if _ITEM_LIKE.match(line):
                    what = N_("a new list item (a record)")
                elif line[:1] not in ("", " ", "\t", "\r", "#"):
                    what = N_("a top-level line")
                elif _ID_LINE.match(line):
                    what = N_("a record's id line")
                else:
                    continue
                found.append((line_start, start, what))
                break
    return min(found) if found else None


def _continuations(text: str, start: int, end: int) -> Iterator[int]:
    pos = text.find("\n", start, end)
    while pos != -1:
        yield pos + 1
        pos = text.find("\n", pos + 1, end)


def _record_node(root: Any, collection: str, record_id: str) -> Any:
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if key.value == collection and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                if isinstance(item, yaml.MappingNode):
                    for field, node in item.value:
                        if (field.value == "id" and isinstance(node, yaml.ScalarNode) and node.value == record_id
                                and node.tag == "tag:yaml.org,2002:str"):  # `id: 2023` is a number, no id
                            return item
    return None


_last: tuple[str, Any] | None = None


def _composed(text: str, base: int) -> Any:
    """The file's node graph, or None when it is not YAML. `check` explains many refusals
    of one text: the last answer is kept for that very str object."""
    global _last
    if _last is not None and _last[0] is text:
        return _last[1]
    try:
        root = yaml.compose(text[base:], Loader=compose.LOADER)
    except yaml.YAMLError:
        root = None
    _last = (text, root)
    return root


def explain(text: str | bytes, filename: str, exc: BbtrackError, collection: str | None = None,
            record_id: str | None = None) -> BbtrackError:
    """A refusal naming what misled the scans, or `exc` itself when nothing did."""
    if len(text) > _EXPLAIN_LIMIT:
        return exc
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return exc
    base = _bom_len(text)  # libyaml does not count a BOM in marks, the pure loader does
    root = _composed(text, base)
    if root is None:
        return exc  # not YAML (or empty): the scans' own message stands
    found = misread_line(text, root, base)
    if found is not None:
        line_start, scalar_start, what = found
        return EditRefused(
            _("this line continues the string that begins on line {line}, but bbtrack's editor reads the "
              "file line by line and takes it for {what}; indent the line further (the value does not "
              "change) or write the string on one line").format(line=_line_no(text, scalar_start), what=_(what)),
            _source(filename, text, line_start))
    if isinstance(exc, NotFoundError) and collection and record_id:
        node = _record_node(root, collection, record_id)
        if node is not None:
            return EditRefused(
                _("record {id!r} is here, but its id is not on a line the editor can find; write the "
                  "record in block style with '- id: {plain_id}' as its first line").format(
                    id=record_id, plain_id=record_id),
                _source(filename, text, base + node.start_mark.index))
    return exc


@contextlib.contextmanager
def explained(text: str | bytes, filename: str, collection: str | None = None,
              record_id: str | None = None) -> Iterator[None]:
    """Re-raise a refusal of the scans as `explain` words it."""
    try:
        yield
    except (EditRefused, DataError, NotFoundError) as exc:
        better = explain(text, filename, exc, collection, record_id)
        if better is exc:
            raise
        raise better from None
