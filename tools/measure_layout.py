"""Measure the report's layout on paper, one function per measure.

    uv run python tools/measure_layout.py            # the shipped data, as of today
    uv run python tools/measure_layout.py --today 2026-01-15 --lang en -p "Cao Bằng"

Prints one line per measure: the HTML report printed to A4 by Chromium (page count,
cells whose text leaves their box, whether a phone must scroll the page sideways) and the
Word report converted to PDF by LibreOffice (page count). A measure whose tool is missing
says so and is skipped. The browser tests (tests/test_report_print.py) use the same
functions, so the numbers printed here are the numbers the tests hold to limits.

Chromium is the system's (Debian package `chromium`, `$BBTRACK_CHROMIUM` to point
elsewhere), driven by Playwright; Playwright's own browser download is never used.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
CSS = ROOT / "bbtrack" / "views" / "report" / "templates" / "report.css"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
A4_MM = (210, 297)
PHONE_PX = 375
# The parties of the minutes: issue 20's 5-page limit is for a province's report; Guangxi is a
# party to every commitment, so its report is nearly the whole one (held to 12 pages).
PARTIES = ("Hà Giang", "Quảng Ninh", "Lạng Sơn", "Cao Bằng", "Quảng Tây")
PX_PER_MM = 96 / 25.4


def chromium_path() -> str | None:
    """The system Chromium, or None (the reason to skip a measure)."""
    path = os.environ.get("BBTRACK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextlib.contextmanager
def browser() -> Iterator[object]:
    """A headless system Chromium under Playwright; raises RuntimeError when there is none."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium not installed (Debian package chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF: its page objects (Chromium and LibreOffice write them uncompressed)."""
    leaves = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    if leaves:
        return leaves
    counts = [int(n) for n in re.findall(rb"/Count\s+(\d+)", pdf)]
    return max(counts) if counts else 0


def print_width_px(css: str | None = None) -> int:
    """The width of an A4 portrait page's printable area, in CSS px, from the report's @page margins."""
    css = CSS.read_text(encoding="utf-8") if css is None else css
    rule = re.search(r"@page\s*\{[^}]*?margin:\s*([^;}]+)", css)
    values = [float(v) for v in re.findall(r"([\d.]+)mm", rule[1])] if rule else [0.0]
    right = values[1] if len(values) > 1 else values[0]
    left = values[3] if len(values) > 3 else right
    return int((A4_MM[0] - left - right) * PX_PER_MM)


def open_page(b, html: Path, *, width: int, media: str):
    page = b.new_page(viewport={"width": width, "height": 1000})
    page.emulate_media(media=media)
    page.goto(html.as_uri())
    return page


# --- the measures ---------------------------------------------------------------------------


def html_pdf_pages(b, html: Path) -> int:
    """The HTML report printed by Chromium to A4 portrait, as a browser's Print → PDF does."""
    page = open_page(b, html, width=print_width_px(), media="print")
    try:
        return pdf_pages(page.pdf(format="A4", prefer_css_page_size=True, print_background=True))
    finally:
        page.close()


# Every table cell (and headline figure): each line of its text and each element in it
# must lie inside the cell's box, and no two cells of a row may overlap.
_PROBE = """
() => {
  const slack = 0.5, out = [];
  const inside = (r, box) => r.left >= box.left - slack && r.right <= box.right + slack &&
                             r.top >= box.top - slack && r.bottom <= box.bottom + slack;
  const name = (cell) => {
    const row = cell.closest('tr'), table = cell.closest('table');
    return (table ? (table.className || 'table') + ' ' : '') + (row && row.id ? '#' + row.id + ' ' : '') +
           (cell.cellIndex !== undefined ? 'cell ' + cell.cellIndex : cell.className);
  };
  for (const cell of document.querySelectorAll('td, th, .figure')) {
    const box = cell.getBoundingClientRect();
    if (!box.width) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width && !inside(r, box)) {
          out.push({cell: name(cell), text: node.textContent.trim().slice(0, 40),
                    by: Math.round(Math.max(r.right - box.right, box.left - r.left, r.bottom - box.bottom,
                                            box.top - r.top))});
          break;
        }
      }
    }
    for (const el of cell.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.height && !inside(r, box)) {
        out.push({cell: name(cell), text: '<' + el.tagName.toLowerCase() + ' ' + el.className + '>',
                  by: Math.round(Math.max(r.right - box.right, box.left - r.left))});
      }
    }
  }
  for (const row of document.querySelectorAll('tr')) {
    const boxes = [...row.cells].map(c => c.getBoundingClientRect());
    for (let i = 1; i < boxes.length; i++) {
      if (boxes[i].left < boxes[i - 1].right - slack) {
        out.push({cell: name(row.cells[i]), text: 'overlaps the cell before it', by: 0});
      }
    }
  }
  return out;
}
"""


