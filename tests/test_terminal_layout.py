"""Tables on a real pseudo-terminal of 60, 80 and 120 columns: no line wider than the
terminal, and every id, crossing id, date and URL whole (tools/measure_terminal.py
runs the console script exactly as these tests do, and prints the numbers).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SHIPPED

sys.path.insert(0, str(ROOT / "tools"))
from measure_terminal import ENTRY, URL, columns_of, plain_lines, run_in_terminal  # noqa: E402

WIDTHS = (60, 80, 120)


def json_of(*args: str):
    done = subprocess.run([*ENTRY, "--data-dir", str(SHIPPED), *args, "--format", "json"], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout)


def words_of(text: str) -> set[str]:
    return {word for line in plain_lines(text) for word in line.split()}


def assert_fits(text: str, columns: int) -> None:
    for line in plain_lines(text):
        assert columns_of(line) <= columns or URL.match(line), f"{columns_of(line)} > {columns}: {line!r}"


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("args", [["list", "-p", "lang son", "--overdue", "--today", "2024-06-01"], ["list"],
                                  ["list", "--lang", "en"]])
def test_list_fits_and_keeps_ids_crossings_and_dates_whole(args, columns):
    code, out, err = run_in_terminal(["--data-dir", str(SHIPPED), *args], columns)
    assert code == 0, err
    assert_fits(out, columns)
    words = words_of(out)
    for record in json_of(*args):
        assert record["id"] in words
        for crossing in record["crossings"]:
            assert crossing in words or crossing + "," in words
        if record["done_on"]:
            assert record["done_on"] in words


@pytest.mark.parametrize("columns", WIDTHS)
def test_crossings_fit_with_ids_whole(columns):
    code, out, err = run_in_terminal(["--data-dir", str(SHIPPED), "crossings"], columns)
    assert code == 0, err
    assert_fits(out, columns)
    assert {x["id"] for x in json_of("crossings")} <= words_of(out)


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_summary_fits_and_keeps_province_names_on_one_line(columns, lang):
    code, out, err = run_in_terminal(["--data-dir", str(SHIPPED), "summary", "--lang", lang], columns)
    assert code == 0, err
    assert_fits(out, columns)
    assert any("Hà Giang → Tuyên Quang" in line for line in plain_lines(out))


def test_a_wide_terminal_keeps_the_table():
    code, out, _ = run_in_terminal(["--data-dir", str(SHIPPED), "list", "-p", "cao bang", "--lang", "en"], 200)
    assert code == 0
    header = next(line for line in plain_lines(out) if line.strip())
    assert header.split()[:3] == ["id", "title", "parties"]


@settings(max_examples=15, deadline=None)
@given(columns=st.integers(min_value=40, max_value=160))
def test_list_fits_any_width(columns):
    code, out, _ = run_in_terminal(["--data-dir", str(SHIPPED), "list", "-p", "quang ninh", "--lang", "en"],
                                   columns)
    assert code == 0
    assert_fits(out, columns)
    assert {r["id"] for r in json_of("list", "-p", "quang ninh")} <= words_of(out)


def test_wrap_words_never_cuts_a_word():
    from bbtrack.views.tables import wrap_words

    @given(st.lists(st.text(alphabet="abcđếạ中-/:.", min_size=1, max_size=30), max_size=12),
           st.integers(min_value=1, max_value=40))
    def check(words, size):
        lines = wrap_words(" ".join(words), size)
        assert " ".join(lines).split() == words
        for line in lines:
            assert columns_of(line) <= size or " " not in line

    check()


@pytest.mark.parametrize("columns", (60, 80))
@pytest.mark.parametrize("record", ["SM23-3-19", "tra-linh", "SM23-3-13"])
def test_show_wraps_to_the_terminal_and_keeps_urls_whole(record, columns):
    code, out, err = run_in_terminal(["--data-dir", str(SHIPPED), "show", record], columns)
    assert code == 0, err
    assert_fits(out, columns)
    full = json_of("show", record)
    urls = [url for h in full["history"] for url in h["evidence"]] + (
        [full["name_source"]] if full.get("name_source") else [])
    assert urls and set(urls) <= words_of(out)
    piped = subprocess.run([*ENTRY, "--data-dir", str(SHIPPED), "show", record], capture_output=True, text=True,
                           cwd=ROOT, env={**__import__("os").environ, "COLUMNS": str(columns)})
    assert words_of(piped.stdout) == words_of(out)  # the same words; piped, a field stays on one line


@pytest.mark.parametrize("columns", (60, 80, 120))
def test_log_keeps_urls_whole(columns):
    code, out, err = run_in_terminal(["--data-dir", str(SHIPPED), "log", "--since", "2025"], columns)
    assert code == 0, err
    assert_fits(out, columns)
    urls = {url for e in json_of("log", "--since", "2025") for url in e["evidence"]}
    assert urls and urls <= words_of(out)


def test_an_empty_log_says_so(shipped_cli):
    result = shipped_cli("log", "SM23-3-03", "--since", "2099")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == "bbtrack: không có sự kiện nào khớp với SM23-3-03 --since 2099\n"


@pytest.mark.parametrize("columns", (60, 80))
def test_a_piped_report_honours_columns(columns):
    import os

    piped = subprocess.run([*ENTRY, "--data-dir", str(SHIPPED), "report", "--today", "2026-01-01"],
                           capture_output=True, text=True, cwd=ROOT, env={**os.environ, "COLUMNS": str(columns)})
    assert piped.returncode == 0
    # A source's address is printed whole on a line of its own (split, it could be neither clicked
    # nor copied); every other line keeps to the width.
    import re

    lines = piped.stdout.splitlines()
    addresses = [line for line in lines if re.fullmatch(r"\d+\. https?://\S+", line)]
    assert addresses
    assert max(columns_of(line) for line in lines if line not in addresses) == columns


def test_a_long_terminal_report_goes_through_the_pager_unless_told_not_to():
    pager = {"PAGER": f"{sys.executable} -c \"import sys; print('PAGED', len(sys.stdin.read().splitlines()))\""}
    args = ["--data-dir", str(SHIPPED), "report", "--today", "2026-01-01"]
    code, out, _ = run_in_terminal(args, 80, env=pager)
    assert code == 0 and out.startswith("PAGED ") and int(out.split()[1]) > 40
    code, out, _ = run_in_terminal([*args, "--no-pager"], 80, env=pager)
    assert code == 0 and "PAGED" not in out and len(out.splitlines()) > 40
    code, out, _ = run_in_terminal(args, 80, env={"PAGER": "cat"})
    assert code == 0 and len(out.splitlines()) > 40
    piped = subprocess.run([*ENTRY, *args], capture_output=True, text=True, cwd=ROOT,
                           env={**__import__("os").environ, **pager})
    assert "PAGED" not in piped.stdout
