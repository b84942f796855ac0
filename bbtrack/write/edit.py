"""Changing the data: the rules of a status change, applied as a byte-preserving splice.

The whole read–check–modify–write happens under the writer lock
(`storage.update_file`): the transition is checked against the record as it
is on disk at that moment, so two concurrent `status set` runs can neither
lose an edit nor both move a record out of the same state.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import provinces
from ..core.dates import PartialDate, parse_stored
from ..core.errors import DataError, EditRefused, NoRecordError, NotFoundError, UsageError
from ..core.i18n import _
from ..load.loader import COMMITMENTS_FILE, CROSSINGS_FILE
from ..core.model import (
    COMMITMENT_KINDS,
    CONFIDENCES,
    CROSSING_KINDS,
    DUE_SOURCES,
    FINAL_STATUSES,
    INITIAL_STATUS,
    LADDER,
    STAGES,
    STATUSES,
)
from ..core.text import collapse_ws, nfc
from ..load.validate import COMMITMENT_ID

if TYPE_CHECKING:
    from .yamledit import FileBytes, Splice


@dataclass(frozen=True)
class Change:
    """What `bbtrack status set` was asked to do."""

    record_id: str
    to: str
    date: PartialDate
    note: str | None = None
    note_vi: str | None = None  # the same fact in Vietnamese / Chinese
    note_zh: str | None = None
    evidence: tuple[str, ...] = ()
    by: str | None = None
    confidence: str | None = None  # None = verified
    kind: str | None = None  # crossings: the new kind after an upgrade
    force: bool = False


@dataclass(frozen=True)
class EditResult:
    """The file an edit touched, its text before and after, and whether it was written.

    An edit made as a splice keeps the old bytes and the splice: its texts are
    decoded only when asked for (a dry run's diff), not after every write.
    """

    path: Path
    record_id: str
    collection: str
    old: str | bytes
    new: str | Splice | None  # None: a splice that changed nothing
    written: bool
    notice: str | None = None  # what the user should know beyond the diff (a backfill, a correction)

    @functools.cached_property
    def old_text(self) -> str:
        return self.old if isinstance(self.old, str) else self.old.decode("utf-8")

    @functools.cached_property
    def new_text(self) -> str:
        if isinstance(self.new, str):
            return self.new
        if self.new is None:
            return self.old_text
        assert isinstance(self.old, bytes)
        return self.new.apply(self.old).decode("utf-8")

    @property
    def changed(self) -> bool:
        if isinstance(self.new, str):
            return self.old != self.new
        return self.new is not None and self.old[self.new.start:self.new.end] != self.new.replacement


def collection_of(record_id: str) -> tuple[str, str, str]:
    """(collection, file name, canonical id) for an id typed in any case and padding (`sm23-3-9`)."""
    from ..core.lookup import commitment_id

    canonical = commitment_id(record_id)
    if canonical is not None and COMMITMENT_ID.match(canonical):
        return "commitments", COMMITMENTS_FILE, canonical
    return "crossings", CROSSINGS_FILE, record_id.strip().lower()


def _unknown_id(data_dir: Path, error: NotFoundError, record_id: str, *, use_cache: bool) -> NotFoundError:
    """`error` with the nearest ids of the folder (read only on this way out)."""
    from ..core.lookup import did_you_mean, noun
    from ..load.cached import load

    if not isinstance(error, NoRecordError):  # another file error
        return error
    ds = load(data_dir, use_cache=use_cache).dataset
    hint = did_you_mean(record_id, [*(c.id for c in ds.commitments), *(x.id for x in ds.crossings)])
    collection = collection_of(record_id)[0]
    return NotFoundError(_("no record {id!r} in {collection}{hint}").format(
        id=record_id, collection=noun(collection), hint=hint or _("; check the id (`bbtrack list`)")), error.source)


def _meeting_date(file: FileBytes, collection: str, record_id: str) -> PartialDate | None:
    """The date of the meeting that agreed a commitment, read from the same bytes."""
    if collection != "commitments":
        return None
    meeting = file.read_record("meetings", record_id.split("-", 1)[0])
    try:
        return parse_stored(meeting.get("date"))
    except ValueError:
        return None  # the folder check reports a bad meeting date before any write


def _rank_status(status: str) -> int:
    if status == INITIAL_STATUS:
        return 0
    return 2 if status in FINAL_STATUSES else 1


def _rank_stage(stage: str) -> int:
    return LADDER.index(stage) if stage in LADDER else -1  # suspended: off the ladder


def check_change(record: dict[str, Any], collection: str, change: Change, today: _dt.date,
                 meeting_date: PartialDate | None = None) -> str:
    """The current status/stage if `change` is allowed on `record`; UsageError otherwise.

    Every rule `bbtrack check` applies to a history entry is applied here first:
    a write that `check` would then reject is refused instead."""
    rid = change.record_id
    if collection == "commitments":
        vocabulary, key, what = STATUSES, "status", "status"
        if change.kind is not None:
            raise UsageError(_("--kind applies to crossings only (a commitment's kind is fixed by the minutes)"))
    else:
        vocabulary, key, what = STAGES, "stage", "stage"
        if change.kind is not None and change.kind not in CROSSING_KINDS:
            raise UsageError(_("unknown kind {kind!r}; use one of {kinds}").format(kind=change.kind, kinds=", ".join(CROSSING_KINDS)))
    if change.to not in vocabulary:
        from ..core.lookup import closest, hint as near, listed, noun, shown
        from ..core.vocab import STAGE_LABELS, STATUS_LABELS

        labels = STATUS_LABELS if key == "status" else STAGE_LABELS
        hint = (_(" (crossings take a stage)") if change.to in STAGES else _(" (commitments take a status)")
                if change.to in STATUSES else near(shown(closest(change.to, vocabulary), labels)))
        raise UsageError(_("unknown {what} {word!r} for {id}{hint} (one of {words})").format(
            what=noun(what), word=change.to, id=rid, hint=hint, words=listed(shown(vocabulary, labels))))
    current = record.get(key)
    if not isinstance(current, str) or current not in vocabulary:
        raise UsageError((_("{id} has no valid status; run `bbtrack check`") if key == "status"
                          else _("{id} has no valid stage; run `bbtrack check`")).format(id=rid))
    if change.date.start > today:
        raise UsageError(_("date {date} is in the future; record events once they happened").format(date=change.date))
    if meeting_date is not None and change.date.predates(meeting_date):
        raise UsageError(_("date {date} is before the meeting that agreed {id} ({meeting}); check the date").format(
            date=change.date, id=rid, meeting=meeting_date))
    history = record.get("history") or []
    if history:
        try:
            last = parse_stored(history[-1].get("date"))
        except (ValueError, AttributeError):
            last = None
        if last is not None and change.date.start < last.start:
            raise UsageError(_("date {date} is before {id}'s last event ({last}); history stays in date order").format(
                date=change.date, id=rid, last=last))
    valid_evidence(change.evidence, today)
    if change.confidence is not None and change.confidence not in CONFIDENCES:
        raise UsageError(_("unknown confidence {word!r}; use verified or weak").format(word=change.confidence))
    noted = bool(change.note or change.note_vi or change.note_zh)
    if change.to == current and not noted and change.kind is None:
        raise UsageError(_("{id} is already {current!r}; add --note to record an event without a change").format(
            id=rid, current=state_word(collection, current)))
    backwards = is_backwards(collection, current, change.to)
    if backwards and not change.force:
        raise UsageError(_("{id}: {current} → {to} goes backwards or reopens a closed record; "
                           "add --force and a --note saying why").format(
                             id=rid, current=state_word(collection, current), to=state_word(collection, change.to)))
    if backwards and not noted:
        raise UsageError(_("{id}: a forced change needs a --note saying why").format(id=rid))
    return current


def state_word(collection: str, code: str) -> str:
    """A status (a stage) as the reader knows it in a sentence: its label, which is typed too."""
    from ..core.lookup import shown
    from ..core.vocab import STAGE_LABELS, STATUS_LABELS

    return shown([code], STATUS_LABELS if collection == "commitments" else STAGE_LABELS)[0]


def is_backwards(collection: str, current: str, to: str) -> bool:
    """A move back down the ladder, or out of a final status: needs --force and a note."""
    if collection == "commitments":
        return _rank_status(to) < _rank_status(current) or (current in FINAL_STATUSES and to != current)
    return current != "suspended" and to != "suspended" and _rank_stage(to) < _rank_stage(current)


def valid_evidence(evidence: tuple[str, ...], today: _dt.date | None = None) -> list[str]:
    """The evidence as stored: each an http(s) address or a document reference (`core.evidence`),
    each once, in the order given."""
    from ..core import evidence as sources

    if not evidence:
        raise UsageError(_("give --evidence: an http(s) address, or a document reference such as "
                           "\"Công văn số 123/UBND-KT ngày 12/3/2025\"; every change needs a source a reviewer can check"))
    for item in evidence:
        if (why := sources.problem(item, today)) is not None:
            raise UsageError(why)
    return sources.stored(evidence)


def history_entry(change: Change, current: str) -> dict[str, Any]:
    """The history entry in the documented key order."""
    entry: dict[str, Any] = {"date": change.date.to_yaml_value(), "from": current, "to": change.to}
    if change.kind is not None:
        entry["kind"] = change.kind
    # The three notes side by side, English first: a reviewer compares them line by line.
    for key in ("note", "note_vi", "note_zh"):
        if text := getattr(change, key):
            entry[key] = nfc(text)
    entry["evidence"] = valid_evidence(change.evidence)
    if change.by:
        entry["by"] = nfc(change.by)
    if change.confidence == "weak":
        entry["confidence"] = "weak"
    return entry


def _require_clean(data_dir: Path, *, use_cache: bool = True):
    """The loaded folder, or an error naming its first problem.

    The editor only reads the record it splices, so without this a write would
    happily land next to a broken record and the reviewer would inherit both."""
    from ..load.cached import load

    result = load(data_dir, use_cache=use_cache)
    if result.errors:
        error = DataError if result.fatal else EditRefused
        first = next((p for p in result.errors if p.severity == "fatal"), result.errors[0])
        raise error(_("fix the data first: {problem} (bbtrack check)").format(problem=first))
    return result


def set_status(data_dir: Path, change: Change, *, today: _dt.date, dry_run: bool = False,
               use_cache: bool = True) -> EditResult:
    """Apply `change` to its record, under the writer lock; returns both texts.

    With the cache on, the folder check costs a hash of the bytes the edit reads
    when this state was seen clean before, and the write leaves a verdict for the
    state it creates: a run of edits on a large folder never re-parses it. The
    file is edited as bytes (`yamledit.FileBytes`): only the record is decoded.
    """
    from . import storage
    from . import yamledit

    from ..core.lookup import stage_of, status_of

    collection, filename, record_id = collection_of(change.record_id)
    try:  # any spelling or a label: `In Progress`, `đang thực hiện`
        to = (status_of if collection == "commitments" else stage_of)(change.to)
    except UsageError:
        to = change.to.strip().lower()  # check_change says what is wrong with it, for this record
    change = Change(**{**change.__dict__, "record_id": record_id, "to": to})
    path = data_dir / filename
    name = storage.display_path(path)

    def splice(data: bytes) -> yamledit.Splice | None:
        file = yamledit.FileBytes(data, name)
        record = file.read_record(collection, record_id)
        if _before_last(record, change.date):
            raise OlderEvent(f"{record_id}: {change.date} is before the last event; "  # caught, never shown
                             "`write.correct.record_event` inserts it in date order")
        current = check_change(record, collection, change, today, _meeting_date(file, collection, record_id))
        fields: dict[str, object] = {"status" if collection == "commitments" else "stage": change.to}
        if change.kind is not None:
            fields["kind"] = change.kind
        return file.set_fields(collection, record_id, fields, history_entry(change, current))

    try:
        old, new = _splice_checked(data_dir, path, splice, dry_run=dry_run, use_cache=use_cache)
    except NotFoundError as error:
        raise _unknown_id(data_dir, error, change.record_id, use_cache=use_cache) from None

    written = not dry_run and new is not None and old[new.start:new.end] != new.replacement
    return EditResult(path, record_id, collection, old, new, written=written)


def _splice_checked(data_dir: Path, path: Path, splice, *, dry_run: bool, use_cache: bool):
    """`storage.splice_file` after the folder check (`_require_clean`, or the cache's verdict)."""
    from . import storage

    if not use_cache:
        _require_clean(data_dir, use_cache=False)
        old, new = storage.splice_file(path, splice, dry_run=dry_run)
    else:
        from ..load import cache, fingerprint

        seen: dict[str, Any] = {}

        def check(data: bytes, st, *, required: bool) -> bool:
            # The folder check, on the bytes the edit reads (under the lock): they are hashed once,
            # and when their state is known clean they are known to be UTF-8 too.
            hashed = fingerprint.Hashed(data)
            seen["checked"] = cache.known_clean(data_dir, held=(path, st, hashed.digest))
            seen["hashed"] = hashed
            if required and not seen["checked"]:
                raise _NotKnown
            return bool(seen["checked"])

        def vouch(data: bytes, done: Splice) -> None:
            if seen["checked"]:
                seen["held"] = cache.vouch(data_dir, seen["checked"], path, data, done, hashed=seen["hashed"])
                seen["written"] = data[:done.start] + done.replacement + data[done.end:]

        try:
            old, new = storage.splice_file(path, splice, dry_run=dry_run,
                                           check=functools.partial(check, required=True), on_written=vouch)
        except _NotKnown:
            # Not a state seen clean: parse it (outside the lock, as it takes seconds at 100k records;
            # a clean parse is cached), then edit whatever is on disk by then. If that is not the state
            # just parsed, the edit still runs on a folder found clean a moment before, but leaves no
            # verdict for the next one.
            _require_clean(data_dir)
            old, new = storage.splice_file(path, splice, dry_run=dry_run,
                                           check=functools.partial(check, required=False), on_written=vouch)
        if "written" in seen and path.name == COMMITMENTS_FILE:
            from ..load import patch

            # Write-through, outside the lock: `list` after this write reads a patched index, not the folder.
            # The written bytes' digest is the verdict's: not hashed again.
            patch.refresh(data_dir, seen["written"], seen.get("held"))
    return old, new


class _NotKnown(Exception):
    """The bytes read under the lock are not of a state known clean."""


class OlderEvent(UsageError):
    """The event is dated before the record's last one: `set_status` appends only;
    `write.correct.record_event` (what `bbtrack status set` calls) inserts it in date order."""


def _before_last(record: dict[str, Any], date: PartialDate) -> bool:
    history = record.get("history") or []
    try:
        last = parse_stored(history[-1].get("date")) if history else None
    except (ValueError, AttributeError):
        return False  # the folder check has refused such a record already
    return last is not None and date.start < last.start


# --- add --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCommitment:
    """What `add` needs to write a commitment; the id is chosen by the editor."""

    meeting: str
    section: int
    title_vi: str
    title_en: str
    quote: str
    parties: tuple[str, ...]
    crossings: tuple[str, ...] = ()
    kind: str = "deliverable"
    due: PartialDate | None = None
    due_source: str | None = None  # "minutes" | "programme"; given exactly when due is
    title_zh: str | None = None


def next_id(ids: list[str], meeting: str, section: int) -> str:
    """One past the highest number used in that meeting and section; never a gap-filler,
    so an id that ever existed is not handed out again while a later one remains."""
    prefix = f"{meeting}-{section}-"
    used = [int(i[len(prefix):]) for i in ids if i.startswith(prefix) and i[len(prefix):].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:02d}"


def add_commitment(data_dir: Path, new: NewCommitment, *, dry_run: bool = False,
                   use_cache: bool = True) -> EditResult:
    """Append a commitment with the next free id, after checking it against the data."""
    from . import storage
    from . import yamledit

    ds = _require_clean(data_dir, use_cache=use_cache).dataset
    meeting = next((m for m in ds.meetings if m.id == new.meeting.upper()), None)
    if meeting is None:
        known = ", ".join(m.id for m in ds.meetings)
        raise NotFoundError(_("no meeting {meeting!r} under 'meetings:' ({known}); add the meeting there first").format(
            meeting=new.meeting, known=known))
    if new.section < 0:
        raise UsageError(_("--section must be 0 (preamble) or a section number"))
    if new.kind not in COMMITMENT_KINDS:
        raise UsageError(_("unknown kind {kind!r}; use one of {kinds}").format(kind=new.kind, kinds=", ".join(COMMITMENT_KINDS)))
    if new.due_source is not None and new.due_source not in DUE_SOURCES:
        raise UsageError(_("unknown due source {word!r}; use one of {sources}").format(
            word=new.due_source, sources=", ".join(DUE_SOURCES)))
    if (new.due is None) != (new.due_source is None):
        raise UsageError(_("--due and --due-source go together: say whether the date is in the action's own "
                           "sentence (minutes) or only the year of the programme (programme)"))
    parties = []
    for name in new.parties:
        party = provinces.resolve(name)
        if party is None:
            from ..core.lookup import closest, unknown

            raise unknown("party", name, closest(name, provinces.spellings()), provinces.PARTY_NAMES)
        parties.append(party.name)
    if not parties:
        raise UsageError(_("name at least one --party"))
    crossing_ids = {x.id for x in ds.crossings}
    for ref in new.crossings:
        if ref not in crossing_ids:
            from ..core.lookup import did_you_mean

            raise NotFoundError(_("unknown crossing {word!r}{hint}; run `bbtrack crossings` to see ids and names").format(
                word=ref, hint=did_you_mean(ref, crossing_ids)))
    quote = collapse_ws(nfc(new.quote))
    if meeting.minutes:
        try:
            minutes = collapse_ws((data_dir / meeting.minutes).read_text(encoding="utf-8"))
        except OSError:
            minutes = None
        if minutes is not None and quote not in minutes:
            raise UsageError(_("the quote is not in {file} word for word; copy it from the minutes").format(file=meeting.minutes))
    path = data_dir / COMMITMENTS_FILE
    name = storage.display_path(path)
    holder: dict[str, str] = {}

    def transform(text: str) -> str:
        record_id = next_id(yamledit.record_ids(text, "commitments", filename=name), meeting.id, new.section)
        holder["id"] = record_id
        record = {
            "id": record_id,
            "section": new.section,
            "title_vi": nfc(new.title_vi.strip()),
            "title_en": nfc(new.title_en.strip()),
            **({"title_zh": nfc(new.title_zh.strip())} if new.title_zh else {}),
            "quote": quote,
            "parties": parties,
            "crossings": list(new.crossings),
            "kind": new.kind,
            "due": str(new.due) if new.due else None,
            **({"due_source": new.due_source} if new.due_source else {}),
            "status": INITIAL_STATUS,
            "history": [],
        }
        return yamledit.append_record(text, "commitments", record, filename=name)

    old, new_text = storage.update_file(path, transform, dry_run=dry_run)
    return EditResult(path, holder["id"], "commitments", old, new_text, written=not dry_run)
