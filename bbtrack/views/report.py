"""The progress report for the next Spring Meeting, in three formats.

`build` gathers everything the report says into a `Report` (pure: the as-of
date is passed in, git is asked only for the stamp and, with `since_rev`, the
semantic diff); one writer per format turns it into text:

- terminal: Rich panels, tables and bars (Rich is imported only here);
- markdown: GitHub-flavoured, tables padded so the pipes line up in the source
  (East-Asian-width aware), every piece of data text escaped;
- html: one self-contained file (inline CSS and SVG, no script, no network),
  printable, every piece of data text escaped and only http(s) evidence linked.

The headline figures come from `query.totals`/`query.summarize`, so they agree
with `bbtrack summary`. Core code: writes to the stream it is given, never
prints or exits; bad options raise `UsageError`.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence, TextIO
from urllib.parse import quote as _urlquote
from urllib.parse import urlsplit

from ..core import provinces
from ..ops.changes import Event, FieldChange, diff_revisions, events
from ..core.dates import PartialDate
from ..core.errors import UsageError
from ..core.model import LADDER, STAGE_LABELS, STATUSES, Commitment, Crossing, Dataset, HistoryEntry, Meeting
from ..ops.query import Group, as_of, id_key, summarize, timing, totals
from .render import TIMING_LABELS, kind_label, short_value, status_cell, status_label, status_or_stage, width
from .render import bar as text_bar  # write_terminal draws its own Rich bar
from ..core.text import safe_text, slug

FORMATS = ("terminal", "markdown", "html")
LANGS = ("vi", "en")
GUANGXI = "Quảng Tây"

# Section headings of the minutes (data/minutes/…: "1. Tăng cường giao lưu …"); 0 is the preamble.
SECTION_TITLES = {
    "SM23": {
        0: ("Phần mở đầu: Tuyên bố chung 11/2022 và Bản ghi nhớ hợp tác hữu nghị 2022 – 2026",
            "Preamble: the November 2022 Joint Statement and the 2022–2026 friendship memorandum"),
        1: ("Tăng cường giao lưu hợp tác giữa các cấp ủy Đảng địa phương",
            "Closer cooperation between local Party committees"),
        2: ("Tiếp tục tăng cường giao lưu hữu nghị cấp cao", "More high-level friendly exchanges"),
        3: ("Về hợp tác trong các lĩnh vực trọng điểm", "Cooperation in key fields"),
        4: ("Tăng cường giao lưu văn hóa, xã hội", "More cultural and social exchanges"),
        5: ("Cùng xây dựng biên giới hòa bình ổn định", "Building a peaceful and stable border together"),
    },
}

TEXT = {
    "vi": {
        "title": "Báo cáo tiến độ thực hiện Biên bản Gặp gỡ đầu Xuân",
        "as_of": "Số liệu đến ngày",
        "data": "Dữ liệu",
        "commit": "commit {hash}",
        "dirty": "có thay đổi chưa commit",
        "not_in_git": "không nằm trong git",
        "scope": "Phạm vi",
        "scope_all": "cả 5 bên",
        "headline": "Số liệu chính",
        "commitments": "cam kết",
        "total": "Tổng số cam kết",
        "total_short": "Tổng",
        "completion": "Hoàn thành việc một lần",
        "completion_note": "tỷ lệ việc một lần (deliverable) đã hoàn thành",
        "on-time": "Đúng hạn",
        "late": "Trễ hạn",
        "overdue": "Quá hạn, chưa xong",
        "timing_note": "so với hạn trong biên bản",
        "status": "Trạng thái",
        "count": "Số lượng",
        "share": "Tỷ lệ",
        "chart": "Biểu đồ",
        "by_party": "Theo bên",
        "party": "Bên",
        "joint": "Cam kết chung của cả 5 bên",
        "own_note": "{own} cam kết riêng dưới đây",
        "joint_note": "; {joint} cam kết chung xem phần",
        "section": "Mục {n}",
        "id": "Mã",
        "what": "Nội dung",
        "parties": "Các bên",
        "due_col": "Hạn",
        "last_event": "Diễn biến gần nhất",
        "evidence": "Nguồn",
        "none": "chưa có",
        "weak": "nguồn yếu",
        "crossings": "Cửa khẩu: tiến trình mở, nâng cấp",
        "crossings_note": "Mỗi hàng là một cặp cửa khẩu; ô tô màu là các bậc đã đạt, đến giai đoạn hiện tại.",
        "pair": "Cặp cửa khẩu",
        "stage": "Giai đoạn",
        "reached": "đã đạt",
        "reached_since": "đạt được trong kỳ",
        "not_reached": "chưa đạt",
        "suspended": "tạm dừng",
        "events_since": "Diễn biến từ {date}",
        "events_all": "Diễn biến từ sau hội nghị",
        "no_events": "Chưa ghi nhận diễn biến nào trong kỳ.",
        "date": "Ngày",
        "record": "Bản ghi",
        "change": "Thay đổi",
        "note": "Ghi chú",
        "timeline": "Dòng thời gian",
        "changes": "Thay đổi dữ liệu từ {rev} đến bản hiện tại",
        "no_changes": "Không có thay đổi dữ liệu.",
        "field": "Trường",
        "detail": "Chi tiết",
        "legend": "Chú giải",
        "crossing_events": "cửa khẩu",
        "unchanged": "không đổi",
    },
    "en": {
        "title": "Progress report on the Spring Meeting minutes",
        "as_of": "As of",
        "data": "Data",
        "commit": "commit {hash}",
        "dirty": "uncommitted changes",
        "not_in_git": "not in git",
        "scope": "Scope",
        "scope_all": "all five parties",
        "headline": "Headline figures",
        "commitments": "commitments",
        "total": "Commitments",
        "total_short": "Total",
        "completion": "One-off actions done",
        "completion_note": "share of one-off (deliverable) actions done",
        "on-time": "On time",
        "late": "Late",
        "overdue": "Still open past due",
        "timing_note": "against the dates in the minutes",
        "status": "Status",
        "count": "Count",
        "share": "Share",
        "chart": "Chart",
        "by_party": "By party",
        "party": "Party",
        "joint": "Joint commitments of all five parties",
        "own_note": "{own} own commitments below",
        "joint_note": "; {joint} joint ones in",
        "section": "Section {n}",
        "id": "id",
        "what": "Commitment",
        "parties": "Parties",
        "due_col": "Due",
        "last_event": "Last event",
        "evidence": "Evidence",
        "none": "none yet",
        "weak": "weak source",
        "crossings": "Crossings: the opening and upgrade ladder",
        "crossings_note": "One row per crossing pair; filled cells are the rungs reached, up to the current stage.",
        "pair": "Crossing pair",
        "stage": "Stage",
        "reached": "reached",
        "reached_since": "reached in the period",
        "not_reached": "not reached",
        "suspended": "suspended",
        "events_since": "Events since {date}",
        "events_all": "Events since the meeting",
        "no_events": "No events recorded in the period.",
        "date": "Date",
        "record": "Record",
        "change": "Change",
        "note": "Note",
        "timeline": "Timeline",
        "changes": "Data changes from {rev} to the current version",
        "no_changes": "No changes to the data.",
        "field": "Field",
        "detail": "Detail",
        "legend": "Legend",
        "crossing_events": "crossings",
        "unchanged": "unchanged",
    },
}

STATUS_COLORS = {
    "open": "#8c959f", "in_progress": "#0969da", "ongoing": "#1b7c83", "stalled": "#bf8700",
    "done": "#1a7f37", "partly_done": "#7d8a2a", "not_done": "#cf222e", "dropped": "#57606a",
}
RICH_STYLES = {
    "open": "bright_black", "in_progress": "blue", "ongoing": "cyan", "stalled": "yellow",
    "done": "green", "partly_done": "dark_khaki", "not_done": "red", "dropped": "bright_black",
}
CROSSING_EVENT_COLOR = "#8250df"


# --- options and the report's content ------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What a report covers and how it is written; checked when built."""

    today: _dt.date = field(default_factory=_dt.date.today)
    lang: str = "vi"
    fmt: str = "terminal"
    parties: frozenset[str] = frozenset()  # canonical names, merger already expanded; empty = all
    since: PartialDate | None = None
    since_rev: str | None = None

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise UsageError(f"unknown format {self.fmt!r}; use one of {', '.join(FORMATS)}")
        if self.lang not in LANGS:
            raise UsageError(f"unknown language {self.lang!r}; use vi or en")
        unknown = [p for p in self.parties if p not in provinces.BY_NAME]
        if unknown:
            raise UsageError(f"unknown party {unknown[0]!r}; use one of {', '.join(provinces.MINUTES_PARTIES)}")


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

    @property
    def lang(self) -> str:
        return self.options.lang

    def t(self, key: str, **values: str) -> str:
        text = TEXT[self.options.lang][key]
        return text.format(**values) if values else text


