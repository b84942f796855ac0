"""The progress report's model: everything it says, built once by `build`, and the
pieces of text every format shares. One module per format writes it (`terminal`,
`markdown`, `html`); `bbtrack.views.report.write` picks the writer.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

from ...core import provinces
from ...ops.changes import Event, FieldChange, diff_revisions, events
from ...core.dates import PartialDate
from ...core.errors import UsageError
from ...core.i18n import LANGS, _
from ...core.model import LADDER, STAGE_LABELS, Commitment, Crossing, Dataset, Meeting
from ...ops.query import Group, as_of, check_due_sources, id_key, summarize, timing, totals, with_due_source
from ..render import (  # change_text: the report's modules take it from here
    NO_UPDATE, STANDINGS, change_text, diff_cells, kind_label, note_text, standing_counts,
    summary_no_update_note,
)
from ...core.text import slug
from ...core.vocab import DUE_SOURCE_LABELS, DUE_SOURCES
from ..labels import PUNCTUATION, Punctuation, aside, due_text
from ..render import title_in  # noqa: F401 - the report's formats take it from here
from .ladder import nested
from .text import SECTION_TITLES, TEXT, counted, date_text

FORMATS = ("terminal", "markdown", "html", "docx")
BINARY_FORMATS = ("docx",)  # written to a file or a pipe, never to a terminal
GUANGXI = "Quảng Tây"

STATUS_COLORS = {
    NO_UPDATE: "#d0d7de", "open": "#8c959f", "in_progress": "#0969da", "ongoing": "#1b7c83", "stalled": "#bf8700",
    "done": "#1a7f37", "partly_done": "#7d8a2a", "not_done": "#cf222e", "dropped": "#57606a",
}
RICH_STYLES = {
    NO_UPDATE: "bright_black", "open": "bright_black", "in_progress": "blue", "ongoing": "cyan", "stalled": "yellow",
    "done": "green", "partly_done": "dark_khaki", "not_done": "red", "dropped": "bright_black",
}
CROSSING_EVENT_COLOR = "#8250df"


# --- options and the report's content ------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What a report covers and how it is written; checked when built."""

    today: _dt.date = field(default_factory=_dt.date.today)  # the day the figures stand on
    lang: str = "vi"
    fmt: str = "terminal"
    parties: frozenset[str] = frozenset()  # canonical names, merger already expanded; empty = all
    since: PartialDate | None = None
    since_rev: str | None = None
    generated: _dt.date = field(default_factory=_dt.date.today)  # the day it is written, shown apart
    due_sources: frozenset[str] = frozenset()  # only records whose due date has this basis; empty = all

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise UsageError(_("unknown format “{value}”; use one of {choices}").format(
                value=self.fmt, choices=", ".join(FORMATS)))
        if self.lang not in LANGS:
            raise UsageError(_("unknown language “{value}”; use one of {choices}").format(
                value=self.lang, choices=", ".join(LANGS)))
        unknown = [p for p in self.parties if p not in provinces.BY_NAME]
        if unknown:
            raise UsageError(_("unknown party “{value}”; use one of {choices}").format(
                value=unknown[0], choices=", ".join(provinces.MINUTES_PARTIES)))
        check_due_sources(self.due_sources)


@dataclass(frozen=True)
class Block:
    """One party's part of the report (or the joint commitments, key "all")."""

    key: str  # html id suffix: "all", "ha-giang", ...
    party: str | None  # canonical name; None for the joint block
    label: str
    group: Group | None  # the party's figures, as `summary --by party` gives them
    sections: tuple[tuple[int, tuple[Commitment, ...]], ...]


@dataclass(frozen=True)
class Report:
    """Everything a report shows, computed once and rendered in any format."""

    options: Options
    meeting: Meeting | None
    stamp: tuple[str, bool] | None
    total: Group
    timings: dict[str, int]
    party_groups: tuple[Group, ...]
    blocks: tuple[Block, ...]
    crossings: tuple[Crossing, ...]
    events: tuple[Event, ...]
    changes: tuple[FieldChange, ...] | None
    # The latest event of any record up to `options.today`: what the data is as of, not the day
    # the report was written. None when nothing was recorded.
    data_date: PartialDate | None = None
    # (timing, due_source) -> count: overdue and late told apart by the basis of the due date.
    bases: dict[tuple[str, str | None], int] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.options.lang

    @property
    def p(self) -> Punctuation:
        return PUNCTUATION[self.options.lang]

    def t(self, key: str, **values: str) -> str:
        text = TEXT[self.options.lang][key]
        return text.format(**values) if values else text


