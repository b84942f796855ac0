"""Cross-record checks: small functions over a parsed `Dataset`, each yielding Problems.

Field-level checks (types, vocabularies, dates) happen while parsing in
`loader`; what needs more than one record or more than one field lives here.
Adding a rule = adding a function to `CHECKS`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..core import provinces
from ..core.model import INITIAL_STATUS, STAGES, STATUSES, Commitment, Crossing, Dataset, HistoryEntry
from ..core.evidence import document
from ..core.i18n import _
from ..core.problems import Problem, Source
from ..core.text import collapse_ws, has_unsafe

COMMITMENT_ID = re.compile(r"^([A-Z][A-Z0-9]*)-(\d+)-(\d{2,})$")
CROSSING_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _src(record: Commitment | Crossing | HistoryEntry, fallback: str) -> Source:
    return record.source or Source(fallback)


def check_unique_ids(ds: Dataset) -> Iterator[Problem]:
    for records, name in ((ds.commitments, ds.commitments_file), (ds.crossings, ds.crossings_file)):
        counts = Counter(r.id.upper() for r in records)
        for record in records:
            if counts[record.id.upper()] > 1:
                yield Problem(_src(record, name), "duplicate-id",
                              _("id {id!r} is used {count} times; ids must be unique and never reused").format(
                                  id=record.id, count=counts[record.id.upper()]))


def check_commitment_ids(ds: Dataset) -> Iterator[Problem]:
    meetings = {m.id for m in ds.meetings}
    for c in ds.commitments:
        match = COMMITMENT_ID.match(c.id)
        if not match:
            yield Problem(_src(c, ds.commitments_file), "bad-id",
                          _("id {id!r} is not of the form MEETING-SECTION-NN (e.g. SM23-3-05)").format(id=c.id))
            continue
        meeting, section = match.groups()[:2]
        if meetings and meeting not in meetings:
            yield Problem(_src(c, ds.commitments_file), "unknown-meeting",
                          _("id {id!r} names meeting {meeting!r}, which is not under 'meetings:'; add the meeting there")
                          .format(id=c.id, meeting=meeting))
        if int(section) != c.section:
            yield Problem(_src(c, ds.commitments_file), "section-mismatch",
                          _("id {id!r} says section {said} but section is {section}; ids never change, so fix section")
                          .format(id=c.id, said=int(section), section=c.section))


def check_crossing_ids(ds: Dataset) -> Iterator[Problem]:
    for x in ds.crossings:
        if not CROSSING_ID.match(x.id):
            yield Problem(_src(x, ds.crossings_file), "bad-id",
                          _("crossing id {id!r} must be lower-case ASCII words joined by '-'").format(id=x.id))


def check_parties(ds: Dataset) -> Iterator[Problem]:
    for c in ds.commitments:
        if not c.parties:
            yield Problem(_src(c, ds.commitments_file), "no-parties", _("{id} names no party").format(id=c.id))
        for party in c.parties:
            if party not in provinces.PARTY_NAMES:
                hint = provinces.resolve(party)
                fix = (_("write {name!r}").format(name=hint.name) if hint
                       else _("use one of {names}").format(names=", ".join(provinces.PARTY_NAMES)))
                yield Problem(_src(c, ds.commitments_file), "unknown-party",
                              _("{id}: party {party!r} is unknown; {fix}").format(id=c.id, party=party, fix=fix))
    for x in ds.crossings:
        party = provinces.BY_NAME.get(x.province)
        if party is None or party.country != "VN":
            yield Problem(_src(x, ds.crossings_file), "unknown-province",
                          _("{id}: province {province!r} is not a Vietnamese province in the registry; use one of {names}")
                          .format(id=x.id, province=x.province,
                                  names=", ".join(p.name for p in provinces.PARTIES if p.country == "VN")))


def check_due_source(ds: Dataset) -> Iterator[Problem]:
    """A due date says where it comes from, and only a due date does.

    A missing basis is a warning, not an error: files written before `due_source` existed
    are still schema 1 and must stay readable and editable; a basis without a date is wrong."""
    for c in ds.commitments:
        if c.due is not None and c.due_source is None:
            yield Problem(_src(c, ds.commitments_file), "due-source",
                          _("{id}: due {due} has no due_source; add `due_source: minutes` if the action's own "
                            "sentence gives the date, else `due_source: programme`").format(id=c.id, due=c.due), "warning")
        elif c.due is None and c.due_source is not None:
            yield Problem(_src(c, ds.commitments_file), "due-source",
                          _("{id}: due_source {source!r} without a due date; remove the due_source line").format(
                              id=c.id, source=c.due_source))


def check_references(ds: Dataset) -> Iterator[Problem]:
    crossing_ids = {x.id for x in ds.crossings}
    for c in ds.commitments:
        for ref in c.crossings:
            if ref not in crossing_ids:
                yield Problem(_src(c, ds.commitments_file), "unknown-crossing",
                              _("{id}: crossing {ref!r} is not in {file}; fix the id (`bbtrack crossings` lists them)")
                              .format(id=c.id, ref=ref, file=ds.crossings_file))
    for x in ds.crossings:
        if x.parent is not None and (x.parent not in crossing_ids or x.parent == x.id):
            yield Problem(_src(x, ds.crossings_file), "unknown-parent",
                          _("{id}: parent {parent!r} is not another crossing id; use one, or null").format(
                              id=x.id, parent=x.parent))
        for name, confidence, field in ((x.partner_zh, x.zh_confidence, "zh_confidence"),
                                        (x.name_zh, x.name_zh_confidence, "name_zh_confidence")):
            if name and confidence is None:
                yield Problem(_src(x, ds.crossings_file), "missing-field",
                              _("{id}: 中文 names need {field} (verified or weak)").format(id=x.id, field=field))


def _check_history(record: Commitment | Crossing, vocabulary: tuple[str, ...], current: str,
                   initial: str | None, file: str, meeting_date=None) -> Iterator[Problem]:
    previous = None
    for entry in record.history:
        where = _src(entry, file)
        for word in (entry.from_, entry.to):
            if word not in vocabulary:
                yield Problem(where, "unknown-status", _("{id}: {word!r} is not one of {words}").format(
                    id=record.id, word=word, words=", ".join(vocabulary)))
        if previous is None and initial is not None and entry.from_ != initial:
            yield Problem(where, "history-chain",
                          _("{id}: first entry goes from {start!r} but every record starts {initial!r}; "
                            "make it go from {initial!r}").format(id=record.id, start=entry.from_, initial=initial))
        if previous is not None:
            if entry.date.start < previous.date.start:
                yield Problem(where, "history-order",
                              _("{id}: history entry {date} comes before {previous}; keep history in date order").format(
                                  id=record.id, date=entry.date, previous=previous.date))
            if entry.from_ != previous.to:
                yield Problem(where, "history-chain",
                              _("{id}: entry goes from {start!r} but the previous one ended at {end!r}; "
                                "each entry starts where the last one ended").format(
                                  id=record.id, start=entry.from_, end=previous.to))
        if meeting_date is not None and entry.date.predates(meeting_date):
            yield Problem(where, "history-order",
                          _("{id}: event {date} predates the meeting ({meeting}); check the date").format(
                              id=record.id, date=entry.date, meeting=meeting_date))
        for url in entry.evidence:
            if not re.match(r"^https?://\S+$", url) and document(url) is None:
                yield Problem(where, "bad-evidence", _(
                    "{id}: evidence {url!r} is not an http(s) address or a document reference; link the source "
                    "with https://... or cite it as 'Công văn số 123/UBND-KT ngày 12/3/2025'").format(id=record.id, url=url))
        previous = entry
    if previous is None:
        if initial is not None and current != initial:
            yield Problem(_src(record, file), "status-without-history",
                          _("{id}: status {current!r} has no dated history entry; write status back to "
                            "{initial!r} and record the change with `bbtrack status set`").format(
                              id=record.id, current=current, initial=initial))
    elif previous.to != current:
        yield Problem(_src(previous, file), "history-chain",
                      _("{id}: last history entry ends at {end!r} but the record says {current!r}; "
                        "change the record with `bbtrack status set`, never by hand").format(
                          id=record.id, end=previous.to, current=current))


def check_history(ds: Dataset) -> Iterator[Problem]:
    meeting_dates = {m.id: m.date for m in ds.meetings}
    for c in ds.commitments:
        yield from _check_history(c, STATUSES, c.status, INITIAL_STATUS, ds.commitments_file,
                                  meeting_dates.get(c.meeting))
    for x in ds.crossings:
        yield from _check_history(x, STAGES, x.stage, None, ds.crossings_file)


def check_text(ds: Dataset) -> Iterator[Problem]:
    """Control characters in data would reach terminals: flag them (they are shown escaped)."""
    def history_texts(record: Commitment | Crossing) -> Iterator[str]:
        for h in record.history:
            yield from (h.note or "", h.note_vi or "", h.note_zh or "", h.by or "", *h.evidence)

    records: list[tuple[Commitment | Crossing, str, Iterable[str]]] = []
    for c in ds.commitments:
        records.append((c, ds.commitments_file, (c.id, c.title_vi, c.title_en, c.title_zh or "", c.quote, *c.parties, *c.crossings)))
    for x in ds.crossings:
        texts = (x.id, x.name_vi, x.name_zh, x.partner_vi, x.partner_zh, x.partner_pinyin, x.name_source,
                 x.province, x.parent, x.markers)
        records.append((x, ds.crossings_file, (t for t in texts if t)))
    for record, file, texts in records:
        if any(has_unsafe(t) for t in (*texts, *history_texts(record))):
            yield Problem(_src(record, file), "control-char",
                          _("{id}: text contains control or bidi characters; remove them").format(id=record.id), "warning")


CHECKS: tuple[Callable[[Dataset], Iterable[Problem]], ...] = (
    check_unique_ids,
    check_commitment_ids,
    check_crossing_ids,
    check_parties,
    check_due_source,
    check_references,
    check_history,
    check_text,
)


# What a record's problems depend on. PER_RECORD checks look at one record (and the meetings)
# at a time, so a changed record can be checked alone (`load.patch`); the others compare records
# with each other, and a patch does their work over the ids it keeps (tests/test_patch.py
# holds every check in CHECKS to one of the two).
PER_RECORD: tuple[Callable[[Dataset], Iterable[Problem]], ...] = (
    check_commitment_ids, check_crossing_ids, check_parties, check_due_source, check_history, check_text,
)
ACROSS_RECORDS = (check_unique_ids, check_references)


def validate(ds: Dataset) -> list[Problem]:
    return [problem for check in CHECKS for problem in check(ds)]


def check_quotes(ds: Dataset, data_dir: Path) -> list[Problem]:
    """Each quote must stand, whitespace-collapsed, in its meeting's minutes (when shipped)."""
    problems: list[Problem] = []
    texts: dict[str, str | None] = {}
    for meeting in ds.meetings:
        path = data_dir / meeting.minutes if meeting.minutes else None
        try:
            texts[meeting.id] = collapse_ws(path.read_text(encoding="utf-8")) if path else None
        except (OSError, UnicodeDecodeError):
            problems.append(Problem(meeting.source or Source(ds.commitments_file), "missing-minutes",
                                    _("minutes file {file!r} of {meeting} cannot be read").format(
                                        file=meeting.minutes, meeting=meeting.id), "warning"))
            texts[meeting.id] = None
    for c in ds.commitments:
        minutes = texts.get(c.meeting)
        if minutes is not None and collapse_ws(c.quote) not in minutes:
            problems.append(Problem(_src(c, ds.commitments_file), "quote-not-found",
                                    _("{id}: quote is not in the minutes word for word; copy it from the minutes").format(
                                        id=c.id)))
    return problems


def minutes_line(ds: Dataset, data_dir: Path, commitment: Commitment) -> int | None:
    """Line of the minutes where the quote begins (PDF line breaks tolerated)."""
    meeting = next((m for m in ds.meetings if m.id == commitment.meeting), None)
    if meeting is None or not meeting.minutes:
        return None
    try:
        raw = (data_dir / meeting.minutes).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    words = collapse_ws(commitment.quote).split(" ")
    pattern = r"\s+".join(re.escape(w) for w in words[:6])
    match = re.search(pattern, raw)
    return raw.count("\n", 0, match.start()) + 1 if match else None
