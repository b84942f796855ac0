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
from typing import TYPE_CHECKING, Iterator

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
    file_ids: list[str]  # the ids in the file's order, for a patch (`load.patch`) to match spans to rows

    def __init__(self, **columns) -> None:
        self.__dict__.update(columns)


PARTS = ("table", "json", "csv", "meetings")  # what `parts` returns, in its order


def parts(ds: Dataset) -> tuple[int, Iterator]:
    """What the cache keeps beside an entry's records, each read alone (`PARTS`): the table's
    index, the JSON and the CSV rows (so that no format's reader unpickles another's text), and
    the meetings (a patch of the index checks changed records against them: `load.patch`).
    (How many, an iterator that builds each only when the one before is stored: at 100k
    records the rows are ~250 MB of text each way.)"""
    from ..ops.query import id_key

    def each() -> Iterator:
        records = sorted(ds.commitments, key=lambda c: id_key(c.id))
        yield build(ds, records)
        yield from build_rows(records)
        yield ds.meetings

    return len(PARTS), each()


def build(ds: Dataset, records: list[Commitment] | None = None) -> ListIndex:
    """`records`: `ds.commitments` sorted by id, when the caller has them."""
    from ..ops.query import crossing_keys, id_key
    from .render import due_cell, row_style, status_cell, title_in

    shared: dict = {}

    def one(value):
        return shared.setdefault((type(value), value), value)

    def stand(c: Commitment, day: _dt.date) -> Stand:
        return one((*(status_cell(c, day, lang) for lang in LANGS), row_style(c, day)))

    if records is None:
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
        file_ids=[c.id for c in ds.commitments],
    )


def splice(index: ListIndex, gone: set[str], add: ListIndex, file_ids: list[str]) -> ListIndex:
    """`index` without the rows of the ids in `gone`, with the rows of `add` (sorted by id, as
    `build` makes them) in id order, and `file_ids` (the ids in the file's order now): what
    `build` gives the folder after a change of a few records (`load.patch`), made by copying
    runs of each column between the changes (at 100k records a Python step per row and
    column took ~0.3 s)."""
    import bisect

    from ..ops.query import id_key

    ids = index.ids
    drop = []
    for record_id in gone:
        at = bisect.bisect_left(ids, id_key(record_id), key=id_key)
        drop.append(at if at < len(ids) and ids[at] == record_id else ids.index(record_id))
    # (where in the old rows, 0: insert the n-th new row before it, 1: drop the old row there)
    cuts = sorted([(bisect.bisect_left(ids, id_key(record_id), key=id_key), 0, n) for n, record_id in enumerate(add.ids)]
                  + [(at, 1, -1) for at in drop])

    def spliced(old: list, new: list) -> list:
        out: list = []
        done = 0
        for at, kind, n in cuts:
            out += old[done:at]
            if kind:
                done = at + 1
            else:
                out.append(new[n])
                done = at
        out += old[done:]
        return out

    columns = {}
    for field, value in vars(index).items():
        if field == "file_ids":
            continue  # given whole
        if isinstance(value, list):
            columns[field] = spliced(value, getattr(add, field))
        elif isinstance(value, dict):
            columns[field] = {lang: spliced(value[lang], getattr(add, field)[lang]) for lang in value}
        else:
            columns[field] = value
    # A removed record may have held the latest event: keeping the old one only makes the
    # index answer for fewer days (`answers`), never wrongly.
    columns["latest_event"] = max(index.latest_event, add.latest_event)
    columns["file_ids"] = file_ids
    return ListIndex(**columns)


def rows_of(records: list[Commitment]) -> ListIndex:
    """The index of a few records (changed or added ones, for `splice`), sorted by id."""
    from ..core.model import Dataset
    from ..ops.query import id_key

    ordered = sorted(records, key=lambda c: id_key(c.id))
    return build(Dataset(tuple(ordered), (), (), "", ""), ordered)


