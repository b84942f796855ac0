"""Backfilling an older event, and correcting or removing a mistaken history entry.

A history is a chain: each entry goes `from` where the previous one ended, and
the record's status (a crossing's stage) is where the latest entry ends. An
event found later is inserted in date order; the entry after it is re-pointed
to start from it, and the record's status stays what its latest entry says.
A correction rewrites one entry (its date within its neighbours, note,
evidence or status) or removes it, re-pointing the next entry and, when the
latest entry changed, the record's status. Only those lines change in the
file, so the git diff shows the correction; its reason goes into the commit
message the user writes (bbtrack prints one), and git keeps the audit trail.

Every write reads and validates the whole folder first (`edit._require_clean`)
and re-reads the record under the writer lock.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.dates import PartialDate, parse_stored, parse_user
from ..core.errors import EditRefused, NotFoundError, UsageError
from ..core.i18n import _, ngettext
from ..core.text import nfc
from ..core.vocab import INITIAL_STATUS
from .edit import (Change, EditResult, OlderEvent, _require_clean, _unknown_id, check_change, collection_of,
                   history_entry, is_backwards, set_status, state_word, valid_evidence)

ENTRY_KEYS = ("date", "from", "to", "kind", "note", "note_vi", "note_zh", "evidence", "by", "confidence")


@dataclass(frozen=True)
class Correction:
    """What `bbtrack status amend` / `status remove` was asked to do."""

    record_id: str
    entry: str  # 1-based number as `show` lists the history, "last", or the entry's date
    reason: str
    remove: bool = False
    date: PartialDate | None = None
    note: str | None = None  # "" removes the note
    note_vi: str | None = None  # likewise, the Vietnamese note
    note_zh: str | None = None  # likewise, the Chinese note
    evidence: tuple[str, ...] = ()  # replaces the entry's evidence when given
    to: str | None = None  # the status (stage) the entry should have recorded


def _date(entry: dict[str, Any]) -> PartialDate:
    return parse_stored(entry.get("date"))


def pick_entry(history: list[dict[str, Any]], spec: str, record_id: str) -> int:
    """The 0-based index of the entry `spec` names: `2`, `last`, or a date matching one entry."""
    listing = "; ".join(f"{n} = {e.get('date')}" for n, e in enumerate(history, 1)) or _("none")
    spec = spec.strip()
    if spec.lower() == "last" and history:
        return len(history) - 1
    if spec.isdigit():
        if 1 <= int(spec) <= len(history):
            return int(spec) - 1
        raise NotFoundError(_("{id} has no history entry {number} (entries: {listing})").format(
            id=record_id, number=spec, listing=listing))
    day = parse_user(spec, "--entry")
    found = [n for n, e in enumerate(history) if str(_date(e)) == str(day)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(_("{id} has no history entry dated {date} (entries: {listing})").format(
            id=record_id, date=day, listing=listing))
    raise UsageError(_("{id} has {count} entries dated {date}; give --entry with its number ({listing})").format(
        id=record_id, count=len(found), date=day, listing=listing))


def _first_state(record: dict[str, Any], history: list[dict[str, Any]], collection: str) -> str:
    if collection == "commitments":
        return INITIAL_STATUS
    return str(history[0]["from"]) if history else str(record.get("stage"))


def _edit(data_dir: Path, record_id: str, transform, *, dry_run: bool, use_cache: bool):
    from . import storage
    from . import yamledit

    collection, filename, record_id = collection_of(record_id)
    _require_clean(data_dir, use_cache=use_cache)
    path = data_dir / filename
    name = storage.display_path(path)
    notice: dict[str, str] = {}

    def apply(text: str) -> str:
        record = yamledit.read_record(text, collection, record_id, filename=name)
        history = [dict(e) for e in record.get("history") or []]
        meeting = None
        if collection == "commitments":
            try:
                meeting = parse_stored(yamledit.read_record(text, "meetings", record_id.split("-", 1)[0],
                                                            filename=name).get("date"))
            except (ValueError, NotFoundError):
                meeting = None  # the folder check reports a missing meeting before any write
        index, remove, insert, next_from, fields, notice["text"] = transform(record, history, collection, meeting)
        return yamledit.edit_history(text, collection, record_id, index, remove=remove, insert=insert,
                                     next_from=next_from, fields=fields, filename=name)

    try:
        old, new = storage.update_file(path, apply, dry_run=dry_run)
    except NotFoundError as error:
        raise _unknown_id(data_dir, error, record_id, use_cache=use_cache) from None
    return EditResult(path, record_id, collection, old, new, written=not dry_run and old != new,
                      notice=notice.get("text"))


def record_event(data_dir: Path, change: Change, *, today: _dt.date, dry_run: bool = False,
                 use_cache: bool = True) -> EditResult:
    """`bbtrack status set`: the event appended (`edit.set_status`), or inserted in date order when
    it is older than the record's last one (`backfill`)."""
    try:
        return set_status(data_dir, change, today=today, dry_run=dry_run, use_cache=use_cache)
    except OlderEvent:
        return backfill(data_dir, change, today=today, dry_run=dry_run, use_cache=use_cache)


