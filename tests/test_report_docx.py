"""`bbtrack report --format docx`: the Word file opened with python-docx and checked for its
structure (headings, header rows, page, fonts, hyperlinks, ladder), its figures against
the other commands, and, where LibreOffice is installed, its page count on A4.

Expectations come from `list`, `crossings` and `log` on the same data, never hard-coded.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ENTRY, ROOT, Cli

sys.path.insert(0, str(ROOT / "tools"))
import measure_layout as measure  # noqa: E402

docx = pytest.importorskip("docx")
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Mm  # noqa: E402

TODAY = "2026-01-15"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def word(cli: Cli, tmp_path: Path, *args: str):
    target = tmp_path / f"report-{len(list(tmp_path.glob('report-*.docx')))}.docx"
    result = cli("report", "--format", "docx", "--today", TODAY, "--output", str(target), *args)
    assert result.exit_code == 0, result.output
    from bbtrack.core.i18n import _

    lang = args[args.index("--lang") + 1] if "--lang" in args else "vi"
    assert result.stdout == "" and _("wrote {path}", lang).format(path=target) in result.stderr
    return docx.Document(str(target)), target


def headings(doc, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def table_with_header(doc, first: str):
    return [t for t in doc.tables if t.rows[0].cells[0].text == first]


def test_headings_follow_the_report_and_word_lists_them(shipped_cli, tmp_path):
    doc, _ = word(shipped_cli, tmp_path, "--lang", "en")
    top = headings(doc, 1)
    assert top[:3] == ["Headline figures", "Events since the meeting", "Crossings: the opening and upgrade ladder"]
    assert top[3:] == ["Joint commitments of all five parties", "Hà Giang → Tuyên Quang", "Quảng Ninh", "Lạng Sơn",
                       "Cao Bằng", "Guangxi (广西)", "Source addresses"]
    assert "By party" in headings(doc, 2) and any(h.startswith("Section 3.") for h in headings(doc, 2))
    # The navigation pane lists Word's built-in heading styles, outline levels 0 and 1.
    for name, level in (("Heading 1", "0"), ("Heading 2", "1")):
        style = doc.styles[name]
        assert style.builtin
        outline = style.element.find(f"{W}pPr/{W}outlineLvl")
        assert outline is not None and outline.get(qn("w:val")) == level
    assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text.endswith("2023")


def test_every_commitment_is_in_a_table_with_its_status(shipped_cli, tmp_path):
    listed = {c["id"]: c for c in as_json(shipped_cli("list", "--format", "json", "--today", TODAY, "--lang", "en"))}
    doc, _ = word(shipped_cli, tmp_path, "--lang", "en")
    rows = {}
    for table in table_with_header(doc, "id"):
        for row in table.rows[1:]:
            rows.setdefault(row.cells[0].text, row)
    assert set(rows) == set(listed)
    from bbtrack.views.render import status_label

    for cid, row in rows.items():
        texts = [c.text for c in row.cells]
        # An open record without a single event reads "no update recorded", not its status's label.
        silent = listed[cid]["status"] == "open" and listed[cid]["last_event"] is None
        label = status_label("no_update" if silent else listed[cid]["status"], "en")
        assert any(t.startswith(label) for t in texts), (cid, texts)
        assert listed[cid]["title_en"] in texts


def test_headline_figures_agree_with_list(shipped_cli, tmp_path):
    listed = as_json(shipped_cli("list", "--format", "json", "--today", TODAY))
    doc, _ = word(shipped_cli, tmp_path, "--lang", "en")
    figures = {r.cells[0].text: r.cells[1].text for r in table_with_header(doc, "Headline figures")[0].rows[1:]}
    assert figures["Commitments"] == str(len(listed))
    overdue = sum(c["timing"] == "overdue" for c in listed)
    assert figures["Still open past due"] == str(overdue)


def test_tables_repeat_their_header_row_and_rows_never_split(shipped_cli, tmp_path):
    doc, _ = word(shipped_cli, tmp_path)
    assert len(doc.tables) > 10
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        # Column widths fill the text width of the page, no more.
        total = sum(c.width for c in table.columns)
        assert total <= Mm(180) + Mm(0.5), total


def test_a4_portrait_and_fonts_for_vietnamese_and_chinese(shipped_cli, tmp_path):
    doc, _ = word(shipped_cli, tmp_path)
    for section in doc.sections:
        assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
        assert section.orientation == 0  # portrait
        assert all(abs(getattr(section, m) - Mm(15)) < Mm(0.5) for m in ("left_margin", "right_margin"))
        assert all(abs(getattr(section, m) - Mm(12)) < Mm(0.5) for m in ("top_margin", "bottom_margin"))
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        rpr = doc.styles[name].element.rPr
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:ascii")) == "Arial" and fonts.get(qn("w:hAnsi")) == "Arial", name
        assert fonts.get(qn("w:eastAsia")) == "Microsoft YaHei", name
        assert fonts.get(qn("w:asciiTheme")) is None, name  # a theme font would override Arial
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN", name
    text = "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert "Lạng Sơn" in text and "友谊关" in text  # kept as characters, for those fonts to draw


def test_sources_are_hyperlinks_and_numbered_once(shipped_cli, tmp_path):
    # The report as of TODAY cites what had happened by then (the 2026 Spring Meeting came after).
    log = [e for e in as_json(shipped_cli("log", "--format", "json")) if e["date"] <= TODAY]
    doc, _ = word(shipped_cli, tmp_path)
    targets = {rel.target_ref for rel in doc.part.rels.values() if rel.reltype.endswith("/hyperlink")}
    assert rel_external(doc)
    assert targets == {u for e in log for u in e["evidence"]}
    # The last part lists each address once, in note order, as a link showing the full address:
    # one paragraph of "1. address  2. address …" (an address holds no space).
    start = next(i for i, p in enumerate(doc.paragraphs) if p.text == "Địa chỉ các nguồn")
    assert len(doc.paragraphs) == start + 2
    words = doc.paragraphs[start + 1].text.split()
    numbers, notes = words[0::2], words[1::2]
    assert len(notes) == len(targets)
    assert numbers == [f"{i}." for i in range(1, len(notes) + 1)]
    assert set(notes) == targets


def rel_external(doc) -> bool:
    return all(rel.is_external for rel in doc.part.rels.values() if rel.reltype.endswith("/hyperlink"))


def test_ladder_is_a_table_of_filled_rungs(shipped_cli, tmp_path):
    from bbtrack.core.model import LADDER

    crossings = as_json(shipped_cli("crossings", "--format", "json", "--lang", "en"))
    doc, _ = word(shipped_cli, tmp_path, "--lang", "en")
    (ladder,) = table_with_header(doc, "Crossing pair")
    assert [c.text for c in ladder.rows[0].cells[1:-1]] == [str(i) for i in range(1, len(LADDER) + 1)]
    assert len(ladder.rows) == len(crossings) + 1
    # Rows go parent first (each passage under its gate), so each is matched to its crossing by
    # name; a road of its parent's pair named only in Vietnamese reads as its markers in English.
    def named(x, text):
        return text == f"{x['name_vi']} – {x['partner_vi']}" or bool(
            x["markers"] and x["parent"] and text.endswith(f"via markers {x['markers']}"))

    rows = {next(x["id"] for x in crossings if named(x, row.cells[0].text.split("\n")[0].lstrip("↳ "))): row
            for row in ladder.rows[1:]}
    assert set(rows) == {x["id"] for x in crossings}
    for x in crossings:
        row = rows[x["id"]]
        assert (x["name_vi"] in row.cells[0].text and x["partner_vi"] in row.cells[0].text) or x["markers"]
        filled = [c for c in row.cells[1:-1] if c.text in ("■", "◆", "▨")]
        shaded = [c for c in row.cells[1:-1]
                  if c._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) != "FFFFFF"]
        assert len(filled) == len(shaded)
        if x["stage"] in LADDER:
            assert len(filled) == LADDER.index(x["stage"]) + 1, x["id"]


def test_hostile_text_is_kept_visible_and_inert(tmp_path):
    from test_report import HOSTILE_TITLE, write_dataset

    data = write_dataset(tmp_path / "data", ["https://vov.vn/ok", 'https://example.org/?q="><b>x'])
    doc, target = word(Cli(data), tmp_path)
    text = "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert HOSTILE_TITLE in text
    targets = {rel.target_ref for rel in doc.part.rels.values() if rel.reltype.endswith("/hyperlink")}
    assert "https://vov.vn/ok" in targets


def test_binary_is_refused_on_a_terminal_and_allowed_to_a_pipe(shipped_dir, tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = [*ENTRY, "--data-dir", str(shipped_dir), "report", "--format", "docx", "--today", TODAY]
    piped = subprocess.run(args, capture_output=True, env=env, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout[:2] == b"PK"
    (tmp_path / "piped.docx").write_bytes(piped.stdout)
    assert docx.Document(str(tmp_path / "piped.docx")).tables

    master, slave = pty.openpty()
    try:
        on_tty = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env,
                                timeout=120)
    finally:
        os.close(slave)
    os.set_blocking(master, False)
    try:
        shown = os.read(master, 1 << 16)
    except (BlockingIOError, OSError):
        shown = b""
    os.close(master)
    assert on_tty.returncode == 2
    assert on_tty.stderr.decode().count("\n") == 1 and "--output" in on_tty.stderr.decode() and "> report.docx" in on_tty.stderr.decode()
    assert b"PK" not in shown


def test_docx_writer_and_jinja2_are_imported_only_for_their_formats(data_dir):
    code = f"""