class IndexDelta:
    """`list`'s index of a later state of the folder than the cache entry's, kept as its change
    from the entry's (`load.patch`): the ids of the entry's rows that are gone (changed or
    removed), the rows that came (changed or added), and the ids in the file's order now.
    At 100k records this is a few MB to write, where the whole index took 0.3 s to pickle.
    The cache reads it over the index of the entry named `base` (`over`)."""

    base: tuple  # the fingerprint of the entry it changes
    gone: set[str]
    add: ListIndex
    file_ids: list[str]

    def __init__(self, **fields) -> None:
        self.__dict__.update(fields)

    def over(self, index: ListIndex) -> ListIndex:
        return splice(index, self.gone, self.add, self.file_ids)

    def then(self, gone: set[str], add: ListIndex, file_ids: list[str]) -> IndexDelta:
        """This change followed by another, made to the state this one gives: `gone` its ids."""
        came = set(self.add.ids)
        return IndexDelta(base=self.base, gone=self.gone | (gone - came),
                          add=splice(self.add, gone & came, add, []), file_ids=file_ids)


class MachineRows:
    """`list --format json` or `csv`'s text of each record, in the index's order.

    Each is a pair (up to the due date, after it): `timing` is the only field that
    depends on the day, and only through the due date, as a `Stand` does. A pair
    whose halves are equal holds one string twice, which the pickle stores once.
    The texts are the renderer's own (`render.commitment_row`, `tables.write_json`'s
    item and `write_csv`'s row), so the output is the record path's byte for byte
    (tests/test_machine_rows.py). Nothing in them depends on the language."""

    fmt: str  # json or csv
    texts: list[tuple[bytes, bytes]]  # json: the item as `write_json` writes it, without indent and comma;
    # csv: the row as `write_csv` writes it, newline included; UTF-8, as they are printed
    header: bytes  # csv: the header line

    def __init__(self, **columns) -> None:
        self.__dict__.update(columns)


def build_rows(records: list[Commitment]) -> Iterator[MachineRows]:
    """The JSON, then the CSV rows of `records` (sorted by id, as the index is), each built when asked for."""
    import csv
    import io
    import json

    from .render import COMMITMENT_CSV_COLUMNS, commitment_row
    from .tables import _json_inert, csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def csv_line(row: dict) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(row.get(col)) for col in COMMITMENT_CSV_COLUMNS])
        return buffer.getvalue().encode("utf-8")

    def json_item(row: dict) -> bytes:
        return _json_inert(json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")).encode("utf-8")

    def pairs(text) -> list[tuple[bytes, bytes]]:
        made = []
        for c in records:
            before = commitment_row(c, c.due.end if c.due else _dt.date.min)
            after = commitment_row(c, _after_due(c)) if c.due is not None else before
            if after["timing"] == before["timing"]:
                one = text(before)
                made.append((one, one))
            else:
                made.append((text(before), text(after)))
        return made

    yield MachineRows(fmt="json", texts=pairs(json_item), header=b"")
    texts = pairs(csv_line)
    buffer.seek(0)
    buffer.truncate()
    writer.writerow(COMMITMENT_CSV_COLUMNS)
    yield MachineRows(fmt="csv", texts=texts, header=buffer.getvalue().encode("utf-8"))


def write_rows(rows: MachineRows, index: ListIndex, picked: list[int], day: _dt.date, out) -> None:
    """`render.render_commitments(records, rows.fmt, out, today=day)`, from the rows."""
    today, due_ends, texts = day.toordinal(), index.due_ends, rows.texts
    chosen = [texts[i][0 < due_ends[i] < today] for i in picked]
    if rows.fmt == "csv":
        _write_utf8(out, rows.header + b"".join(chosen))
    elif chosen:
        _write_utf8(out, b"[\n  " + b",\n  ".join(chosen) + b"\n]\n")
    else:
        out.write("[]\n")


def _write_utf8(out, data: bytes) -> None:
    """`out.write(data.decode())`, without decoding ~100 MB only to encode it again (100k records)
    when `out` writes UTF-8 bytes as they are: not a file that starts with a BOM (`utf-8-sig`),
    not a stream that turns "\n" into os.linesep (stdout on Windows; files here use newline="")."""
    import os
    import sys

    buffer = getattr(out, "buffer", None)
    encoding = (getattr(out, "encoding", None) or "").lower().replace("_", "-")
    if buffer is not None and encoding in ("utf-8", "utf8") and (out is not sys.stdout or os.linesep == "\n"):
        out.flush()
        buffer.write(data)
        buffer.flush()
    else:
        out.write(data.decode("utf-8"))


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
