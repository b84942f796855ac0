"""`list --format json|csv` from the rows the cache keeps (`listindex.MachineRows`): byte for
byte what the records print, on every day the index answers for, filtered or not."""

from __future__ import annotations

import pytest

from bbtrack.load import cache
from bbtrack.views import listindex

DAYS = ["2023-02-22", "2023-12-31", "2024-01-01", "2024-06-30", "2024-07-01", "2026-12-04", "2040-01-01"]
FILTERS = [(), ("--province", "Lạng Sơn"), ("--status", "done"), ("--limit", "3"), ("--party", "Quảng Tây"),
           ("--province", "Cao Bằng", "--status", "dropped")]


def _compare(cli, fmt: str, *args: str) -> str:
    warm = cli("list", "--format", fmt, *args)
    fresh = cli("--no-cache", "list", "--format", fmt, *args)
    assert (warm.exit_code, warm.stdout, warm.stderr) == (fresh.exit_code, fresh.stdout, fresh.stderr), (fmt, args)
    return warm.stdout


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_rows_print_what_the_records_print(shipped_cli, shipped_dir, fmt, monkeypatch):
    assert shipped_cli("list").exit_code == 0
    assert cache.cached_index(shipped_dir, (0, listindex.PARTS.index(fmt))) is not None
    for day in DAYS:
        for args in FILTERS:
            _compare(shipped_cli, fmt, "--today", day, *args)
    # The rows are what is printed: a warm list with the records made unreadable still prints.
    import bbtrack.load.loader

    monkeypatch.setattr(bbtrack.load.loader, "parse_folder", lambda *a, **k: pytest.fail("the folder was read"))
    assert shipped_cli("list", "--format", fmt).exit_code == 0


def test_an_empty_selection(shipped_cli):
    assert shipped_cli("list").exit_code == 0
    assert _compare(shipped_cli, "json", "--province", "Cao Bằng", "--status", "dropped", "--party", "Hà Giang") \
        == "[]\n"
    assert _compare(shipped_cli, "csv", "--province", "Cao Bằng", "--status", "dropped").startswith("id,section,")


def test_a_generated_folder(tmp_path):
    """1500 records drawn from the shipped ones, every due date and status among them."""
    from bench import datasets
    from conftest import Cli

    folder = tmp_path / "data"
    datasets.build(folder, 1500)
    cli = Cli(folder)
    assert cli("list").exit_code == 0
    for fmt in ("json", "csv"):
        for day in ("2024-01-01", "2030-06-30"):
            _compare(cli, fmt, "--today", day)


def test_csv_to_a_file_keeps_its_byte_order_mark(shipped_cli, tmp_path):
    assert shipped_cli("list").exit_code == 0
    warm, fresh = tmp_path / "warm.csv", tmp_path / "fresh.csv"
    assert shipped_cli("list", "--format", "csv", "--output", str(warm)).exit_code == 0
    assert shipped_cli("--no-cache", "list", "--format", "csv", "--output", str(fresh)).exit_code == 0
    assert warm.read_bytes() == fresh.read_bytes() and warm.read_bytes().startswith(b"\xef\xbb\xbf")
