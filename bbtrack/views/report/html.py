"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network.

The page's markup and its CSS (screen and print) live in `templates/`; this module only
works out what goes in it: plain values, never markup. Jinja2 escapes every value
(autoescape), and `finalize` first makes control and bidi characters visible, so data
text is inert wherever a template puts it. Jinja2 is imported here only: other commands
never pay for it.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, TextIO

from ...core.model import Commitment, LADDER, STAGE_LABELS, STATUSES
from ...core.text import safe_text, slug
from ...ops.changes import Event
from ...ops.query import timing
from ..render import TIMING_LABELS, due_cell, note_text, standing, standing_counts, status_label, status_or_stage
from .ladder import crossing_depth, crossing_name
from .model import (
    headline_note,
    CROSSING_EVENT_COLOR, Report, STATUS_COLORS, as_of_text, change_row, change_text, completion_text,
    crossing_sub, events_title, evidence_of, generated_text, headline_detail, headline_figures, is_web_url,
    ladder_cells, meeting_line, own_note, parties_text, party_label, pct, report_title, scope_text,
    section_title, stamp_text, title_zh_note, status_columns, status_rows, title_in, url_host,
)
from .paper import elsewhere, event_groups, own_shown_note, shown_sections, t as paper_t
from .text import counted, date_text
from .sources import TITLE as SOURCES_TITLE, source_numbers

TEMPLATES = Path(__file__).with_name("templates")
LADDER_FILLS = {"on": "#1a7f37", "new": "#d4a72c", "held": "#8c959f", "off": "#eef1f4"}


def _environment():
    import jinja2

    def finalize(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, jinja2.utils.markupsafe.Markup):
            return value
        return safe_text(str(value))

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, finalize=finalize,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["num"] = lambda value, digits=1: f"{value:.{digits}f}"
    return env


# --- what the template is given -------------------------------------------------------------


def _links(urls, numbers: dict[str, int]) -> list[dict[str, Any]]:
    """Linkable addresses show their site and note number; anything else is shown as text, unlinked."""
    return [{"url": u, "web": True, "host": url_host(u), "n": numbers[u]} if is_web_url(u) and u in numbers
            else {"url": u, "web": False} for u in urls]


def _commitment_row(c: Commitment, r: Report, with_parties: bool, numbers: dict[str, int]) -> dict[str, Any]:
    when = timing(c, r.options.today)
    last = c.last_event
    return {
        "id": c.id, "title": title_in(c, r.lang), "status": c.status, "standing": standing(c),
        "status_label": status_label(standing(c), r.lang),
        "parties": parties_text(c, r) if with_parties else None,
        "due": due_cell(c, r.lang) or "—",
        "done_on": date_text(c.done_on, r.lang) if c.done_on else "",
        "timing": when, "timing_label": TIMING_LABELS[r.lang][when],
        "last": None if last is None else {
            "date": str(last.date), "shown": date_text(last.date, r.lang), "text": note_text(last, r.lang) or change_text(last, r.lang),
            "weak": last.confidence == "weak"},
        "links": _links(evidence_of(c), numbers),
    }


def status_chart(g, lang: str) -> dict[str, Any]:
    """A stacked bar of the commitments by status, those without any event apart."""
    w, bar_h = 1000, 34
    segments, x = [], 0.0
    for s, n in status_rows(g):
        if not n or not g.total:
            continue
        seg = w * n / g.total
        segments.append({"x": x, "w": seg, "color": STATUS_COLORS[s], "label": status_label(s, lang), "n": n,
                         "show": seg > 40})
        x += seg
    return {"w": w, "h": bar_h + 4, "bar_h": bar_h, "segments": segments}


def _wrap(label: str, limit: int = 12) -> list[str]:
    """One or two lines for a column heading."""
    if len(label) <= limit or " " not in label:
        return [label]
    words = label.split()
    best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


def _squeeze(text: str, size: float, room: float) -> float | None:
    """The room to squeeze a label into when estimated wider than it (no script to measure it)."""
    estimate = size * sum(1.0 if ord(ch) > 0x2E80 else 0.56 for ch in text)
    return room if estimate > room else None


LADDER_PART_ROWS = 6  # rows per SVG: a page can break between parts, never inside one


