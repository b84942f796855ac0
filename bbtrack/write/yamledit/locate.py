"""Finding things by cheap text scans: the column-0 lines of the file (and what makes the
file unsafe to splice: conflict markers, a second document, directives, another schema),
a collection's region, its item lines, and the one record with a given id."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator

import yaml

from ...core.i18n import _
from ...core.errors import DataError, EditRefused, NoRecordError
from ...core.model import SCHEMA_VERSION
from ...core.problems import Source
from . import compose
from .compose import _compose_item, _construct, _is_block_scalar, _last_leaf
from .emit import _STR_TAG, _resolver
from .textpos import _after_line, _bom_len, _line_end, _line_no, _lit, _re, _source

# Column-0 content lines: top-level keys, markers. "- " at column 0 is an item
# of an indentless sequence, not a top-level line.
_TOP = re.compile(r"\n(?:[^ \t\r\n#\-]|-(?![ \t\r\n]))")
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ ]*:(?=[ \t\r]|$)")
_CONFLICT = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")
_KEY_REST_BLOCK = re.compile(r"[ \t]*(?:#[^\r\n]*)?\r?")
_KEY_REST_EMPTY_FLOW = re.compile(r"[ \t]*(?P<value>\[[ \t]*\])[ \t]*(?:#[^\r\n]*)?\r?")
_KEY_REST_NULL = re.compile(r"[ \t]*(?P<value>null|Null|NULL|~)(?:[ \t]+#[^\r\n]*|[ \t]*)\r?")
_ITEM_LINE = re.compile(r"( *)-(?=[ \t\r\n]|$)")
_BLANK_OR_COMMENT = re.compile(r"[ \t]*(?:#[^\r\n]*)?\r?")

# A record's id line: "  - id: X", "    id: 'X'", "  - id: \"X\"  # comment".
_ID_LINE = re.compile(
    r"(?P<indent>[ ]*)(?P<dash>-[ ]+)?id[ ]*:[ ]+"
    r"(?P<val>\"(?:[^\"\\\r\n]|\\.)*\"|'(?:[^'\r\n]|'')*'|[^\s'\"#\[\]{}&*!|>%@`][^\r\n]*?)"
    r"(?:[ \t]+#[^\r\n]*|[ \t]*)\r?$"
)
_DASH_LINE = re.compile(r"( *)-([ ]+)(?=\S)")


# --- locating the collection -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Region:
    """The lines of a top-level key's value: `collection:` up to the next column-0 line."""

    key_start: int  # start of the `collection:` line
    key_end: int  # index of its "\n" (or len(text))
    body: int  # start of the line after it
    end: int  # start of the next top-level line, or len(text)
    indent: int | None  # column of the items' "-"; None when there are no block items
    # On the key line, the text between ":" and any comment that must go when
    # the first block item is added: " []" or " null"; empty for "key:".
    empty_value: tuple[int, int]


_last_tops: tuple[str, str, tuple[tuple[int, str | None], ...]] | None = None


def _top_lines(text: str, filename: str) -> tuple[tuple[int, str | None], ...]:
    """(line start, key) of every column-0 content line; key is None for a non-key line.

    Also refuses what makes a splice unsafe anywhere in the file: merge-conflict
    markers, a second document, directives.

    One edit reads the same text three times (the record, its meeting, the
    splice) and this scan is 60 ms on an 85 MB file: the last answer is kept,
    for that very str object (immutable, so identity is enough).
    """
    global _last_tops
    if _last_tops is not None and _last_tops[0] is text and _last_tops[1] == filename:
        return _last_tops[2]
    tops = _scan_top_lines(text, filename)
    _last_tops = (text, filename, tops)
    return tops


def _scan_top_lines(text: str, filename: str) -> tuple[tuple[int, str | None], ...]:
    base = _bom_len(text)
    starts = [m.start() + 1 for m in _re(_TOP, text).finditer(text, base)]
    if base < len(text) and text[base:base + 1] not in _lit(text, " \t\r\n#") \
            and not _re(_ITEM_LINE, text).match(text, base):
        starts.insert(0, base)
    tops: list[tuple[int, str | None]] = []
    for number, start in enumerate(starts):
        end = _line_end(text, start)
        head = text[start:min(end, start + 8)]
        if isinstance(head, bytes):
            head = head.decode("ascii", "replace")  # only ASCII prefixes are looked for
        if head.startswith(_CONFLICT):
            raise DataError(_("unresolved git merge conflict; resolve it and run `bbtrack check`"),
                            _source(filename, text, start))
        if head.startswith("%"):
            raise EditRefused(_("YAML directives (%...) are not supported; remove the line"),
                              _source(filename, text, start))
        if head.startswith("...") or (head.startswith("---") and number > 0):
            raise EditRefused(_("a data file holds one YAML document; remove the '---'/'...' line"),
                              _source(filename, text, start))
        match = _re(_TOP_KEY, text).match(text, start, end)
        key = match.group(1) if match else None
        if isinstance(key, bytes):
            key = key.decode("ascii")
        tops.append((start, key))
        if key == "schema":
            _check_schema(text, match.end(), end, filename)
    return tuple(tops)


