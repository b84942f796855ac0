"""The list index prints what the records print.

`bbtrack list` answers from `listindex` when the cache is warm and from the
records otherwise; a user must never see a difference. The property test
builds random records (ids that tie in natural order, deadlines and events on
both sides of the day asked, the merged province, text a table must escape),
pickles the index as the cache does, and compares every cell, style and line
with `query.select` + `render.render_commitments`. The CLI tests check the
same on real folders and that a warm `list` never reads the records.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bbtrack.load import cache
from bbtrack.views import listindex
from bbtrack.core import provinces
from bbtrack.views import render
from bbtrack.core.dates import PartialDate
from bbtrack.load.cached import load
from bbtrack.core.model import COMMITMENT_KINDS, STATUSES, Commitment, Dataset, HistoryEntry
from bbtrack.ops.query import CommitmentFilter, crossing_keys, resolve_crossings, select

IDS = ("SM23-3-1", "SM23-3-01", "SM23-3-2", "SM23-3-10", "SM23-10-1", "SM24-1-1", "SM23-3-9a", "X")
CROSSINGS = ("huu-nghi", "ta-lung", "ta-lung-2", "tra-linh")
days = st.dates(dt.date(2022, 1, 1), dt.date(2027, 12, 31))
partial_dates = st.one_of(
    st.builds(PartialDate, st.integers(2022, 2027)),
    st.builds(PartialDate, st.integers(2022, 2027), st.integers(1, 12)),
    days.map(lambda d: PartialDate(d.year, d.month, d.day)),
)
cell_text = st.text(alphabet="aăâđêôơư ÀẠỹ中😀\t\x1b[]\u202e-", min_size=1, max_size=12)
# Events mostly early, so that the index answers for most days asked; sometimes late, so that it must not.
early = st.builds(PartialDate, st.just(2022), st.integers(0, 12))
history = st.lists(st.builds(HistoryEntry, st.one_of(early, early, early, partial_dates), st.sampled_from(STATUSES),
                             st.sampled_from(STATUSES)), max_size=3)
commitments = st.builds(
    Commitment,
    id=st.sampled_from(IDS), section=st.integers(0, 3), title_vi=cell_text, title_en=cell_text, quote=cell_text,
    parties=st.lists(st.sampled_from(provinces.PARTY_NAMES), min_size=1, max_size=6, unique=True).map(tuple),
    crossings=st.lists(st.sampled_from(CROSSINGS), max_size=2, unique=True).map(tuple),
    kind=st.sampled_from(COMMITMENT_KINDS), due=st.one_of(st.none(), partial_dates),
    status=st.sampled_from(STATUSES), history=history.map(tuple),
)
filters = st.fixed_dictionaries({
    "parties": st.frozensets(st.sampled_from(provinces.PARTY_NAMES), max_size=2),
    "statuses": st.frozensets(st.sampled_from(STATUSES), max_size=2),
    "crossings": st.frozensets(st.sampled_from(CROSSINGS), max_size=2),
    "sections": st.frozensets(st.integers(0, 3), max_size=2),
    "kinds": st.frozensets(st.sampled_from(COMMITMENT_KINDS), max_size=1),
})


def _dataset(records, crossings=()) -> Dataset:
    return Dataset(commitments=tuple(records), crossings=tuple(crossings), meetings=(), commitments_file="c.yaml",
                   crossings_file="x.yaml")


def _by_records(ds: Dataset, f: CommitmentFilter, limit, fmt: str, lang: str) -> str:
    out = io.StringIO()
    render.render_commitments(select(ds, f, "id", limit), fmt, out, today=f.today, lang=lang)
    return out.getvalue()


def _by_index(index, f: CommitmentFilter, limit, fmt: str, lang: str) -> str:
    out = io.StringIO()
    cells, styles = listindex.columns(index, listindex.select(index, f, limit), f.today, lang)
    render.write_commitment_table(fmt, cells, out, lang=lang, row_style=styles.__getitem__)
    return out.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(commitments, max_size=12), wanted=filters, limit=st.one_of(st.none(), st.integers(1, 5)),
       lang=st.sampled_from(render.LANGS), fmt=st.sampled_from(("table", "markdown")), data=st.data())
def test_the_index_prints_what_the_records_print(records, wanted, limit, lang, fmt, data):
    # The day asked, often on or next to a deadline or an event: where "overdue" and "as of" turn.
    deadlines = [c.due.end + dt.timedelta(days=step) for c in records if c.due for step in (0, 1)]
    events = [h.date.start + dt.timedelta(days=step) for c in records for h in c.history for step in (-1, 0)]
    today = data.draw(st.one_of(days, *(st.sampled_from(choice) for choice in (deadlines, events) if choice)))
    ds = _dataset(records)
    index = pickle.loads(pickle.dumps(listindex.build(ds), protocol=pickle.HIGHEST_PROTOCOL))
    f = CommitmentFilter(**wanted, today=today)
    latest = max((h.date.start for c in records for h in c.history), default=None)
    assert listindex.answers(index, today) == (latest is None or latest <= today)
    if not listindex.answers(index, today):
        return  # `query.as_of` rewrites records: the index declines, and `list` loads them
    chosen = select(ds, f, "id", limit)
    picked = listindex.select(index, f, limit)
    assert [index.ids[i] for i in picked] == [c.id for c in chosen]
    _, styles = listindex.columns(index, picked, today, lang)
    assert styles == [render.row_style(c, today) for c in chosen]  # the Rich table's colours
    assert _by_index(index, f, limit, fmt, lang) == _by_records(ds, f, limit, fmt, lang)


@pytest.mark.parametrize("lang", render.LANGS)
def test_a_record_turns_overdue_the_day_after_its_deadline(lang):
    record = Commitment("SM23-3-1", 3, "a", "a", "q", ("Lạng Sơn",), (), "deliverable", PartialDate(2024, 5), "open")
    ds = _dataset([record])
    index = listindex.build(ds)
    for today in (dt.date(2024, 5, 31), dt.date(2024, 6, 1)):
        f = CommitmentFilter(today=today)
        assert _by_index(index, f, None, "table", lang) == _by_records(ds, f, None, "table", lang)
    assert "(quá hạn)" in _by_index(index, CommitmentFilter(today=dt.date(2024, 6, 1)), None, "table", "vi")


def test_a_record_tying_in_natural_order_keeps_its_file_order():
    """SM23-3-1 and SM23-3-01 compare equal: both ways must keep them as the file has them."""
    one = Commitment("SM23-3-01", 3, "a", "a", "q", ("Lạng Sơn",), (), "deliverable", None, "open")
    two = Commitment("SM23-3-1", 3, "b", "b", "q", ("Lạng Sơn",), (), "deliverable", None, "open")
    for records in ([one, two], [two, one]):
        index = listindex.build(_dataset(records))
        assert index.ids == [c.id for c in records]


def test_the_index_refuses_filters_it_does_not_hold():
    index = listindex.build(_dataset([]))
    for field in ({"grep": "x"}, {"overdue": True}, {"late": True}, {"due_within": 3},
                  {"due_before": PartialDate(2024)}):
        with pytest.raises(ValueError):
            listindex.select(index, CommitmentFilter(**field))


def test_crossings_resolve_from_the_index_as_from_the_records(data_dir):
    ds = load(data_dir, use_cache=False).dataset
    index = listindex.build(ds)
    for word in ("Hữu Nghị", "tà lùng", "ta-lung", "Thủy Khẩu"):
        assert resolve_crossings(index.crossing_keys, [word]) == resolve_crossings(crossing_keys(ds.crossings), [word])


# --- through the CLI, on real folders ----------------------------------------------------------

LISTS = [
    ["list"],
    ["list", "--province", "lang son"],
    ["list", "--province", "Hà Giang", "--status", "open", "--limit", "3"],
    ["list", "--party", "Quảng Tây", "--crossing", "Hữu Nghị"],
    ["list", "--section", "3", "--kind", "continuing", "--lang", "en"],
    ["list", "--province", "Tuyên Quang", "--format", "markdown"],
    ["list", "--today", "2023-03-01"],  # before the shipped events: the index declines
]


@pytest.mark.parametrize("args", LISTS, ids=[" ".join(a[1:]) or "all" for a in LISTS])
def test_warm_list_equals_list_without_cache(shipped_cli, shipped_dir, args):
    cli = shipped_cli
    cold = cli("--no-cache", *args)
    assert cli(*args).exit_code == 0  # writes the entry
    assert cache.cached_index(shipped_dir) is not None
    warm = cli(*args)
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)
    assert cold.exit_code == 0 and cold.stdout


def test_warm_list_reads_the_index_and_never_the_records(shipped_cli, shipped_dir):
    """Cut the entry just after the index: `list` still answers, and leaves the entry as it is."""
    cli = shipped_cli
    expected = cli("--no-cache", "list", "--province", "Cao Bằng")
    assert cli("show", "SM23-0-01").exit_code == 0  # writes the entry
    entry = cache.entry_path(shipped_dir)
    with open(entry, "rb") as handle:
        pickle.load(handle)  # the fingerprint
        assert pickle.load(handle) == len(listindex.PARTS)
        length = pickle.load(handle) & ((1 << 62) - 1)  # the index's, the first part (cache._length)
        cut = handle.tell() + length
    entry.write_bytes(entry.read_bytes()[:cut])
    warm = cli("list", "--province", "Cao Bằng")
    assert (warm.exit_code, warm.stdout) == (0, expected.stdout)
    assert entry.stat().st_size == cut
    # A command that needs records finds the entry broken: a miss, parsed again and rewritten.
    assert cli("show", "SM23-0-01").exit_code == 0
    assert entry.stat().st_size > cut


def test_a_stale_index_is_never_read(shipped_cli, shipped_dir):
    cli = shipped_cli
    assert cli("list").exit_code == 0
    path = shipped_dir / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    edited = text.replace("Quán triệt", "Quán-triệt", 1)
    assert len(edited.encode()) == len(text.encode())
    path.write_text(edited, encoding="utf-8")
    import os

    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # an editor keeping size and mtime
    assert cache.cached_index(shipped_dir) is None
    assert "Quán-triệt" in cli("list").stdout