def backfill(data_dir: Path, change: Change, *, today: _dt.date, dry_run: bool = False,
             use_cache: bool = True) -> EditResult:
    """Insert `change` as a history entry in date order, before later entries (after same-day ones)."""
    def transform(record, history, collection, meeting):
        index = next((n for n, e in enumerate(history) if _date(e).start > change.date.start), len(history))
        before = str(history[index - 1]["to"]) if index else _first_state(record, history, collection)
        key = "status" if collection == "commitments" else "stage"
        # The rules of a new event, against the state it follows (not the latest).
        state = {**record, key: before, "history": history[:index]}
        check_change(state, collection, change, today, meeting)
        if index < len(history):
            after = str(history[index]["to"])
            if is_backwards(collection, change.to, after) and not change.force:
                raise UsageError(_("{id}: after {to} on {date} the record went to {after} on {then}, backwards; "
                                   "add --force and a --note saying why").format(
                                     id=change.record_id, to=state_word(collection, change.to), date=change.date,
                                     after=state_word(collection, after), then=history[index]["date"]))
        entry = history_entry(change, before)
        if index == len(history):  # not a backfill after all: the same as an ordinary event
            return index, 0, [entry], None, {key: change.to}, None
        later = history[-1]
        from ..core.lookup import noun

        text = _("the {date} entry goes before the {next} entry; the {key} stays {value}, as the latest entry "
                 "({latest}) says").format(date=change.date, next=history[index]["date"], key=noun(key),
                                          value=record[key], latest=later["date"])
        return index, 0, [entry], change.to, None, text

    return _edit(data_dir, change.record_id, transform, dry_run=dry_run, use_cache=use_cache)


def correct(data_dir: Path, fix: Correction, *, today: _dt.date, dry_run: bool = False,
            use_cache: bool = True) -> EditResult:
    """Amend or remove one history entry; the chain and the record's status follow."""
    from ..core.lookup import stage_of, status_of

    if not fix.reason.strip():
        raise UsageError(_("give --reason: why the entry is wrong (it goes into the commit message)"))

    def transform(record, history, collection, meeting):
        key = "status" if collection == "commitments" else "stage"
        index = pick_entry(history, fix.entry, fix.record_id)
        old = history[index]
        last = index == len(history) - 1
        if fix.remove:
            if old.get("kind"):
                raise EditRefused(_("entry {number} of {id} records a change of kind; remove it by hand and "
                                    "restore the crossing's kind").format(number=index + 1, id=fix.record_id))
            fields = {key: str(old["from"])} if last else None
            next_from = None if last else str(old["from"])
            return index, 1, [], next_from, fields, _("removed entry {number} ({date})").format(
                number=index + 1, date=old["date"])
        new = dict(old)
        if fix.date is not None:
            _check_date(fix, history, index, today, meeting)
            new["date"] = fix.date.to_yaml_value()
        for note_key, text in (("note", fix.note), ("note_vi", fix.note_vi), ("note_zh", fix.note_zh)):
            if text is None:
                continue
            if text.strip():
                new[note_key] = nfc(text.strip())
            else:
                new.pop(note_key, None)
        if fix.evidence:
            new["evidence"] = valid_evidence(fix.evidence)
        if fix.to is not None:
            new["to"] = (status_of if collection == "commitments" else stage_of)(fix.to)
        new = {k: new[k] for k in (*ENTRY_KEYS, *new) if k in new}
        if new == old:
            raise UsageError(_("nothing to amend: give --date, --note, --note-vi, --note-zh, --evidence or --status "
                               "with a new value"))
        changed_to = new["to"] != old["to"]
        fields = {key: new["to"]} if changed_to and last else None
        next_from = new["to"] if changed_to and not last else None
        said = _("amended entry {number} ({date})").format(number=index + 1, date=old["date"])
        # The notes say one fact in three languages: amending one leaves the others as they were.
        notes = (("note", fix.note), ("note_vi", fix.note_vi), ("note_zh", fix.note_zh))
        kept = [key for key, text in notes if text is None and key in old]
        if kept and any(text is not None for _key, text in notes):
            said += "; " + ngettext("{fields} was left as it was: amend it too if it now says otherwise ({options})",
                                    "{fields} were left as they were: amend them too if they now say otherwise "
                                    "({options})", len(kept)).format(
                fields=", ".join(kept), options=", ".join("--" + key.replace("_", "-") for key in kept))
        return index, 1, [new], next_from, fields, said

    return _edit(data_dir, fix.record_id, transform, dry_run=dry_run, use_cache=use_cache)


def _check_date(fix: Correction, history: list[dict[str, Any]], index: int, today: _dt.date,
                meeting: PartialDate | None) -> None:
    assert fix.date is not None
    if fix.date.start > today:
        raise UsageError(_("date {date} is in the future").format(date=fix.date))
    if meeting is not None and fix.date.predates(meeting):
        raise UsageError(_("date {date} is before the meeting that agreed {id} ({meeting})").format(
            date=fix.date, id=fix.record_id, meeting=meeting))
    if index and fix.date.start < _date(history[index - 1]).start or (
            index + 1 < len(history) and fix.date.start > _date(history[index + 1]).start):
        raise UsageError(_("date {date} would move entry {number} past its neighbour; remove it "
                           "(`status remove`) and record it again with `status set`, which puts it in date order")
                         .format(date=fix.date, number=index + 1))