def party_label(name: str, lang: str, today: _dt.date) -> str:
    """"Hà Giang → Tuyên Quang" once the merger took effect; Guangxi named in the reader's language."""
    party = provinces.BY_NAME.get(name)
    if party is None:
        return name
    if party.country == "CN":
        return f"{party.name if lang == 'vi' else party.name_en} ({party.zh})"
    return party.display_on(today)


def section_title(meeting: str, section: int, lang: str) -> str:
    head = TEXT[lang]["section"].format(n=section)
    titles = SECTION_TITLES.get(meeting, {}).get(section)
    return f"{head}. {titles[0 if lang == 'vi' else 1]}" if titles else head


def build(ds: Dataset, data_dir: Path, options: Options) -> Report:
    from ..ops import gitio

    today, wanted = options.today, options.parties
    # As they stood on `today`, like `list` and `summary`: with a past --today every
    # figure, status cell and event of the report is of that day.
    records = tuple(sorted((as_of(c, today) for c in ds.commitments if not wanted or wanted.intersection(c.parties)),
                           key=lambda c: id_key(c.id)))
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

    crossings = tuple(x for x in ds.crossings if not wanted or x.province in wanted or GUANGXI in wanted)
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
    )


def _by_section(records: Iterable[Commitment]) -> tuple[tuple[int, tuple[Commitment, ...]], ...]:
    sections: dict[int, list[Commitment]] = {}
    for c in records:
        sections.setdefault(c.section, []).append(c)
    return tuple((n, tuple(sections[n])) for n in sorted(sections))


