"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network."""

from __future__ import annotations

import datetime as _dt
import html
from typing import Iterable, Sequence, TextIO

from ...core.model import Commitment, LADDER, STAGE_LABELS, STATUSES
from ...core.text import safe_text, slug
from ...ops.changes import Event
from ...ops.query import Group, timing
from ..render import TIMING_LABELS, status_label, status_or_stage
from .model import (
    CROSSING_EVENT_COLOR, Report, STATUS_COLORS, TEXT, change_row, change_text, completion_text,
    crossing_sub, events_title, evidence_of, headline_figures, is_web_url, ladder_cells, meeting_line,
    own_note, parties_text, party_label, pct, report_title, scope_text, section_title, stamp_text,
    status_columns, title_of, url_host,
)


# --- HTML -------------------------------------------------------------------------------------


def h(text: str) -> str:
    """Data text for HTML (element content or quoted attribute): inert, controls visible."""
    return html.escape(safe_text(str(text)), quote=True)


def html_link(url: str) -> str:
    if not is_web_url(url):
        return f'<span class="url">{h(url)}</span>'
    return f'<a href="{h(url)}" title="{h(url)}" rel="noopener noreferrer">{h(url_host(url))}</a>'


CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d0d7de; --soft: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC",
       "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: #fff; margin: 0 auto;
       max-width: 1180px; padding: 24px 28px 48px; line-height: 1.45; font-size: 15px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 6px; color: #24292f; }
