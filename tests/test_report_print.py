"""The HTML report in a real browser: the system Chromium, driven by Playwright, measures
the layout on A4 paper and on a phone. Nothing here only checks that a file exists.

Run alone with `uv run pytest -m browser`. Without Chromium (Debian package `chromium`;
CI installs it) every test here is skipped with that reason. The measures are the
functions of tools/measure_layout.py, so what that script prints is what is held here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ENTRY, FIXTURE_2023, ROOT, SHIPPED, copy_data

sys.path.insert(0, str(ROOT / "tools"))
import measure_layout as measure  # noqa: E402

pytestmark = pytest.mark.browser

TODAY = "2026-01-15"
# Issue 20's limits: 12 A4 pages for the whole report, 5 for one province (measured Dec 2026 with
# 102 events: 8 and 5; tools/measure_layout.py prints them).
MAX_PAGES, MAX_PAGES_ONE_PROVINCE = 12, 5
PROVINCES = ("Hà Giang", "Quảng Ninh", "Lạng Sơn", "Cao Bằng")


@pytest.fixture(scope="module")
def chromium():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright not installed (uv's dev group)")
    if measure.chromium_path() is None:
        pytest.skip("Chromium not installed (Debian package chromium); CI installs it")
    with measure.browser() as b:
        yield b


@pytest.fixture(scope="module")
def make_report(tmp_path_factory):
    """`bbtrack report --format html` of the shipped data as a subprocess, into a file."""
    folder = tmp_path_factory.mktemp("reports")
    shipped = copy_data(folder / "shipped", SHIPPED)
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
    env.pop("BBTRACK_LANG", None)

    def make(*args: str, data: Path = shipped) -> Path:
        out = folder / f"report-{len(list(folder.glob('report-*')))}.html"
        subprocess.run([*ENTRY, "--data-dir", str(data), "report", "--format", "html", "--today", TODAY,
                        "--output", str(out), *args], check=True, capture_output=True, env=env, cwd=folder)
        return out

    make.folder = folder
    return make


REPORTS = {
    "vi": (),
    "en-since": ("--lang", "en", "--since", "2024"),
    "lang-son": ("--province", "Lạng Sơn"),
    "zh": ("--lang", "zh"),  # the Chinese dates are wider than the ISO ones
}


@pytest.mark.parametrize("args", REPORTS.values(), ids=REPORTS.keys())
def test_every_cell_keeps_its_text_inside_at_a4_width(chromium, make_report, args):
    assert measure.cells_outside(chromium, make_report(*args)) == []


def test_the_probe_sees_text_that_leaves_its_cell(chromium, tmp_path):
    """The layout probe itself: an id kept on one line in a narrow fixed column overflows."""
    page = tmp_path / "bad.html"
    page.write_text('<table style="table-layout:fixed;width:200px"><tr><td style="width:20px;white-space:nowrap">'
                    'SM23-0-01</td><td>title</td></tr></table>', encoding="utf-8")
    found = measure.cells_outside(chromium, page)
    assert [item["text"] for item in found] == ["SM23-0-01"]


def test_whole_report_stays_within_its_page_ceiling(chromium, make_report):
    for args in ((), ("--lang", "en"), ("--lang", "zh"), ("--since", "2024")):
        pages = measure.html_pdf_pages(chromium, make_report(*args))
        assert 1 < pages <= MAX_PAGES, (args, pages)


@pytest.mark.parametrize("lang", ["vi", "en", "zh"])
@pytest.mark.parametrize("province", PROVINCES)
def test_one_province_stays_within_its_page_ceiling(chromium, make_report, province, lang):
    pages = measure.html_pdf_pages(chromium, make_report("--province", province, "--lang", lang))
    assert 1 <= pages <= MAX_PAGES_ONE_PROVINCE, pages


def test_page_count_grows_with_the_rows(chromium, make_report):
    """The page count is a real measure: the 48-commitment report needs more paper than one province's."""
    whole = measure.html_pdf_pages(chromium, make_report())
    one = measure.html_pdf_pages(chromium, make_report("--province", "Hà Giang"))
    assert whole > one


def test_print_forces_no_page_break_and_repeats_table_headers(chromium, make_report):
    page = measure.open_page(chromium, make_report(), width=measure.print_width_px(), media="print")
    forced = page.evaluate("""() => [...document.querySelectorAll('*')].filter(el => {
        const s = getComputedStyle(el);
        return ['page', 'left', 'right', 'recto', 'verso'].some(v => s.breakBefore === v || s.breakAfter === v);
    }).map(el => el.tagName + '#' + el.id)""")
    assert forced == []
    tables = page.evaluate("""() => [...document.querySelectorAll('table')].map(t => ({
        cls: t.className, head: t.tHead ? getComputedStyle(t.tHead).display : null,
        ths: t.tHead ? t.tHead.querySelectorAll('th').length : 0,
        rows: t.tBodies[0] ? t.tBodies[0].rows.length : 0,
        rowBreak: t.tBodies[0] && t.tBodies[0].rows[0] ? getComputedStyle(t.tBodies[0].rows[0]).breakInside : null,
    }))""")
    assert len(tables) > 10
    for t in tables:
        assert t["head"] == "table-header-group" and t["ths"] > 0, t
        assert t["rowBreak"] == "avoid", t
    page.close()


