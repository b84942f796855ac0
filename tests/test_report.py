"""`bbtrack report` through the real CLI: figures agree with `summary`/`list`, the Markdown
parses and is aligned, the HTML is one inert self-contained file, git stamps and diffs.

Expectations are computed from the other commands on the same data, never hard-coded:
the shipped statuses change as the research file is worked through.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import subprocess
import sys
import textwrap
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bbtrack.core.dates import parse_user
from bbtrack.views.tables import width
from bbtrack.views.report import TEXT

from conftest import Cli, git

TODAY = "2026-01-15"


def ok(result):
    assert result.exit_code == 0, result.output
    return result.stdout


def as_json(result):
    return json.loads(ok(result))


# --- a tiny DOM over html.parser ------------------------------------------------------------

VOID = {"meta", "col", "br", "img", "link", "input", "hr", "area", "base", "source", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def find(self, *args, **kwargs) -> Node:
        found = self.find_all(*args, **kwargs)
        assert found, f"no {args} {kwargs}"
        return found[0]


class Dom(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root
        self.doctype = None
        self.feed(text)
        self.close()

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"stray </{tag}>"
        assert node is self.current, f"</{tag}> closes <{self.current.tag}> too"
        self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def html_report(cli: Cli, *args: str) -> tuple[str, Node]:
    text = ok(cli("report", "--format", "html", "--today", TODAY, *args))
    return text, Dom(text).root


# --- a small dataset with hostile text ----------------------------------------------------------

HOSTILE_TITLE = "<script>alert(1)</script> Mở | cửa *khẩu* [x](javascript:alert(2)) & 友谊关"


def write_dataset(folder: Path, evidence: list[str]) -> Path:
    """Two commitments and one crossing; the first carries script tags, pipes and markup."""
    folder.mkdir(parents=True, exist_ok=True)
    urls = "\n".join(f"          - {json.dumps(u)}" for u in evidence)
    (folder / "commitments.yaml").write_text(textwrap.dedent(f"""\
        schema: 1
        meetings:
          - id: SM23
            date: 2023-02-22
            title_vi: "Biên bản <b>thử</b>"
            title_en: "Test minutes <b>"
            minutes: null
        commitments:
          - id: SM23-0-01
            section: 0
            title_vi: Hợp tác chung
            title_en: Joint cooperation
            quote: "chung"
            parties: [Hà Giang, Quảng Ninh, Lạng Sơn, Cao Bằng, Quảng Tây]
            crossings: []
            kind: continuing
            due: null
            status: open
            history: []
          - id: SM23-3-01
            section: 3
            title_vi: {json.dumps(HOSTILE_TITLE)}
            title_en: {json.dumps(HOSTILE_TITLE)}
            quote: "không có"
            parties: [Lạng Sơn, Quảng Tây]
            crossings: [huu-nghi]
            kind: deliverable
            due: "2023"
            status: done
            history:
              - date: 2024-05-27
                from: open
                to: done
                note: "Lễ <img src=x onerror=alert(3)> | 开放"
                evidence:
        """) + urls + "\n        by: test\n", encoding="utf-8")
    (folder / "crossings.yaml").write_text(textwrap.dedent("""\
        schema: 1
        crossings:
          - id: huu-nghi
            name_vi: "Hữu Nghị <i>x</i>"
            name_zh: null
            partner_vi: Hữu Nghị Quan
            partner_zh: 友谊关
            partner_pinyin: Youyiguan
            zh_confidence: verified
            name_source: null
            province: Lạng Sơn
            kind: international
            target_kind: null
            stage: operating
            parent: null
            markers: null
            history: []
        """), encoding="utf-8")
    return folder


# --- figures agree with summary and list ---------------------------------------------------------


@pytest.mark.parametrize("data", ["data_dir", "shipped_dir"])  # as of the minutes; with events
@pytest.mark.parametrize("today", ["2024-01-01", TODAY])
def test_html_figures_agree_with_summary_and_list(request, data, today):
    cli = Cli(request.getfixturevalue(data))
    summary = as_json(cli("summary", "--by", "party", "--format", "json", "--today", today))
    listed = as_json(cli("list", "--format", "json", "--today", today))
    root = Dom(ok(cli("report", "--format", "html", "--today", today))).root

    total = summary["total"]
    figures = {n.attrs["data-figure"]: n.find(cls="value").text() for n in root.find_all(cls="figure")}
    assert figures["total"] == str(total["total"]) == str(len(listed))
    pct = f"{total['completion']:.0%}" if total["completion"] is not None else "—"
    assert figures["completion"] == f"{total['done_deliverables']}/{total['deliverables']} ({pct})"
    timings = Counter(r["timing"] for r in listed)
    assert figures["on-time"] == str(timings["on-time"])
    assert figures["late"] == str(timings["late"]) == str(total["late"])
    assert figures["overdue"] == str(timings["overdue"]) == str(total["overdue"])

    statuses = root.find("table", cls="statuses")
    counts = {tr.attrs["data-status"]: int(tr.find(cls="count").text()) for tr in statuses.find_all("tr")
              if "data-status" in tr.attrs}
    assert counts == {s: _standing(total, s) for s in counts} and sum(counts.values()) == total["total"]
    # An open record without a single event is counted apart, as "no update recorded".
    standings = Counter("no_update" if r["status"] == "open" and r["last_event"] is None else r["status"]
                        for r in listed)
    assert counts == dict(standings) | {s: 0 for s in counts if s not in standings}

    rows = {tr.attrs["data-party"]: tr for tr in root.find("table", cls="parties").find_all("tr")
            if "data-party" in tr.attrs}
    groups = {g["group"]: g for g in summary["groups"]}
    assert set(rows) == set(groups)
    for party, tr in rows.items():
        g = groups[party]
        assert tr.find(cls="total").text() == str(g["total"])
        assert tr.find(cls="overdue").text() == str(g["overdue"])
        assert tr.find(cls="late").text() == str(g["late"])
        for cell in tr.find_all("td"):
            if "data-status" in cell.attrs:
                assert cell.text() == str(_standing(g, cell.attrs["data-status"]))


def assert_nested(ids: list[str], parents: dict[str, str | None]) -> None:
    """Every crossing once, each passage below its parent with nothing but the parent's other
    passages between them: the ladder's order."""
    assert sorted(ids) == sorted(parents)

    def under(x: str, ancestor: str) -> bool:
        while parents.get(x) in parents:
            x = parents[x]
            if x == ancestor:
                return True
        return False

    for i, x in enumerate(ids):
        parent = parents[x]
        if parent in parents:
            start = ids.index(parent)
            assert start < i, f"{x} above its parent {parent}"
            assert all(under(y, parent) for y in ids[start + 1:i]), f"{x} not under its parent {parent}: {ids}"


