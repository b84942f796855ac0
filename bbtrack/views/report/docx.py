"""The report as a Word document (python-docx), for offices that circulate reports in Word.

Made for Word's habits, not as a picture of the HTML: the report's parts are Heading 1
and its sections Heading 2 (the navigation pane lists them); every table is a real Word
table whose header row repeats on each page and whose rows never split; A4 portrait with
15 mm margins; Arial for Vietnamese and Microsoft YaHei for Chinese (each script is set
on its own, so Word picks the right font per character); the crossings' ladder is a
table of shaded cells with a mark, so it survives a black-and-white printer; sources
are hyperlinks showing their site, numbered, with the full addresses listed at the end.
python-docx is imported here only.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, BinaryIO, Sequence

from ...core.model import LADDER
from ...core.text import safe_text
from ...ops.query import timing
from ..render import TIMING_LABELS, due_cell, standing, standing_counts, status_label, status_or_stage
from .ladder import crossing_name
from .model import (
    headline_note,
    Report, STATUS_COLORS, as_of_text, change_row, completion_text, crossing_sub, events_title,
    evidence_of, generated_text, headline_detail, headline_figures, is_web_url, ladder_cells, meeting_line,
    own_note, parties_text, party_label, pct, report_title, scope_text, section_title,
    stage_legend, stamp_text, title_zh_note, status_columns, status_rows, title_in, url_host,
)
from .paper import elsewhere, event_groups, own_shown_note, shown_sections, t as paper_t
from ..labels import aside
from .text import counted, date_text
from .sources import TITLE as SOURCES_TITLE, source_numbers

LATIN_FONT, EAST_ASIA_FONT = "Arial", "Microsoft YaHei"
MARGIN_MM, PAGE_MM = 15, (210, 297)
TOP_BOTTOM_MM = 12  # a little less than the sides: the report's length is counted in pages
TEXT_MM = PAGE_MM[0] - 2 * MARGIN_MM
LINK_COLOR = "0563C1"
SOURCE_PT = 6  # the numbered addresses at the end
CELL_PT = 7.5  # table text: the report fits the pages issue 20 allows (tools/measure_layout.py)
LADDER_FILLS = {"on": "1A7F37", "new": "D4A72C", "held": "8C959F", "off": "FFFFFF"}
LADDER_MARKS = {"on": "■", "new": "◆", "held": "▨", "off": "·"}  # as in the Markdown report


def T(text: Any) -> str:
    """Data text for Word: controls and bidi overrides visible (XML refuses most controls anyway)."""
    return safe_text(str(text))


class _Writer:
    def __init__(self, r: Report) -> None:
        from docx import Document

        self.r = r
        self.doc = Document()
        self.numbers = source_numbers(r)
        self._page()
        self._styles()

    # --- the page and the styles -------------------------------------------------------------

    def _page(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        for section in self.doc.sections:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
            for side in ("left_margin", "right_margin"):
                setattr(section, side, Mm(MARGIN_MM))
            section.top_margin = section.bottom_margin = Mm(TOP_BOTTOM_MM)

    def _styles(self) -> None:
        from docx.shared import Pt, RGBColor

        styles = self.doc.styles
        for name, size in (("Normal", 9.5), ("Title", 18), ("Heading 1", 13), ("Heading 2", 11)):
            style = styles[name]
            style.font.size = Pt(size)
            _fonts(style.element.get_or_add_rPr())
            if name != "Normal":
                style.font.color.rgb = RGBColor(0x1F, 0x23, 0x28)
        styles["Normal"].paragraph_format.space_after = Pt(3)
        # Word's template spaces headings for a letter (24 pt before a Heading 1); a report of
        # tables keeps them close to what they head.
        for name, before, after in (("Heading 1", 10, 3), ("Heading 2", 6, 2)):
            fmt = styles[name].paragraph_format
            fmt.space_before, fmt.space_after = Pt(before), Pt(after)

    # --- building blocks ---------------------------------------------------------------------

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(T(text), level)

    def para(self, text: str = "", *, size: float | None = None, muted: bool = False):
        from docx.shared import Pt, RGBColor

        p = self.doc.add_paragraph()
        if text:
            run = p.add_run(T(text))
            if size:
                run.font.size = Pt(size)
            if muted:
                run.font.color.rgb = RGBColor(0x59, 0x63, 0x6E)
        return p

    def table(self, headers: Sequence[str], widths_mm: Sequence[float], rows: Sequence[Sequence[Any]],
              numeric: Sequence[int] = ()) -> Any:
        """A Word table: header row repeated on every page, rows kept whole, fixed column widths.
        A cell is a str, or a callable that fills the cell's paragraph itself."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt

        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _fixed_layout(table)
        head = table.rows[0]
        _row_flags(head, header=True)
        for i, text in enumerate(headers):
            cell = head.cells[i]
            run = cell.paragraphs[0].add_run(T(text))
            run.bold, run.font.size = True, Pt(CELL_PT)
            _shade(cell, "F6F8FA")
        for values in rows:
            row = table.add_row()
            _row_flags(row, header=False)
            for i, value in enumerate(values):
                p = row.cells[i].paragraphs[0]
                p.paragraph_format.space_after = Pt(0)  # Normal's space after, once per cell, added up
                p.paragraph_format.line_spacing = 1.0
                if callable(value):
                    value(p)
                else:
                    p.add_run(T(value)).font.size = Pt(CELL_PT)
                if i in numeric:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row in table.rows:
            for i, w in enumerate(widths_mm):
                row.cells[i].width = Mm(w)
        for i, w in enumerate(widths_mm):
            table.columns[i].width = Mm(w)
        gap = self.doc.add_paragraph().paragraph_format
        gap.space_after, gap.line_spacing = Pt(0), Pt(4)
        return table

    def links(self, urls: Sequence[str]):
        """A cell filler: each linkable source as a hyperlink to it, showing its site and note number."""
        from docx.shared import Pt

        def fill(p) -> None:
            if not urls:
                p.add_run("—").font.size = Pt(CELL_PT)
            for k, url in enumerate(urls):
                if k:
                    p.add_run(", ").font.size = Pt(CELL_PT)
                if is_web_url(url) and url in self.numbers:
                    _hyperlink(p, url, url_host(url), CELL_PT)
                    note = p.add_run(str(self.numbers[url]))
                    note.font.superscript, note.font.size = True, Pt(CELL_PT)
                else:
                    p.add_run(T(url)).font.size = Pt(CELL_PT)
        return fill

    def event(self, g):
        """A cell filler: each change with its records in bold, then the note, then the sources."""
        from docx.shared import Pt

        r = self.r

        def fill(p) -> None:
            for k, (change, weak, ids) in enumerate(g.items):
                run = p.add_run(T(r.p.comma.join(ids)))
                run.bold, run.font.size = True, Pt(CELL_PT)
                text = f"{r.p.colon}{change}" + (f" [{r.t('weak')}]" if weak else "") + (
                    r.p.semi if k < len(g.items) - 1 else r.p.end + r.p.space)
                p.add_run(T(text)).font.size = Pt(CELL_PT)
            if g.note:
                p.add_run(T(g.note) + " — ").font.size = Pt(CELL_PT)
            self.links(g.evidence)(p)
        return fill

    def status(self, status: str, extra: str = ""):
        from docx.shared import Pt, RGBColor

        def fill(p) -> None:
            run = p.add_run(T(status_label(status, self.r.lang)))
            run.bold, run.font.size = True, Pt(CELL_PT)
            run.font.color.rgb = RGBColor.from_string(STATUS_COLORS.get(status, "#57606a").lstrip("#").upper())
            if extra:
                p.add_run(" " + T(extra)).font.size = Pt(CELL_PT)
        return fill

    # --- the report --------------------------------------------------------------------------

    def write(self) -> None:
        from docx.shared import Pt

        r, lang = self.r, self.r.lang
        props = self.doc.core_properties
        props.title, props.author, props.last_modified_by = T(report_title(r)), "bbtrack", "bbtrack"
        props.created = props.modified = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
        self.doc.add_heading(T(report_title(r)), 0)
        if r.meeting:
            self.para(meeting_line(r), muted=True)
        if title_zh_note(r):
            self.para(title_zh_note(r), size=8.5, muted=True)
        c = r.p.colon
        self.para(f"{r.t('as_of')}{c}{as_of_text(r)}{aside(r.t('as_of_note'), lang)} · {r.t('data')}{c}{stamp_text(r)} · "
                  f"{r.t('generated')}{c}{generated_text(r)} · {r.t('scope')}{c}{scope_text(r)}", size=8.5)

        self.heading(r.t("headline"), 1)
        self.table([r.t("headline"), r.t("count"), ""], (70, 25, 85),
                   [(r.t(k), v, headline_detail(r, k)) for k, v in headline_figures(r)], numeric=(1,))
        self.para(headline_note(r), size=8, muted=True)
        g = r.total
        self.table([r.t("status"), r.t("count"), r.t("share")], (100, 40, 40),
                   [(self.status(s), str(n), f"{n / g.total:.0%}" if g.total else "—")
                    for s, n in status_rows(g) if n], numeric=(1, 2))  # a status nobody is in: no row
        self.heading(r.t("by_party"), 2)
        used = status_columns(g)
        heads = [r.t("party"), r.t("total_short"), *(status_label(s, lang) for s in used), r.t("overdue"),
                 r.t("late"), r.t("completion")]
        first = 40
        rest = (TEXT_MM - first) / (len(heads) - 1)
        self.table(heads, (first, *([rest] * (len(heads) - 1))),
                   [(party_label(p.key, lang, r.options.today), str(p.total), *(str(standing_counts(p)[s]) for s in used),
                     str(p.overdue), str(p.late), pct(p)) for p in r.party_groups],
                   numeric=tuple(range(1, len(heads))))

        self.heading(events_title(r), 1)
        if r.events:
            self.table([r.t("date"), paper_t(r, "what_happened")], (20, 160),
                       [(date_text(g.date, r.lang), self.event(g)) for g in event_groups(r)])
        else:
            self.para(r.t("no_events"))
        if r.changes is not None:
            self.heading(r.t("changes", rev=r.options.since_rev or ""), 2)
            if r.changes:
                self.table([r.t("record"), r.t("field"), r.t("detail")], (25, 25, 130),
                           [change_row(ch, lang) for ch in r.changes])
            else:
                self.para(r.t("no_changes"))

        self.heading(r.t("crossings"), 1)
        self.para(r.t("crossings_note"), size=8, muted=True)
        self._ladder()

        for block in r.blocks:
            self.heading(block.label, 1)
            if block.group is not None:
                gp = block.group
                c = r.p.colon
                self.para(f"{counted('commitments', gp.total, r.lang)} · {r.t('completion')}{c}{completion_text(gp)} · "
                          f"{r.t('overdue')}{c}{gp.overdue} · {r.t('late')}{c}{gp.late}")
                own, joint = own_note(block, r)
                own = own_shown_note(block, r) or own
                self.para(own + (f"{joint}{r.p.space}“{r.t('joint')}”" if joint else "") + r.p.end, size=8, muted=True)
            moved = elsewhere(block, r)
            if moved:
                p = r.p
                self.para(paper_t(r, "shared", party=block.label) + p.colon
                          + p.semi.join(f"{label}{p.colon}{p.comma.join(ids)}" for label, _, ids in moved) + p.end, size=8)
            with_parties = block.party is not None
            heads = [r.t("id"), r.t("what"), *([r.t("parties")] if with_parties else []), r.t("due_col"),
                     r.t("status"), r.t("last_event"), r.t("evidence")]
            widths = (19, 48, 20, 16, 22, 18, 37) if with_parties else (19, 62, 16, 25, 18, 40)
            for number, records in shown_sections(block, r):
                self.heading(section_title(records[0].meeting, number, lang), 2)
                self.table(heads, widths, [self._commitment(c, with_parties) for c in records])

        if self.numbers:
            # One paragraph, each address after its number: a line each left most lines half empty.
            self.heading(SOURCES_TITLE[lang], 1)
            # 6 pt, as on the HTML page's print: an address is there to be typed or clicked, not
            # read; at 7 pt Cao Bằng's last addresses alone made a sixth page.
            p = self.para()
            for url, n in self.numbers.items():
                p.add_run(f"{n}. ").font.size = Pt(SOURCE_PT)
                p.runs[-1].bold = True
                _hyperlink(p, url, url, SOURCE_PT)
                p.add_run("  ").font.size = Pt(SOURCE_PT)

    def _commitment(self, c, with_parties: bool) -> tuple:
        r = self.r
        when = timing(c, r.options.today)
        extra = " ".join(filter(None, (date_text(c.done_on, r.lang) if c.done_on else "", TIMING_LABELS[r.lang][when])))
        # The last event's date only: its change and note are in the events table, the status it
        # led to in the status column.
        last = c.last_event
        last_text = (date_text(last.date, r.lang) + (f" [{r.t('weak')}]" if last.confidence == "weak" else "")) if last else r.t("none")
        return (c.id, title_in(c, r.lang), *([parties_text(c, r)] if with_parties else []),
                due_cell(c, r.lang) or "—", self.status(standing(c), extra), last_text, self.links(evidence_of(c)))

    def _ladder(self) -> None:
        """Rows = crossings, columns = rungs 1–8 filled (and marked) up to the current stage."""
        from docx.shared import Pt

        r = self.r
        rows = []
        for x in r.crossings:
            name = crossing_name(x, r)

            def pair(p, name=name, sub=crossing_sub(x, r)) -> None:
                p.add_run(T(name)).bold = True
                p.runs[-1].font.size = Pt(8)
                p.add_run("\n" + T(sub)).font.size = Pt(7)

            rows.append((pair, *(_ladder_cell(state) for state in ladder_cells(x, r)),
                         status_or_stage(x.stage, r.lang)))
        table = self.table([r.t("pair"), *(str(i) for i in range(1, len(LADDER) + 1)), r.t("stage")],
                           (62, *([11] * len(LADDER)), 30), rows)
        for row, x in zip(table.rows[1:], r.crossings):
            for i, state in enumerate(ladder_cells(x, r), start=1):
                _shade(row.cells[i], LADDER_FILLS[state])
        legend = (f"■ {r.t('reached')} · ◆ {r.t('reached_since')} · ▨ {r.t('suspended')} · · {r.t('not_reached')}"
                  if r.options.since else f"■ {r.t('reached')} · ▨ {r.t('suspended')} · · {r.t('not_reached')}")
        self.para(f"{r.t('legend')}{r.p.colon}{stage_legend(r.lang)}{r.p.stop}{legend}{r.p.end}", size=7.5, muted=True)