def party_label(name: str, lang: str, today: _dt.date) -> str:
    """"Hà Giang → Tuyên Quang" once the merger took effect; Guangxi named in the reader's language."""
    party = provinces.BY_NAME.get(name)
    if party is None:
        return name
    if party.country == "CN" and lang != "zh":
        return f"{party.name if lang == 'vi' else party.name_en} ({party.zh})"
    return party.display_in(lang, today)  # 谅山省, 河江省（现并入宣光省）, 广西壮族自治区 in Chinese (glossary A)


def section_title(meeting: str, section: int, lang: str) -> str:
    head = TEXT[lang]["section"].format(n=section)
    titles = SECTION_TITLES.get(meeting)
    if titles is None or section not in titles[lang]:
        return head
    if lang == "zh":  # "第3部分：重点领域合作"; the preamble is no numbered part: "序言：…"
        return titles[lang][section] if section == 0 else f"{head}：{titles[lang][section]}"
    return f"{head}. {titles[lang][section]}"


def build(ds: Dataset, data_dir: Path, options: Options) -> Report:
    from ...ops import gitio

    today, wanted = options.today, options.parties
    # As they stood on `today`, like `list` and `summary`: with a past --today every
    # figure, status cell and event of the report is of that day.
    records = tuple(sorted((as_of(c, today) for c in with_due_source(ds.commitments, options.due_sources)
                            if not wanted or wanted.intersection(c.parties)), key=lambda c: id_key(c.id)))
    total = totals(records, today)
    timings = Counter(timing(c, today) for c in records)
    shown = [p for p in provinces.MINUTES_PARTIES if not wanted or p in wanted]
    party_groups = tuple(g for g in summarize(records, "party", today) if g.key in shown)
    by_key = {g.key: g for g in party_groups}

    everyone = set(provinces.MINUTES_PARTIES)
    joint = [c for c in records if everyone <= set(c.parties)]
    blocks = []
    if joint:
        blocks.append(Block("all", None, TEXT[options.lang]["joint"], None, _by_section(joint)))
    for name in shown:
        own = [c for c in records if name in c.parties and not everyone <= set(c.parties)]
        blocks.append(Block(slug(name), name, party_label(name, options.lang, today), by_key.get(name),
                            _by_section(own)))

    crossings = nested(tuple(x for x in ds.crossings if not wanted or x.province in wanted or GUANGXI in wanted))
    keep = {c.id for c in records} | {x.id for x in crossings}
    found = tuple(e for e in events(ds, None, options.since) if e.record_id in keep and e.entry.date.start <= today)
    changes = None
    if options.since_rev is not None:
        known = {c.id for c in ds.commitments} | {x.id for x in ds.crossings}
        changes = tuple(ch for ch in diff_revisions(data_dir, options.since_rev, None)
                        if ch.record_id in keep or ch.record_id not in known)
    return Report(
        options=options,
        meeting=ds.meetings[0] if ds.meetings else None,
        stamp=gitio.stamp(data_dir),
        total=total,
        timings=timings,
        party_groups=party_groups,
        blocks=tuple(blocks),
        crossings=crossings,
        events=found,
        changes=changes,
        data_date=latest_event(ds, today),
        bases=dict(Counter((timing(c, today), getattr(c, "due_source", None)) for c in records if c.due)),
    )


def latest_event(ds: Dataset, today: _dt.date) -> PartialDate | None:
    """The latest history date of any record, commitment or crossing, up to `today`."""
    dates = [h.date for record in (*ds.commitments, *ds.crossings) for h in record.history if h.date.start <= today]
    return max(dates, key=lambda d: (d.start, d.end), default=None)


def _by_section(records: Iterable[Commitment]) -> tuple[tuple[int, tuple[Commitment, ...]], ...]:
    sections: dict[int, list[Commitment]] = {}
    for c in records:
        sections.setdefault(c.section, []).append(c)
    return tuple((n, tuple(sections[n])) for n in sorted(sections))


# --- shared pieces ----------------------------------------------------------------------


def is_web_url(url: str) -> bool:
    """Only these become links: http(s) with a host, no whitespace or quotes to break out of an attribute."""
    if re.search(r"[\s\"'<>`\\]", url) or not url.isprintable():
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def url_host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        return url
    return host[4:] if host.startswith("www.") else host


def evidence_of(c: Commitment) -> list[str]:
    """Every source of the record's history, newest first, once each."""
    seen: dict[str, None] = {}
    for entry in reversed(c.history):
        for url in entry.evidence:
            seen.setdefault(url, None)
    return list(seen)