def _standing(group: dict, key: str) -> int:
    """A summary JSON group's count as the report's tables show it: `open` without the
    records no event has touched, which `no_update` counts."""
    return group[key] - group["no_update"] if key == "open" else group[key]


def test_a_past_today_shows_no_later_event(shipped_dir):
    """`--today` asks how things stood that day: an event recorded after it is not in the report."""
    cli, today = Cli(shipped_dir), "2024-01-01"
    later = [e for e in as_json(cli("log", "--format", "json")) if e["date"] > today]
    assert later, "the shipped data has events after 2024-01-01"
    out = ok(cli("report", "--format", "markdown", "--lang", "en", "--today", today))
    events = out.split(f"## {TEXT['en']['events_all']}", 1)[1].split("\n## ", 1)[0]
    dates = re.findall(r"^\| (\d{4}(?:-\d\d){0,2}) ", events, re.M)
    assert dates and all(d <= today for d in dates)


def test_every_commitment_listed_with_its_status(cli):
    listed = {r["id"]: r for r in as_json(cli("list", "--format", "json", "--today", TODAY))}
    _, root = html_report(cli)
    shown = {}
    for section in root.find_all("section", cls="party"):
        for tr in section.find_all("tr"):
            if "id" in tr.attrs:
                shown.setdefault(tr.attrs["id"], tr.attrs["data-status"])
    assert shown == {rid: r["status"] for rid, r in listed.items()}


