"""Read-back checks: an edited text is the old text with exactly the asked-for edit."""

from __future__ import annotations

from typing import Any

from ...core.i18n import _
from ...core.errors import EditRefused
from .compose import _compose_item, _construct, _plain, _same
from .locate import _Located, _last_item, _locate, _region, _top_lines
from .misread import explained
from .textpos import _after_line, _newline, _source

# --- read-back checks -----------------------------------------------------------------


def _outside_same(old: str, new: str, old_start: int, old_end: int, new_start: int, new_end: int) -> bool:
    """old[:old_start] == new[:new_start] and old[old_end:] == new[new_end:]."""
    if old_start != new_start or len(old) - old_end != len(new) - new_end:
        return False
    return new.startswith(old[:old_start]) and new.endswith(old[old_end:])


def _fail(message: str, filename: str, text: str, index: int) -> EditRefused:
    return EditRefused(_("edit did not read back as intended ({reason}); nothing written").format(reason=message),
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
        raise _fail(_("text outside the record changed"), filename, new_text, new.start)
    old_after, new_after = old.after_leaf(old_text, filename), new.after_leaf(new_text, filename)
    if old_text[old_after:old.end] != new_text[new_after:new.end]:
        raise _fail(_("comments or blank lines after the record moved"), filename, new_text, new_after)
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
        raise _fail(_("field {name!r} reads back wrong").format(name=wrong[0]), filename, new_text, new.start)


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
        raise _fail(_("the new record is not the last one"), filename, new_text, new.start)
    if old_region.indent is not None:
        last = _last_item(old_text, old_region)
        item = _compose_item(old_text, last, old_region.end, filename, _("the last record"))
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
        raise _fail(_("text before the new record changed"), filename, new_text, new.start)
    after = new.after_leaf(new_text, filename)
    if old_region.indent is not None and at == len(old_text):
        after = len(new_text)  # appended at the very end: nothing can follow
    if len(new_text) - after != len(old_text) - at or not new_text.endswith(old_text[at:]):
        raise _fail(_("text after the new record changed"), filename, new_text, after)
    if not _same(_construct(new.item), _plain(record)):
        raise _fail(_("the new record reads back differently"), filename, new_text, new.start)


def read_record(text: str, collection: str, record_id: str, *, filename: str = "<data>") -> dict[str, Any]:
    """The record `record_id` of `collection` as plain values, read from its own slice of `text`.

    Edits check a transition against this (the file as it is under the lock),
    not against a dataset loaded earlier that may be stale.
    """
    with explained(text, filename, collection, record_id):
        located = _locate(text, collection, record_id, filename)
    return _record_value(text, located, filename)


def _record_value(text: str, located: _Located, filename: str) -> dict[str, Any]:
    record = dict(_construct(located.item))
    history = located.fields().get("history")
    if history is not None and not isinstance(record["history"], (list, type(None))):
        # The caller reads the last entry's date: anything but a list cannot be appended to.
        raise EditRefused(_("history must be a block list, [] or null to be appended to"),
                          _source(filename, text, located.at(history[1].start_mark)))
    return record
