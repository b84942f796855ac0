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
(the cache) hand back those whose bytes did not change. `split_bytes` finds the
same spans in the file's bytes without decoding them, for a caller that reads
only the few that changed (`load.patch`).
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any, NamedTuple

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


BOM = "\ufeff".encode("utf-8")


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


def _stray(indent: int) -> str:
    """A line inside the sequence that is not blank, a comment, or an item's `- ` at `indent` or
    more indented than that: it ends the sequence or breaks it, and a split could misread it."""
    if indent:
        return rf"\n(?: {{0,{indent - 1}}}[^ \r\n#]| {{{indent}}}(?:[^ \r\n#-]|-[^ \r\n]))"
    return r"\n(?:[^ \r\n#-]|-[^ \r\n])"


def _item_starts(raw: bytes | str, body: int, indent: int) -> list[int]:
    """Where each item's span starts: at `body`, and after each newline followed by the items' dash
    (a regex scan: a `find` per record was a Python step per record)."""
    marker = "\n" + " " * indent + "-"
    pattern = re.compile(re.escape(marker.encode("ascii") if isinstance(raw, bytes) else marker))
    return [body, *(m.start() + 1 for m in pattern.finditer(raw, body))]


def _digests(raw: bytes, starts: list[int]) -> list[bytes]:
    """Each span's digest: SHA-256 cut to 16 bytes (OpenSSL's: 0.2 s for the 100k spans of 186 MB
    here, where blake2b took 0.3 s)."""
    import hashlib

    sha256, view = hashlib.sha256, memoryview(raw)
    return [sha256(view[a:b]).digest()[:16] for a, b in zip(starts, [*starts[1:], len(raw)])]


def split_records(text: str, collection: str) -> Split | None:
    """The spans of `collection`'s items in `text` (BOM stripped), or None when
    the file is not laid out so that each span reads alone as it reads in the whole:
    `split_bytes`'s spans of its UTF-8 bytes, each line of the sequence checked (`_stray`),
    placed in the text as well."""
    raw = text.encode("utf-8", "surrogatepass")
    pieces = split_bytes(raw, collection)
    # Inside the sequence, every line that is not blank or a comment is an item's `- ` at its
    # indentation or more indented: anything else (a document marker, a key after the
    # sequence) ends it or breaks it, and the file is read whole.
    if pieces is None or re.search(_stray(pieces.indent).encode("ascii"), raw[pieces.header_end - 1:]):
        return None
    body = len(raw[:pieces.header_end].decode("utf-8", "surrogatepass"))
    # The marker is ASCII and no byte of a multi-byte character is, so its n-th occurrence in
    # the bytes is the n-th in the text.
    starts = _item_starts(text, body, pieces.indent)
    if len(starts) != len(pieces.starts):
        raise AssertionError("the spans of the text and of its bytes disagree")  # cannot happen (see above)
    return Split(body, [Span(start, end, line, digest) for start, end, line, digest
                        in zip(starts, [*starts[1:], len(text)], lines_at(raw, pieces.starts), pieces.digests)])


def lines_at(raw: bytes, offsets: list[int]) -> list[int]:
    """The 1-based line of each of `offsets` (ascending) in `raw`, in one pass over the bytes."""
    lines, line, at = [], 1, 0
    count = raw.count
    for offset in offsets:
        line += count(b"\n", at, offset)
        lines.append(line)
        at = offset
    return lines


class Pieces(NamedTuple):
    """The spans `split_records` finds, in the file's bytes (BOM stripped), as two lists rather
    than an object per record: a patch looks at every span and reads a few."""

    header_end: int  # raw[:header_end]: the top-level keys, the collection's key last
    starts: list[int]  # each span's first byte; a span ends where the next starts (the last: at the end)
    digests: list[bytes]  # `Span.digest`
    indent: int  # of the items' dashes

    def chunk(self, raw: bytes, i: int) -> bytes:
        return raw[self.starts[i]:self.starts[i + 1] if i + 1 < len(self.starts) else len(raw)]


def split_bytes(raw: bytes, collection: str) -> Pieces | None:
    """The spans of `collection`'s items in `raw`, with the digests `split_records` gives them,
    checking the header only: whether a span reads alone is `readable_alone`'s to say, for each
    span a caller reads (one whose digest was made by `split_records` was checked then).
    None when the header is not as bbtrack writes it.

    At 100k records (186 MB) `split_records` takes ~2 s, most of it decoding, encoding and scanning
    the text; here it is a scan and a hash of the bytes."""
    key = re.compile(rb"^" + re.escape(collection.encode("ascii")) + rb":[ \t]*(?:#[^\r\n]*)?\r?$", re.M).search(raw)
    if key is None:
        return None
    first = re.compile(rb"^[ \t]*[^ \t\r\n#]", re.M).search(raw, key.end())
    if first is None or not (m := re.compile(rb"( *)-(?: |\r?$)", re.M).match(raw, first.start())):
        return None
    header = raw[:first.start()]
    if header.startswith((b"---", b"...", b"%")) or b"\n---" in header or b"\n..." in header or b"\n%" in header:
        return None
    indent = len(m.group(1))
    starts = _item_starts(raw, first.start(), indent)
    return Pieces(first.start(), starts, _digests(raw, starts), indent)


def readable_alone(chunk: bytes, indent: int) -> bool:
    """Whether one span's bytes are one item and nothing a split could misread: `split_records`'s
    checks, for one span (they are line by line, and every line is in one span)."""
    head = b" " * indent + b"-"
    if not chunk.startswith(head) or chunk[len(head):len(head) + 1] not in (b" ", b"\n", b"\r", b""):
        return False
    return re.search(_stray(indent).encode("ascii"), chunk) is None