def test_markdown_figures_agree_with_summary(cli):
    summary = as_json(cli("summary", "--format", "json", "--today", TODAY))["total"]
    out = ok(cli("report", "--format", "markdown", "--lang", "en", "--today", TODAY))
    en = TEXT["en"]
    cells = {}
    for line in out.splitlines():
        parts = [p.strip() for p in line.strip("|").split("|")] if line.startswith("|") else []
        if len(parts) == 3:  # the headline table: figure, count, what it is made of
            cells[parts[0]] = parts[1]
    assert cells[en["total"]] == str(summary["total"])
    assert cells[en["no_update"]] == str(summary["no_update"])
    assert cells[en["late"]] == str(summary["late"])
    assert cells[en["overdue"]] == str(summary["overdue"])
    assert cells[en["completion"]].startswith(f"{summary['done_deliverables']}/{summary['deliverables']} ")


# --- markdown -----------------------------------------------------------------------------------


def pipe_columns(line: str) -> list[int]:
    """Display columns of the unescaped pipes of a table row."""
    cols, col, i = [], 0, 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            col += width(line[i:i + 2])
            i += 2
            continue
        if line[i] == "|":
            cols.append(col)
        col += width(line[i])
        i += 1
    return cols


def table_blocks(text: str) -> list[list[str]]:
    blocks, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def check_markdown(text: str) -> list:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    tokens = parser.parse(text)
    tables = table_blocks(text)
    assert sum(t.type == "table_open" for t in tokens) == len(tables) > 0
    for block in tables:
        assert len({tuple(pipe_columns(line)) for line in block}) == 1, "\n".join(block)
    # Every row of every parsed table has as many cells as its header.
    cells: list[int] = []
    widths: list[set[int]] = []
    for t in tokens:
        if t.type == "table_open":
            widths.append(set())
        elif t.type == "tr_open":
            cells = [0]
        elif t.type in ("th_open", "td_open"):
            cells[0] += 1
        elif t.type == "tr_close":
            widths[-1].add(cells[0])
    assert all(len(w) == 1 for w in widths)
    return tokens


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_markdown_parses_and_tables_are_aligned(cli, lang):
    text = ok(cli("report", "--format", "markdown", "--lang", lang, "--today", TODAY, "--since", "2024"))
    tokens = check_markdown(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    crossings = as_json(cli("crossings", "--format", "json"))
    assert TEXT[lang]["crossings"] in headings and TEXT[lang]["headline"] in headings
    ha_giang = "Hà Giang → Tuyên Quang"
    assert ha_giang in headings and any("Cao Bằng" == h for h in headings)
    # The stage chart: one row per crossing, one column per rung of the ladder.
    from bbtrack.core.model import LADDER

    chart = next(b for b in table_blocks(text) if all(f" {i} " in b[0] for i in range(1, len(LADDER) + 1)))
    assert len(chart) == 2 + len(crossings)
    first = [c.strip() for c in chart[2].strip("|").split("|")]
    assert len(first) == 2 + len(LADDER) + 1


def test_markdown_escapes_data_text(tmp_path):
    data = write_dataset(tmp_path / "data", ["https://vov.vn/a|b", 'https://example.org/?q="><script>alert(4)</script>'])
    cli = Cli(data)
    text = ok(cli("report", "--format", "markdown", "--today", TODAY))
    check_markdown(text)
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script" not in rendered and "<img" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert 'href="javascript' not in rendered and "<em>" not in rendered
    assert "Mở | cửa *khẩu* [x](javascript:alert(2)) &amp; 友谊关" in rendered  # markup shown, not applied
    assert '<a href="https://vov.vn/a%7Cb">vov.vn</a>' in rendered


# --- HTML ---------------------------------------------------------------------------------------


def test_html_is_self_contained(cli):
    text, root = html_report(cli, "--since", "2024")
    assert text.startswith("<!DOCTYPE html>")
    html_el = root.find("html")
    assert html_el.attrs["lang"] == "vi"
    assert root.find("meta", charset="utf-8")
    assert not root.find_all("script") and not root.find_all("link") and not root.find_all("iframe")
    for node in root.iter():
        assert "src" not in node.attrs, node.tag
        assert not any(k.startswith("on") for k in node.attrs), node.tag
        href = node.attrs.get("href")
        if href is not None:
            assert node.tag == "a" and (href.startswith("#") or re.match(r"https?://", href)), href
    style = root.find("style").text()
    # Printable on A4, and no forced page break: a short province must not leave a page mostly empty.
    assert "@media print" in style and "size: A4 portrait" in style
    assert "break-before: page" not in style and "page-break-before: always" not in style
    assert "@import" not in style and "url(" not in style
    assert '"Noto Sans CJK SC"' in style and "system-ui" in style
    # Internal links all land on an element of the page.
    ids = {n.attrs["id"] for n in root.iter() if "id" in n.attrs}
    for a in root.find_all("a"):
        if a.attrs["href"].startswith("#"):
            assert a.attrs["href"][1:] in ids


def test_html_sections_and_ladder_chart(cli):
    crossings = as_json(cli("crossings", "--format", "json"))
    _, root = html_report(cli)
    sections = [s.attrs["id"] for s in root.find_all("section", cls="party")]
    assert sections == ["party-all", "party-ha-giang", "party-quang-ninh", "party-lang-son", "party-cao-bang",
                        "party-quang-tay"]
    assert "Hà Giang → Tuyên Quang" in root.find("section", id="party-ha-giang").find("h2").text()
    # The chart comes in parts (a page may break between them); together they hold every crossing,
    # each passage under its own parent.
    parts = root.find_all("svg", cls="ladder-chart")
    rows = [g for chart in parts for g in chart.find_all("g", cls="crossing")]
    ids = [g.attrs["data-crossing"] for g in rows]
    assert_nested(ids, {x["id"]: x["parent"] for x in crossings})
    crossings = sorted(crossings, key=lambda x: ids.index(x["id"]))
    assert len(parts) > 1 and all(chart.find_all("g", cls="crossing") for chart in parts)
    for chart in parts:  # a crossing nested under another is in the same part
        first = chart.find_all("g", cls="crossing")[0].attrs["data-crossing"]
        assert not next(x for x in crossings if x["id"] == first)["parent"], first
    from bbtrack.core.model import LADDER

    for g, x in zip(rows, crossings):
        cells = g.find_all("rect", cls="cell")
        assert len(cells) == len(LADDER)
        filled = sum(not {"off"} & c.classes for c in cells)
        if x["stage"] in LADDER:
            assert filled == LADDER.index(x["stage"]) + 1, x["id"]


def test_html_merger_shown_only_after_it(cli):
    _, before = html_report(cli, "--today", "2024-01-01")
    heading = before.find("section", id="party-ha-giang").find("h2").text()
    assert heading == "Hà Giang"
    _, tq = html_report(cli, "--province", "Tuyên Quang", "--lang", "en")
    assert [s.attrs["id"] for s in tq.find_all("section", cls="party")] == ["party-all", "party-ha-giang"]
    assert tq.find("section", id="party-ha-giang").find("h2").text() == "Hà Giang → Tuyên Quang"


def test_html_escapes_hostile_text_via_cli(tmp_path):
    """What `status set` accepts (an http URL holding quotes and tags) stays inert."""
    hostile_url = 'https://example.org/?q="><script>alert(4)</script>'
    data = write_dataset(tmp_path / "data", [hostile_url, "https://vov.vn/ok"])
    text, root = html_report(Cli(data))
    assert "<script" not in text and "<img" not in text and "<i>" not in text and "<b>" not in text
    assert not root.find_all("script") and not root.find_all("img")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    row = root.find("tr", id="SM23-3-01")
    assert HOSTILE_TITLE in row.text()
    hrefs = [a.attrs["href"] for a in root.find_all("a") if not a.attrs["href"].startswith("#")]
    assert "https://vov.vn/ok" in hrefs
    assert all('"' not in h and "<" not in h for h in hrefs)
    assert hostile_url in row.find("td", cls="evidence").text()  # shown as text, not linked


def test_javascript_evidence_is_never_a_link(tmp_path):
    """`check` refuses such data, and the CLI's report leaves that record out; the renderer must still
    never link it."""
    import datetime as _dt
    import io

    from bbtrack.views import report
    from bbtrack.load.cached import load

    data = write_dataset(tmp_path / "data", ["javascript:alert(1)", "JaVaScRiPt:alert(5)", "https://vov.vn/ok"])
    partial = Cli(data)("report", "--format", "html", env={"BBTRACK_LANG": "en"})
    assert partial.exit_code == 0 and partial.stderr.startswith("bbtrack: warning: the data has ")
    assert "javascript:" not in partial.stdout.lower()

    result = load(data, use_cache=False)
    for fmt in ("html", "markdown", "terminal"):
        out = io.StringIO()
        report.write(result.dataset, data, report.Options(today=_dt.date(2026, 1, 15), fmt=fmt), out)
        text = out.getvalue()
        assert "javascript:alert(1)" in text
        if fmt == "html":
            root = Dom(text).root
            hrefs = [a.attrs["href"] for a in root.find_all("a")]
            assert not [h for h in hrefs if "javascript" in h.lower()]
            assert "https://vov.vn/ok" in hrefs
            assert "<script" not in text
        if fmt == "markdown":
            from markdown_it import MarkdownIt

            rendered = MarkdownIt("commonmark").enable("table").render(text)
            assert "javascript" not in "".join(re.findall(r'href="([^"]*)"', rendered)).lower()


# --- options ------------------------------------------------------------------------------------


def test_province_limits_sections_and_figures(cli):
    listed = as_json(cli("list", "--province", "Lạng Sơn", "--format", "json"))
    crossings = as_json(cli("crossings", "--province", "Lạng Sơn", "--format", "json"))
    _, root = html_report(cli, "--province", "lang son")
    assert [s.attrs["id"] for s in root.find_all("section", cls="party")] == ["party-all", "party-lang-son"]
    assert root.find(cls="figure", data_figure="total").find(cls="value").text() == str(len(listed))
    assert [tr.attrs["data-party"] for tr in root.find("table", cls="parties").find_all("tr")
            if "data-party" in tr.attrs] == ["Lạng Sơn"]
    assert_nested([g.attrs["data-crossing"] for chart in root.find_all("svg", cls="ladder-chart")
                   for g in chart.find_all("g", cls="crossing")], {x["id"]: x["parent"] for x in crossings})
    md = ok(cli("report", "--format", "markdown", "-p", "lang son", "--today", TODAY))
    assert "## Lạng Sơn" in md and "## Cao Bằng" not in md and "## Quảng Ninh" not in md


def test_output_writes_the_file(cli, tmp_path):
    for fmt, marker in (("html", "<!DOCTYPE html>"), ("markdown", "# "), ("terminal", "╔")):
        target = tmp_path / f"report.{fmt}"
        result = cli("report", "--format", fmt, "--output", str(target), "--today", TODAY, env={"BBTRACK_LANG": "en"})
        assert result.exit_code == 0, result.output
        assert result.stdout == "" and f"wrote {target}" in result.stderr
        text = target.read_text(encoding="utf-8")
        assert text.startswith(marker) and "\x1b" not in text


def test_terminal_report_is_plain_when_piped(cli):
    out = ok(cli("report", "--lang", "en", "--today", TODAY))
    assert "\x1b" not in out
    for key in ("headline", "crossings", "joint"):
        assert TEXT["en"][key] in out
    assert "Hà Giang → Tuyên Quang" in out


def test_lang_en_uses_english_titles(cli):
    listed = as_json(cli("list", "--format", "json"))
    text, root = html_report(cli, "--lang", "en")
    assert root.find("html").attrs["lang"] == "en"
    for r in listed[:5]:
        row = root.find("tr", id=r["id"])
        assert r["title_en"] in row.text() and r["title_vi"] not in row.text()


def test_since_lists_the_events_of_the_period(cli):
    logged = as_json(cli("log", "--since", "2025", "--format", "json"))
    _, root = html_report(cli, "--since", "2025")
    events = root.find("section", id="events")
    # Identical events (one date, note and source) share a row listing all their records: no id is lost.
    rows = [tr for tr in events.find_all("tr") if "data-records" in tr.attrs]
    assert sorted(i for tr in rows for i in tr.attrs["data-records"].split()) == sorted(e["id"] for e in logged)
    if logged:
        assert events.find("svg", cls="timeline-chart")
    assert all(tr.find("td").text() >= "2025" for tr in rows)


def test_bad_options_are_one_line_usage_errors(cli):
    for args in (["--format", "pdf"], ["--province", "Hà Nội"], ["--since", "31/2/2024"], ["--lang", "fr"],
                 ["--today", "2024"]):
        result = cli("report", *args, env={"BBTRACK_LANG": "en"})
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("bbtrack: error: "), args
        said = cli("--lang", "zh", "report", *args) if args[0] != "--lang" else cli("report", *args, env={"BBTRACK_LANG": "zh"})
        assert said.stderr.count("\n") == 1 and said.stderr.startswith("bbtrack: 错误："), args


# --- git ----------------------------------------------------------------------------------------


def test_stamp_outside_git(cli):
    assert "not in git" in ok(cli("report", "--format", "markdown", "--lang", "en"))
    _, root = html_report(cli, "--lang", "en")
    stamp = root.find("dd", cls="stamp")
    assert "nogit" in stamp.classes and stamp.text() == "not in git"
    result = cli("--lang", "en", "report", "--since-rev", "HEAD")
    assert result.exit_code == 1 and "not inside a git repository" in result.stderr


def first_open(cli: Cli) -> str:
    records = as_json(cli("list", "--status", "open", "--format", "json"))
    assert records, "no open commitment left to move"
    return records[0]["id"]


def test_since_rev_shows_a_status_change(repo_cli, repo):
    record = first_open(repo_cli)
    head = git(repo, "rev-parse", "--short", "HEAD").strip()
    _, clean = html_report(repo_cli, "--lang", "en")
    stamp = clean.find("dd", cls="stamp")
    assert stamp.attrs["data-commit"] == head and stamp.attrs["data-dirty"] == "false"

    result = repo_cli("status", "set", record, "in_progress", "--date", "2025-03-01", "--note",
                      "Work started <b>now</b>", "-e", "https://example.org/news")
    assert result.exit_code == 0, result.output
    _, dirty = html_report(repo_cli, "--lang", "en")
    assert dirty.find("dd", cls="stamp").attrs["data-dirty"] == "true"
    assert "uncommitted changes" in dirty.find("dd", cls="stamp").text()

    git(repo, "commit", "-qam", f"{record} in progress")
    _, root = html_report(repo_cli, "--since-rev", "HEAD~1", "--lang", "en")
    changes = {tr.attrs["data-record"]: tr.text() for tr in root.find("table", cls="changes").find_all("tr")
               if "data-record" in tr.attrs}
    assert record in changes
    assert "no progress recorded → in progress" in changes[record] and "Work started <b>now</b>" in changes[record]
    md = ok(repo_cli("report", "--format", "markdown", "--since-rev", "HEAD~1", "--today", TODAY))
    check_markdown(md)
    assert f"| {record}" in md and "`HEAD~1`" in md
    # The changes read as `diff` reads them: the status field in the reader's words, not its codes.
    zh = ok(repo_cli("report", "--format", "markdown", "--since-rev", "HEAD~1", "--lang", "zh", "--today", TODAY))
    assert "open →" not in zh and "→ in_progress" not in zh and "2025年3月1日：" in zh
    nothing = ok(repo_cli("report", "--format", "markdown", "--since-rev", "HEAD", "--lang", "en"))
    assert TEXT["en"]["no_changes"] in nothing


def test_since_rev_refuses_an_option(repo_cli, tmp_path):
    target = tmp_path / "x"
    result = repo_cli("--lang", "en", "report", "--since-rev", f"--output={target}")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "invalid git revision" in result.stderr
    assert not target.exists()


def test_rich_is_imported_only_for_the_terminal(data_dir):
    code = textwrap.dedent(f"""
        import datetime, io, sys
        from pathlib import Path
        from bbtrack.views import report
        from bbtrack.load.cached import load
        result = load(Path({str(data_dir)!r}), use_cache=False)
        for fmt in ("markdown", "html"):
            report.write(result.dataset, result.data_dir, report.Options(today=datetime.date(2026, 1, 1), fmt=fmt),
                         io.StringIO())
        print("rich" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- the terminal report's panels are Rich's Panel, streamed --------------------------------------


def _rich_panel(console, body, *, title=None, box=None):
    """The reference `report.terminal.print_panel` must match, byte for byte."""
    from rich import box as boxes
    from rich.panel import Panel

    console.print(Panel(body, title=title, title_align="left", box=box or boxes.ROUNDED))


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


_words = st.text(st.sampled_from("ab xyẠặ中文\t\n–█"), max_size=40)
_styles = st.sampled_from([None, "bold", "green", "bold red on blue", "italic bright_black"])


@st.composite
def _panel_bodies(draw):
    """Texts and tables as plain data, built in the test: importing Rich draws on `random`."""
    parts = []
    for kind in draw(st.lists(st.sampled_from(["text", "table", "empty"]), min_size=1, max_size=4)):
        if kind == "table":
            columns = draw(st.integers(1, 4))
            heads = [(draw(_words), draw(st.sampled_from(["fold", "ellipsis"])), draw(st.sampled_from([None, 1, 3])))
                     for _ in range(columns)]
            parts.append(("table", draw(st.booleans()), draw(st.one_of(st.none(), _words)), heads,
                          draw(st.lists(st.lists(st.tuples(_words, _styles), min_size=columns, max_size=columns),
                                        max_size=6))))
        else:
            parts.append(("text", draw(_words) if kind == "text" else "", draw(_styles)))
    return parts, len(parts) == 1 and draw(st.booleans())


def _rich_body(spec):
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts, bare = spec
    built = []
    for part in parts:
        if part[0] == "text":
            built.append(Text(part[1], style=part[2] or ""))
            continue
        _, expand, title, columns, rows = part
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=expand, title=Text(title) if title else None)
        for header, overflow, ratio in columns:
            table.add_column(Text(header), overflow=overflow, ratio=ratio)
        for row in rows:
            table.add_row(*(Text(text, style=style or "") for text, style in row))
        built.append(table)
    return built[0] if bare else Group(*built)


@settings(max_examples=150, deadline=None)
@given(body=_panel_bodies(), width=st.integers(1, 130), colour=st.sampled_from([None, "standard", "truecolor"]),
       title=st.one_of(st.none(), _words), double=st.booleans(), soft_wrap=st.booleans(),
       chunk=st.sampled_from([1, 7, 2000]))
def test_print_panel_is_rich_panel(body, width, colour, title, double, soft_wrap, chunk):
    from unittest import mock

    from rich import box
    from rich.console import Console
    from rich.text import Text

    from bbtrack.views.report import terminal

    outputs = []
    for draw_panel in (_rich_panel, terminal.print_panel):
        out = _Tty()
        console = Console(file=out, width=width, color_system=colour, force_terminal=colour is not None,
                          soft_wrap=soft_wrap, highlight=False, emoji=False, markup=False)
        with mock.patch.object(terminal, "PANEL_CHUNK", chunk):
            draw_panel(console, _rich_body(body), title=Text(title, style="bold") if title is not None else None,
                       box=box.DOUBLE if double else None)
        outputs.append(out.getvalue())
    assert outputs[1] == outputs[0]


@pytest.mark.parametrize("lang, since", [("vi", None), ("en", "2024")])
def test_terminal_report_in_colour_is_rich_panels(shipped_dir, monkeypatch, lang, since):
    from bbtrack.views import report
    from bbtrack.views.report import terminal
    from bbtrack.load.cached import load

    monkeypatch.setenv("COLUMNS", "132")
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = load(shipped_dir, use_cache=False)
    options = report.Options(today=datetime.date(2026, 1, 15), lang=lang, since=since and parse_user(since))
    outputs = []
    for draw_panel in (_rich_panel, terminal.print_panel):
        monkeypatch.setattr(terminal, "print_panel", draw_panel)
        out = _Tty()
        report.write(result.dataset, result.data_dir, options, out)
        outputs.append(out.getvalue())
    assert "\x1b[" in outputs[0] and len(outputs[0].splitlines()) > 100
    assert outputs[1] == outputs[0]
