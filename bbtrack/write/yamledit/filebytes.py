"""Editing a file held as bytes: only the record's lines are decoded (`status set`)."""

from __future__ import annotations

from typing import Any, NamedTuple

from ...core.i18n import _
from ...core.errors import DataError
from ...core.problems import Source
from .locate import _locate, _Located, _record_span, _scan_top_lines, _top_lines
from .misread import explained
from .splice import _build_set
from .textpos import _Excerpt, _line_no, _newline
from .tokens import _check_file_tokens
from .verify import _check_splice, _record_value

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
        with explained(data, filename, collection, record_id):
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
            raise DataError(_("new text cannot be stored as UTF-8 ({reason}); nothing written").format(reason=exc.reason),
                            Source(filename)) from None
        return Splice(start, end, replacement)
