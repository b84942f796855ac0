"""`bbtrack list`'s table, ready to print, kept in the parse cache beside the records.

A warm `list` at scale was bounded by unpickling the records: ~34k objects
per 10k records, each through a dataclass `__init__` (~70 ms per 10k, and most
of the peak memory), to print six short strings a record. The index holds
those strings column by column, in the table's default order (natural id
order), with what the common filters test: parties, status, crossings,
section, kind. Strings that repeat (party lists, due dates, status cells) are
one object each, so the pickle stores them once.

It is derived state like the entry it lives in (`cache.py`): built from the
parsed records whenever an entry is written, read only when the entry is fresh.
It answers a `list` sorted by id, filtered by those fields, on a day no
history entry lies after (later events make `query.as_of` rewrite records);
the caller takes the record way for anything else. Cells are made by the same
functions as `render.render_commitments`'s, and tests/test_listindex.py holds
both ways to the same output.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from .render import LANGS, due_text, parties_cell

if TYPE_CHECKING:  # reading an index creates no record class: `model` is never imported on that path
    from ..core.model import Commitment, Dataset
    from ..ops.query import CommitmentFilter, CrossingKey

# One status cell per language, then the row's style: as the record stands on a day
# up to its due date, and after it. Nothing else in a row depends on the day, except
# the party names (`render.parties_cell`, asked once per distinct list when printing).
Stand = tuple  # (status cell in LANGS[0], status cell in LANGS[1], …, row style)


class ListIndex:
    """The columns, a list per field, one item per record in natural id order.

    A plain class: a dataclass would cost a millisecond of every start to create."""

    ids: list[str]
    sections: list[int]
    kinds: list[str]
    statuses: list[str]
    parties: list[tuple[str, ...]]
    crossings: list[tuple[str, ...]]
    titles: dict[str, list[str]]  # by language (`render.title_in`)
    dues: list[str]  # the due cell: "2023-12", "2023*" (a programme year, `render.due_cell`) or ""
    due_ends: list[int]  # the due period's last day as an ordinal; 0 when there is no due date
    stands: list[tuple[Stand, Stand]]  # (up to the due date, after it)
    latest_event: int  # the latest history date (its first day) of any record, as an ordinal
    crossing_keys: tuple[CrossingKey, ...]  # for `query.resolve_crossings`

    def __init__(self, **columns) -> None:
        self.__dict__.update(columns)


def build(ds: Dataset) -> ListIndex:
    from ..ops.query import crossing_keys, id_key
    from .render import due_cell, row_style, status_cell, title_in

    shared: dict = {}

    def one(value):
        return shared.setdefault((type(value), value), value)

    def stand(c: Commitment, day: _dt.date) -> Stand:
        return one((*(status_cell(c, day, lang) for lang in LANGS), row_style(c, day)))

    records = sorted(ds.commitments, key=lambda c: id_key(c.id))  # as `query.sort_commitments` orders them
    latest = max((h.date.start.toordinal() for c in records for h in c.history), default=0)
    return ListIndex(
        ids=[c.id for c in records],
        sections=[c.section for c in records],
        kinds=[one(c.kind) for c in records],
        statuses=[one(c.status) for c in records],
        parties=[one(c.parties) for c in records],
        crossings=[one(c.crossings) for c in records],
        titles={lang: [title_in(c, lang) for c in records] for lang in LANGS},
        dues=[one(due_cell(c, "en", short=True)) for c in records],  # ISO: `render.due_text` words it
        due_ends=[c.due.end.toordinal() if c.due else 0 for c in records],
        stands=[one((stand(c, c.due.end if c.due else _dt.date.min), stand(c, _after_due(c)))) for c in records],
        latest_event=latest,
        crossing_keys=crossing_keys(ds.crossings),
    )


def _after_due(c: Commitment) -> _dt.date:
    if c.due is None or c.due.end == _dt.date.max:
        return _dt.date.max  # never overdue: the same stand as before
    return c.due.end + _dt.timedelta(days=1)


def answers(index: ListIndex, day: _dt.date) -> bool:
    """Whether every record stands on `day` as the index holds it (`query.as_of` keeps them all)."""
    return day.toordinal() >= index.latest_event


def select(index: ListIndex, f: CommitmentFilter, limit: int | None = None) -> list[int]:
    """Positions of the records `query.select(ds, f, "id", limit)` returns, in its order."""
    if f.due_before is not None or f.due_within is not None or f.overdue or f.late or f.grep:
        raise ValueError("the list index answers no date or text filter")  # callers ask `query.select`
    picked: list[int] | range = range(len(index.ids))
    for wanted, column, test in (
        (f.parties, index.parties, lambda value: not f.parties.isdisjoint(value)),
        (f.crossings, index.crossings, lambda value: not f.crossings.isdisjoint(value)),
        (f.statuses, index.statuses, f.statuses.__contains__),
        (f.sections, index.sections, f.sections.__contains__),
        (f.kinds, index.kinds, f.kinds.__contains__),
    ):
        if wanted:
            # Few distinct values (party lists, statuses): test each once.
            keep = {value: test(value) for value in {column[i] for i in picked}}
            picked = [i for i in picked if keep[column[i]]]
    picked = list(picked)
    return picked[:limit] if limit else picked


def columns(index: ListIndex, picked: list[int], day: _dt.date, lang: str) -> tuple[list[list[str]], list[str | None]]:
    """The table's cells, column by column, and each row's style, as `render.render_commitments` makes them."""
    titles, parties, crossings, dues = index.titles[lang], index.parties, index.crossings, index.dues
    party_cells = {value: parties_cell(value, day, lang) for value in {parties[i] for i in picked}}
    crossing_cells = {value: ", ".join(value) for value in {crossings[i] for i in picked}}
    due_cells = {value: due_text(value, lang) for value in {dues[i] for i in picked}}
    today, due_ends, stands = day.toordinal(), index.due_ends, index.stands
    now = [stands[i][0 < due_ends[i] < today] for i in picked]
    cell = LANGS.index(lang)
    return [
        [index.ids[i] for i in picked],
        [titles[i] for i in picked],
        [party_cells[parties[i]] for i in picked],
        [crossing_cells[crossings[i]] for i in picked],
        [due_cells[dues[i]] for i in picked],
        [stand[cell] for stand in now],
    ], [stand[-1] for stand in now]
