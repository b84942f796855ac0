"""The report on a terminal: Rich panels, tables and bars (Rich is imported only here)."""

from __future__ import annotations

from typing import TextIO

from ...core.model import LADDER
from ...core.text import safe_text
from ..render import due_cell, note_text, standing, standing_counts, status_cell, status_label, status_or_stage
from .ladder import crossing_name
from .model import (
    headline_note,
    RICH_STYLES, Report, as_of_text, change_row, change_text, completion_text,  crossing_sub,
    events_title, evidence_of, generated_text, headline_detail, headline_figures, ladder_cells, last_event_text,
    meeting_line, own_note, parties_text, party_label, pct, report_title, scope_text,
    section_title, stage_legend, stamp_text, title_zh_note, status_columns, status_rows, title_in,
)
from ..labels import aside
from .text import counted, date_text
from .sources import TITLE as SOURCES_TITLE, source_numbers


# --- terminal (Rich) ------------------------------------------------------------------------


def write_terminal(r: Report, out: TextIO) -> None:
    from rich import box
    from rich.console import Group as Stack
    from rich.table import Table
    from rich.text import Text

    from ..tables import console as make_console, is_terminal

    console = make_console(out, width=None if is_terminal(out) else piped_width())

    def T(text: str, style: str | None = None) -> Text:
        return Text(safe_text(text), style=style or "")

    def bar(fraction: float | None, size: int, style: str) -> Text:
        if fraction is None:
            return Text("")
        filled = round(fraction * size)
        return Text("█" * filled, style=style) + Text("░" * (size - filled), style="bright_black")

    # A table folds a long cell at its column's edge, which would split an address over lines
    # where it can be neither clicked nor copied: cells give each source's note number, and
    # the addresses are printed whole, one a line, after the last panel (as on paper).
    numbers = source_numbers(r)

    def sources(urls) -> Text:
        if not urls:
            return T("—")
        return Text(" ".join(f"[{numbers[u]}]" if u in numbers else safe_text(u) for u in urls), style="blue")

    head = Text()
    head.append(safe_text(report_title(r)), style="bold")
    if r.meeting:
        head.append("\n" + safe_text(meeting_line(r)))
    head.append(f"\n{r.t('as_of')}{r.p.colon}{safe_text(as_of_text(r))}{aside(r.t('as_of_note'), r.lang)}   {r.t('data')}{r.p.colon}")
    head.append(safe_text(stamp_text(r)), style="yellow" if r.stamp is None or r.stamp[1] else "green")
    head.append(f"\n{r.t('generated')}{r.p.colon}{generated_text(r)}   {r.t('scope')}{r.p.colon}{safe_text(scope_text(r))}")
    if title_zh_note(r):
        head.append("\n" + title_zh_note(r), style="italic")
    print_panel(console, head, box=box.DOUBLE)

    g = r.total
    figures = Table.grid(padding=(0, 3))
    keys = headline_figures(r)
    for _ in keys:
        figures.add_column(justify="center")
    figures.add_row(*(T(r.t(k), "bold") for k, _ in keys))
    figures.add_row(*(T(v, "bold red" if k == "overdue" and r.timings[k] else "bold cyan") for k, v in keys))
    figures.add_row(*(T(headline_detail(r, k), "bright_black") for k, _ in keys))
    statuses = Table(box=box.SIMPLE_HEAD, show_edge=False)
    statuses.add_column(T(r.t("status")))
    statuses.add_column(T(r.t("count")), justify="right")
    statuses.add_column(T(r.t("share")), justify="right")
    statuses.add_column(T(r.t("chart")))
    for s, n in status_rows(g):
        share = n / g.total if g.total else None
        statuses.add_row(T(status_label(s, r.lang), RICH_STYLES[s]), T(str(n)),
                         T(f"{share:.0%}" if share is not None else "—"), bar(share, 30, RICH_STYLES[s]))
    parties = Table(box=box.SIMPLE_HEAD, show_edge=False, title=T(r.t("by_party")))
    used = status_columns(g)
    for index, h in enumerate([r.t("party"), r.t("total_short"), *(status_label(s, r.lang) for s in used),
                               r.t("overdue"), r.t("late"), r.t("completion"), r.t("chart")]):
        parties.add_column(T(h), justify="left" if index in (0, len(used) + 5) else "right", no_wrap=index == 0)
    for p in r.party_groups:
        parties.add_row(T(party_label(p.key, r.lang, r.options.today)), T(str(p.total)),
                        *(T(str(standing_counts(p)[s])) for s in used), T(str(p.overdue), "red" if p.overdue else None),
                        T(str(p.late)), T(pct(p)), bar(p.completion, 10, "green"))
    note = T(headline_note(r), "italic bright_black")
    print_panel(console, Stack(figures, Text(""), statuses, parties, note), title=T(r.t("headline")))

    if r.events:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        for h in ("date", "record", "change", "note", "evidence"):
            table.add_column(T(r.t(h)), overflow="fold", no_wrap=h in ("date", "record"))
        for e in r.events:
            weak = f" [{r.t('weak')}]" if e.entry.confidence == "weak" else ""
            style = RICH_STYLES.get(e.entry.to) if e.collection == "commitments" else "magenta"
            table.add_row(T(date_text(e.entry.date, r.lang)), T(e.record_id, "bold"), T(change_text(e.entry, r.lang) + weak, style),
                          T(note_text(e.entry, r.lang) or ""), sources(e.entry.evidence))
        body = table
    else:
        body = T(r.t("no_events"), "italic")
    print_panel(console, body, title=T(events_title(r)))
    if r.changes is not None:
        if r.changes:
            table = Table(box=box.SIMPLE_HEAD, show_edge=False)
            for h in ("record", "field", "detail"):
                table.add_column(T(r.t(h)), overflow="fold")
            for a, b, c in (change_row(ch, r.lang) for ch in r.changes):
                table.add_row(T(a, "bold"), T(b), T(c))
            body = table
        else:
            body = T(r.t("no_changes"), "italic")
        print_panel(console, body, title=T(r.t("changes", rev=r.options.since_rev or "")))

    ladder = Table(box=box.SIMPLE_HEAD, show_edge=False)
    ladder.add_column(T(r.t("pair")), overflow="fold")
    for i in range(1, len(LADDER) + 1):
        ladder.add_column(T(str(i)), justify="center", width=2)
    ladder.add_column(T(r.t("stage")))
    marks = {"on": ("██", "green"), "new": ("▓▓", "bold yellow"), "held": ("▒▒", "bright_black"),
             "off": ("··", "bright_black")}
    for x in r.crossings:
        name = T(crossing_name(x, r), "bold")
        name.append("\n" + safe_text(crossing_sub(x, r)), style="bright_black")
        ladder.add_row(name, *(T(*marks[c]) for c in ladder_cells(x, r)), T(status_or_stage(x.stage, r.lang)))
    legend = Text(f"{r.t('legend')}{r.p.colon}{stage_legend(r.lang)}\n", style="bright_black")
    legend.append("██", style="green")
    legend.append(f" {r.t('reached')}  ")
    if r.options.since:
        legend.append("▓▓", style="bold yellow")
        legend.append(f" {r.t('reached_since')}  ")
    legend.append("▒▒", style="bright_black")
    legend.append(f" {r.t('suspended')}")
    print_panel(console, Stack(ladder, legend), title=T(r.t("crossings")))

    for block in r.blocks:
        parts: list = []
        if block.group is not None:
            gp = block.group
            parts.append(T(f"{counted('commitments', gp.total, r.lang)} · {r.t('completion')}{r.p.colon}{completion_text(gp)} · "
                           f"{r.t('overdue')}{r.p.colon}{gp.overdue} · {r.t('late')}{r.p.colon}{gp.late}", "bold"))
            own, joint = own_note(block, r)
            parts.append(T(own + (f"{joint}{r.p.space}“{r.t('joint')}”" if joint else "") + r.p.end, "italic"))
        for number, records in block.sections:
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, title=T(section_title(records[0].meeting, number, r.lang)),
                          title_justify="left", title_style="bold cyan", expand=True)
            with_parties = block.party is not None
            heads = ["id", "what", *(["parties"] if with_parties else []), "due_col", "status", "last_event", "evidence"]
            for h in heads:
                # No ratio: with ratios Rich gave the other columns their whole width first and
                # left the title and last event a letter a line on an 80- or 120-column terminal.
                table.add_column(T(r.t(h)), overflow="fold", no_wrap=h == "id")
            for c in records:
                table.add_row(T(c.id, "bold"), T(title_in(c, r.lang)),
                              *([T(parties_text(c, r))] if with_parties else []),
                              T(due_cell(c, r.lang) or "—"), T(status_cell(c, r.options.today, r.lang), RICH_STYLES.get(standing(c))),
                              T(last_event_text(c, r) or r.t("none")),
                              sources(evidence_of(c)))
            parts.append(table)
        print_panel(console, Stack(*parts), title=T(block.label, "bold"))
    if numbers:
        console.print(T(SOURCES_TITLE[r.lang], "bold"), soft_wrap=True)
        for url, n in numbers.items():
            # soft_wrap: Rich inserts no line break; a terminal narrower than the address wraps
            # it on screen, and a copy of it is still the one address.
            console.print(Text(f"{n}. ") + Text(safe_text(url), style="blue"), soft_wrap=True)


