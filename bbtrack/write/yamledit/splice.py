"""Byte-preserving edits of bbtrack's YAML files: splice text at node marks.

Every data edit is reviewed as a git diff, so an edit must change exactly the
lines it means to change. The file is therefore never re-serialised: the one
record being edited is located with cheap text scans, only that record's slice
is composed with PyYAML (libyaml's `CSafeLoader` when available), and new text
is spliced into the original `str` at the node marks. Everything outside the
touched lines (comments, quoting, key order, blank lines, CRLF, a BOM, other
records) is carried over unchanged, and every result is read back and compared
with what was asked for before it is returned (`validate_splice`).

Pure text in, text out: no file I/O, no printing. `storage.update_file` does
the locked read/write around these functions.

Why slices and not the whole file: composing a 100k-record (~40 MB) file takes
tens of seconds, locating one record by text takes milliseconds.

PyYAML facts this module is built on (each has a test in tests/test_yamledit.py):

* `Mark.index` counts code points (not bytes) in both loaders -> splice the str.
* libyaml does not count a BOM in marks, the pure loader does -> a composed
  slice never contains the BOM (it is only ever at offset 0 of the file).
* `Mark.line` counts U+2028/U+0085 as line breaks -> splice by `index` only;
  line numbers in messages are counted here as "\\n" before the index.
* the end mark of a block collection lies past trailing comments and blank
  lines -> a record ends at its deepest last leaf (`_last_leaf`).
* a record's start mark is its first key, not its "- ".
* an alias composes to the anchor's node, marks elsewhere -> refuse anchors,
  aliases and explicit tags anywhere in the file.
* duplicate keys compose silently -> refuse them in the composed record.
* a tab after "key:" loads under libyaml, not under the pure loader -> a slice
  containing a tab is composed with both and must read the same.

Invariants and where each is checked (n = file size, r = record size):

===============================================  ==========================================
invariant                                        checked by
===============================================  ==========================================
no git merge-conflict marker, no second          `_top_lines`: one regex pass over the
document (---/...), no %directive at column 0    column-0 lines of the whole text, O(n)
the collection key appears once at top level     `_top_lines` (same pass)
record id appears on exactly one record line     `_id_lines`: str.find of the id over the
of the collection                                collection, each hit's line re-matched, O(n)
no anchor, alias or tag in the whole file        `_check_file_tokens`: str.find of & * ! ;
                                                 each hit that can start a token has its
                                                 record (or top-level block) token-scanned;
                                                 a chunk that does not scan alone -> full scan
the record composes alone; no duplicate key,     `_compose_item`: compose + token scan of the
alias, non-core tag or complex key in it; its    record slice only, O(r); both loaders when
id reads back as the asked-for str; a tab         the slice holds a tab
reads the same under both loaders
after the edit: text outside the record's        `_check_splice` / `_check_append`
lines identical, blank lines and comments after  (validate_splice / validate_append): the
the record's last leaf identical, record reads   record is re-located in the new text and
back as old values + the edit, key order kept    re-composed, O(n) for the comparisons
===============================================  ==========================================

Not checked by an edit (the loader / `bbtrack check` reports them): YAML
syntax errors, duplicate keys and schema problems in *other* records.
Known limit of the text locator: a line inside a multi-line *quoted* scalar
of another record that looks exactly like "  - id: X" could be taken for a
record line. It is then reported as a duplicate id (refused) when X exists;
the record slices around it would not compose, which is refused too.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import functools
import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, NamedTuple

import yaml
from yaml.constructor import SafeConstructor

from ..core.errors import DataError, EditRefused, NotFoundError
from ..core.model import SCHEMA_VERSION
from ..core.problems import Source

# The loader used for composing. Tests switch it to `yaml.SafeLoader` to check
# that behaviour does not depend on libyaml being installed.
LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

BOM = "\ufeff"

# Lists under these keys are written as block lists (one URL / entry a line);
# any other list of scalars is a flow list on one line, like `parties: [..]`.
BLOCK_LIST_KEYS = frozenset({"evidence", "history"})

# A top-level region larger than this is token-scanned record by record.
_REGION_SCAN_LIMIT = 256 * 1024
# More suspicious chunks than this: one scan of the whole file is cheaper.
_MAX_CHUNK_SCANS = 2000

_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float", "str", "timestamp", "seq", "map")
)
_STR_TAG = "tag:yaml.org,2002:str"
_REFUSED_TOKENS = (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken, yaml.DirectiveToken)

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

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Where an anchor, alias or tag token can start: & * ! at the start of the text
# or after a space, tab, line break, [ { , (a BOM counts as a start).
_TOKEN_CHARS = "&*!"
_TOKEN_LEAD = frozenset(" \t\r\n[{,\ufeff")


# --- scalars -------------------------------------------------------------------------

# First characters that make a plain scalar mean something else (indicators).
_PLAIN_BAD_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Inside a flow list these end or break a plain scalar; ":" is excluded
# outright because libyaml and the pure loader disagree on "a:b" in flow.
_FLOW_BAD = frozenset(",[]{}:?")
# Characters written as escapes inside double quotes: everything YAML does not
# allow raw (C0/C1 controls, DEL, non-characters), line/paragraph separators and
# NEL (PyYAML reads them as line breaks), the BOM, bidi controls (invisible in a
# diff), the quote and the backslash. Tab and newlines fall in the first class.
_NEEDS_ESCAPE = re.compile(
    "[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    '|["\\\\\u2028\u2029\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]'
)
_NAMED_ESCAPES = {
    "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
    "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\u2028": "\\L",
    "\u2029": "\\P",
}
# Words some YAML reader (1.1 or 1.2, any case) takes for a bool/null/number.
_SPECIAL_WORDS = frozenset(
    {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf",
     ".nan", ".inf", "+.inf", "-.inf"}
)
# Anything that starts like a number is quoted: "2024-11" must stay a str for
# every reader, even though PyYAML alone would read it back as one.
_NUMBERISH = re.compile(r"[-+]?\.?\d")
_SURROGATE = re.compile("[\ud800-\udfff]")
_resolver = yaml.resolver.Resolver()


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def _plain_ok(text: str, flow: bool) -> bool:
    """True when `text` can be written unquoted and reads back as this very str."""
    if not text or text[0].isspace() or text[-1].isspace() or text[0] in _PLAIN_BAD_FIRST:
        return False
    if _NEEDS_ESCAPE.search(text) or ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and not _FLOW_BAD.isdisjoint(text):
        return False
    if text.lower() in _SPECIAL_WORDS or _NUMBERISH.match(text):
        return False
    # Both loaders resolve plain scalars with the same Python resolver.
    return _resolver.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG


def format_scalar(value: object, *, flow: bool = False) -> str:
    """YAML text (one line) that reads back as exactly `value`.

    str, int, bool, None and datetime.date are scalars; a list/tuple of those
    becomes a flow list `[a, b]`. A str is written plain when that is
    unambiguous, else double-quoted with escapes (never a block scalar), so
    "on", "2024-11", "1e3", "- x", "# x", " x" all stay strings. `flow=True`
    formats an item inside a flow list (stricter: no `,[]{}:` unquoted).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _dt.datetime):
        # The loader refuses timestamps: only whole days are data.
        raise TypeError("a datetime cannot be stored; pass a datetime.date")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ValueError(f"{value!r} holds a lone surrogate, which UTF-8 cannot store")
        if _plain_ok(value, flow):
            return value
        return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'
    if isinstance(value, (list, tuple)) and not flow:
        return "[" + ", ".join(format_scalar(item, flow=True) for item in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} as a YAML scalar")