header .meeting { color: var(--muted); margin: 0 0 10px; }
header dl { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0; font-size: 14px; }
header dl > div { display: flex; gap: 6px; }
header dt { font-weight: 600; } header dt::after { content: ":"; } header dd { margin: 0; }
.stamp.dirty, .stamp.nogit { color: #9a6700; }
nav.toc { font-size: 14px; margin-top: 12px; } nav.toc a { margin-right: 14px; }
a { color: var(--accent); }
.figures { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; margin: 12px 0; }
.figure { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: var(--soft); }
.figure .label { font-size: 13px; color: var(--muted); }
.figure .value { font-size: 26px; font-weight: 650; }
.figure.alert .value { color: #cf222e; }
.note { font-size: 13px; color: var(--muted); margin: 4px 0 10px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 6px 0 12px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.commitments { table-layout: fixed; }
td.id { white-space: nowrap; font-weight: 600; }
table.parties th { font-size: 12.5px; vertical-align: bottom; }
table.parties td:first-child { white-space: nowrap; }
td.evidence { word-break: break-word; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12.5px; color: #fff;
         white-space: nowrap; }
.timing { font-size: 12.5px; color: var(--muted); white-space: nowrap; }
.timing.overdue { color: #cf222e; font-weight: 600; } .timing.late { color: #9a6700; }
.meter { display: inline-block; width: 90px; height: 10px; background: #eaeef2; border-radius: 5px;
         overflow: hidden; vertical-align: middle; }
.meter > span { display: block; height: 100%; background: #1a7f37; }
.weak { color: #9a6700; font-size: 12px; }
.none { color: var(--muted); }
time.date { font-weight: 600; }
svg { width: 100%; height: auto; display: block; margin: 8px 0; }
svg text { font-family: inherit; }
.legend { font-size: 13px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 6px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -1px;
          margin-right: 4px; }
section.party h2 .zh { font-weight: 400; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav.toc { display: none; }
  section.party { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, .figure, svg { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  td.evidence a::after { content: " <" attr(href) ">"; font-size: 8pt; color: var(--muted); word-break: break-all; }
}
"""


def _badge(status: str, lang: str) -> str:
    return (f'<span class="badge status-{h(status)}" style="background:{STATUS_COLORS.get(status, "#57606a")}">'
            f"{h(status_label(status, lang))}</span>")


def _table(headers: Sequence[tuple[str, str]], rows: Iterable[str], cls: str = "",
           widths: Sequence[int] = ()) -> list[str]:
    head = "".join(f'<th class="{c}">{h(t)}</th>' if c else f"<th>{h(t)}</th>" for t, c in headers)
    cols = ["<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>"] if widths else []
    return [f'<table class="{cls}">' if cls else "<table>", *cols, f"<thead><tr>{head}</tr></thead>", "<tbody>",
            *rows, "</tbody>", "</table>"]


def _wrap(label: str, limit: int = 12) -> list[str]:
    """One or two lines for a column heading."""
    if len(label) <= limit or " " not in label:
        return [label]
    words = label.split()
    best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


def _fit(text: str, size: float, room: float) -> str:
    """A textLength squeeze for a label estimated wider than its room (no script to measure it)."""
    estimate = size * sum(1.0 if ord(ch) > 0x2E80 else 0.56 for ch in text)
    return f' textLength="{room:.0f}" lengthAdjust="spacingAndGlyphs"' if estimate > room else ""


def status_chart(g: Group, lang: str) -> str:
    """A stacked bar of the commitments by status."""
    w, bar_h = 1000, 34
    parts = [f'<svg class="status-chart" viewBox="0 0 {w} {bar_h + 4}" width="{w}" height="{bar_h + 4}" '
             f'role="img" aria-label="{h(TEXT[lang]["status"])}" xmlns="http://www.w3.org/2000/svg">']
    x = 0.0
    for s in STATUSES:
        n = g.counts[s]
        if not n or not g.total:
            continue
        seg = w * n / g.total
        parts.append(f'<rect x="{x:.1f}" y="2" width="{seg:.1f}" height="{bar_h}" fill="{STATUS_COLORS[s]}">'
                     f"<title>{h(status_label(s, lang))}: {n}</title></rect>")
        if seg > 40:
            parts.append(f'<text x="{x + seg / 2:.1f}" y="{bar_h / 2 + 7}" text-anchor="middle" fill="#fff" '
                         f'font-size="15" font-weight="600">{n}</text>')
        x += seg
    parts.append("</svg>")
    return "".join(parts)


def ladder_chart(r: Report) -> str:
    """Rows = crossings, columns = ladder stages planned → operating, filled up to the current stage."""
    label_w, col_w, row_h, head_h, stage_w = 340, 84, 40, 62, 130
    n = len(LADDER)
    w = label_w + n * col_w + stage_w
    ht = head_h + row_h * len(r.crossings) + 6
    fills = {"on": "#1a7f37", "new": "#d4a72c", "held": "#8c959f", "off": "#eef1f4"}
    out = [f'<svg class="ladder-chart" viewBox="0 0 {w} {ht}" width="{w}" height="{ht}" role="img" '
           f'aria-label="{h(r.t("crossings"))}" xmlns="http://www.w3.org/2000/svg">']
    out.append(f'<text x="0" y="{head_h - 10}" font-size="13" font-weight="600" fill="#59636e">'
               f"{h(r.t('pair'))}</text>")
    for i, stage in enumerate(LADDER):
        cx = label_w + i * col_w + col_w / 2
        lines = _wrap(STAGE_LABELS[r.lang][stage])
        y0 = head_h - 10 - 14 * (len(lines) - 1)
        out.append(f'<text x="{cx:.0f}" y="14" text-anchor="middle" font-size="11" fill="#8c959f">{i + 1}</text>')
        for k, line in enumerate(lines):
            out.append(f'<text x="{cx:.0f}" y="{y0 + 14 * k}" text-anchor="middle" font-size="12" '
                       f'fill="#24292f">{h(line)}</text>')
    out.append(f'<text x="{label_w + n * col_w + 12}" y="{head_h - 10}" font-size="13" font-weight="600" '
               f'fill="#59636e">{h(r.t("stage"))}</text>')
    for row, x in enumerate(r.crossings):
        y = head_h + row * row_h
        cells = ladder_cells(x, r)
        stage = status_or_stage(x.stage, r.lang)
        if row % 2 == 0:
            out.append(f'<rect x="0" y="{y}" width="{w}" height="{row_h}" fill="#f6f8fa"/>')
        out.append(f'<g class="crossing" data-crossing="{h(x.id)}" data-stage="{h(x.stage)}">')
        out.append(f"<title>{h(x.pair)}: {h(stage)}</title>")
        indent = 16 if x.parent else 0
        name = ("↳ " if x.parent else "") + x.pair
        room = label_w - 12 - indent
        out.append(f'<text x="{4 + indent}" y="{y + 17}" font-size="13.5" font-weight="600" fill="#1f2328"'
                   f'{_fit(name, 13.5, room)}>{h(name)}</text>')
        sub = crossing_sub(x, r)
        out.append(f'<text x="{4 + indent}" y="{y + 33}" font-size="11.5" fill="#59636e"{_fit(sub, 11.5, room)}>'
                   f"{h(sub)}</text>")
        for i, state in enumerate(cells):
            cx = label_w + i * col_w
            stroke = ' stroke="#d0d7de"' if state == "off" else ""
            out.append(f'<rect class="cell {state}" x="{cx + 4}" y="{y + 9}" width="{col_w - 8}" '
                       f'height="{row_h - 18}" rx="4" fill="{fills[state]}"{stroke}/>')
        color = "#8c959f" if x.stage not in LADDER else "#1f2328"
        out.append(f'<text x="{label_w + n * col_w + 12}" y="{y + 25}" font-size="13" fill="{color}">'
                   f"{h(stage)}</text>")
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def timeline_chart(r: Report) -> str:
    """The period's events on a date axis, one dot each, labelled with the record id."""
    if not r.events:
        return ""
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
    rows = len(row_ends)
    row_h, top = 20, 10
    axis = top + rows * row_h + 8
    ht = axis + 34
    out = [f'<svg class="timeline-chart" viewBox="0 0 {w} {ht}" width="{w}" height="{ht}" role="img" '
           f'aria-label="{h(r.t("timeline"))}" xmlns="http://www.w3.org/2000/svg">']
    out.append(f'<line x1="{margin}" y1="{axis}" x2="{w - margin}" y2="{axis}" stroke="#8c959f" stroke-width="1.5"/>')
    for year in range(start.year, end.year + 1):
        for month in (1, 7):
            day = _dt.date(year, month, 1)
            if start <= day <= end:
                x = xpos(day)
                big = month == 1
                out.append(f'<line x1="{x:.1f}" y1="{axis - (6 if big else 3)}" x2="{x:.1f}" y2="{axis + (6 if big else 3)}" '
                           f'stroke="#8c959f"/>')
                if big and abs(x - xpos(start)) > 70 and abs(x - xpos(end)) > 70:
                    out.append(f'<text x="{x:.1f}" y="{axis + 22}" text-anchor="middle" font-size="12" '
                               f'fill="#59636e">{year}</text>')
    for label, day in ((str(start), start), (str(end), end)):
        anchor = "start" if day == start else "end"
        out.append(f'<text x="{xpos(day):.1f}" y="{axis + 22}" text-anchor="{anchor}" font-size="11" '
                   f'fill="#8c959f">{h(label)}</text>')
    for x, row, e in placed:
        y = top + row * row_h + 10
        color = (STATUS_COLORS.get(e.entry.to, "#57606a") if e.collection == "commitments"
                 else CROSSING_EVENT_COLOR)
        out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{axis}" stroke="{color}" stroke-opacity="0.35"/>')
        out.append(f'<g class="event" data-record="{h(e.record_id)}"><title>{h(str(e.entry.date))} '
                   f"{h(e.record_id)}: {h(change_text(e.entry, r.lang))}"
                   f"{h(' — ' + e.entry.note_in(r.lang)) if e.entry.note_in(r.lang) else ''}</title>"
                   f'<circle cx="{x:.1f}" cy="{y}" r="5" fill="{color}"/>'
                   f'<text x="{x + 8:.1f}" y="{y + 4}" font-size="11.5" fill="#24292f">{h(e.record_id)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _commitment_rows(records: Sequence[Commitment], r: Report, with_parties: bool) -> list[str]:
    rows = []
    for c in records:
        when = timing(c, r.options.today)
        timing_html = (f' <span class="timing {h(when)}">{h(TIMING_LABELS[r.lang][when])}</span>'
                       if TIMING_LABELS[r.lang][when] else "")
        done = f' <span class="timing">{h(str(c.done_on))}</span>' if c.done_on else ""
        last = c.last_event
        if last is None:
            last_html = f'<span class="none">{h(r.t("none"))}</span>'
        else:
            last_html = (f'<time class="date" datetime="{h(str(last.date))}">{h(str(last.date))}</time> '
                         f"{h(last.note_in(r.lang) or change_text(last, r.lang))}"
                         + (f' <span class="weak">[{h(r.t("weak"))}]</span>' if last.confidence == "weak" else ""))
        links = ", ".join(html_link(u) for u in evidence_of(c)) or '<span class="none">—</span>'
        cells = [f'<td class="id">{h(c.id)}</td>', f"<td>{h(title_of(c, r.lang))}</td>"]
        if with_parties:
            cells.append(f"<td>{h(parties_text(c, r))}</td>")
        cells += [f'<td class="num">{h(str(c.due)) if c.due else "—"}</td>',
                  f"<td>{_badge(c.status, r.lang)}{done}{timing_html}</td>",
                  f"<td>{last_html}</td>", f'<td class="evidence">{links}</td>']
        rows.append(f'<tr id="{h(c.id)}" data-status="{h(c.status)}">' + "".join(cells) + "</tr>")
    return rows


def write_html(r: Report, out: TextIO) -> None:
    lang, g = r.lang, r.total
    p: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Defence in depth: even if some text escaped escaping, nothing may run or load.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        '<meta name="generator" content="bbtrack report">',
        f"<title>{h(report_title(r))} — {r.options.today.isoformat()}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{h(report_title(r))}</h1>",
    ]
    if r.meeting:
        p.append(f'<p class="meeting">{h(meeting_line(r))}</p>')
    stamp_cls = "nogit" if r.stamp is None else ("dirty" if r.stamp[1] else "clean")
    stamp_attrs = (f' data-commit="{h(r.stamp[0])}" data-dirty="{str(r.stamp[1]).lower()}"' if r.stamp else "")
    p += [
        "<dl>",
        f'<div><dt>{h(r.t("as_of"))}</dt><dd class="as-of">{r.options.today.isoformat()}</dd></div>',
        f'<div><dt>{h(r.t("data"))}</dt><dd class="stamp {stamp_cls}"{stamp_attrs}>{h(stamp_text(r))}</dd></div>',
        f'<div><dt>{h(r.t("scope"))}</dt><dd>{h(scope_text(r))}</dd></div>',
        "</dl>",
        '<nav class="toc">' + " ".join(
            f'<a href="#{anchor}">{h(label)}</a>' for anchor, label in (
                ("headline", r.t("headline")), ("events", events_title(r)), ("crossings", r.t("crossings")),
                *((f"party-{b.key}", b.label) for b in r.blocks))) + "</nav>",
        "</header>",
    ]

    # headline
    p.append('<section class="headline" id="headline">')
    p.append(f"<h2>{h(r.t('headline'))}</h2>")
    p.append('<div class="figures">')
    cards = [(key, value, key == "overdue" and r.timings[key] > 0) for key, value in headline_figures(r)]
    for key, value, alert in cards:
        p.append(f'<div class="figure{" alert" if alert else ""}" data-figure="{key}"><div class="label">'
                 f'{h(r.t(key))}</div><div class="value">{h(value)}</div></div>')
    p.append("</div>")
    p.append(f'<p class="note">{h(r.t("completion"))}: {h(r.t("completion_note"))}. '
             f'{h(r.t("on-time"))}, {h(r.t("late").lower())}, {h(r.t("overdue").lower())}: '
             f'{h(r.t("timing_note"))}.</p>')
    p.append(status_chart(g, lang))
    p.append('<div class="legend">' + "".join(
        f'<span><span class="swatch" style="background:{STATUS_COLORS[s]}"></span>{h(status_label(s, lang))} '
        f"{g.counts[s]}</span>" for s in STATUSES if g.counts[s]) + "</div>")
    rows = []
    for s in STATUSES:
        n = g.counts[s]
        share = n / g.total if g.total else 0
        rows.append(f'<tr data-status="{s}"><td>{_badge(s, lang)}</td><td class="num count">{n}</td>'
                    f'<td class="num">{share:.0%}</td><td><span class="meter"><span style="width:{share * 100:.1f}%;'
                    f'background:{STATUS_COLORS[s]}"></span></span></td></tr>')
    p += _table([(r.t("status"), ""), (r.t("count"), "num"), (r.t("share"), "num"), (r.t("chart"), "")], rows,
                "statuses")
    p.append(f"<h3>{h(r.t('by_party'))}</h3>")
    used = status_columns(g)
    rows = []
    for gp in r.party_groups:
        meter = (f'<span class="meter"><span style="width:{gp.completion * 100:.1f}%"></span></span>'
                 if gp.completion is not None else "")
        rows.append(f'<tr data-party="{h(gp.key)}"><td><a href="#party-{slug(gp.key)}">'
                    f"{h(party_label(gp.key, lang, r.options.today))}</a></td>"
                    f'<td class="num total">{gp.total}</td>'
                    + "".join(f'<td class="num" data-status="{s}">{gp.counts[s]}</td>' for s in used)
                    + f'<td class="num overdue">{gp.overdue}</td><td class="num late">{gp.late}</td>'
                    f'<td class="num completion">{h(pct(gp))}</td><td>{meter}</td></tr>')
    p += _table([(r.t("party"), ""), (r.t("total_short"), "num"), *((status_label(s, lang), "num") for s in used),
                 (r.t("overdue"), "num"), (r.t("late"), "num"), (r.t("completion"), "num"), (r.t("chart"), "")],
                rows, "parties")
    p.append("</section>")

    # what changed
    p.append('<section class="events" id="events">')
    p.append(f"<h2>{h(events_title(r))}</h2>")
    if r.events:
        p.append(timeline_chart(r))
        p.append('<div class="legend">' + "".join(
            f'<span><span class="swatch" style="background:{STATUS_COLORS[s]}"></span>{h(status_label(s, lang))}'
            "</span>" for s in STATUSES if any(e.entry.to == s and e.collection == "commitments" for e in r.events))
            + (f'<span><span class="swatch" style="background:{CROSSING_EVENT_COLOR}"></span>'
               f'{h(r.t("crossing_events"))}</span>' if any(e.collection == "crossings" for e in r.events) else "")
            + "</div>")
        rows = []
        for e in r.events:
            weak = f' <span class="weak">[{h(r.t("weak"))}]</span>' if e.entry.confidence == "weak" else ""
            links = ", ".join(html_link(u) for u in e.entry.evidence)
            rows.append(f'<tr data-record="{h(e.record_id)}"><td class="num">{h(str(e.entry.date))}</td>'
                        f'<td class="id">{h(e.record_id)}</td><td>{h(change_text(e.entry, lang))}{weak}</td>'
                        f'<td>{h(e.entry.note_in(r.lang) or "")}</td><td class="evidence">{links}</td></tr>')
        p += _table([(r.t(k), "num" if k == "date" else "") for k in ("date", "record", "change", "note", "evidence")],
                    rows, "events")
    else:
        p.append(f'<p class="none">{h(r.t("no_events"))}</p>')
    if r.changes is not None:
        p.append(f'<h3 class="changes">{h(r.t("changes", rev=r.options.since_rev or ""))}</h3>')
        if r.changes:
            rows = [f'<tr data-record="{h(a)}"><td class="id">{h(a)}</td><td>{h(b)}</td><td>{h(c)}</td></tr>'
                    for a, b, c in (change_row(ch, lang) for ch in r.changes)]
            p += _table([(r.t("record"), ""), (r.t("field"), ""), (r.t("detail"), "")], rows, "changes")
        else:
            p.append(f'<p class="none">{h(r.t("no_changes"))}</p>')
    p.append("</section>")

    # crossings
    p.append('<section class="crossings" id="crossings">')
    p.append(f"<h2>{h(r.t('crossings'))}</h2>")
    p.append(f'<p class="note">{h(r.t("crossings_note"))}</p>')
    p.append(ladder_chart(r))
    legend = [("#1a7f37", r.t("reached"))]
    if r.options.since:
        legend.append(("#d4a72c", r.t("reached_since")))
    legend += [("#8c959f", r.t("suspended")), ("#eef1f4", r.t("not_reached"))]
    p.append('<div class="legend">' + "".join(
        f'<span><span class="swatch" style="background:{c};border:1px solid #d0d7de"></span>{h(t)}</span>'
        for c, t in legend) + "</div>")
    p.append("</section>")

    # parties
    for block in r.blocks:
        party_attr = f' data-party="{h(block.party)}"' if block.party else ""
        p.append(f'<section class="party" id="party-{block.key}"{party_attr}>')
        p.append(f"<h2>{h(block.label)}</h2>")
        if block.group is not None:
            gp = block.group
            p.append(f'<p class="figures-line">{gp.total} {h(r.t("commitments"))} · {h(r.t("completion"))}: '
                     f'{h(completion_text(gp))} · {h(r.t("overdue"))}: {gp.overdue} · {h(r.t("late"))}: {gp.late}</p>')
            own, joint = own_note(block, r)
            p.append(f'<p class="note">{h(own)}'
                     + (f'{h(joint)} <a href="#party-all">{h(r.t("joint"))}</a>' if joint else "") + ".</p>")
        for number, records in block.sections:
            p.append(f'<h3 id="{block.key}-s{number}">{h(section_title(records[0].meeting, number, lang))}</h3>')
            with_parties = block.party is not None
            heads = [(r.t("id"), ""), (r.t("what"), ""), *([(r.t("parties"), "")] if with_parties else []),
                     (r.t("due_col"), "num"), (r.t("status"), ""), (r.t("last_event"), ""), (r.t("evidence"), "")]
            widths = (10, 24, 12, 6, 13, 24, 11) if with_parties else (10, 31, 6, 14, 27, 12)
            p += _table(heads, _commitment_rows(records, r, with_parties), "commitments", widths)
        p.append("</section>")

    p.append(f'<footer>bbtrack · {h(r.t("as_of"))} {r.options.today.isoformat()} · {h(stamp_text(r))}</footer>')
    p += ["</body>", "</html>"]
    out.write("\n".join(x for x in p if x) + "\n")