def write(ds: Dataset, data_dir: Path, options: Options, out: TextIO) -> None:
    """Write the report in `options.fmt` to `out`."""
    report = build(ds, data_dir, options)
    {"terminal": write_terminal, "markdown": write_markdown, "html": write_html}[options.fmt](report, out)


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


def change_text(entry: HistoryEntry, lang: str) -> str:
    if entry.from_ == entry.to:  # an update without a change of status
        text = f"{status_or_stage(entry.to, lang)} ({TEXT[lang]['unchanged']})"
    else:
        text = f"{status_or_stage(entry.from_, lang)} → {status_or_stage(entry.to, lang)}"
    if entry.kind:
        text += f" ({kind_label(entry.kind, lang)})"
    return text


def last_event_text(c: Commitment, r: Report) -> str:
    last = c.last_event
    if last is None:
        return ""
    text = f"{last.date}: {last.note_in(r.lang) or change_text(last, r.lang)}"
    return text + (f" [{r.t('weak')}]" if last.confidence == "weak" else "")


def parties_text(c: Commitment, r: Report) -> str:
    if set(provinces.MINUTES_PARTIES) <= set(c.parties):
        return r.t("scope_all")
    return ", ".join(party_label(p, r.lang, r.options.today) for p in c.parties)


def own_note(block: Block, r: Report) -> tuple[str, str | None]:
    """("3 own commitments below", "; 31 joint ones in") — the second None without joint ones."""
    own = sum(len(records) for _, records in block.sections)
    joint = (block.group.total if block.group else own) - own
    return r.t("own_note", own=str(own)), (r.t("joint_note", joint=str(joint)) if joint else None)


def title_of(c: Commitment, lang: str) -> str:
    return c.title_vi if lang == "vi" else c.title_en


def stamp_text(r: Report) -> str:
    if r.stamp is None:
        return r.t("not_in_git")
    head, dirty = r.stamp
    return r.t("commit", hash=head) + (f" ({r.t('dirty')})" if dirty else "")


def scope_text(r: Report) -> str:
    if not r.options.parties:
        return r.t("scope_all")
    return ", ".join(party_label(p, r.lang, r.options.today) for p in provinces.MINUTES_PARTIES
                     if p in r.options.parties)


