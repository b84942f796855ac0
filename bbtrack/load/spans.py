"""A data file as text: reading it, line numbers, and the span of each record.

Composing YAML builds a node graph of ~25 bytes per byte of input: a whole
88 MB file (100k records) peaked at 2.1 GB. The loader therefore composes one
record at a time when the file is laid out as bbtrack writes it: top-level
keys at column 0, the collection last, a block sequence whose items start
with `- ` at one indentation. `split_records` finds those spans by scanning
the text (no YAML), and refuses (None) any file where a split could read
differently from the whole: document markers, directives, a line less
indented than the items, text after the sequence. Where a split falls inside
a quoted or flow value, that record's text fails to compose on its own, and
the loader reads the file whole instead (loader.parse_by_record).

Each span's digest lets a caller that kept the records of an earlier parse
(the cache) hand back those whose bytes did not change.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any, NamedTuple

try:
    from _blake2 import blake2b
except ImportError:  # not CPython
    from hashlib import blake2b

from ..core.i18n import _
from ..core.problems import Problem, Source
from ..core.text import display_path


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """The file's text, or None with a fatal problem. There is no size cap: a real
    data folder of any size is read; hostile input is stopped by what makes it
    hostile (aliases, tags, depth: see loader), not by its length."""
    name = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(Source(name), "missing-file", _("file not found; check the data folder"), "fatal"))
        return None
    except MemoryError:
        problems.append(Problem(Source(name), "too-large", _("file does not fit in memory; is it the right file?"),
                                "fatal"))
        return None
    except OSError as exc:
        problems.append(Problem(Source(name), "unreadable", _("cannot read: {reason}").format(reason=exc.strerror), "fatal"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem(Source(name, line), "not-utf8", _("byte {byte} is not UTF-8; save the file as UTF-8").format(byte=f"0x{raw[exc.start]:02x}"), "fatal")
        )
        return None
    except MemoryError:
        problems.append(Problem(Source(name), "too-large", _("file does not fit in memory; is it the right file?"),
                                "fatal"))
        return None


def conflict_marker(text: str) -> int:
    """1-based line of a git merge-conflict marker, or 0."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(("<<<<<<< ", ">>>>>>> ")) or line in ("<<<<<<<", "=======", ">>>>>>>"):
            return number
    return 0


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text  # libyaml and the pure loader disagree on BOM columns


class Lines:
    """1-based line/column of a YAML mark, counting only "\\n" as a line break.

    PyYAML's `Mark.line` also counts U+2028, U+2029, U+0085 and a lone CR, which
    may stand inside a quoted value: every later line number would be off. When
    the text holds none of them the mark's own line/column are right (and free).
    `offset`: lines before the text, when it is one record's span of a file.
    """

    def __init__(self, text: str, *, exact: bool = False, offset: int = 0) -> None:
        odd = exact or any(ch in text for ch in ("\u2028", "\u2029", "\x85", "\r"))
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))] if odd else None
        self.offset = offset

    def source(self, name: str, mark: Any) -> Source:
        if self.starts is None:
            return Source(name, mark.line + 1 + self.offset, mark.column + 1)
        return self.at(name, mark.index)

    def at(self, name: str, index: int) -> Source:
        starts = self.starts if self.starts is not None else [0]
        number = bisect.bisect_right(starts, index) - 1
        return Source(name, number + 1 + self.offset, index - starts[number] + 1)


class Span(NamedTuple):
    """One record's lines: text[start:end], its first line's number, a digest of its text."""

    start: int
    end: int
    line: int
    digest: bytes


class Split(NamedTuple):
    header_end: int  # text[:header_end]: the top-level keys, the collection's key last, its value empty
    spans: list[Span]


def split_records(text: str, collection: str) -> Split | None:
    """The spans of `collection`'s items in `text` (BOM stripped), or None when
    the file is not laid out so that each span reads alone as it reads in the whole."""
    if text.startswith(("---", "...", "%")) or "\n---" in text or "\n..." in text or "\n%" in text:
        return None  # documents and directives: the whole file decides what they mean
    key = re.search(rf"^{re.escape(collection)}:[ \t]*(?:#[^\r\n]*)?\r?$", text, re.M)
    if key is None:
        return None
    # The first line after the key that is neither blank nor a comment opens the sequence.
    item = re.compile(r"^( *)-(?: |\r?$)", re.M)
    first = re.compile(r"^[ \t]*[^ \t\r\n#]", re.M).search(text, key.end())
    if first is None or not (m := item.match(text, first.start())):
        return None  # an empty or flow-style collection: the whole file says what is wrong
    indent = len(m.group(1))
    body = first.start()
    # Inside the sequence, every line that is not blank or a comment is an item's `- ` at
    # `indent` or more indented than that; anything else ends it or breaks it: read whole.
    stray = (rf"\n(?: {{0,{indent - 1}}}[^ \r\n#]| {{{indent}}}(?:[^ \r\n#-]|-[^ \r\n]))" if indent
             else r"\n(?:[^ \r\n#-]|-[^ \r\n])")
    if re.compile(stray).search(text, body - 1) is not None:  # text[body - 1] is the newline before it
        return None
    marker = "\n" + " " * indent + "-"
    starts = [body]
    find = text.find
    at = find(marker, body)
    while at != -1:
        starts.append(at + 1)
        at = find(marker, at + 1)
    # Only items: `stray` refused a dash at this indentation not followed by a space or the end.
    # Digests and line counts are taken on the UTF-8 bytes, encoded once: the marker is ASCII and
    # no byte of a multi-byte character is, so its n-th occurrence in the bytes is the n-th in
    # the text (encoding and counting each span of a 100k-record file on its own took seconds).
    raw = text.encode("utf-8", "surrogatepass")
    view = memoryview(raw)
    byte_marker = marker.encode("ascii")
    byte_starts = [len(text[:body].encode("utf-8", "surrogatepass"))]
    at = raw.find(byte_marker, byte_starts[0])
    while at != -1:
        byte_starts.append(at + 1)
        at = raw.find(byte_marker, at + 1)
    if len(byte_starts) != len(starts):
        raise AssertionError("the spans of the text and of its bytes disagree")  # cannot happen (see above)
    line = raw.count(b"\n", 0, byte_starts[0]) + 1
    spans = []
    count = raw.count
    last = len(starts) - 1
    for i, start in enumerate(starts):
        end = starts[i + 1] if i < last else len(text)
        b_start, b_end = byte_starts[i], byte_starts[i + 1] if i < last else len(raw)
        spans.append(Span(start, end, line, blake2b(view[b_start:b_end], digest_size=16).digest()))
        line += count(b"\n", b_start, b_end)
    return Split(body, spans)
