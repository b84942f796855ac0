"""Hostile text in the data never reaches a terminal or a spreadsheet as commands.

What the code does (and what this file pins down):

* a raw control character in a data file is not YAML: the loader refuses the
  file (tests/test_bad_inputs.py: raw_escape, nul_byte);
* written as a YAML escape ("\\e[2J" in double quotes) it loads, `check` warns
  (`control-char`, a warning: exit 0), and every text output shows it as a
  visible escape (\\u001b[2J), piped or on a terminal, Rich or plain;
* data is never parsed as Rich markup: "[bold]" prints as "[bold]";
* JSON keeps the exact text (control characters as JSON escapes);
* CSV cells starting with = + - @ are prefixed with ' (formula defused);
* Markdown escapes | and < so a title cannot open a table cell or an HTML tag;
* evidence must be an http(s) address: `javascript:` is refused on the way in.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bbtrack.views import tables
from bbtrack.ops.query import id_key
from bbtrack.views.tables import _CHAR_WIDTHS, _json_inert, _not_one_column, width, write_json, write_plain
from bbtrack.core.text import _UNSAFE, safe_text
from conftest import ENTRY, Cli

HERE = Path(__file__).resolve().parent
BASE = HERE / "bad_inputs" / "base"

ESC_TITLE = ("[bold red]ĐỎ[/] [link=https://evil.example]bấm[/link] \x1b[2J\x1b]8;;http://x\x07 click "
             "\x1b]8;;\x07 \u202eabc")
NOTE = "\x1b[31mred\x1b[0m [/] \u202etxt \x9b2J [link=javascript:alert(1)]x[/link]"
FORMULA_EQ = '=HYPERLINK("http://evil")'
FORMULA_PLUS = "+cmd|' /C calc'!A0"
FORMULA_MINUS = "-2+3+cmd|' /C calc'!A0"
FORMULA_AT = "@SUM(A1)"
HTMLISH = "<script>alert(1)</script> | cell"
LONG = "x" * 100_000
CROSSING_NAME = "Lý Vạn\x1b[2J"
CROSSING_PARTNER = "[bold]Thạc[/] -1+2"


def _yaml(text: str) -> str:
    """A double-quoted YAML scalar for `text` (what bbtrack itself writes)."""
    from bbtrack.write.yamledit import format_scalar

    return format_scalar(text)


@pytest.fixture
def hostile(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    c = (folder / "commitments.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("    title_vi: Mở chính thức cửa khẩu Lý Vạn – Thạc Long", f"    title_vi: {_yaml(ESC_TITLE)}"),
        ("    title_en: Officially open the Lý Vạn–Thạc Long border gate", f"    title_en: {_yaml(FORMULA_EQ)}"),
        ("        note: Hai bên hoàn thành hạ tầng", f"        note: {_yaml(NOTE)}"),
        ("        by: corpus", f"        by: {_yaml(FORMULA_AT)}"),
        ("    title_vi: Nâng cấp cửa khẩu Tà Lùng – Thuỷ Khẩu", f"    title_vi: {_yaml(HTMLISH)}"),
        ("    title_en: Upgrade the Tà Lùng–Thuỷ Khẩu gate", f"    title_en: {_yaml(FORMULA_MINUS)}"),
        ("    title_en: Strengthen cultural exchanges", f"    title_en: {LONG}"),
        ('    quote: "tăng cường giao lưu văn hóa"', f"    quote: {_yaml(FORMULA_PLUS)}"),
    ):
        assert old in c
        c = c.replace(old, new)
    (folder / "commitments.yaml").write_text(c, encoding="utf-8")
    x = (folder / "crossings.yaml").read_text(encoding="utf-8")
    x = x.replace("    name_vi: Lý Vạn\n", f"    name_vi: {_yaml(CROSSING_NAME)}\n")
    x = x.replace("    partner_vi: Thạc Long\n", f"    partner_vi: {_yaml(CROSSING_PARTNER)}\n")
    (folder / "crossings.yaml").write_text(x, encoding="utf-8")
    assert "\x1b" not in c + x, "bbtrack writes control characters as escapes"
    return folder


DANGEROUS = ("\x1b", "\x07", "\x9b", "\u202e", "\x00")


def _assert_inert(text: str, what: str) -> None:
    for char in DANGEROUS:
        assert char not in text, f"{what}: raw {char!r} in output"


TEXT_COMMANDS = [
    ["check"], ["list"], ["list", "--lang", "en"], ["list", "-f", "markdown"], ["show", "SM23-3-01"],
    ["show", "SM23-3-01", "--lang", "en"], ["show", "SM23-4-01", "--lang", "en"], ["show", "ly-van"],
    ["log"], ["log", "-f", "markdown"], ["crossings"], ["crossings", "-f", "markdown"], ["summary"],
    ["summary", "--by", "party", "-f", "markdown"],
]
TEXT_COMMANDS += [["report"], ["report", "-f", "markdown"], ["report", "-f", "html", "--lang", "en"]]


def test_check_warns_and_does_not_fail(hostile):
    result = Cli(hostile)("--lang", "en", "check")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all("warning: control-char" in line for line in lines), lines
    assert "commitments.yaml:9:5" in lines[0] and "crossings.yaml:4:5" in lines[1]
    _assert_inert(result.output, "check")


@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=" ".join)
def test_piped_output_is_inert(hostile, args):
    result = Cli(hostile)(*args)
    assert result.exit_code == 0, result.output
    _assert_inert(result.stdout + result.stderr, " ".join(args))
    if args[:3] == ["list", "--lang", "en"]:  # English titles: the formula one, shown as it is
        assert FORMULA_EQ in result.stdout
    elif args[0] in ("list", "show") and "SM23-4-01" not in args and "ly-van" not in args:
        assert "[bold red]ĐỎ[/]" in result.stdout, "markup is shown as text"
        assert "\\u001b[2J" in result.stdout, "escapes are shown as text"


def test_markup_is_literal_and_escapes_are_visible(hostile):
    out = Cli(hostile)("show", "SM23-3-01").stdout
    assert "[bold red]ĐỎ[/] [link=https://evil.example]bấm[/link] \\u001b[2J\\u001b]8;;http://x\\u0007" in out
    assert "\\u202eabc" in out
    assert "[/] \\u202etxt \\u009b2J [link=javascript:alert(1)]x[/link]" in out


def test_json_keeps_the_exact_text(hostile):
    cli = Cli(hostile)
    raw = {args[0]: cli(*args, "--format", "json").stdout for args in (["list"], ["show", "SM23-3-01"], ["log"])}
    for command, out in raw.items():  # C1 controls and bidi marks escaped, C0 by json itself
        _assert_inert(out, f"{command} json")
    rows = {r["id"]: r for r in json.loads(raw["list"])}
    assert rows["SM23-3-01"]["title_vi"] == ESC_TITLE
    assert rows["SM23-3-01"]["title_en"] == FORMULA_EQ
    assert rows["SM23-3-02"]["title_vi"] == HTMLISH
    assert rows["SM23-4-01"]["title_en"] == LONG and rows["SM23-4-01"]["quote"] == FORMULA_PLUS
    shown = json.loads(raw["show"])
    assert shown["history"][0]["note"] == NOTE and shown["history"][0]["by"] == FORMULA_AT
    events = json.loads(raw["log"])
    assert events[0]["note"] == NOTE
    crossings = {x["id"]: x for x in json.loads(cli("crossings", "--format", "json").stdout)}
    assert crossings["ly-van"]["name_vi"] == CROSSING_NAME
    assert crossings["ly-van"]["partner_vi"] == CROSSING_PARTNER


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_defuses_formulas(hostile):
    cli = Cli(hostile)
    rows = {r["id"]: r for r in _csv(cli("list", "--format", "csv").stdout)}
    assert rows["SM23-3-01"]["title_en"] == "'" + FORMULA_EQ
    assert rows["SM23-3-02"]["title_en"] == "'" + FORMULA_MINUS
    assert rows["SM23-4-01"]["quote"] == "'" + FORMULA_PLUS
    assert rows["SM23-3-02"]["title_vi"] == HTMLISH  # no leading formula character: unchanged
    events = _csv(cli("log", "--format", "csv").stdout)
    assert events[0]["by"] == "'" + FORMULA_AT
    crossings = {x["id"]: x for x in _csv(cli("crossings", "--format", "csv").stdout)}
    assert crossings["ly-van"]["partner_vi"] == CROSSING_PARTNER  # '-' inside, not first
    for args in (["list"], ["log"], ["crossings"], ["summary"]):
        out = cli(*args, "--format", "csv").stdout
        _assert_inert(out, f"{args[0]} csv")
        for row in csv.reader(io.StringIO(out)):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
                assert not cell.startswith("-") or re.fullmatch(r"-[\d.]+", cell), cell


def test_csv_cell_rules():
    from bbtrack.views.tables import csv_cell

    for value in ("=1+1", "+1+1", "-1+1", "@A1", "=", "-", "@"):
        assert csv_cell(value).startswith("'"), value
    for value in ("-5", "+3", "-1.5", "1e5", "text", "a=b", "", None):
        assert not csv_cell(value).startswith("'"), value
    assert csv_cell(["=a", "b"]) == "'=a; b"


@pytest.mark.parametrize("value", ["\t=1+1", " =1+1", "\n@A1"])
def test_csv_formula_after_leading_whitespace_is_defused(value):
    from bbtrack.views.tables import csv_cell

    assert csv_cell(value).startswith("'")


def test_csv_carriage_return_is_shown_escaped():
    from bbtrack.views.tables import csv_cell

    assert csv_cell("\r=1+1") == "\\u000d=1+1"  # starts with a backslash: not a formula


def test_markdown_cannot_break_the_table(hostile):
    out = Cli(hostile)("list", "--format", "markdown").stdout
    row = next(line for line in out.splitlines() if line.startswith("| SM23-3-02"))
    assert "&lt;script>alert(1)&lt;/script> \\| cell" in row
    assert row.count(" | ") == 5  # six cells: the title's "|" is escaped


def test_html_report_escapes_markup(hostile):
    out = Cli(hostile)("report", "--format", "html").stdout
    assert "<script>alert(1)" not in out
    _assert_inert(out, "report html")


# --- on a terminal ---------------------------------------------------------------------------

SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own colours


class _Terminal(io.StringIO):
    def isatty(self) -> bool:  # what tables.is_terminal asks
        return True


@pytest.fixture
def forced_terminal(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "120")


def test_render_functions_on_a_forced_terminal(hostile, forced_terminal):
    import datetime as dt

    from rich.console import Console

    from bbtrack.views import render, tables
    from bbtrack.ops.changes import events
    from bbtrack.load.cached import load
    from bbtrack.ops.query import commitments_per_crossing, summarize, totals

    ds = load(hostile, use_cache=False).dataset
    today = dt.date(2025, 1, 1)
    outputs = []
    for lang in ("vi", "en"):
        for call in (
            lambda out: render.render_commitments(ds.commitments, "table", out, today=today, lang=lang),
            lambda out: render.render_crossings(ds.crossings, commitments_per_crossing(ds), "table", out, lang=lang),
            lambda out: render.render_events(events(ds), "table", out, lang=lang),
            lambda out: render.render_summary(summarize(ds.commitments, "province", today),
                                              totals(ds.commitments, today), "province", "table", out, lang=lang),
            lambda out: render.render_show(ds.commitments[0], ds, "text", out, today=today, lang=lang,
                                           minutes_line=None),
            lambda out: render.render_crossing_show(ds.crossings[0], list(ds.commitments), "text", out,
                                                    today=today, lang=lang),
        ):
            out = _Terminal()
            call(out)
            outputs.append(out.getvalue())
    assert any("\x1b[" in o for o in outputs), "the Rich path ran (it colours)"
    for text in outputs:
        _assert_inert(SGR.sub("", text), "rich")
    # A Rich console forced to a terminal prints the same cells without turning data into markup.
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=120)
    tables.write_rich(["t"], [[ESC_TITLE], [NOTE]], console.file)
    _assert_inert(SGR.sub("", console.file.getvalue()), "write_rich")


def _on_a_pty(args: list[str], timeout: float = 30, no_color: bool = False) -> tuple[int, str]:
    import pty
    import select

    master, slave = pty.openpty()
    # PAGER=cat: a long report on a terminal is paged, and this checks bbtrack's bytes, not less's.
    env = {**os.environ, "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "TERM": "xterm-256color", "COLUMNS": "120",
           "PAGER": "cat"}
    env.pop("NO_COLOR", None)
    if no_color:
        env.pop("FORCE_COLOR")
        env["NO_COLOR"] = "1"
    proc = subprocess.Popen([*ENTRY, *args], stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        else:
            pytest.fail(f"{args} did not finish in {timeout} s")
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return proc.returncode, b"".join(chunks).decode("utf-8", errors="replace")


@pytest.mark.parametrize("args", [a for a in TEXT_COMMANDS if "html" not in a], ids=" ".join)
def test_real_terminal_output_is_inert(hostile, args):
    code, out = _on_a_pty(["--data-dir", str(hostile), *args])
    assert code == 0, out
    assert "Traceback" not in out
    _assert_inert(SGR.sub("", out), " ".join(args))


@pytest.mark.parametrize("args", [["list", "--lang", "en"], ["summary"], ["crossings"], ["report"]], ids=" ".join)
def test_no_color_on_a_terminal_means_no_escape_at_all(hostile, args):
    """no-color.org: Rich alone would still send bold and dim; the table layout stays."""
    code, out = _on_a_pty(["--data-dir", str(hostile), *args], no_color=True)
    assert code == 0, out
    assert "\x1b" not in out and "\x9b" not in out
    # Still the terminal's layout, not the piped format: the Rich table, or the stacked records
    # a terminal gets when the hostile data's unbreakable words leave no room for a table.
    assert "─" in out or "\n  " in out.replace("\r", "")


def test_long_lines_render_in_bounded_time(hostile):
    started = time.monotonic()
    code, out = _on_a_pty(["--data-dir", str(hostile), "list", "--lang", "en"])
    assert code == 0 and out.count("x") >= 100_000
    cli = Cli(hostile)
    for args in (["show", "SM23-4-01", "--lang", "en"], ["list", "--lang", "en", "-f", "csv"],
                 ["list", "--lang", "en", "-f", "markdown"]):
        result = cli(*args)
        assert result.exit_code == 0 and LONG in result.stdout
    assert time.monotonic() - started < 20


# --- what goes in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>",
                                 "file:///etc/passwd", "http://", "https:// x", "//evil.example",
                                 "https://x.org/\x1b[2J", "https://x.org/\u202egpj.exe", "https://x.org/\x9b2J"])
def test_javascript_and_other_non_http_evidence_is_refused(tmp_path, url):
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    before = (folder / "commitments.yaml").read_bytes()
    result = Cli(folder)("--lang", "en", "status", "set", "SM23-3-02", "in_progress", "--date", "2023-07-01", "-e", url,
                         "--by", "t")
    assert result.exit_code == 2 and "is not an http(s) address" in result.stderr, result.output
    said = Cli(folder)("--lang", "vi", "status", "set", "SM23-3-02", "in_progress", "--date", "2023-07-01", "-e", url)
    assert said.exit_code == 2 and "không phải địa chỉ http(s)" in said.stderr, said.output
    assert (folder / "commitments.yaml").read_bytes() == before


def test_hostile_note_through_the_cli_is_stored_escaped_and_read_back_exactly(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    cli = Cli(folder)
    note = NOTE + " \"quoted\" #hash: colon\n second line \u2028 sep"
    result = cli("status", "set", "SM23-3-02", "in_progress", "--date", "2023-07-01",
                 "-e", "https://example.org/a", "--note", note, "--by", "[bold]me[/]")
    assert result.exit_code == 0, result.output
    raw = (folder / "commitments.yaml").read_text(encoding="utf-8")
    _assert_inert(raw.replace("\u202e", ""), "file")  # controls are written as YAML escapes
    assert "\\e[31m" in raw and "\\u202E" in raw
    shown = json.loads(cli("show", "SM23-3-02", "--format", "json").stdout)
    assert shown["history"][0]["note"] == note and shown["history"][0]["by"] == "[bold]me[/]"
    check = cli("--lang", "en", "check")
    assert check.exit_code == 0 and "warning: control-char SM23-3-02" in check.stdout
    _assert_inert(cli("show", "SM23-3-02").stdout, "show")


@pytest.mark.parametrize("args", [
    ["show", "\x1b[2J\u202e"],
    ["log", "\x1b]8;;http://x\x07"],
    ["list", "--province", "\x1b[31mred"],
    ["list", "--status", "\x1b[2J"],
    ["status", "set", "\x1b[2J", "done", "--date", "today", "-e", "https://example.org/a"],
    ["status", "set", "SM23-3-02", "\x1b[2J", "--date", "today", "-e", "https://example.org/a"],
])
def test_echoed_arguments_are_escaped_in_errors(tmp_path, args):
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    result = Cli(folder)(*args)
    assert result.exit_code in (1, 2), result.output
    assert result.stderr.count("\n") == 1, result.stderr
    _assert_inert(result.output, " ".join(args))


def test_diff_of_hostile_changes_is_inert(repo_cli):
    cli = repo_cli
    assert cli("status", "set", "SM23-3-02", "in_progress", "--date", "2023-07-01", "-e", "https://example.org/a",
               "--note", NOTE, "--by", "t").exit_code == 0
    for fmt in ("table", "markdown", "csv", "json"):
        result = cli("--lang", "en", "diff", "--format", fmt)
        assert result.exit_code == 0, result.output
        # Machine formats keep the code; the human ones say it in words.
        assert ("in_progress" if fmt in ("csv", "json") else "in progress") in result.stdout
        if fmt == "json":
            assert not re.search("[\x00-\x1f\x7f]", result.stdout.replace("\n", "")), "JSON escapes C0 controls"
            assert json.loads(result.stdout)[-1]["entry"]["note"] == NOTE
        else:
            _assert_inert(result.stdout, f"diff {fmt}")


# --- fast paths keep the definitions ----------------------------------------------------
# `safe_text` and `width` skip their per-character work when a C-speed scan shows it
# cannot matter. The first two tests check the rule each rests on for every code point;
# the others compare them with the definitions on text full of what matters.


def test_nothing_safe_text_escapes_is_printable():
    escaped = [chr(c) for c in range(0x110000) if _UNSAFE.match(chr(c))] + ["\r", "\n", "\t"]
    assert not [ch for ch in escaped if ch.isprintable()]


def test_every_character_the_width_fast_path_counts_takes_one_column():
    fast = [chr(c) for c in range(0x110000) if not _not_one_column().match(chr(c))]
    assert len(fast) > 1000  # Latin, precomposed Vietnamese, punctuation
    assert not [ch for ch in fast if _CHAR_WIDTHS[ch] != 1]
    # `_one_column` finds the same without compiling the pattern: every character, and mixes
    assert not [c for c in range(0x110000) if tables._one_column(chr(c)) != (chr(c) in fast)]
    for text in ("Lạng Sơn – “Hữu Nghị”", "a\u2064", "a\u2065", "ạ\u20ff", "\u1eff\u2000", "ư\u1f00", "đ😀", "ộ\ud800"):
        assert tables._one_column(text) == (not _not_one_column().search(text)), text

_AWKWARD = st.one_of(
    st.text(st.characters()),  # anything at all, surrogates and unassigned included
    # ... and mostly one-column text with the odd character at the edges of the fast ranges
    st.text(st.sampled_from("abạƯđ\x1b\x9b\x7f\r\n\t\u200e\u202e\u2066\u2028\ufeff"
                            "\u02ff\u0300\u0301\u0323\u036f\u1dff\u1e00\u1eff\u1f00\u2064\u2065中😀"), max_size=6),
)


@given(_AWKWARD)
@example("中😀\u200e")
def test_safe_text_fast_path_keeps_the_definition(text):
    slow = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}",
                       text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    assert safe_text(text) == slow


@given(_AWKWARD)
@example("Lạng Sơn")
@example("a\u0301")  # NFD: the mark takes no column
@example("Lạng Sơn 中😀")
def test_width_fast_path_keeps_the_definition(text):
    assert width(text) == sum(_CHAR_WIDTHS[ch] for ch in text)



@given(st.lists(st.tuples(_AWKWARD, _AWKWARD, _AWKWARD), max_size=5))
@example([("SM23-3-17", "Lạng Sơn 中文", "a\x1bb")])
@example([])
@example([("a", "b", "c")])  # the wide header sets the column's size
@example([("a", "b", "c"), ("d", "中", "e"), ("f\x1b", "g", "h")])  # blocks of 2: the last one short
def test_plain_table_column_by_column_is_the_cell_by_cell_definition(rows):
    headers = ["Mã", "中文", "Nội dung"]
    out, small_blocks = io.StringIO(), io.StringIO()
    write_plain(headers, rows, out)
    block, tables._BLOCK = tables._BLOCK, 2  # rows are padded a block at a time: cross a boundary
    try:
        write_plain(headers, rows, small_blocks)
    finally:
        tables._BLOCK = block
    assert small_blocks.getvalue() == out.getvalue()
    cells = [headers, *([safe_text(c) for c in row] for row in rows)]
    sizes = [max(sum(_CHAR_WIDTHS[ch] for ch in cell) for cell in column) for column in zip(*cells)]
    expected = "".join(
        "  ".join(cell + " " * (size - sum(_CHAR_WIDTHS[ch] for ch in cell)) for cell, size in zip(row, sizes)).rstrip()
        + "\n" for row in cells)
    assert out.getvalue() == expected


@given(st.lists(st.text(st.sampled_from("SM-0123456789٣x"), max_size=10), max_size=6))
@example(["SM23-3-9", "SM23-3-10", "SM9-1-1", "SM23-10-1"])
def test_id_order_is_natural(ids):
    def natural(record_id):  # the definition: digit runs compare as numbers, the rest as text
        return [int(p) if i % 2 else p for i, p in enumerate(re.split(r"(\d+)", record_id))]

    assert sorted(ids, key=id_key) == sorted(ids, key=natural)

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _AWKWARD,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_AWKWARD, inner, max_size=3),
    max_leaves=12,
)


@given(st.one_of(st.lists(_JSON_VALUES, max_size=4), _JSON_VALUES))
def test_json_written_item_by_item_is_the_whole_dump(data):
    out = io.StringIO()
    write_json(data, out)
    assert out.getvalue() == _json_inert(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