def _check_schema(text: str, colon: int, end: int, filename: str) -> None:
    """Refuse a file whose `schema:` names another format: a schema-1 bbtrack must
    not splice into a file it cannot read (docs/data-format.md §2)."""
    raw = text[colon:end]
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    try:
        value = yaml.load(raw, Loader=compose.LOADER) if raw.strip() else None
    except yaml.YAMLError:
        value = raw.strip()
    if isinstance(value, bool) or value != SCHEMA_VERSION:
        raise EditRefused(_("schema {value!r} is not supported by this bbtrack (knows {known}); "
                            "upgrade bbtrack").format(value=value, known=SCHEMA_VERSION), _source(filename, text, colon + len(text[colon:end]) -
                                                     len(text[colon:end].lstrip(_lit(text, " \t")))))


def _region(text: str, tops: tuple[tuple[int, str | None], ...], collection: str, filename: str) -> _Region:
    found = [i for i, (_, key) in enumerate(tops) if key == collection]
    if not found:
        raise DataError(_("no top-level key {key!r}; the file does not look like bbtrack data").format(key=collection),
                        Source(filename))
    if len(found) > 1:
        first, second = (tops[i][0] for i in found[:2])
        raise EditRefused(
            _("top-level key {key!r} appears twice (first at line {first}); keep one").format(
                key=collection, first=_line_no(text, first)),
            _source(filename, text, second),
        )
    number = found[0]
    key_start = tops[number][0]
    end = tops[number + 1][0] if number + 1 < len(tops) else len(text)
    key_end = _line_end(text, key_start)
    colon = text.index(_lit(text, ":"), key_start, key_end) + 1
    body = min(key_end + 1, len(text))
    if _re(_KEY_REST_BLOCK, text).fullmatch(text, colon, key_end):
        empty_value = (colon, colon)
    elif match := (_re(_KEY_REST_EMPTY_FLOW, text).fullmatch(text, colon, key_end)
                   or _re(_KEY_REST_NULL, text).fullmatch(text, colon, key_end)):
        empty_value = (colon, match.end("value"))
        return _Region(key_start, key_end, body, end, None, empty_value)
    else:
        raise EditRefused(_("{key!r} must be a block list (one '- ' record a line) to be edited").format(key=collection),
                          _source(filename, text, colon))
    indent = None
    pos = body
    while pos < end:  # skip blank and comment lines to the first item
        line_end = _line_end(text, pos)
        if not _re(_BLANK_OR_COMMENT, text).fullmatch(text, pos, line_end):
            item = _re(_ITEM_LINE, text).match(text, pos, line_end)
            if not item:
                raise EditRefused(_("{key!r} must be a list of records ('- id: ...')").format(key=collection),
                                  _source(filename, text, pos))
            indent = len(item.group(1))
            break
        pos = line_end + 1
    return _Region(key_start, key_end, body, end, indent, empty_value)


@functools.lru_cache(maxsize=16)
def _item_re(indent: int) -> re.Pattern[str]:
    # "\n" first: the regex engine then skips ahead by a fast literal search.
    return re.compile("\n" + " " * indent + r"-(?=[ \t\r\n]|$)")


def _item_starts(text: str | bytes, region: _Region) -> Iterator[int]:
    if region.indent is None:
        return
    for match in _re(_item_re(region.indent), text).finditer(text, region.body - 1, region.end):
        yield match.start() + 1


def _next_item(text: str | bytes, region_end: int, indent: int, after: int) -> int:
    """Start of the first item line of the region beginning after `after`, or region_end."""
    match = _re(_item_re(indent), text).search(text, after, region_end)
    return match.start() + 1 if match else region_end


def _item_before(text: str | bytes, region_body: int, indent: int, index: int) -> int | None:
    """Start of the nearest item line starting at or before `index` (None: before the first item)."""
    needle = _lit(text, "\n" + " " * indent + "-")
    limit = index - 1 + len(needle)  # the needle's "\n" may sit at most at index - 1
    while (hit := text.rfind(needle, region_body - 1, limit)) != -1:
        after = hit + len(needle)
        if after >= len(text) or text[after:after + 1] in _lit(text, " \t\r\n"):
            return hit + 1
        limit = after - 1  # a "-foo" line is not an item: look further up
    return None


def _id_value(raw: str) -> str | None:
    """The str an id written as `raw` reads as (None when it is not a str)."""
    if raw.startswith('"'):
        if "\\" not in raw:
            return raw[1:-1]
        value = yaml.load(raw, Loader=compose.LOADER)  # escapes: let YAML decode them
        return value if isinstance(value, str) else None
    if raw.startswith("'"):
        return raw[1:-1].replace("''", "'")
    raw = raw.rstrip()
    return raw if _resolver.resolve(yaml.ScalarNode, raw, (True, False)) == _STR_TAG else None


