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
