"""`bbtrack report --lang zh`: the report a Guangxi reader gets, in every format.

Expectations come from the data (`list`, `crossings`, the YAML's notes) and the
glossary's fixed words, never from the report's own output.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import Cli
from test_report import as_json, ok

TODAY = "2026-01-15"
NOTE = "标题为非官方译文，仅供参考"  # glossary T9
URL = re.compile(r"https?://\S+|\([^)]*https?://[^)]*\)")


def report(cli: Cli, *args: str) -> str:
    return ok(cli("--lang", "zh", "report", "--today", TODAY, *args))


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_every_title_is_the_chinese_one_marked_once_as_unofficial(shipped_cli, fmt):
    listed = as_json(shipped_cli("list", "--format", "json", "--lang", "en", "--today", TODAY))
    out = report(shipped_cli, "--format", fmt, *(["--no-pager"] if fmt == "terminal" else []))
    flat = re.sub(r"\s+", "", re.sub(r"[│║─╭╮╰╯]", "", out)) if fmt == "terminal" else out
    assert flat.count(NOTE) == 1
    for record in listed:
        assert record["title_zh"], record["id"]
        head = record["title_zh"][:6]  # a terminal cell folds the rest over lines
        assert head in flat, record["id"]
    for lang in ("vi", "en"):
        assert NOTE not in ok(shipped_cli("--lang", lang, "report", "--format", fmt, "--today", TODAY,
                                          *(["--no-pager"] if fmt == "terminal" else [])))


def test_dates_are_written_as_chinese_readers_write_them(shipped_cli):
    out = report(shipped_cli, "--format", "markdown")
    text = URL.sub(" ", out)
    assert not re.search(r"(?<![\d-])\d{4}-\d{2}(?:-\d{2})?(?![\d-])", text), "an ISO date left"
    assert "2023年2月22日" in out  # the meeting
    assert "2026年1月15日" in out  # the day the figures stand on (--today)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", out)


def test_parties_meeting_and_html_language(shipped_cli):
    out = report(shipped_cli, "--format", "html")
    assert '<html lang="zh-Hans">' in out
    for name in ("谅山省", "高平省", "河江省（现并入宣光省）", "广宁省", "广西壮族自治区"):
        assert name in out, name
    assert "2023年新春会晤会谈纪要" in out


def test_history_notes_are_the_chinese_ones(shipped_cli, shipped_dir: Path):
    data = yaml.safe_load((shipped_dir / "commitments.yaml").read_text(encoding="utf-8"))
    notes = [h["note_zh"] for c in data["commitments"] for h in c.get("history") or []
             if str(h.get("date", "")) <= TODAY]
    assert notes and all(notes)
    out = report(shipped_cli, "--format", "html")
    plain = out.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&").replace("&lt;", "<")
    missing = [n for n in notes if n not in plain]
    assert not missing, missing[:3]


def test_crossing_pairs_china_first_never_an_invented_name(shipped_cli):
    crossings = as_json(shipped_cli("crossings", "--format", "json", "--lang", "en"))
    out = report(shipped_cli, "--format", "markdown")
    ladder = out.split("\n## ")[3]
    for x in crossings:
        if x["parent"]:
            continue
        mark = "?" if x["zh_confidence"] == "weak" else ""
        china = (x["partner_zh"] + mark) if x["partner_zh"] else x["partner_vi"]
        vietnam = (x["name_zh"] + mark) if x["name_zh"] else x["name_vi"]
        assert f"{china}—{vietnam}".replace("?", "\\?") in ladder.replace("?", "\\?"), x["id"]


def test_the_road_with_only_a_vietnamese_name_reads_as_its_kind_and_markers(shipped_cli):
    road = next(x for x in as_json(shipped_cli("crossings", "--format", "json", "--lang", "en"))
                if x["id"] == "road-1119-1120")
    en = ok(shipped_cli("--lang", "en", "report", "--format", "markdown", "--today", TODAY))
    ladder = en.split("\n## ")[3]
    assert f"via markers {road['markers']}" in ladder
    assert road["name_vi"] not in ladder
    zh = report(shipped_cli, "--format", "markdown").split("\n## ")[3]
    assert f"经{road['markers']}号界碑区域" in zh


def test_word_report_in_chinese_with_an_east_asian_font(shipped_cli, tmp_path):
    docx = pytest.importorskip("docx")
    from docx.oxml.ns import qn

    target = tmp_path / "r.docx"
    ok(shipped_cli("--lang", "zh", "report", "--format", "docx", "--today", TODAY, "--output", str(target)))
    doc = docx.Document(str(target))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert text.count(NOTE) == 1 and "2023年新春会晤会谈纪要" in text
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia"))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", c) for c in cells)


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_sentences_take_chinese_punctuation(shipped_cli, fmt):
    """A label, a list or a sentence the report builds from its words ends and joins as Chinese
    does (：；、。), not with a Latin colon or stop after a Chinese character ('数据截至:')."""
    out = report(shipped_cli, "--format", fmt, *(["--no-pager"] if fmt == "terminal" else []))
    text = re.sub(r"<[^>]*>", "", out) if fmt == "html" else out
    if fmt != "html":  # (the page's header is a list of terms and values, with no colon)
        assert "数据截至：" in text and "数据截至:" not in text
    assert not re.findall(r"[\u4e00-\u9fff）”][:;,.](?=\s|$)", text, re.M)