import datetime, io, sys
from pathlib import Path
from bbtrack.views import report
from bbtrack.load.cached import load
result = load(Path({str(data_dir)!r}), use_cache=False)
for fmt in ("markdown", "terminal"):
    report.write(result.dataset, result.data_dir, report.Options(today=datetime.date(2026, 1, 1), fmt=fmt),
                 io.StringIO())
print("docx" in sys.modules, "jinja2" in sys.modules)
report.write(result.dataset, result.data_dir, report.Options(today=datetime.date(2026, 1, 1), fmt="docx"),
             io.BytesIO())
print("docx" in sys.modules, "jinja2" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["False False", "True False"]


@pytest.mark.office
@pytest.mark.parametrize("lang", ["vi", "zh"])
@pytest.mark.parametrize("args, limit", [((), 12), *((("--province", p), 5) for p in
                                                      ("Hà Giang", "Quảng Ninh", "Lạng Sơn", "Cao Bằng"))],
                         ids=["whole", "ha-giang", "quang-ninh", "lang-son", "cao-bang"])
def test_libreoffice_prints_it_within_the_page_limits(shipped_cli, tmp_path, args, limit, lang):
    """Issue 20's limits: 12 A4 pages for the whole report, 5 for one province, in Vietnamese
    and in Chinese."""
    if measure.soffice_path() is None:
        pytest.skip("LibreOffice not installed (soffice, Debian package libreoffice-writer-nogui)")
    _, target = word(shipped_cli, tmp_path, "--lang", lang, *args)
    pages = measure.docx_pdf_pages(target, tmp_path)
    assert 1 <= pages <= limit, pages
