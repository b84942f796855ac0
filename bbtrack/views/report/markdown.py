"""The report as GitHub-flavoured Markdown: padded tables, every piece of data text escaped."""

from __future__ import annotations

import re
from typing import Sequence, TextIO
from urllib.parse import quote as _urlquote

from ...core.model import LADDER
from ...core.text import safe_text
from ..render import bar as text_bar, due_cell, note_text, standing_counts, status_cell, status_label, status_or_stage
from ..tables import width
from .ladder import crossing_name
from ..labels import aside
from .text import counted, date_text
from .model import (
    Report, as_of_text, change_row, change_text, completion_text,  crossing_sub, events_title,
    evidence_of, generated_text, headline_detail, headline_figures, is_web_url, ladder_cells, last_event_text,
    headline_note, meeting_line, own_note, parties_text, party_label, pct, report_title, scope_text,
    section_title, stage_legend, stamp_text, title_zh_note, status_columns, status_rows, title_in, url_host,
)


# --- markdown --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!{}])")


def md(text: str) -> str:
    """Data text made inert in Markdown: markup characters backslash-escaped, `|` included, and
    a leading list or heading marker ("1." "-" "+" "=") too."""
    text = _MD_SPECIAL.sub(r"\\\1", safe_text(text))
    return re.sub(r"^(\d+)([.)])|^([-+=])", lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def md_link(url: str) -> str:
    if not is_web_url(url):
        return md(url)
    target = _urlquote(url, safe=":/?#@!$&'*+,;=%-._~")
    return f"[{md(url_host(url))}]({target})"


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """Cells are Markdown already (escaped). Padded by display width so the pipes line up."""
    align = align.ljust(len(headers), "l")
    sizes = [max(3, width(h)) for h in headers]
    for row in rows:
        sizes = [max(s, width(c)) for s, c in zip(sizes, row)]

    def pad(text: str, size: int, side: str) -> str:
        gap = size - width(text)
        if side == "r":
            return " " * gap + text
        if side == "c":
            return " " * (gap // 2) + text + " " * (gap - gap // 2)
        return text + " " * gap

    def rule(size: int, side: str) -> str:
        return {"r": "-" * (size - 1) + ":", "c": ":" + "-" * (size - 2) + ":"}.get(side, "-" * size)

    lines = ["| " + " | ".join(pad(h, s, a) for h, s, a in zip(headers, sizes, align)) + " |"]
    lines.append("| " + " | ".join(rule(s, a) for s, a in zip(sizes, align)) + " |")
    for row in rows:
        lines.append("| " + " | ".join(pad(c, s, a) for c, s, a in zip(row, sizes, align)) + " |")
    return lines


def write_markdown(r: Report, out: TextIO) -> None:
    def label(text: str) -> str:  # "**As of:** " / "**数据截至：**"
        return f"**{md(text)}{r.p.colon.rstrip()}**{r.p.space}"

    lines: list[str] = [f"# {md(report_title(r))}", ""]
    if r.meeting:
        lines += [md(meeting_line(r)), ""]
    lines += [
        f"- {label(r.t('as_of'))}{md(as_of_text(r))}{md(aside(r.t('as_of_note'), r.lang))}",
        f"- {label(r.t('data'))}{md(stamp_text(r))}",
        f"- {label(r.t('generated'))}{md(generated_text(r))}",
        f"- {label(r.t('scope'))}{md(scope_text(r))}",
        *([f"- *{md(title_zh_note(r))}*"] if title_zh_note(r) else []),
        "",
        f"## {md(r.t('headline'))}",
        "",
    ]
    g = r.total
    figures = [(r.t(k), v, headline_detail(r, k)) for k, v in headline_figures(r)]
    lines += md_table([md(r.t("headline")), md(r.t("count")), ""],
                      [[md(k), md(v), md(d)] for k, v, d in figures], "lrl")
    lines += ["", md(headline_note(r)), ""]
    rows = []
    for s, n in status_rows(g):
        share = n / g.total if g.total else None
        rows.append([md(status_label(s, r.lang)), str(n), f"{share:.0%}" if share is not None else "—",
                     text_bar(share, 20)])
    lines += md_table([md(r.t("status")), md(r.t("count")), md(r.t("share")), md(r.t("chart"))], rows, "lrrl")
    lines += ["", f"### {md(r.t('by_party'))}", ""]
    used = status_columns(g)
    headers = [md(r.t("party")), md(r.t("total_short")), *(md(status_label(s, r.lang)) for s in used),
               md(r.t("overdue")), md(r.t("late")), md(r.t("completion")), md(r.t("chart"))]
    rows = [[md(party_label(p.key, r.lang, r.options.today)), str(p.total), *(str(standing_counts(p)[s]) for s in used),
             str(p.overdue), str(p.late), pct(p), text_bar(p.completion)] for p in r.party_groups]
    lines += md_table(headers, rows, "l" + "r" * (len(used) + 4) + "l")

    lines += ["", f"## {md(events_title(r))}", ""]
    if r.events:
        rows = [[date_text(e.entry.date, r.lang), md(e.record_id),
                 md(change_text(e.entry, r.lang) + (f" [{r.t('weak')}]" if e.entry.confidence == "weak" else "")),
                 md(note_text(e.entry, r.lang) or ""), ", ".join(md_link(u) for u in e.entry.evidence)] for e in r.events]
        lines += md_table([md(r.t(k)) for k in ("date", "record", "change", "note", "evidence")], rows)
    else:
        lines.append(md(r.t("no_events")))
    if r.changes is not None:
        lines += ["", f"## {md(r.t('changes', rev='REV')).replace('REV', f'`{r.options.since_rev}`')}", ""]
        if r.changes:
            rows = [[md(a), md(b), md(c)] for a, b, c in (change_row(ch, r.lang) for ch in r.changes)]
            lines += md_table([md(r.t("record")), md(r.t("field")), md(r.t("detail"))], rows)
        else:
            lines.append(md(r.t("no_changes")))

    lines += ["", f"## {md(r.t('crossings'))}", "", md(r.t("crossings_note")), ""]
    marks = {"on": "■", "new": "◆", "held": "▨", "off": "·"}
    rows = []
    for x in r.crossings:
        name = crossing_name(x, r)
        stage = status_or_stage(x.stage, r.lang)
        rows.append([md(name), md(crossing_sub(x, r)), *(marks[c] for c in ladder_cells(x, r)), md(stage)])
    headers = [md(r.t("pair")), md(r.t("detail")), *(str(i) for i in range(1, len(LADDER) + 1)), md(r.t("stage"))]
    lines += md_table(headers, rows, "ll" + "c" * len(LADDER) + "l")
    legend = (f"■ {r.t('reached')} · ◆ {r.t('reached_since')} · ▨ {r.t('suspended')} · · {r.t('not_reached')}"
              if r.options.since else f"■ {r.t('reached')} · ▨ {r.t('suspended')} · · {r.t('not_reached')}")
    lines += ["", md(f"{r.t('legend')}{r.p.colon}{stage_legend(r.lang)}{r.p.stop}{legend}{r.p.end}")]

    for block in r.blocks:
        lines += ["", f"## {md(block.label)}", ""]
        if block.group is not None:
            gp = block.group
            c = r.p.colon
            lines += [md(f"{counted('commitments', gp.total, r.lang)} · {r.t('completion')}{c}{completion_text(gp)}"
                         f" · {r.t('overdue')}{c}{gp.overdue} · {r.t('late')}{c}{gp.late}"), ""]
            own, joint = own_note(block, r)
            lines += [md(own + (f"{joint}{r.p.space}“{r.t('joint')}”" if joint else "") + r.p.end), ""]
        for number, records in block.sections:
            meeting = records[0].meeting
            lines += [f"### {md(section_title(meeting, number, r.lang))}", ""]
            with_parties = block.party is not None
            headers = [r.t("id"), r.t("what"), *([r.t("parties")] if with_parties else []), r.t("due_col"),
                       r.t("status"), r.t("last_event"), r.t("evidence")]
            rows = []
            for c in records:
                rows.append([md(c.id), md(title_in(c, r.lang)), *([md(parties_text(c, r))] if with_parties else []),
                             md(due_cell(c, r.lang) or "—"), md(status_cell(c, r.options.today, r.lang)),
                             md(last_event_text(c, r) or r.t("none")),
                             ", ".join(md_link(u) for u in evidence_of(c)) or "—"])
            lines += md_table([md(h) for h in headers], rows)
            lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    out.write("\n".join(lines) + "\n")


