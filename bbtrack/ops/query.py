"""Pure queries over a Dataset. Today's date is always passed in, never read here."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable, Sequence

from ..core import provinces
from ..core.errors import NotFoundError, UsageError
from ..core.i18n import _
from ..core.text import fold
from ..core.vocab import COMMITMENT_KINDS, CROSSING_KINDS, DUE_SOURCES, FINAL_STATUSES, NO_UPDATE, STATUSES

if TYPE_CHECKING:  # the list index's path runs these functions on no record at all
    from ..core.dates import PartialDate
    from ..core.model import Commitment, Crossing, Dataset

SORT_KEYS = ("id", "due", "status", "province")
GROUP_KEYS = ("province", "party", "section", "status")


_DIGIT_RUNS = re.compile(r"(\d+)")


def id_key(record_id: str) -> list:
    """Natural order: SM23-3-10 after SM23-3-9."""
    parts: list = _DIGIT_RUNS.split(record_id)
    parts[1::2] = map(int, parts[1::2])  # a split on a group puts the digit runs at the odd places
    return parts


# --- timing ----------------------------------------------------------------------


def as_of(c: Commitment, day: _dt.date) -> Commitment:
    """The record as it stood on `day`: history up to that day, status from it.

    `--today 2024-01-01` then asks what was overdue on that date, not which of
    today's open records were due by then. An event dated by month or year
    ("2023-12") counts from the first day of its period. History never lies in
    the future, so with the real today this returns `c` itself.
    """
    if not c.history or c.history[-1].date.start <= day:
        return c
    kept = tuple(h for h in c.history if h.date.start <= day)
    status = kept[-1].to if kept else c.history[0].from_
    return replace(c, history=kept, status=status)


def is_overdue(c: Commitment, today: _dt.date) -> bool:
    """Due period over, not closed: "due 2023" is overdue from 2024-01-01."""
    return c.due is not None and not c.is_final and c.due.end < today


def timing(c: Commitment, today: _dt.date) -> str:
    """on-time | late | overdue | due | "" (no due date) — how a record stands against its deadline."""
    if c.due is None:
        return ""
    if c.is_final:
        done = c.done_on
        if done is None:
            return ""
        return "late" if done.start > c.due.end else "on-time"
    return "overdue" if c.due.end < today else "due"


# --- resolving what people type ------------------------------------------------------


def resolve_statuses(words: Iterable[str]) -> frozenset[str]:
    """Statuses however typed (`In Progress`, `đang thực hiện`); a typo is refused with the closest."""
    from ..core.lookup import status_of

    return frozenset(status_of(word) for word in words)


def resolve_parties(words: Iterable[str], *, provinces_only: bool) -> frozenset[str]:
    names: set[str] = set()
    for word in words:
        party = provinces.resolve(word)
        if party is None:
            from ..core.lookup import unknown

            choices = provinces.PARTY_NAMES if not provinces_only else tuple(
                p.name for p in provinces.PARTIES if p.country == "VN")
            option = "--province" if provinces_only else "--party"
            near = {provinces.resolve(n).name: None for n in _near(word, provinces.spellings())}
            raise unknown(option[2:], word, near, choices)
        if provinces_only and party.country != "VN":
            raise UsageError(_("{name} is not a Vietnamese province; use --party {party!r}").format(
                name=party.name, party=party.name_en))
        names |= provinces.names_matching(party.name) or set()
    return frozenset(names)


def _near(word: str, choices: Iterable[str]) -> list[str]:
    from ..core.lookup import closest

    return closest(word, choices, n=3, cutoff=0.5)


def crossing_names(x: Crossing) -> tuple[str, ...]:
    names = (x.id, x.name_vi, x.partner_vi, x.pair, f"{x.name_vi}-{x.partner_vi}",
             x.name_zh, x.partner_zh, x.partner_pinyin)
    return tuple(fold(n) for n in names if n)


CrossingKey = tuple  # (id, parent id or None, folded names): what `resolve_crossings` matches


def crossing_keys(crossings: Iterable[Crossing]) -> tuple[CrossingKey, ...]:
    return tuple((x.id, x.parent, crossing_names(x)) for x in crossings)


def resolve_crossings(keys: Sequence[CrossingKey], words: Iterable[str]) -> frozenset[str]:
    """Crossing ids for ids or names of either side (diacritic-insensitive), with their sub-crossings.

    `keys` are `crossing_keys(ds.crossings)`; the list index keeps them, so a warm
    `list --crossing` needs no crossing record."""
    found: set[str] = set()
    for word in words:
        key = fold(word)
        exact = {ident for ident, _, names in keys if key in names}
        matches = exact or {ident for ident, _, names in keys if any(key in n for n in names)}
        if not matches:
            raise UsageError(_("unknown crossing {word!r}{hint}; run `bbtrack crossings` to see ids and names").format(
                word=word, hint=_crossing_hint(keys, word)))
        found |= matches
    children = {ident for ident, parent, _ in keys if parent in found}
    return frozenset(found | children)


def _crossing_hint(keys: Sequence[CrossingKey], word: str) -> str:
    """"; did you mean binh-nghi?" from the ids and names of the crossings nearest to `word`."""
    by_name = {name: ident for ident, _, names in keys for name in names}
    near = dict.fromkeys(by_name[n] for n in _near(word, by_name))
    from ..core.lookup import hint

    return hint(near)


def get_commitment(ds: Dataset, record_id: str) -> Commitment:
    record = ds.commitment(record_id)
    if record is None:
        near = _near(record_id, [c.id for c in ds.commitments])
        from ..core.lookup import hint

        raise NotFoundError(_("no commitment with id {id!r}{hint}").format(
            id=record_id, hint=hint(near) or _("; run `bbtrack list` to see ids")))
    return record


def find_record(ds: Dataset, word: str, left_out: Sequence[str] = ()) -> Commitment | Crossing:
    """The commitment or crossing `word` names: an id in any case and padding (`sm23-3-9`), or a
    crossing's id or name as `list --crossing` takes it (`Huu Nghi`, `友谊关`). `left_out`: ids
    of records a read left out for their problems, which exist but cannot be shown."""
    found = ds.commitment(word) or ds.crossing(word) or ds.crossing(slug_of(word))
    if found is not None:
        return found
    from ..core.lookup import commitment_id

    for ident in (commitment_id(word), word.strip().lower(), slug_of(word)):
        if ident in left_out:
            raise NotFoundError(_("{id} has problems in the data and cannot be shown; run `bbtrack check` to fix them")
                                .format(id=ident))
    key = fold(word)
    keys = crossing_keys(ds.crossings)
    exact = [ident for ident, _, names in keys if key in names]
    matches = exact or [ident for ident, _, names in keys if key and any(key in n for n in names)]
    if len(matches) == 1:
        return ds.crossing(matches[0])  # type: ignore[return-value]
    if matches:
        raise UsageError(_("{word!r} names {count} crossings: {ids}; give one of these ids").format(
            word=word, count=len(matches), ids=", ".join(matches)))
    near = _near(word, [*(c.id for c in ds.commitments), *(x.id for x in ds.crossings)])
    from ..core.lookup import hint

    said = hint(near) if near else _crossing_hint(keys, word)
    raise NotFoundError(_("no commitment or crossing {word!r}{hint}").format(
        word=word, hint=said or _("; run `bbtrack list` or `bbtrack crossings` to see ids")))


def slug_of(word: str) -> str:
    from ..core.text import slug

    return slug(word)


# --- commitments -----------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentFilter:
    """Every option of `bbtrack list`. AND between fields, OR within one."""

    parties: frozenset[str] = frozenset()  # canonical names, merger already expanded
    statuses: frozenset[str] = frozenset()
    crossings: frozenset[str] = frozenset()
    sections: frozenset[int] = frozenset()
    kinds: frozenset[str] = frozenset()
    due_before: PartialDate | None = None
    due_within: int | None = None
    # `--due-source minutes`: only the records whose due date their own sentence gives, so that
    # overdue and late are counted against deadlines the minutes set, not the programme year.
    due_sources: frozenset[str] = frozenset()
    overdue: bool = False
    late: bool = False
    grep: str | None = None
    today: _dt.date = field(default_factory=_dt.date.today)

    def __post_init__(self) -> None:
        from ..core.lookup import choose

        object.__setattr__(self, "kinds", frozenset(choose(k, COMMITMENT_KINDS, "kind") for k in self.kinds))
        check_due_sources(self.due_sources)
        if self.due_within is not None and self.due_within < 0:
            raise UsageError(_("--due-within takes a number of days ≥ 0"))


def matches(c: Commitment, f: CommitmentFilter) -> bool:
    if f.parties and not f.parties.intersection(c.parties):
        return False
    if f.statuses and c.status not in f.statuses:
        return False
    if f.crossings and not f.crossings.intersection(c.crossings):
        return False
    if f.sections and c.section not in f.sections:
        return False
    if f.kinds and c.kind not in f.kinds:
        return False
    if f.due_before is not None and (c.due is None or c.due.end >= f.due_before.start):
        return False
    if f.due_within is not None:
        horizon = f.today + _dt.timedelta(days=f.due_within)
        if c.due is None or c.is_final or not f.today <= c.due.end <= horizon:
            return False
    if f.due_sources and c.due_source not in f.due_sources:
        return False
    if f.overdue and not is_overdue(c, f.today):
        return False
    if f.late and timing(c, f.today) not in ("late", "overdue"):
        return False
    if f.grep:
        needle = fold(f.grep)
        if not any(needle in fold(t) for t in (c.title_vi, c.title_en, c.quote, c.id)):
            return False
    return True


def check_due_sources(words: Iterable[str]) -> frozenset[str]:
    wanted = frozenset(words)
    for word in wanted:
        if word not in DUE_SOURCES:
            raise UsageError(_("unknown due source {word!r}; use one of {sources}").format(
                word=word, sources=", ".join(DUE_SOURCES)))
    return wanted


def with_due_source(records: Iterable[Commitment], sources: frozenset[str]) -> list[Commitment]:
    """The records whose due date has one of these bases (all of them when none is asked)."""
    return [c for c in records if not sources or c.due_source in sources]


def _first_province(c: Commitment) -> str:
    order = provinces.PARTY_NAMES
    return min((order.index(p) if p in order else 99 for p in c.parties), default=99)


def sort_commitments(records: Iterable[Commitment], key: str) -> list[Commitment]:
    if key not in SORT_KEYS:
        from ..core.lookup import choose

        key = choose(key, SORT_KEYS, "sort key")
    by_id = sorted(records, key=lambda c: id_key(c.id))
    if key == "due":
        return sorted(by_id, key=lambda c: (c.due is None, c.due.end if c.due else _dt.date.max))
    if key == "status":
        return sorted(by_id, key=lambda c: STATUSES.index(c.status))
    if key == "province":
        return sorted(by_id, key=_first_province)
    return by_id


def select(ds: Dataset, f: CommitmentFilter, sort: str = "id", limit: int | None = None) -> list[Commitment]:
    """The matching records as they stood on `f.today`, sorted."""
    records = sort_commitments((c for c in (as_of(c, f.today) for c in ds.commitments) if matches(c, f)), sort)
    return records[:limit] if limit else records


# --- crossings -------------------------------------------------------------------------


def select_crossings(ds: Dataset, parties: frozenset[str] = frozenset(), kinds: Iterable[str] = (),
                     stages: Iterable[str] = ()) -> list[Crossing]:
    from ..core.lookup import stage_of, word_of
    from ..core.vocab import KIND_LABELS

    labels = {lang: {k: v for k, v in names.items() if k in CROSSING_KINDS} for lang, names in KIND_LABELS.items()}
    kinds = frozenset(word_of(k, CROSSING_KINDS, labels, "crossing kind") for k in kinds)
    stages = frozenset(stage_of(s) for s in stages)
    return [
        x for x in ds.crossings
        if (not parties or x.province in parties)
        and (not kinds or x.kind in kinds or x.target_kind in kinds)
        and (not stages or x.stage in stages)
    ]


def commitments_per_crossing(ds: Dataset) -> dict[str, int]:
    counts = {x.id: 0 for x in ds.crossings}
    for c in ds.commitments:
        for ref in c.crossings:
            if ref in counts:
                counts[ref] += 1
    return counts


# --- summary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Counts for one group of commitments (a province, a status, ...)."""

    key: str
    counts: dict[str, int]  # status -> count, every status present
    total: int
    deliverables: int
    done_deliverables: int
    overdue: int
    late: int
    # Open records without a single event (among `counts["open"]`): the data knows nothing
    # of them since the minutes, which is no claim they were not carried out. Most are
    # continuing duties (patrols, exchanges) that no source reports item by item.
    no_update: int = 0
    no_update_continuing: int = 0

    @property
    def completion(self) -> float | None:
        """Share of one-off deliverables that are done; None when there are none."""
        return self.done_deliverables / self.deliverables if self.deliverables else None