def _format_key(key: object) -> str:
    """A mapping key: a plain word that reads back as itself."""
    # _plain_ok, not format_scalar: a key is never quoted, so it must be plain as is.
    if not isinstance(key, str) or not _FIELD_NAME.fullmatch(key) or not _plain_ok(key, False):
        raise ValueError(f"{key!r} is not usable as a field name (plain words only)")
    return key


# --- positions -----------------------------------------------------------------------


# The whole-file scans below take a str or the file's bytes (`FileBytes`): every
# character they look for is ASCII, and in UTF-8 no byte of a non-ASCII character
# is ASCII, so a scan of the bytes finds what a scan of the decoded text finds, at
# byte offsets. Only the record being edited is ever decoded.
_BOM_BYTES = BOM.encode("utf-8")


def _lit(text: str | bytes, literal: str) -> Any:
    """`literal` in the type of `text`."""
    return literal.encode("ascii") if isinstance(text, bytes) else literal


@functools.lru_cache(maxsize=None)
def _bytes_re(pattern: re.Pattern[str]) -> re.Pattern[bytes]:
    return re.compile(pattern.pattern.encode("ascii"))


def _re(pattern: re.Pattern[str], text: str | bytes) -> Any:
    """`pattern` for `text`: the same ASCII-only pattern compiled for bytes when text is bytes."""
    return _bytes_re(pattern) if isinstance(text, bytes) else pattern


def _bom_len(text: str | bytes) -> int:
    if isinstance(text, bytes):
        return len(_BOM_BYTES) if text.startswith(_BOM_BYTES) else 0
    return 1 if text.startswith(BOM) else 0


def _newline(text: str | bytes) -> str:
    """The file's newline, from its first line break ("\\n" for a one-line file)."""
    first = text.find(_lit(text, "\n"))
    return "\r\n" if first > 0 and text[first - 1:first] == _lit(text, "\r") else "\n"


def _source(filename: str, text: str | bytes, index: int) -> Source:
    """1-based line/column of `index`, counting only "\\n" as a line break (the
    mark's own `line` also counts U+2028/U+0085). Columns count characters, also
    in bytes."""
    index = max(0, min(index, len(text)))
    line_start = text.rfind(_lit(text, "\n"), 0, index) + 1
    if isinstance(text, bytes):
        col = len(text[line_start:index].decode("utf-8", "replace")) + 1
    else:
        col = index - line_start + 1
    if line_start == 0 and _bom_len(text):
        col = max(1, col - 1)  # the BOM is not a column anyone sees
    return Source(filename, _line_no(text, index), col)