def cells_outside(b, html: Path, *, width: int | None = None, media: str = "print") -> list[dict]:
    """Cells whose text or content leaves their box (empty: all inside); by default at A4 width in
    print media, or at `width` px in `media`."""
    page = open_page(b, html, width=width or print_width_px(), media=media)
    try:
        return page.evaluate(_PROBE)
    finally:
        page.close()


def phone_overflow(b, html: Path) -> int:
    """How far (CSS px) the whole page scrolls sideways on a 375 px phone screen: 0 is right."""
    page = open_page(b, html, width=PHONE_PX, media="screen")
    try:
        return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    finally:
        page.close()


def docx_pdf_pages(docx: Path, workdir: Path) -> int:
    """The Word report converted to PDF by LibreOffice (headless), as a reader's print would."""
    soffice = soffice_path()
    if soffice is None:
        raise RuntimeError("LibreOffice not installed (soffice; Debian package libreoffice-writer-nogui)")
    profile = workdir / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(workdir), str(docx)], check=True, capture_output=True, timeout=180)
    return pdf_pages((workdir / (docx.stem + ".pdf")).read_bytes())


def terminal_widths(widths: tuple[int, ...] = (60, 80, 120)) -> list[str]:
    """The widest line of list, crossings, summary, show and log under a pseudo-terminal of
    each width, one line per command and width (tools/measure_terminal.py runs them)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from measure_terminal import COMMANDS, measure

    return [measure(name, args, columns, str(ROOT / "data")) for name, args in COMMANDS.items() for columns in widths]


# --- the script -----------------------------------------------------------------------------


def report(out: Path, fmt: str, *args: str) -> Path:
    """Write `bbtrack report` in `fmt` to `out` with the installed bbtrack."""
    subprocess.run([sys.executable, "-m", "bbtrack", "report", "--format", fmt, "--output", str(out), *args],
                   check=True, capture_output=True, cwd=ROOT)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--today", help="as-of date for the report")
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--province", action="append",
                        help="a one-province report to measure too (repeatable; default: every party)")
    opts = parser.parse_args(argv)
    parties = opts.province or list(PARTIES)
    common = ["--lang", opts.lang, *(["--today", opts.today] if opts.today else [])]
    for line in terminal_widths():
        print(line)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        whole = report(work / "report.html", "html", *common)
        try:
            with browser() as b:
                print(f"html→pdf pages (A4, whole report): {html_pdf_pages(b, whole)}")
                for party in parties:
                    one = report(work / "one.html", "html", *common, "--province", party)
                    print(f"html→pdf pages (A4, {party}): {html_pdf_pages(b, one)}")
                bad = cells_outside(b, whole)
                print(f"cells with text outside their box (A4 print width {print_width_px()} px): {len(bad)}")
                for item in bad[:10]:
                    print(f"  {item['cell']}: {item['text']!r} by {item['by']} px")
                print(f"page's sideways scroll on a {PHONE_PX} px phone: {phone_overflow(b, whole)} px")
                bad = cells_outside(b, whole, width=PHONE_PX, media="screen")
                print(f"cells with text outside their box on the phone: {len(bad)}")
                for item in bad[:10]:
                    print(f"  {item['cell']}: {item['text']!r} by {item['by']} px")
        except RuntimeError as exc:
            print(f"html: skipped: {exc}")
        try:
            docx = report(work / "report.docx", "docx", *common)
            print(f"docx→pdf pages (LibreOffice, whole report): {docx_pdf_pages(docx, work)}")
            for party in parties:
                docx = report(work / "report.docx", "docx", *common, "--province", party)
                print(f"docx→pdf pages (LibreOffice, {party}): {docx_pdf_pages(docx, work)}")
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"docx: skipped: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