def last_event_text(c: Commitment, r: Report) -> str:
    last = c.last_event
    if last is None:
        return ""
    text = f"{date_text(last.date, r.lang)}{r.p.colon}{note_text(last, r.lang) or change_text(last, r.lang)}"
    return text + (f" [{r.t('weak')}]" if last.confidence == "weak" else "")


def parties_text(c: Commitment, r: Report) -> str:
    if set(provinces.MINUTES_PARTIES) <= set(c.parties):
        return r.t("scope_all")
    return r.p.comma.join(party_label(p, r.lang, r.options.today) for p in c.parties)


def own_note(block: Block, r: Report) -> tuple[str, str | None]:
    """("3 own commitments below", "; 31 joint ones in") — the second None without joint ones."""
    own = sum(len(records) for _, records in block.sections)
    joint = (block.group.total if block.group else own) - own
    return (counted("own", own, r.lang, own=own),
            counted("joint", joint, r.lang, joint=joint) if joint else None)


def title_zh_note(r: Report) -> str:
    """"标题为非官方译文，仅供参考" (glossary T9), for a Chinese report only."""
    return r.t("title_zh_note") if r.lang == "zh" else ""


def stamp_text(r: Report) -> str:
    if r.stamp is None:
        return r.t("not_in_git")
    head, dirty = r.stamp
    return r.t("commit", hash=head) + (aside(r.t("dirty"), r.lang) if dirty else "")


def scope_text(r: Report) -> str:
    if not r.options.parties:
        text = r.t("scope_all")
    else:
        text = r.p.comma.join(party_label(p, r.lang, r.options.today) for p in provinces.MINUTES_PARTIES
                                     if p in r.options.parties)
    if r.options.due_sources:  # a report of part of the commitments says which part
        labels = DUE_SOURCE_LABELS[r.lang]
        text += r.p.semi + r.t("due_only", basis=r.p.comma.join(labels[s] for s in DUE_SOURCES if s in r.options.due_sources))
    return text


def report_title(r: Report) -> str:
    if r.meeting is None:
        return r.t("title")
    if r.lang == "zh":  # 2023年新春会晤会谈纪要落实进展报告
        return f"{r.meeting.date.year}年{r.t('title')}"
    return f"{r.t('title')} {r.meeting.date.year}"


def meeting_line(r: Report) -> str:
    if r.meeting is None:
        return ""
    m = r.meeting
    title = {"vi": m.title_vi, "en": m.title_en}.get(r.lang) or getattr(m, f"title_{r.lang}", None) \
        or r.t("meeting_title", year=str(m.date.year))
    return title + aside(date_text(m.date, r.lang), r.lang)


def events_title(r: Report) -> str:
    since = r.options.since
    return r.t("events_since", date=date_text(since, r.lang)) if since else r.t("events_all")


def pct(g: Group) -> str:
    return f"{g.completion:.0%}" if g.completion is not None else "—"


def completion_text(g: Group) -> str:
    return f"{g.done_deliverables}/{g.deliverables} ({pct(g)})"


def headline_figures(r: Report) -> list[tuple[str, str]]:
    """(TEXT key, value) of the headline figures, in the order every format shows them.

    "No update recorded" stands apart from the figures about delivery (done, late,
    overdue): it says the data holds no event, not that the work was not done."""
    g = r.total
    return [("total", str(g.total)), ("completion", completion_text(g)), (NO_UPDATE, str(g.no_update)),
            *((k, str(r.timings[k])) for k in ("on-time", "late", "overdue"))]


def headline_detail(r: Report, key: str) -> str:
    """The line under a headline figure: what "no update" is made of, and against which basis
    the late and overdue ones are counted ("" when there is nothing to split)."""
    g = r.total
    if key == NO_UPDATE and g.no_update:
        return r.t("no_update_detail", continuing=str(g.no_update_continuing),
                   deliverable=str(g.no_update - g.no_update_continuing))
    if key in ("late", "overdue", "on-time") and r.timings[key]:
        minutes, programme = r.bases.get((key, "minutes"), 0), r.bases.get((key, "programme"), 0)
        if minutes + programme == r.timings[key]:  # every basis known: the split is the whole count
            return r.t("basis_detail", minutes=str(minutes), programme=str(programme))
    return ""