def _ladder_cell(state: str):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    def fill(p) -> None:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(LADDER_MARKS[state])
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF) if state != "off" else RGBColor(0xD0, 0xD7, 0xDE)
    return fill


# --- WordprocessingML the python-docx API does not reach ------------------------------------------


def _el(tag: str, **attrs: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _fonts(rPr) -> None:
    """Latin and Vietnamese in Arial, Chinese in Microsoft YaHei; the east-Asian language marked so Word
    treats Han characters as Chinese, not Japanese."""
    from docx.oxml.ns import qn

    for old in rPr.findall(qn("w:rFonts")) + rPr.findall(qn("w:lang")):
        rPr.remove(old)
    rPr.insert(0, _el("w:rFonts", ascii=LATIN_FONT, hAnsi=LATIN_FONT, cs=LATIN_FONT, eastAsia=EAST_ASIA_FONT))
    rPr.append(_el("w:lang", val="vi-VN", eastAsia="zh-CN"))


def _row_flags(row, header: bool) -> None:
    """A row never splits across pages; the header row is repeated at the top of each page."""
    trPr = row._tr.get_or_add_trPr()
    trPr.append(_el("w:cantSplit"))
    if header:
        trPr.append(_el("w:tblHeader"))


def _fixed_layout(table) -> None:
    from docx.oxml.ns import qn

    tblPr = table._tbl.tblPr
    for old in tblPr.findall(qn("w:tblLayout")):
        tblPr.remove(old)
    tblPr.append(_el("w:tblLayout", type="fixed"))


def _shade(cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_el("w:shd", val="clear", color="auto", fill=fill))


def _hyperlink(p, url: str, text: str, size: float) -> None:
    """A real Word hyperlink (an external relationship), blue and underlined."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    r_id = p.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = _el("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run, rPr = _el("w:r"), _el("w:rPr")
    rPr.append(_el("w:color", val=LINK_COLOR))
    rPr.append(_el("w:u", val="single"))
    rPr.append(_el("w:sz", val=str(int(size * 2))))
    run.append(rPr)
    t = _el("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = T(text)
    run.append(t)
    link.append(run)
    p._p.append(link)


def write_docx(r: Report, out: BinaryIO) -> None:
    writer = _Writer(r)
    writer.write()
    writer.doc.save(out)