def report_title(r: Report) -> str:
    year = f" {r.meeting.date.year}" if r.meeting else ""
    return r.t("title") + year


def meeting_line(r: Report) -> str:
    if r.meeting is None:
        return ""
    return f"{r.meeting.title_vi if r.lang == 'vi' else r.meeting.title_en} ({r.meeting.date})"


def events_title(r: Report) -> str:
    since = r.options.since
    return r.t("events_since", date=str(since)) if since else r.t("events_all")


def pct(g: Group) -> str:
    return f"{g.completion:.0%}" if g.completion is not None else "—"


def completion_text(g: Group) -> str:
    return f"{g.done_deliverables}/{g.deliverables} ({pct(g)})"


def headline_figures(r: Report) -> list[tuple[str, str]]:
    """(TEXT key, value) of the headline figures, in the order every format shows them."""
    g = r.total
    return [("total", str(g.total)), ("completion", completion_text(g)),
            *((k, str(r.timings[k])) for k in ("on-time", "late", "overdue"))]


def status_columns(g: Group) -> list[str]:
    """The statuses the party table shows: those with a count (at least "open")."""
    return [s for s in STATUSES if g.counts[s]] or ["open"]


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
    zh = " – ".join(filter(None, (x.name_zh, x.partner_zh)))
    if zh and x.zh_confidence == "weak":
        zh += "?"
    kind = kind_label(x.kind, r.lang)
    if x.target_kind and x.target_kind != x.kind:
        kind += f" → {kind_label(x.target_kind, r.lang)}"
    return " · ".join(filter(None, (zh, party_label(x.province, r.lang, r.options.today), kind)))


def change_row(ch: FieldChange, lang: str) -> tuple[str, str, str]:
    if ch.change == "history":
        e = ch.new
        detail = f"{e.date}: {change_text(e, lang)}" + (f" — {e.note_in(lang)}" if e.note_in(lang) else "")
        return ch.record_id, "history +", detail
    if ch.change in ("added", "removed"):
        return ch.record_id, ch.change, str(ch.new if ch.change == "added" else ch.old)
    return ch.record_id, ch.field or "", f"{short_value(ch.old)} → {short_value(ch.new)}"