PANEL_CHUNK = 2000  # segments per write: bounds the memory held, not what is written


def piped_width() -> int:
    """COLUMNS when the caller set it (`COLUMNS=80 bbtrack report | lpr`), else 120."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return 120
    return columns if columns > 0 else 120


def print_panel(console, body, *, title=None, box=None) -> None:
    """Print exactly what `console.print(Panel(body, title=title, title_align="left", box=box))`
    prints, a few lines at a time.

    Rich's Panel makes its whole body a list of lines twice (in its Padding, then for the border)
    and `print` holds every segment until the last: at 10k commitments the report held 650 MB and
    spent a third of its time re-splitting and re-measuring lines already of the right width. Rich
    still lays the body out (a table yields row by row) and draws the borders and title; the body
    is cut into lines once, framed with the segments Panel would use, under the options `print`,
    Panel and its Padding would pass, so every byte is the same, colour included
    (tests/test_report.py holds the two side by side).
    """
    from rich import box as boxes
    from rich.panel import Panel
    from rich.segment import Segment, Segments

    box = box or boxes.ROUNDED
    if console.soft_wrap:  # print then neither wraps nor crops: not the options mirrored below
        console.print(Panel(body, title=title, title_align="left", box=box))
        return
    outer = console.options.update(justify=None, overflow=None, height=None, no_wrap=None, markup=None,
                                   highlight=None)
    # A panel with an empty body is just its two borders, title included.
    top, bottom = console.render_lines(Panel(Segments(()), title=title, title_align="left", box=box), outer,
                                       new_lines=True)
    inner = outer.update(width=outer.max_width - 2, height=None, highlight=False).update_width(outer.max_width - 4)
    none = console.get_style("none")
    frame = box.substitute(outer, safe=console.safe_box)
    start, end = Segment(frame.mid_left, none + none), Segment(frame.mid_right, none + none)
    left, right, new_line = Segment(" ", none), Segment(" ", none), Segment.line()
    chunk = list(top)
    for line in Segment.split_and_crop_lines(console.render(body, inner), inner.max_width, style=none,
                                             include_new_lines=False):
        chunk += (start, left, *line, right, end, new_line)
        if len(chunk) >= PANEL_CHUNK:
            # crop=False: every line is the console's width already, print's crop would copy them.
            console.print(Segments(chunk), crop=False)
            chunk = []
    console.print(Segments(chunk + bottom), crop=False)