def _line_end(text: str | bytes, index: int) -> int:
    """Index of the "\\n" ending the line holding `index`, or len(text)."""
    end = text.find(_lit(text, "\n"), index)
    return len(text) if end == -1 else end


def _after_line(text: str | bytes, index: int) -> int:
    """Start of the line after the one holding `index` (len(text) at the end)."""
    end = text.find(_lit(text, "\n"), index)
    return len(text) if end == -1 else end + 1


def _line_no(text: str | bytes, index: int) -> int:
    line = text.count(_lit(text, "\n"), 0, index) + 1
    if isinstance(text, _Excerpt):
        return text.file_line(line)
    return line


class _Excerpt(str):
    """The text of one record of a file held as bytes (preceded by its collection's
    key line), whose line numbers are translated to the file's for messages."""

    file_line: Any  # line number in the excerpt -> line number in the file


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
            raise DataError("unresolved git merge conflict; resolve it and run `bbtrack check`",
                            _source(filename, text, start))
        if head.startswith("%"):
            raise EditRefused("YAML directives (%...) are not supported; remove the line",
                              _source(filename, text, start))
        if head.startswith("...") or (head.startswith("---") and number > 0):
            raise EditRefused("a data file holds one YAML document; remove the '---'/'...' line",
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
        value = yaml.load(raw, Loader=LOADER) if raw.strip() else None
    except yaml.YAMLError:
        value = raw.strip()
    if isinstance(value, bool) or value != SCHEMA_VERSION:
        raise EditRefused(f"schema {value!r} is not supported by this bbtrack (knows {SCHEMA_VERSION}); "
                          "upgrade bbtrack", _source(filename, text, colon + len(text[colon:end]) -
                                                     len(text[colon:end].lstrip(_lit(text, " \t")))))


def _region(text: str, tops: tuple[tuple[int, str | None], ...], collection: str, filename: str) -> _Region:
    found = [i for i, (_, key) in enumerate(tops) if key == collection]
    if not found:
        raise DataError(f"no top-level key {collection!r}; the file does not look like bbtrack data",
                        Source(filename))
    if len(found) > 1:
        first, second = (tops[i][0] for i in found[:2])
        raise EditRefused(
            f"top-level key {collection!r} appears twice (first at line {_line_no(text, first)}); keep one",
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
        raise EditRefused(f"{collection!r} must be a block list (one '- ' record a line) to be edited",
                          _source(filename, text, colon))
    indent = None
    pos = body
    while pos < end:  # skip blank and comment lines to the first item
        line_end = _line_end(text, pos)
        if not _re(_BLANK_OR_COMMENT, text).fullmatch(text, pos, line_end):
            item = _re(_ITEM_LINE, text).match(text, pos, line_end)
            if not item:
                raise EditRefused(f"{collection!r} must be a list of records ('- id: ...')",
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
        value = yaml.load(raw, Loader=LOADER)  # escapes: let YAML decode them
        return value if isinstance(value, str) else None
    if raw.startswith("'"):
        return raw[1:-1].replace("''", "'")
    raw = raw.rstrip()
    return raw if _resolver.resolve(yaml.ScalarNode, raw, (True, False)) == _STR_TAG else None


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
        # A line of bytes is decoded and matched as text: \s and \S are Unicode-aware there.
        match = (_ID_LINE.match(text[line_start:line_end].decode("utf-8")) if isinstance(text, bytes)
                 else _ID_LINE.match(text, line_start, line_end))
        if not match or _id_value(match.group("val")) != record_id:
            continue
        indent = len(match.group("indent"))
        if match.group("dash"):
            if indent == region.indent:
                items.append(line_start)
            continue
        # "id:" not first in its record: it counts when it sits at the key column
        # of the nearest item line above it.
        owner = _item_before(text, region.body, region.indent, line_start - 1)
        if owner is None:
            continue
        owner_line = text[owner:_line_end(text, owner)]
        dash = _DASH_LINE.match(owner_line.decode("utf-8") if isinstance(owner_line, bytes) else owner_line)
        key_col = len(dash.group(1)) + 1 + len(dash.group(2)) if dash else indent
        if key_col == indent and indent > region.indent:
            items.append(owner)
    return items


# --- composing one record ------------------------------------------------------------


def _other_loader(loader: type) -> type | None:
    if loader is yaml.SafeLoader:
        return getattr(yaml, "CSafeLoader", None)
    return yaml.SafeLoader


def _at(text: str | bytes, base: int, chunk: str, index: int) -> int:
    """The position in `text` of chunk[index], where chunk is text[base:...] (decoded when text is bytes)."""
    if isinstance(text, bytes):
        return base + len(chunk[:index].encode("utf-8", "surrogatepass"))
    return base + index


def _yaml_error(exc: yaml.YAMLError, text: str | bytes, base: int, filename: str, what: str,
                chunk: str = "") -> DataError:
    """A DataError at the absolute position of a YAML error raised on text[base:...] (`chunk`
    when text is bytes)."""
    index: int | None = None
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        index = mark.index if mark else None
        reason = " ".join(str(exc.problem or exc.context or "syntax error").split())
    elif isinstance(exc, yaml.reader.ReaderError):
        index = exc.position
        reason = f"character {exc.character!r} is not allowed in YAML"
    else:
        reason = " ".join(str(exc).split())
    source = _source(filename, text, _at(text, base, chunk, index)) if index is not None else Source(filename)
    return DataError(f"cannot read {what}: {reason}; fix the YAML (bbtrack check) first", source)


def _refuse_tokens(chunk: str, text: str | bytes, base: int, filename: str, loader: type) -> None:
    """Refuse an anchor, alias, tag or directive token in `chunk` (= text[base:...], decoded)."""
    for token in yaml.scan(chunk, Loader=loader):
        if isinstance(token, _REFUSED_TOKENS):
            if isinstance(token, yaml.TagToken):
                handle, suffix = token.value
                what = f"tag {(handle or '') + (suffix or '')!r}"
            elif isinstance(token, yaml.DirectiveToken):
                what = f"directive %{token.name}"
            else:
                what = f"{'anchor &' if isinstance(token, yaml.AnchorToken) else 'alias *'}{token.value}"
            raise EditRefused(
                f"YAML {what} found; bbtrack edits only files without anchors, aliases or tags "
                "(write the value out)",
                _source(filename, text, _at(text, base, chunk, token.start_mark.index)),
            )


def _construct(node: yaml.Node) -> Any:
    return SafeConstructor().construct_document(node)


def _check_nodes(root: yaml.Node, text: str, base: int, filename: str) -> None:
    """Refuse duplicate keys, aliases (a node met twice), complex keys, non-core tags."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise EditRefused("YAML alias found; write the value out",
                              _source(filename, text, base + node.start_mark.index))
        seen.add(id(node))
        if node.tag not in _CORE_TAGS:
            raise EditRefused(f"YAML tag {node.tag!r} is not allowed; remove it",
                              _source(filename, text, base + node.start_mark.index))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise EditRefused("complex mapping keys are not allowed",
                                      _source(filename, text, base + key.start_mark.index))
                if key.value in keys:
                    first = _line_no(text, base + keys[key.value].start_mark.index)
                    raise EditRefused(f"key {key.value!r} appears twice (first at line {first}); keep one",
                                      _source(filename, text, base + key.start_mark.index))
                keys[key.value] = key
                stack.extend((value, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _compose_item(text: str, start: int, end: int, filename: str, what: str) -> yaml.MappingNode:
    """Compose the record slice text[start:end] ("- key: ..." lines) and check it.

    Marks of the returned node are relative to `start`.
    """
    chunk = text[start:end]
    loader = LOADER
    try:
        root = yaml.compose(chunk, Loader=loader)
        _refuse_tokens(chunk, text, start, filename, loader)
    except yaml.YAMLError as exc:
        if "\t" in chunk and (other := _other_loader(loader)) is not None:
            _compare_loaders(chunk, text, start, filename, loader, other)
        raise _yaml_error(exc, text, start, filename, what) from None
    if "\t" in chunk and (other := _other_loader(loader)) is not None:
        _compare_loaders(chunk, text, start, filename, loader, other)
    if not isinstance(root, yaml.SequenceNode) or len(root.value) != 1:
        raise EditRefused(f"{what} is not a single '- ' list item", _source(filename, text, start))
    item = root.value[0]
    if not isinstance(item, yaml.MappingNode):
        raise EditRefused(f"{what} must be a mapping (key: value lines)", _source(filename, text, start))
    _check_nodes(item, text, start, filename)
    return item


def _compare_loaders(chunk: str, text: str, start: int, filename: str, loader: type, other: type) -> None:
    """libyaml accepts tabs where the pure loader does not: both must read the slice the same."""
    results = []
    for each in (loader, other):
        try:
            results.append(_construct(yaml.compose(chunk, Loader=each)))
        except yaml.YAMLError:
            results.append(_FAILED)
    if results[0] is _FAILED and results[1] is _FAILED:
        return  # plain syntax error: reported by the caller
    if results[0] is _FAILED or results[1] is _FAILED or not _same(results[0], results[1]):
        tab = start + chunk.index("\t")
        raise EditRefused("a tab character here is read differently by YAML parsers; use spaces",
                          _source(filename, text, tab))


_FAILED = object()


def _last_leaf(node: yaml.Node) -> yaml.Node:
    """The deepest last scalar/flow node: where a record's text really ends.

    The end mark of a block collection lies past trailing comments and blank
    lines; the last leaf's does not.
    """
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def _is_block_scalar(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")


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
            raise EditRefused("the record ends with a block scalar (| or >); bbtrack cannot append after it",
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
        raise NotFoundError(f"no record {record_id!r} in {collection}; check the id (bbtrack list)",
                            Source(filename))
    if len(starts) > 1:
        raise EditRefused(
            f"record id {record_id!r} appears {len(starts)} times in {collection} (lines "
            f"{', '.join(str(_line_no(text, s)) for s in starts)}); ids must be unique",
            _source(filename, text, starts[1]),
        )
    assert region.indent is not None
    return region, starts[0], _next_item(text, region.end, region.indent, starts[0])


def _locate(text: str, collection: str, record_id: str, filename: str,
            tops: tuple[tuple[int, str | None], ...] | None = None) -> _Located:
    region, start, end = _record_span(text, collection, record_id, filename,
                                      _top_lines(text, filename) if tops is None else tops)
    item = _compose_item(text, start, end, filename, f"record {record_id!r}")
    value = dict(_construct(item)).get("id")
    if value != record_id or not isinstance(value, str):
        raise EditRefused(f"record at this line reads as id {value!r}, not {record_id!r}; edit it by hand",
                          _source(filename, text, start))
    return _Located(region, start, end, item)


# --- whole-file token check ------------------------------------------------------------


def _check_file_tokens(text: str, tops: tuple[tuple[int, str | None], ...], filename: str,
                       skip: tuple[int, int] = (0, 0)) -> None:
    """Refuse any anchor, alias or tag in the file without scanning all of it.

    Such a token starts with & * or ! right after a space, tab, line break or
    [ { , (or at the start of the text). Every such character is located with
    str.find (fast); the record or top-level block holding it is then
    token-scanned to tell a real token from text like "R & D" in a value.
    text[skip[0]:skip[1]] was already scanned by the caller.
    """
    base = _bom_len(text)
    top_starts = [start for start, _ in tops]
    binary = isinstance(text, bytes)
    chars = {char: _lit(text, char) for char in _TOKEN_CHARS}
    leads = _lit(text, "".join(_TOKEN_LEAD - {BOM}))

    # str.find is memchr: ~20 ms for 85 MB, where a regex with a look-behind took 1.1 s.
    # Each character's next position is kept until passed, so text with many '&'
    # and no '!' does not rescan to the end for '!' at every '&'.
    upcoming = dict.fromkeys(_TOKEN_CHARS, -2)

    def next_hit(pos: int) -> int | None:
        while True:
            best = -1
            for char, at in upcoming.items():
                if at != -1 and at < pos:
                    at = upcoming[char] = text.find(chars[char], pos)
                if at != -1 and (best == -1 or at < best):
                    best = at
            if best == -1:
                return None
            if skip[0] <= best < skip[1]:
                pos = skip[1]
            elif best == 0 or text[best - 1:best] in leads or (
                    best >= 3 and text[best - 3:best] == _BOM_BYTES if binary else text[best - 1] == BOM):
                return best
            else:
                pos = best + 1

    # Candidates in file order; every candidate inside a chunk already found is
    # skipped, so each chunk is computed once (a hit-by-hit walk is quadratic
    # when one chunk holds millions of '&').
    chunks: list[tuple[int, int]] = []
    hit = next_hit(base)
    while hit is not None and len(chunks) <= _MAX_CHUNK_SCANS:
        first, last = _chunk_around(text, base, top_starts, hit)
        chunks.append((first, last))
        hit = next_hit(max(last, hit + 1))
    if not chunks:
        return
    if len(chunks) <= _MAX_CHUNK_SCANS:
        try:
            for first, last in chunks:
                _refuse_tokens(_decoded(text[first:last]), text, first, filename, LOADER)
            return
        except yaml.YAMLError:
            pass  # a chunk that does not scan alone (e.g. cut mid-string): scan the whole file
    whole = _decoded(text[base:])
    try:
        _refuse_tokens(whole, text, base, filename, LOADER)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, base, filename, "the file", whole) from None


def _decoded(chunk: str | bytes) -> str:
    return chunk.decode("utf-8") if isinstance(chunk, bytes) else chunk


def _chunk_around(text: str, base: int, top_starts: list[int], index: int) -> tuple[int, int]:
    """A slice holding `index` that YAML can scan on its own: its top-level block,
    or within a large block the list item holding it."""
    number = bisect.bisect_right(top_starts, index) - 1
    first = top_starts[number] if number >= 0 else base
    last = top_starts[number + 1] if number + 1 < len(top_starts) else len(text)
    if last - first <= _REGION_SCAN_LIMIT or number < 0:
        return first, last
    body = _after_line(text, first)
    indent = _first_item_indent(text, body, last)
    if indent is None:
        return first, last
    item = _item_before(text, body, indent, index)
    if item is None:
        return first, _next_item(text, last, indent, body - 1)
    return item, _next_item(text, last, indent, item)


def _first_item_indent(text: str | bytes, body: int, end: int) -> int | None:
    pos = body
    while pos < end:
        line_end = _line_end(text, pos)
        if not _re(_BLANK_OR_COMMENT, text).fullmatch(text, pos, line_end):
            item = _re(_ITEM_LINE, text).match(text, pos, line_end)
            return len(item.group(1)) if item else None
        pos = line_end + 1
    return None


# --- rendering new lines -------------------------------------------------------------


def _render_mapping(mapping: Mapping[str, Any], key_col: int, dash_col: int | None = None) -> list[str]:
    """Block lines (no newline characters) for `mapping`, keys at `key_col`; with
    `dash_col` the first line is a list item "- key: ...". """
    if not mapping:
        raise ValueError("cannot write an empty mapping")
    lines: list[str] = []
    for number, (key, value) in enumerate(mapping.items()):
        if number == 0 and dash_col is not None:
            lead = " " * dash_col + "-" + " " * (key_col - dash_col - 1)
        else:
            lead = " " * key_col
        lines.extend(_render_pair(key, value, key_col, lead))
    return lines


def _render_pair(key: str, value: Any, col: int, lead: str) -> list[str]:
    name = _format_key(key)
    if isinstance(value, Mapping):
        return [f"{lead}{name}:", *_render_mapping(value, col + 2)] if value else [f"{lead}{name}: {{}}"]
    if isinstance(value, (list, tuple)) and value and (
        key in BLOCK_LIST_KEYS or any(isinstance(item, (Mapping, list, tuple)) for item in value)
    ):
        lines = [f"{lead}{name}:"]
        for item in value:
            if isinstance(item, Mapping):
                lines.extend(_render_mapping(item, col + 4, col + 2))
            elif isinstance(item, (list, tuple)):
                raise TypeError(f"{key}: nested lists cannot be written")
            else:
                lines.append(" " * (col + 2) + "- " + format_scalar(item))
        return lines
    return [f"{lead}{name}: {format_scalar(value)}"]


def _insertion(text: str, at: int, lines: list[str], nl: str) -> str:
    """Text inserting whole `lines` at line start `at` (or at the very end)."""
    block = nl.join(lines)
    if at == len(text) and text and not text.endswith("\n"):
        return nl + block  # last line had no newline: keep it that way
    return block + nl


def _splice(text: str, edits: list[tuple[int, int, int, str]]) -> str:
    """Apply (start, end, order, replacement) edits; inserts at one point go in `order`."""
    parts = []
    pos = 0
    for start, end, _, replacement in sorted(edits, key=lambda e: (e[0], e[2])):
        if start < pos:
            raise AssertionError("overlapping edits")  # a bug, never bad data
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _colon_after(text: str, key: int, value: int, filename: str) -> int:
    """Index just past the ":" between a key's end and its value's start."""
    colon = text.find(":", key, value + 1)
    if colon == -1:
        raise EditRefused("cannot find the ':' after this key", _source(filename, text, key))
    return colon + 1


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
            raise EditRefused("a record's id never changes; add a new record instead", Source(filename))
        if name == "history":
            raise EditRefused("history is only appended to (pass history_entry)", Source(filename))
        if name not in existing:
            new_lines.extend(_render_pair(name, value, key_col, " " * key_col))
            continue
        key, node = existing[name]
        start, end = located.at(node.start_mark), located.at(node.end_mark)
        where = functools.partial(_source, filename, text, start)  # line counting is O(n): only on error
        if isinstance(value, (list, tuple)) and name in BLOCK_LIST_KEYS:
            raise EditRefused(f"{name} is a block list; bbtrack does not rewrite it", where())
        replacement = format_scalar(value)
        if isinstance(node, yaml.ScalarNode):
            if _is_block_scalar(node):
                raise EditRefused(f"{name} is a block scalar (| or >); edit it by hand", where())
            if start == end:  # "key:" with nothing after it (an empty null)
                replacement = " " + replacement
        elif not node.flow_style:
            raise EditRefused(f"{name} holds a block list/mapping; bbtrack only replaces one-line values", where())
        edits.append((start, end, 1, replacement))
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
            raise EditRefused("history items must be mappings", where())
        entry_key = located.at(first.start_mark)
        entry_col = located.column(text, entry_key)
        line_start = text.rfind("\n", 0, entry_key) + 1
        dash = text.rfind("-", line_start, entry_key)
        if dash == -1 or text[line_start:dash].strip(" "):
            raise EditRefused("cannot tell the indentation of this history list", where())
        leaf = _last_leaf(node)
        if _is_block_scalar(leaf):
            raise EditRefused("history ends with a block scalar (| or >); edit it by hand", where())
        at = _after_line(text, located.at(leaf.end_mark))
        lines = _render_mapping(entry, entry_col, dash - line_start)
        edits.append((at, at, 0, _insertion(text, at, lines, nl)))
        return
    empty_flow = isinstance(node, yaml.SequenceNode) and node.flow_style and not node.value
    null = isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" and not node.style
    if not (empty_flow or null):
        raise EditRefused("history must be a block list, [] or null to be appended to", where())
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
    tops = _top_lines(text, filename)
    region = _region(text, tops, collection, filename)
    if dup := _id_lines(text, region, record_id):
        raise EditRefused(f"record id {record_id!r} already exists; ids are never reused",
                          _source(filename, text, dup[0]))
    edits: list[tuple[int, int, int, str]] = []
    skip = (0, 0)
    if region.indent is not None:
        last = _last_item(text, region)
        item = _compose_item(text, last, region.end, filename, "the last record")
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


def _last_item(text: str, region: _Region) -> int:
    assert region.indent is not None
    found = _item_before(text, region.body, region.indent, region.end - 1)
    assert found is not None  # region.indent is only set when an item line exists
    return found


def record_ids(text: str, collection: str, *, filename: str = "<data>") -> list[str]:
    """Ids of the records of `collection`, in file order (duplicates included).

    Reads each record's "- id: X" line; a record whose first key is not its id
    is composed to find it. Raises DataError for a record without a str id.
    """
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
        item = _compose_item(text, start, end, filename, "a record")
        value = dict(_construct(item)).get("id")
        if not isinstance(value, str) or not value:
            raise DataError(f"a record in {collection} has no text id; every record needs 'id:'",
                            _source(filename, text, start))
        ids.append(value)
    return ids


# --- read-back checks -----------------------------------------------------------------


def _plain(value: Any) -> Any:
    """What `value` reads back as: tuples become lists, mappings dicts."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _same(left: Any, right: Any) -> bool:
    """Equality that tells True from 1, a date from a str, and key order apart."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[key], right[key]) for key in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right))
    return bool(left == right)


def _outside_same(old: str, new: str, old_start: int, old_end: int, new_start: int, new_end: int) -> bool:
    """old[:old_start] == new[:new_start] and old[old_end:] == new[new_end:]."""
    if old_start != new_start or len(old) - old_end != len(new) - new_end:
        return False
    return new.startswith(old[:old_start]) and new.endswith(old[old_end:])


def _fail(message: str, filename: str, text: str, index: int) -> EditRefused:
    return EditRefused(f"edit did not read back as intended ({message}); nothing written",
                       _source(filename, text, index))


def validate_splice(old_text: str, new_text: str, collection: str, record_id: str,
                    fields: dict[str, object], history_entry: dict[str, object] | None = None,
                    *, filename: str = "<data>") -> None:
    """Check that `new_text` is `old_text` with exactly this edit of one record.

    Re-locates and re-composes the record in both texts and checks: the text
    before the record and after it is identical; the blank lines/comments
    between its last leaf and the next record are identical; it reads back as
    the old record with `fields` set (existing keys in place, new keys appended
    in order) and `history_entry` appended to `history`. Raises EditRefused on
    any difference.
    """
    old = _locate(old_text, collection, record_id, filename)
    new = _locate(new_text, collection, record_id, filename)
    _check_splice(old_text, new_text, old, new, fields, history_entry, filename)


def _check_splice(old_text: str, new_text: str, old: _Located, new: _Located, fields: dict[str, object],
                  history_entry: dict[str, object] | None, filename: str) -> None:
    if not _outside_same(old_text, new_text, old.start, old.end, new.start, new.end):
        raise _fail("text outside the record changed", filename, new_text, new.start)
    old_after, new_after = old.after_leaf(old_text, filename), new.after_leaf(new_text, filename)
    if old_text[old_after:old.end] != new_text[new_after:new.end]:
        raise _fail("comments or blank lines after the record moved", filename, new_text, new_after)
    expected = dict(_construct(old.item))
    order = list(expected)
    for name, value in fields.items():
        if name not in expected:
            order.append(name)
        expected[name] = _plain(value)
    if history_entry is not None:
        history = expected.get("history")
        if "history" not in expected:
            order.append("history")
        expected["history"] = [*(history or []), _plain(history_entry)]
    expected = {name: expected[name] for name in order}
    got = _construct(new.item)
    if not _same(got, expected):
        wrong = [k for k in expected if k not in got or not _same(got[k], expected[k])] or list(got)
        raise _fail(f"field {wrong[0]!r} reads back wrong", filename, new_text, new.start)


def validate_append(old_text: str, new_text: str, collection: str, record: dict[str, object],
                    *, filename: str = "<data>") -> None:
    """Check that `new_text` is `old_text` plus `record` as the last item of `collection`.

    The text before the new record is unchanged (apart from a `[]` on the
    collection's key line, when it was empty), the text after it is what
    followed the old last record, and the new record reads back as `record`.
    """
    record_id = record["id"]
    assert isinstance(record_id, str)
    old_tops = _top_lines(old_text, filename)
    old_region = _region(old_text, old_tops, collection, filename)
    new = _locate(new_text, collection, record_id, filename)
    if new.end != new.region.end:
        raise _fail("the new record is not the last one", filename, new_text, new.start)
    if old_region.indent is not None:
        last = _last_item(old_text, old_region)
        item = _compose_item(old_text, last, old_region.end, filename, "the last record")
        at = _Located(old_region, last, old_region.end, item).after_leaf(old_text, filename)
        # A file without a final newline gets one before the new record.
        gap = len(_newline(old_text)) if at == len(old_text) and not old_text.endswith("\n") else 0
        before_same = new.start == at + gap and new_text.startswith(old_text[:at])
    else:
        at = _after_line(old_text, old_region.key_start)
        key = old_region.key_start
        first, last = old_region.empty_value
        old_key_line = old_text[key:first] + old_text[last:at]
        new_key_line = new_text[key:new.start]
        before_same = new_text.startswith(old_text[:key]) and new_key_line == old_key_line
    if not before_same:
        raise _fail("text before the new record changed", filename, new_text, new.start)
    after = new.after_leaf(new_text, filename)
    if old_region.indent is not None and at == len(old_text):
        after = len(new_text)  # appended at the very end: nothing can follow
    if len(new_text) - after != len(old_text) - at or not new_text.endswith(old_text[at:]):
        raise _fail("text after the new record changed", filename, new_text, after)
    if not _same(_construct(new.item), _plain(record)):
        raise _fail("the new record reads back differently", filename, new_text, new.start)


def read_record(text: str, collection: str, record_id: str, *, filename: str = "<data>") -> dict[str, Any]:
    """The record `record_id` of `collection` as plain values, read from its own slice of `text`.

    Edits check a transition against this (the file as it is under the lock),
    not against a dataset loaded earlier that may be stale.
    """
    return _record_value(text, _locate(text, collection, record_id, filename), filename)


def _record_value(text: str, located: _Located, filename: str) -> dict[str, Any]:
    record = dict(_construct(located.item))
    history = located.fields().get("history")
    if history is not None and not isinstance(record["history"], (list, type(None))):
        # The caller reads the last entry's date: anything but a list cannot be appended to.
        raise EditRefused("history must be a block list, [] or null to be appended to",
                          _source(filename, text, located.at(history[1].start_mark)))
    return record


# --- editing a file held as bytes -------------------------------------------------------


class Splice(NamedTuple):
    """Replace data[start:end] with `replacement`: one record's new bytes."""

    start: int
    end: int
    replacement: bytes

    def apply(self, data: bytes) -> bytes:
        return data[:self.start] + self.replacement + data[self.end:]


class FileBytes:
    """A data file as the bytes read under the writer lock, for editing one record.

    Decoding and re-encoding 85 MB of Vietnamese text takes longer than the rest
    of an edit, so the whole-file scans and checks of `set_fields` run on the
    bytes and only the record's lines are decoded: they are edited and read back
    by the str functions, as an excerpt made of the collection's key line and the
    record (which is where that record would sit were it its collection's only
    one). The bytes must be valid UTF-8 (the caller decodes them strictly unless
    they are bytes a clean load has read).
    """

    def __init__(self, data: bytes, filename: str = "<data>") -> None:
        self.data = data
        self.filename = filename
        self._found: dict[tuple[str, str], tuple[int, int, _Excerpt, _Located]] = {}

    def _record(self, collection: str, record_id: str) -> tuple[int, int, _Excerpt, _Located]:
        """(start, end, excerpt, located in the excerpt) of a record, checked as `_locate` checks it."""
        if (collection, record_id) in self._found:
            return self._found[collection, record_id]
        data, filename = self.data, self.filename
        region, start, end = _record_span(data, collection, record_id, filename, _top_lines(data, filename))
        header = data[region.key_start:region.body].decode("utf-8")
        excerpt = self._excerpt(header + data[start:end].decode("utf-8"), region.key_start, start)
        located = _locate(excerpt, collection, record_id, filename, _scan_top_lines(excerpt, filename))
        self._found[collection, record_id] = start, end, excerpt, located
        return start, end, excerpt, located

    def _excerpt(self, text: str, key_start: int, start: int) -> _Excerpt:
        excerpt = _Excerpt(text)
        data = self.data

        def file_line(line: int) -> int:  # only for messages: counting lines is O(n)
            return _line_no(data, key_start) if line == 1 else _line_no(data, start) + line - 2

        excerpt.file_line = file_line
        return excerpt

    def read_record(self, collection: str, record_id: str) -> dict[str, Any]:
        """`read_record` of the decoded file."""
        _, _, excerpt, located = self._record(collection, record_id)
        return _record_value(excerpt, located, self.filename)

    def set_fields(self, collection: str, record_id: str, fields: dict[str, object],
                   history_entry: dict[str, object] | None = None) -> Splice | None:
        """`set_fields` of the decoded file, as the one splice that turns the old bytes into the
        encoded result; None when there is nothing to change. Every check of `set_fields` is made:
        the whole-file ones on the bytes, the read-back on the record's new lines.
        """
        if not fields and not history_entry:
            return None
        data, filename = self.data, self.filename
        start, end, excerpt, located = self._record(collection, record_id)
        _check_file_tokens(data, _top_lines(data, filename), filename, skip=(start, end))
        header = located.start
        # The file's newline: an excerpt's first line break is the key line's, not the file's first.
        new = self._excerpt(_build_set(excerpt, located, fields, history_entry, filename, _newline(data)),
                            located.region.key_start, start)
        # Checked in the excerpt exactly as set_fields checks the whole text: a record that grew
        # a line starting another item or a top-level key would end before the excerpt does.
        _check_splice(excerpt, new, located, _locate(new, collection, record_id, filename,
                                                     _scan_top_lines(new, filename)),
                      fields, history_entry, filename)
        try:
            replacement = new[header:].encode("utf-8")
        except UnicodeEncodeError as exc:
            raise DataError(f"new text cannot be stored as UTF-8 ({exc.reason}); nothing written",
                            Source(filename)) from None
        return Splice(start, end, replacement)
