"""What the paper formats (HTML and Word) print once instead of many times.

The report goes to a meeting on paper, so the two formats made to be printed fold the
repetitions of the data, and never drop a record id or say of a record more than the
data does:

- One news item often updates several records the same day with the same note and
  source (a ceremony that opens a crossing and fulfils two commitments). `event_groups`
  makes it one row: the date, the note and the sources once, and every record id with its
  own change of status. Entries are grouped only when date, note, sources and language of
  the note are all the same; an entry with neither note nor source stays alone.
- Guangxi is a party to every commitment, so in a report of all the parties its part
  repeated every commitment it shares with one province. `elsewhere` lists those by id
  only, with the province's part they are printed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...core import provinces
from ...core.dates import PartialDate
from ...core.model import Commitment
from ...ops.changes import Event
from ..render import note_text
from .model import Block, Report, change_text, party_label
from .text import TEXT, counted

@dataclass(frozen=True)
class EventGroup:
    """Entries of one day with one note and one set of sources: `items` is each distinct
    change with the records it happened to, in the order the events were listed."""

    date: PartialDate
    note: str
    evidence: tuple[str, ...]
    items: tuple[tuple[str, bool, tuple[str, ...]], ...]  # (change text, weak source, record ids)
    events: tuple[Event, ...]

    @property
    def records(self) -> tuple[str, ...]:
        return tuple(e.record_id for e in self.events)


def event_groups(r: Report) -> list[EventGroup]:
    """The report's events, identical ones (same date, note and sources) folded into one row;
    rows in the order of each group's first event (newest first, as listed)."""
    order: list[tuple] = []
    members: dict[tuple, list[Event]] = {}
    for k, e in enumerate(r.events):
        note = note_text(e.entry, r.lang)
        evidence = tuple(e.entry.evidence)
        key = (str(e.entry.date), note, evidence) if note or evidence else ("alone", k)
        if key not in members:
            order.append(key)
            members[key] = []
        members[key].append(e)
    groups = []
    for key in order:
        found = members[key]
        items: dict[tuple[str, bool], list[str]] = {}
        for e in found:
            change = (change_text(e.entry, r.lang), e.entry.confidence == "weak")
            items.setdefault(change, []).append(e.record_id)
        first = found[0].entry
        groups.append(EventGroup(first.date, note_text(first, r.lang), tuple(first.evidence),
                                 tuple((text, weak, tuple(ids)) for (text, weak), ids in items.items()),
                                 tuple(found)))
    return groups


def elsewhere(block: Block, r: Report) -> list[tuple[str, str, tuple[str, ...]]]:
    """(province's label, its block key, ids) of the block's commitments printed in a province's
    part of this same report: only for Guangxi's part, when those parts are in the report."""
    if block.party is None or provinces.BY_NAME[block.party].country != "CN":
        return []
    others = {b.party: b for b in r.blocks if b.party and b.party != block.party}
    found: dict[str, list[str]] = {}
    for _, records in block.sections:
        for c in records:
            home = _home(c, block.party, others)
            if home:
                found.setdefault(home, []).append(c.id)
    return [(party_label(p, r.lang, r.options.today), others[p].key, tuple(found[p]))
            for p in provinces.MINUTES_PARTIES if p in found]


def _home(c: Commitment, party: str, others: dict[str, Block]) -> str | None:
    """The one other party's block that prints `c` (a commitment of Guangxi and one province)."""
    rest = [p for p in c.parties if p != party]
    return rest[0] if len(rest) == 1 and rest[0] in others else None


def shown_sections(block: Block, r: Report) -> tuple[tuple[int, tuple[Commitment, ...]], ...]:
    """The block's sections without the commitments `elsewhere` lists by id."""
    moved = {cid for _, _, ids in elsewhere(block, r) for cid in ids}
    if not moved:
        return block.sections
    kept = ((n, tuple(c for c in records if c.id not in moved)) for n, records in block.sections)
    return tuple((n, records) for n, records in kept if records)


def own_shown_note(block: Block, r: Report) -> str | None:
    """"19 own commitments: 1 below, 18 in the provinces' parts" when some are printed elsewhere."""
    there = sum(len(ids) for _, _, ids in elsewhere(block, r))
    if not there:
        return None
    own = sum(len(records) for _, records in block.sections)
    return counted("own_shown", own, r.lang, own=own, here=own - there, there=there)


def t(r: Report, key: str, **values: str) -> str:
    return TEXT[r.lang][key].format(**values)