def stage_legend(lang: str) -> str:
    return " · ".join(f"{i} = {STAGE_LABELS[lang][s]}" for i, s in enumerate(LADDER, 1))


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
    lines: list[str] = [f"# {md(report_title(r))}", ""]
    if r.meeting:
        lines += [md(meeting_line(r)), ""]
    lines += [
        f"- **{md(r.t('as_of'))}:** {r.options.today.isoformat()}",
        f"- **{md(r.t('data'))}:** {md(stamp_text(r))}",
        f"- **{md(r.t('scope'))}:** {md(scope_text(r))}",
        "",
        f"## {md(r.t('headline'))}",
        "",
    ]
    g = r.total
    figures = [(r.t(k), v) for k, v in headline_figures(r)]
    lines += md_table([md(r.t("headline")), md(r.t("count"))], [[md(k), md(v)] for k, v in figures], "lr")
    lines += ["", f"{md(r.t('completion'))}: {md(r.t('completion_note'))}; "
              f"{md(r.t('on-time')).lower()}, {md(r.t('late')).lower()}, {md(r.t('overdue')).lower()}: "
              f"{md(r.t('timing_note'))}.", ""]
    rows = []
    for s in STATUSES:
        n = g.counts[s]
        share = n / g.total if g.total else None
        rows.append([md(status_label(s, r.lang)), str(n), f"{share:.0%}" if share is not None else "—",
                     text_bar(share, 20)])
    lines += md_table([md(r.t("status")), md(r.t("count")), md(r.t("share")), md(r.t("chart"))], rows, "lrrl")
    lines += ["", f"### {md(r.t('by_party'))}", ""]
    used = status_columns(g)
    headers = [md(r.t("party")), md(r.t("total_short")), *(md(status_label(s, r.lang)) for s in used),
               md(r.t("overdue")), md(r.t("late")), md(r.t("completion")), md(r.t("chart"))]
    rows = [[md(party_label(p.key, r.lang, r.options.today)), str(p.total), *(str(p.counts[s]) for s in used),
             str(p.overdue), str(p.late), pct(p), text_bar(p.completion)] for p in r.party_groups]
    lines += md_table(headers, rows, "l" + "r" * (len(used) + 4) + "l")

    lines += ["", f"## {md(events_title(r))}", ""]
    if r.events:
        rows = [[str(e.entry.date), md(e.record_id),
                 md(change_text(e.entry, r.lang) + (f" [{r.t('weak')}]" if e.entry.confidence == "weak" else "")),
                 md(e.entry.note_in(r.lang) or ""), ", ".join(md_link(u) for u in e.entry.evidence)] for e in r.events]
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
        name = ("↳ " if x.parent else "") + x.pair
        stage = status_or_stage(x.stage, r.lang)
        rows.append([md(name), md(crossing_sub(x, r)), *(marks[c] for c in ladder_cells(x, r)), md(stage)])
    headers = [md(r.t("pair")), md(r.t("detail")), *(str(i) for i in range(1, len(LADDER) + 1)), md(r.t("stage"))]
    lines += md_table(headers, rows, "ll" + "c" * len(LADDER) + "l")
    legend = (f"■ {r.t('reached')} · ◆ {r.t('reached_since')} · ▨ {r.t('suspended')} · · {r.t('not_reached')}"
              if r.options.since else f"■ {r.t('reached')} · ▨ {r.t('suspended')} · · {r.t('not_reached')}")
    lines += ["", f"{md(r.t('legend'))}: {md(stage_legend(r.lang))}. {md(legend)}."]

    for block in r.blocks:
        lines += ["", f"## {md(block.label)}", ""]
        if block.group is not None:
            gp = block.group
            lines += [f"{gp.total} {md(r.t('commitments'))} · {md(r.t('completion'))}: {md(completion_text(gp))}"
                      f" · {md(r.t('overdue'))}: {gp.overdue} · {md(r.t('late'))}: {gp.late}", ""]
            own, joint = own_note(block, r)
            lines += [md(own + (f"{joint} “{r.t('joint')}”" if joint else "") + "."), ""]
        for number, records in block.sections:
            meeting = records[0].meeting
            lines += [f"### {md(section_title(meeting, number, r.lang))}", ""]
            with_parties = block.party is not None
            headers = [r.t("id"), r.t("what"), *([r.t("parties")] if with_parties else []), r.t("due_col"),
                       r.t("status"), r.t("last_event"), r.t("evidence")]
            rows = []
            for c in records:
                rows.append([md(c.id), md(title_of(c, r.lang)), *([md(parties_text(c, r))] if with_parties else []),
                             str(c.due) if c.due else "—", md(status_cell(c, r.options.today, r.lang)),
                             md(last_event_text(c, r) or r.t("none")),
                             ", ".join(md_link(u) for u in evidence_of(c)) or "—"])
            lines += md_table([md(h) for h in headers], rows)
            lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    out.write("\n".join(lines) + "\n")


# --- terminal (Rich) ------------------------------------------------------------------------