def ladder_chart(r: Report) -> list[dict[str, Any]]:
    """Rows = crossings, columns = ladder stages planned → operating, filled up to the current stage.

    In parts of a few rows, each with the stage heads, like a table's repeated header: on paper
    one SVG of all the crossings could not break, and moved whole to the next page, leaving
    half a page empty. A part never separates a crossing from the ones nested under it."""
    label_w, col_w, row_h, head_h, stage_w = 340, 84, 40, 62, 130
    n = len(LADDER)
    w = label_w + n * col_w + stage_w
    heads = []
    for i, stage in enumerate(LADDER):
        lines = _wrap(STAGE_LABELS[r.lang][stage])
        heads.append({"n": i + 1, "cx": label_w + i * col_w + col_w / 2, "lines": lines,
                      "y0": head_h - 10 - 14 * (len(lines) - 1)})
    parts: list[list] = []
    for x in r.crossings:
        if not parts or (len(parts[-1]) >= LADDER_PART_ROWS and not x.parent):
            parts.append([])
        parts[-1].append(x)
    charts, stripe = [], 0
    for part in parts:
        rows = []
        for row, x in enumerate(part):
            indent = 16 * crossing_depth(x, r)
            name = crossing_name(x, r).lstrip()
            sub = crossing_sub(x, r)
            room = label_w - 12 - indent
            rows.append({
                "id": x.id, "stage_key": x.stage, "y": head_h + row * row_h, "stripe": stripe % 2 == 0,
                "name": name, "sub": sub, "x": 4 + indent, "stage": status_or_stage(x.stage, r.lang),
                "name_fit": _squeeze(name, 13.5, room), "sub_fit": _squeeze(sub, 11.5, room),
                "muted": x.stage not in LADDER,
                "cells": [{"state": state, "x": label_w + i * col_w + 4, "fill": LADDER_FILLS[state]}
                          for i, state in enumerate(ladder_cells(x, r))],
            })
            stripe += 1
        charts.append({"w": w, "h": head_h + row_h * len(part) + 6, "head_h": head_h, "row_h": row_h,
                       "col_w": col_w, "stage_x": label_w + n * col_w + 12, "heads": heads, "rows": rows})
    return charts


def timeline_chart(r: Report) -> dict[str, Any] | None:
    """The period's events on a date axis, one dot each, labelled with the record id."""
    if not r.events:
        return None
    start = r.options.since.start if r.options.since else (r.meeting.date.start if r.meeting else
                                                            min(e.entry.date.start for e in r.events))
    end = max(r.options.today, max(e.entry.date.end for e in r.events))
    if end <= start:
        end = start + _dt.timedelta(days=1)
    w, margin = 1000, 30
    span = (end - start).days

    def xpos(day: _dt.date) -> float:
        return margin + (w - 2 * margin) * max(0, (day - start).days) / span

    placed: list[tuple[float, int, Event]] = []
    row_ends: list[float] = []
    for e in sorted(r.events, key=lambda e: (e.entry.date.start, e.record_id)):
        d = e.entry.date
        mid = d.start + (min(d.end, end) - d.start) / 2 if d.precision != "day" else d.start
        x = xpos(mid)
        size = 7.2 * len(e.record_id) + 16
        row = next((i for i, last in enumerate(row_ends) if last < x), len(row_ends))
        if row == len(row_ends):
            row_ends.append(0)
        row_ends[row] = x + size
        placed.append((x, row, e))
    row_h, top = 20, 10
    axis = top + len(row_ends) * row_h + 8
    ticks, years = [], []
    for year in range(start.year, end.year + 1):
        for month in (1, 7):
            day = _dt.date(year, month, 1)
            if start <= day <= end:
                x = xpos(day)
                ticks.append({"x": x, "size": 6 if month == 1 else 3})
                if month == 1 and abs(x - xpos(start)) > 70 and abs(x - xpos(end)) > 70:
                    years.append({"x": x, "year": year})
    dots = []
    for x, row, e in placed:
        color = (STATUS_COLORS.get(e.entry.to, "#57606a") if e.collection == "commitments"
                 else CROSSING_EVENT_COLOR)
        dots.append({"x": x, "y": top + row * row_h + 10, "color": color, "record": e.record_id,
                     "title": f"{date_text(e.entry.date, r.lang)} {e.record_id}{r.p.colon}{change_text(e.entry, r.lang)}"
                              + (f" — {note_text(e.entry, r.lang)}" if note_text(e.entry, r.lang) else "")})
    return {"w": w, "h": axis + 34, "axis": axis, "margin": margin, "ticks": ticks, "years": years, "dots": dots,
            "ends": [{"x": xpos(start), "label": date_text(start, r.lang), "anchor": "start"},
                     {"x": xpos(end), "label": date_text(end, r.lang), "anchor": "end"}]}


