"""Where things are in a data file's text: line/column of an index, line ends, newline style.

Every function takes the decoded `str` or the file's bytes (see `FileBytes`): every
character looked for is ASCII, so a scan of the bytes finds what a scan of the text
finds, at byte offsets.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ...core.problems import Source

BOM = "\ufeff"

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