def test_links_print_as_their_site_with_numbered_endnotes(chromium, make_report):
    page = measure.open_page(chromium, make_report(), width=measure.print_width_px(), media="print")
    links = page.evaluate("""() => [...document.querySelectorAll('td.evidence a[title]')].map(a => ({
        href: a.href, text: a.innerText, after: getComputedStyle(a, '::after').content,
        note: a.nextElementSibling && a.nextElementSibling.querySelector('a').getAttribute('href'),
    }))""")
    notes = dict(page.evaluate("""() => [...document.querySelectorAll('ol.sources li')].map(li =>
        ['#' + li.id, li.innerText.trim()])"""))
    assert links and notes
    for link in links:
        host = link["href"].split("/")[2].removeprefix("www.")
        assert link["text"].replace("\n", "") == host and link["after"] in ("none", "normal"), link
        assert notes[link["note"]] == link["href"], link
    # Each address once, numbered in order.
    assert list(notes) == [f"#source-{n}" for n in range(1, len(notes) + 1)]
    assert len(set(notes.values())) == len(notes)
    page.close()


def test_ladder_chart_is_visible_on_paper(chromium, make_report):
    page = measure.open_page(chromium, make_report(), width=measure.print_width_px(), media="print")
    parts = page.evaluate("""() => [...document.querySelectorAll('svg.ladder-chart')].map(svg => {
        const r = svg.getBoundingClientRect(), s = getComputedStyle(svg);
        const rows = [...svg.querySelectorAll('g.crossing')];
        return {width: r.width, height: r.height, left: r.left, right: r.right, crossings: rows.length,
                drawn: rows.filter(g => { const b = g.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length,
                shown: s.display !== 'none' && s.visibility === 'visible', breaks: s.breakInside,
                page: document.documentElement.clientWidth};
    })""")
    assert parts
    for chart in parts:
        assert chart["shown"] and chart["crossings"] > 0 and chart["drawn"] == chart["crossings"], chart
        assert chart["left"] >= 0 and chart["right"] <= chart["page"] + 0.5, chart
        assert chart["width"] > 0.9 * chart["page"] and chart["height"] > 60, chart
        assert chart["breaks"] == "avoid", chart  # a part is never cut by a page; pages break between parts
    page.close()


def test_a_phone_reads_it_without_scrolling_the_page_sideways(chromium, make_report):
    page_file = make_report()
    assert measure.phone_overflow(chromium, page_file) == 0
    # Wide tables scroll inside their own box; there too no cell's text runs into the next.
    assert measure.cells_outside(chromium, page_file, width=measure.PHONE_PX, media="screen") == []
    page = measure.open_page(chromium, page_file, width=measure.PHONE_PX, media="screen")
    sizes = page.evaluate("""() => [...document.querySelectorAll('td, p, h2')].map(el =>
        parseFloat(getComputedStyle(el).fontSize))""")
    assert min(sizes) >= 11  # readable without zooming
    page.close()


def test_nothing_is_loaded_and_nothing_runs(chromium, make_report):
    """The page asks for nothing beyond its own file, and it has no script to run."""
    requests: list[str] = []
    page_file = make_report()
    page = chromium.new_page()
    page.on("request", lambda req: requests.append(req.url))
    page.goto(page_file.as_uri())
    assert requests == [page_file.as_uri()]
    assert page.evaluate("() => document.scripts.length") == 0
    sections = page.evaluate("() => [...document.querySelectorAll('section.party')].map(s => s.id)")
    assert sections[:2] == ["party-all", "party-ha-giang"]
    page.close()


def test_hostile_text_stays_inside_its_cells(chromium, make_report, tmp_path):
    """A title with no space to break at, and a long address, still wrap inside their cells."""
    data = copy_data(tmp_path / "data", FIXTURE_2023)
    text = (data / "commitments.yaml").read_text(encoding="utf-8")
    first = text.index("title_vi:", text.index("- id: SM23-3-01"))
    end = text.index("\n", first)
    text = text[:first] + "title_vi: " + "Cửakhẩu" * 40 + text[end:]
    (data / "commitments.yaml").write_text(text, encoding="utf-8")
    assert measure.cells_outside(chromium, make_report(data=data)) == []