def _group_keys(c: Commitment, by: str) -> list[str]:
    if by == "status":  # those no event has touched apart: their row is not "no progress recorded"
        return [NO_UPDATE if c.status == "open" and not c.history else c.status]
    if by == "section":
        return [str(c.section)]
    if by == "province":
        return [p for p in c.parties if provinces.BY_NAME.get(p) and provinces.BY_NAME[p].country == "VN"]
    return list(c.parties)


def summarize(records: Iterable[Commitment], by: str, today: _dt.date) -> list[Group]:
    if by not in GROUP_KEYS:
        from ..core.lookup import choose

        by = choose(by, GROUP_KEYS, "grouping")
    groups: dict[str, list[Commitment]] = {}
    for c in records:
        c = as_of(c, today)
        for key in _group_keys(c, by):
            groups.setdefault(key, []).append(c)
    order = {
        "status": lambda k: STATUSES.index(k) if k in STATUSES else -1,
        "section": lambda k: int(k),
        "province": lambda k: provinces.PARTY_NAMES.index(k) if k in provinces.PARTY_NAMES else 99,
        "party": lambda k: provinces.PARTY_NAMES.index(k) if k in provinces.PARTY_NAMES else 99,
    }[by]
    return [_group(key, groups[key], today) for key in sorted(groups, key=order)]


def _group(key: str, records: list[Commitment], today: _dt.date) -> Group:
    counts = dict.fromkeys(STATUSES, 0)
    for c in records:
        counts[c.status] += 1
    deliverables = [c for c in records if c.kind == "deliverable"]
    silent = [c for c in records if c.status == "open" and not c.history]
    return Group(
        key=key,
        counts=counts,
        total=len(records),
        deliverables=len(deliverables),
        done_deliverables=sum(c.status == "done" for c in deliverables),
        overdue=sum(is_overdue(c, today) for c in records),
        late=sum(timing(c, today) == "late" for c in records),
        no_update=len(silent),
        no_update_continuing=sum(c.kind == "continuing" for c in silent),
    )


def totals(records: Iterable[Commitment], today: _dt.date) -> Group:
    return _group("all", [as_of(c, today) for c in records], today)


def is_final(status: str) -> bool:
    return status in FINAL_STATUSES