def timing_note_text(r: Report) -> str:
    """What done on time, late and overdue are measured against, with the count of each basis:
    most due periods are only the year of the programme, no deadline the minutes set."""
    by_source = Counter()
    for (_due, source), n in r.bases.items():
        by_source[source] += n
    years = sorted({str(c.due) for b in r.blocks for _, records in b.sections for c in records
                    if c.due and getattr(c, "due_source", None) == "programme"})
    parts = [counted("timing_minutes", by_source["minutes"], r.lang) if by_source["minutes"] else "",
             counted("timing_programme", by_source["programme"], r.lang,
                     years=r.p.comma.join(due_text(y, r.lang) for y in years))
             if by_source["programme"] else "",
             counted("timing_unknown", by_source[None], r.lang) if by_source[None] else ""]
    return r.t("timing_note") + r.p.colon + r.p.semi.join(filter(None, parts)) if any(parts) else r.t("timing_note")


def headline_note(r: Report) -> str:
    """The note under the headline figures: what completion counts, what done on time, late and
    overdue are measured against (`timing_note_text`), and what "no update recorded" means."""
    p = r.p
    text = (f"{r.t('completion')}{p.colon}{r.t('completion_note')}{p.stop}{r.t('on-time')}{p.comma}"
            f"{r.t('late').lower()}{p.comma}{r.t('overdue').lower()}{p.colon}{timing_note_text(r)}{p.end}")
    return f"{text}{p.space}{no_update_note(r)}" if no_update_note(r) else text


def no_update_note(r: Report) -> str:
    return summary_no_update_note(r.total, r.lang) if r.total.no_update else ""


def as_of_text(r: Report) -> str:
    """The header's date: the latest recorded event; the day the figures stand on when asked
    with a past --today; the day the report was written comes apart (`generated_text`)."""
    text = date_text(r.data_date, r.lang) if r.data_date else r.t("no_event_yet")
    if r.options.today != r.options.generated:
        text += aside(f"{r.t('standing')} {date_text(r.options.today, r.lang)}", r.lang)
    return text


def generated_text(r: Report) -> str:
    return date_text(r.options.generated, r.lang)


def status_columns(g: Group) -> list[str]:
    """The standings the party table shows: those with a count (at least "no update")."""
    counts = standing_counts(g)
    return [s for s in STANDINGS if counts[s]] or [NO_UPDATE]


def status_rows(g: Group) -> list[tuple[str, int]]:
    """(standing, count) for the headline's status table: every status, and the open records
    without any event apart from those with one."""
    counts = standing_counts(g)
    return [(s, counts[s]) for s in STANDINGS]


def ladder_cells(x: Crossing, r: Report) -> list[str]:
    """Per ladder rung: "new" (reached in the period), "on" (reached), "held" (reached, now
    suspended) or "off"."""
    if x.stage in LADDER:
        top, state = LADDER.index(x.stage), "on"
    else:  # suspended: the rung it stood on before, from its history
        before = next((h.from_ for h in reversed(x.history) if h.to == x.stage and h.from_ in LADDER), None)
        top, state = (LADDER.index(before) if before else -1), "held"
    start = top
    if r.options.since is not None and state == "on":
        in_period = [h for h in x.history if h.date.end >= r.options.since.start]
        if in_period and in_period[0].from_ in LADDER:
            start = LADDER.index(in_period[0].from_)
    cells = []
    for i in range(len(LADDER)):
        if i > top:
            cells.append("off")
        elif i > start:
            cells.append("new")
        else:
            cells.append(state)
    return cells


def crossing_sub(x: Crossing, r: Report) -> str:
    """Under the pair's name, the names in the other script: the Chinese ones ("?" for a weak
    source) for a vi/en reader, the Vietnamese pair for a Chinese one, whose row is 中国X—越南Y."""
    if r.lang == "zh":
        zh = x.pair
    else:
        zh = " – ".join(filter(None, (x.name_zh and x.name_zh + ("?" if x.name_zh_confidence == "weak" else ""),
                                      x.partner_zh and x.partner_zh + ("?" if x.zh_confidence == "weak" else ""))))
    kind = kind_label(x.kind, r.lang)
    if x.target_kind and x.target_kind != x.kind:
        kind += f" → {kind_label(x.target_kind, r.lang)}"
    return " · ".join(filter(None, (zh, party_label(x.province, r.lang, r.options.today), kind)))


def change_row(ch: FieldChange, lang: str) -> tuple[str, str, str]:
    """A change to the data since the last report, as `diff` shows it (its sources are endnotes)."""
    return diff_cells(ch, lang, evidence=False)


def stage_legend(lang: str) -> str:
    return " · ".join(f"{i} = {STAGE_LABELS[lang][s]}" for i, s in enumerate(LADDER, 1))