def context(r: Report) -> dict[str, Any]:
    """Everything the template shows, as plain values."""
    lang, g = r.lang, r.total
    numbers = source_numbers(r)
    used = status_columns(g)
    blocks = []
    for block in r.blocks:
        with_parties = block.party is not None
        info = None
        if block.group is not None:
            gp = block.group
            own, joint = own_note(block, r)
            info = {"total": gp.total, "total_text": counted("commitments", gp.total, lang), "completion": completion_text(gp), "overdue": gp.overdue, "late": gp.late,
                    "own": own_shown_note(block, r) or own, "joint": joint}
        blocks.append({
            "key": block.key, "party": block.party, "label": block.label, "info": info,
            "with_parties": with_parties,
            "elsewhere": elsewhere(block, r),
            "elsewhere_title": paper_t(r, "shared", party=block.label),
            "sections": [{"anchor": f"{block.key}-s{number}",
                          "title": section_title(records[0].meeting, number, lang),
                          "rows": [_commitment_row(c, r, with_parties, numbers) for c in records]}
                         for number, records in shown_sections(block, r)],
        })
    legend = [("#1a7f37", r.t("reached"))]
    if r.options.since:
        legend.append(("#d4a72c", r.t("reached_since")))
    legend += [("#8c959f", r.t("suspended")), ("#eef1f4", r.t("not_reached"))]
    return {
        "r": r, "t": r.t, "p": r.p, "html_lang": "zh-Hans" if lang == "zh" else lang, "title_zh_note": title_zh_note(r), "paper_t": lambda key, **v: paper_t(r, key, **v), "lang": lang, "today": r.options.today.isoformat(),
        "as_of": as_of_text(r), "generated": generated_text(r), "headline_note": headline_note(r),
        "title": report_title(r), "meeting": meeting_line(r),
        "stamp": {"cls": "nogit" if r.stamp is None else ("dirty" if r.stamp[1] else "clean"),
                  "commit": r.stamp[0] if r.stamp else None,
                  "dirty": str(r.stamp[1]).lower() if r.stamp else None, "text": stamp_text(r)},
        "scope": scope_text(r), "events_title": events_title(r),
        "toc": [("headline", r.t("headline")), ("events", events_title(r)), ("crossings", r.t("crossings")),
                *((f"party-{b.key}", b.label) for b in r.blocks),
                *((("sources", SOURCES_TITLE[lang]),) if numbers else ())],
        "figures": [{"key": key, "label": r.t(key), "value": value, "alert": key == "overdue" and r.timings[key] > 0,
                     "detail": headline_detail(r, key)} for key, value in headline_figures(r)],
        "status_chart": status_chart(g, lang),
        "statuses": [{"key": s, "label": status_label(s, lang), "color": STATUS_COLORS[s], "n": n,
                      "share": n / g.total if g.total else 0} for s, n in status_rows(g)],
        "used": [{"key": s, "label": status_label(s, lang)} for s in used],
        "parties": [{"key": gp.key, "slug": slug(gp.key), "label": party_label(gp.key, lang, r.options.today),
                     "total": gp.total, "counts": [standing_counts(gp)[s] for s in used], "overdue": gp.overdue,
                     "late": gp.late, "pct": pct(gp), "completion": gp.completion} for gp in r.party_groups],
        "timeline": timeline_chart(r),
        "event_legend": [{"color": STATUS_COLORS[s], "label": status_label(s, lang)} for s in STATUSES
                         if any(e.entry.to == s and e.collection == "commitments" for e in r.events)]
                        + ([{"color": CROSSING_EVENT_COLOR, "label": r.t("crossing_events")}]
                           if any(e.collection == "crossings" for e in r.events) else []),
        "events": [{"date": date_text(e.date, r.lang), "records": e.records, "note": e.note, "links": _links(e.evidence, numbers),
                    "parts": [{"change": change, "weak": weak, "ids": ids} for change, weak, ids in e.items]}
                   for e in event_groups(r)],
        "changes": None if r.changes is None else [change_row(ch, lang) for ch in r.changes],
        "changes_title": r.t("changes", rev=r.options.since_rev or ""),
        "ladder": ladder_chart(r),
        "ladder_legend": legend,
        "blocks": blocks,
        "sources": {"title": SOURCES_TITLE[lang], "notes": [{"n": n, "url": u} for u, n in numbers.items()]},
        "status_colors": STATUS_COLORS,
    }


def write_html(r: Report, out: TextIO) -> None:
    out.write(_environment().get_template("report.html.j2").render(context(r)))