def write_terminal(r: Report, out: TextIO) -> None:
    from rich import box
    from rich.console import Group as Stack
    from rich.table import Table
    from rich.text import Text

    from .render import console as make_console, is_terminal

    console = make_console(out, width=None if is_terminal(out) else 120)

    def T(text: str, style: str | None = None) -> Text:
        return Text(safe_text(text), style=style or "")

    def bar(fraction: float | None, size: int, style: str) -> Text:
        if fraction is None:
            return Text("")
        filled = round(fraction * size)
        return Text("█" * filled, style=style) + Text("░" * (size - filled), style="bright_black")

    head = Text()
    head.append(safe_text(report_title(r)), style="bold")
    if r.meeting:
        head.append("\n" + safe_text(meeting_line(r)))
    head.append(f"\n{r.t('as_of')}: {r.options.today.isoformat()}   {r.t('data')}: ")
    head.append(safe_text(stamp_text(r)), style="yellow" if r.stamp is None or r.stamp[1] else "green")
    head.append(f"   {r.t('scope')}: {safe_text(scope_text(r))}")
    print_panel(console, head, box=box.DOUBLE)

    g = r.total
    figures = Table.grid(padding=(0, 3))
    for _ in range(5):
        figures.add_column(justify="center")
    keys = headline_figures(r)
    figures.add_row(*(T(r.t(k), "bold") for k, _ in keys))
    figures.add_row(*(T(v, "bold red" if k == "overdue" and r.timings[k] else "bold cyan") for k, v in keys))
    statuses = Table(box=box.SIMPLE_HEAD, show_edge=False)
    statuses.add_column(T(r.t("status")))
    statuses.add_column(T(r.t("count")), justify="right")
    statuses.add_column(T(r.t("share")), justify="right")
    statuses.add_column(T(r.t("chart")))
    for s in STATUSES:
        n = g.counts[s]
        share = n / g.total if g.total else None
        statuses.add_row(T(status_label(s, r.lang), RICH_STYLES[s]), T(str(n)),
                         T(f"{share:.0%}" if share is not None else "—"), bar(share, 30, RICH_STYLES[s]))
    parties = Table(box=box.SIMPLE_HEAD, show_edge=False, title=T(r.t("by_party")))
    used = status_columns(g)
    for index, h in enumerate([r.t("party"), r.t("total_short"), *(status_label(s, r.lang) for s in used),
                               r.t("overdue"), r.t("late"), r.t("completion"), r.t("chart")]):
        parties.add_column(T(h), justify="left" if index in (0, len(used) + 5) else "right")
    for p in r.party_groups:
        parties.add_row(T(party_label(p.key, r.lang, r.options.today)), T(str(p.total)),
                        *(T(str(p.counts[s])) for s in used), T(str(p.overdue), "red" if p.overdue else None),
                        T(str(p.late)), T(pct(p)), bar(p.completion, 10, "green"))
    note = T(f"{r.t('completion')}: {r.t('completion_note')}.", "italic bright_black")
    print_panel(console, Stack(figures, Text(""), statuses, parties, note), title=T(r.t("headline")))

    if r.events:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        for h in ("date", "record", "change", "note", "evidence"):
            table.add_column(T(r.t(h)), overflow="fold")
        for e in r.events:
            weak = f" [{r.t('weak')}]" if e.entry.confidence == "weak" else ""
            style = RICH_STYLES.get(e.entry.to) if e.collection == "commitments" else "magenta"
            table.add_row(T(str(e.entry.date)), T(e.record_id, "bold"), T(change_text(e.entry, r.lang) + weak, style),
                          T(e.entry.note_in(r.lang) or ""), T("\n".join(e.entry.evidence), "blue"))
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
        name = T(("↳ " if x.parent else "") + x.pair, "bold")
        name.append("\n" + safe_text(crossing_sub(x, r)), style="bright_black")
        ladder.add_row(name, *(T(*marks[c]) for c in ladder_cells(x, r)), T(status_or_stage(x.stage, r.lang)))
    legend = Text(f"{r.t('legend')}: {stage_legend(r.lang)}\n", style="bright_black")
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
            parts.append(T(f"{gp.total} {r.t('commitments')} · {r.t('completion')}: {completion_text(gp)} · "
                           f"{r.t('overdue')}: {gp.overdue} · {r.t('late')}: {gp.late}", "bold"))
            own, joint = own_note(block, r)
            parts.append(T(own + (f"{joint} “{r.t('joint')}”" if joint else "") + ".", "italic"))
        for number, records in block.sections:
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, title=T(section_title(records[0].meeting, number, r.lang)),
                          title_justify="left", title_style="bold cyan", expand=True)
            with_parties = block.party is not None
            heads = ["id", "what", *(["parties"] if with_parties else []), "due_col", "status", "last_event", "evidence"]
            for h in heads:
                table.add_column(T(r.t(h)), overflow="fold", no_wrap=h == "id",
                                 ratio={"what": 4, "last_event": 3, "evidence": 2}.get(h))
            for c in records:
                table.add_row(T(c.id, "bold"), T(title_of(c, r.lang)),
                              *([T(parties_text(c, r))] if with_parties else []),
                              T(str(c.due) if c.due else "—"), T(status_cell(c, r.options.today, r.lang), RICH_STYLES.get(c.status)),
                              T(last_event_text(c, r) or r.t("none")),
                              T("\n".join(evidence_of(c)) or "—", "blue"))
            parts.append(table)
        print_panel(console, Stack(*parts), title=T(block.label, "bold"))


PANEL_CHUNK = 2000  # segments per write: bounds the memory held, not what is written


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