def _id_line_value(text: str | bytes, line_start: int, line_end: int) -> str | None:
    """The id an id line ("  - id: X", "    id: X") reads, or None for any other line."""
    # A line of bytes is decoded and matched as text: \s and \S are Unicode-aware there.
    match = (_ID_LINE.match(text[line_start:line_end].decode("utf-8")) if isinstance(text, bytes)
             else _ID_LINE.match(text, line_start, line_end))
    return _id_value(match.group("val")) if match else None


def _id_line_item(text: str | bytes, region: _Region, line_start: int, line_end: int) -> int | None:
    """Start of the record an id line names the id of, or None when it names none.

    "- id: X" counts at the items' column; "id:" not first in its record counts
    when it sits at the key column of the nearest item line above it.
    """
    assert region.indent is not None
    line = text[line_start:line_end]
    match = _ID_LINE.match(line.decode("utf-8") if isinstance(line, bytes) else line)
    if not match:
        return None
    indent = len(match.group("indent"))
    if match.group("dash"):
        return line_start if indent == region.indent else None
    owner = _item_before(text, region.body, region.indent, line_start - 1)
    if owner is None:
        return None
    owner_line = text[owner:_line_end(text, owner)]
    dash = _DASH_LINE.match(owner_line.decode("utf-8") if isinstance(owner_line, bytes) else owner_line)
    key_col = len(dash.group(1)) + 1 + len(dash.group(2)) if dash else indent
    return owner if key_col == indent and indent > region.indent else None


def _id_lines(text: str, region: _Region, record_id: str) -> list[int]:
    """Item starts of every record whose id line reads `record_id` (should be one)."""
    if region.indent is None or not record_id or "\n" in record_id or "\r" in record_id:
        return []
    items: list[int] = []
    pos = region.body
    needle = record_id.encode("utf-8", "surrogatepass") if isinstance(text, bytes) else record_id
    while (hit := text.find(needle, pos, region.end)) != -1:
        line_start = text.rfind(_lit(text, "\n"), 0, hit) + 1
        line_end = _line_end(text, hit)
        pos = line_end + 1  # one look per line, however often the id occurs on it
        if _id_line_value(text, line_start, line_end) != record_id:
            continue
        item = _id_line_item(text, region, line_start, line_end)
        if item is not None:
            items.append(item)
    return items


@dataclass(slots=True)
class _Located:
    """One record: text[start:end] (its "- " line to the next item / region end)."""

    region: _Region
    start: int
    end: int
    item: yaml.MappingNode  # marks relative to `start`

    def at(self, mark: yaml.Mark) -> int:
        return self.start + mark.index

    def column(self, text: str, index: int) -> int:
        return index - (text.rfind("\n", 0, index) + 1)

    def after_leaf(self, text: str, filename: str) -> int:
        """Start of the line after the record's last leaf: where new lines go."""
        leaf = _last_leaf(self.item)
        if _is_block_scalar(leaf):
            raise EditRefused(_("the record ends with a block scalar (| or >); bbtrack cannot append after it"),
                              _source(filename, text, self.at(leaf.start_mark)))
        return _after_line(text, self.at(leaf.end_mark))

    def fields(self) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        return {key.value: (key, value) for key, value in self.item.value}


def _record_span(text: str | bytes, collection: str, record_id: str, filename: str,
                 tops: tuple[tuple[int, str | None], ...]) -> tuple[_Region, int, int]:
    """The record's collection region and where the record starts and ends; refused when
    the id is missing or repeated."""
    region = _region(text, tops, collection, filename)
    starts = _id_lines(text, region, record_id)
    if not starts:
        raise NoRecordError(f"no record {record_id!r} in {collection}; check the id (bbtrack list)",
                            Source(filename))
    if len(starts) > 1:
        raise EditRefused(
            _("record id {id!r} appears {count} times in {collection} (lines {lines}); ids must be unique").format(
                id=record_id, count=len(starts), collection=collection,
                lines=", ".join(str(_line_no(text, s)) for s in starts)),
            _source(filename, text, starts[1]),
        )
    assert region.indent is not None
    return region, starts[0], _next_item(text, region.end, region.indent, starts[0])


def _locate(text: str, collection: str, record_id: str, filename: str,
            tops: tuple[tuple[int, str | None], ...] | None = None) -> _Located:
    region, start, end = _record_span(text, collection, record_id, filename,
                                      _top_lines(text, filename) if tops is None else tops)
    item = _compose_item(text, start, end, filename, _("record {id!r}").format(id=record_id))
    value = dict(_construct(item)).get("id")
    if value != record_id or not isinstance(value, str):
        raise EditRefused(_("record at this line reads as id {value!r}, not {id!r}; edit it by hand").format(
            value=value, id=record_id),
                          _source(filename, text, start))
    return _Located(region, start, end, item)


def _last_item(text: str, region: _Region) -> int:
    assert region.indent is not None
    found = _item_before(text, region.body, region.indent, region.end - 1)
    assert found is not None  # region.indent is only set when an item line exists
    return found
