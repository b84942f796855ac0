"""The whole-file check for anchors, aliases and tags, without scanning the whole file:
only the records or top-level blocks holding a character that can start such a token."""

from __future__ import annotations

import bisect

import yaml

from ...core.i18n import _
from . import compose
from .compose import _refuse_tokens, _yaml_error
from .locate import _BLANK_OR_COMMENT, _ITEM_LINE, _item_before, _next_item
from .textpos import BOM, _BOM_BYTES, _after_line, _bom_len, _line_end, _lit, _re

# A top-level region larger than this is token-scanned record by record.
_REGION_SCAN_LIMIT = 256 * 1024
# More suspicious chunks than this: one scan of the whole file is cheaper.
_MAX_CHUNK_SCANS = 2000

# Where an anchor, alias or tag token can start: & * ! at the start of the text
# or after a space, tab, line break, [ { , (a BOM counts as a start).
_TOKEN_CHARS = "&*!"
_TOKEN_LEAD = frozenset(" \t\r\n[{,\ufeff")


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
                _refuse_tokens(_decoded(text[first:last]), text, first, filename, compose.LOADER)
            return
        except yaml.YAMLError:
            pass  # a chunk that does not scan alone (e.g. cut mid-string): scan the whole file
    whole = _decoded(text[base:])
    try:
        _refuse_tokens(whole, text, base, filename, compose.LOADER)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, base, filename, _("the file"), whole) from None


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
