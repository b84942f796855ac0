"""New YAML text: one-line scalars that read back as exactly the value, and block lines
for a new record, field or history entry, spliced in at line starts."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Mapping

import yaml

from ...core.i18n import _
from ...core.errors import EditRefused
from .textpos import _source

# Lists under these keys are written as block lists (one URL / entry a line);
# any other list of scalars is a flow list on one line, like `parties: [..]`.
BLOCK_LIST_KEYS = frozenset({"evidence", "history"})

_STR_TAG = "tag:yaml.org,2002:str"
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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


def scalar_edit(start: int, end: int, value: object) -> tuple[int, int, int, str]:
    """The splice that writes `value` as the one-line scalar standing at text[start:end]; an
    empty null (`key:` with nothing after it) gets the space a value needs after its colon."""
    replacement = format_scalar(value)
    return start, end, 1, (" " + replacement) if start == end else replacement


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
    for start, end, _order, replacement in sorted(edits, key=lambda e: (e[0], e[2])):
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
        raise EditRefused(_("cannot find the ':' after this key"), _source(filename, text, key))
    return colon + 1
