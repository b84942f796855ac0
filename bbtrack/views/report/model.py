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
from ...core.model import LADDER, STAGE_LABELS, Commitment, Crossing, Dataset, HistoryEntry, Meeting
from ...ops.query import Group, as_of, check_due_sources, id_key, summarize, timing, totals, with_due_source
from ..render import (
    NO_UPDATE, STANDINGS, kind_label, note_text, short_value, standing_counts, status_or_stage,
    summary_no_update_note,
)
from ...core.text import slug
from ...core.vocab import DUE_SOURCE_LABELS, DUE_SOURCES
from .ladder import nested

FORMATS = ("terminal", "markdown", "html", "docx")
BINARY_FORMATS = ("docx",)  # written to a file or a pipe, never to a terminal
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
        "as_of_note": "ngày của sự kiện mới nhất được ghi nhận",
        "no_event_yet": "chưa ghi nhận sự kiện nào",
        "generated": "Ngày lập báo cáo",
        "standing": "Tình hình tại ngày",
        "data": "Dữ liệu",
        "commit": "commit {hash}",
        "dirty": "có thay đổi chưa commit",
        "not_in_git": "không nằm trong git",
        "scope": "Phạm vi",
        "scope_all": "cả 5 bên",
        "due_only": "chỉ các việc có hạn {basis}",
        "headline": "Số liệu chính",
        "commitments": "cam kết",
        "total": "Tổng số cam kết",
        "total_short": "Tổng",
        "completion": "Hoàn thành việc một lần",
        "completion_note": "tỷ lệ việc một lần đã hoàn thành",
        "no_update": "Chưa có thông tin cập nhật",
        "no_update_detail": "{continuing} việc thường xuyên · {deliverable} việc một lần",
        "on-time": "Hoàn thành đúng hạn",
        "late": "Hoàn thành quá hạn",
        "overdue": "Chưa hoàn thành – quá hạn",
        "basis_detail": "{minutes} theo hạn nêu trong biên bản · {programme} theo năm của chương trình",
        "timing_note": "so với hạn của từng việc ở cột Hạn",
        "timing_minutes": "{n} việc có hạn nêu trong biên bản",
        "timing_programme": "{n} việc chỉ có năm {years} của chương trình, biên bản không nêu thời hạn riêng",
        "timing_unknown": "{n} việc chưa ghi căn cứ của hạn",
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
        "crossings_note": "Mỗi hàng là một cặp cửa khẩu; hàng ↳ là lối thông quan, tuyến đường thuộc cặp cửa khẩu ở trên nó. "
                          "Ô tô màu là các bậc đã đạt, đến giai đoạn hiện tại.",
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
        "as_of": "Data as of",
        "as_of_note": "the date of the latest recorded event",
        "no_event_yet": "no event recorded",
        "generated": "Generated on",
        "standing": "Standing on",
        "data": "Data",
        "commit": "commit {hash}",
        "dirty": "uncommitted changes",
        "not_in_git": "not in git",
        "scope": "Scope",
        "scope_all": "all five parties",
        "due_only": "only actions due {basis}",
        "headline": "Headline figures",
        "commitments": "commitments",
        "total": "Commitments",
        "total_short": "Total",
        "completion": "One-off actions done",
        "completion_note": "share of one-off (deliverable) actions done",
        "no_update": "No update recorded",
        "no_update_detail": "{continuing} continuing duties · {deliverable} one-off actions",
        "on-time": "Done on time",
        "late": "Done late",
        "overdue": "Still open past due",
        "basis_detail": "{minutes} against a date in the minutes · {programme} against the programme year",
        "timing_note": "against each action's due period in the Due column",
        "timing_minutes": "{n} with a date the minutes give",
        "timing_programme": "{n} with only the programme year {years}, no deadline of their own in the minutes",
        "timing_unknown": "{n} whose basis is not recorded",
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
        "crossings_note": "One row per crossing pair; a ↳ row is a passage or road of the pair above it. "
                          "Filled cells are the rungs reached, up to the current stage.",
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
            raise UsageError(f"unknown format {self.fmt!r}; use one of {', '.join(FORMATS)}")
        if self.lang not in LANGS:
            raise UsageError(f"unknown language {self.lang!r}; use vi or en")
        unknown = [p for p in self.parties if p not in provinces.BY_NAME]
        if unknown:
            raise UsageError(f"unknown party {unknown[0]!r}; use one of {', '.join(provinces.MINUTES_PARTIES)}")
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
    text = f"{last.date}: {note_text(last, r.lang) or change_text(last, r.lang)}"
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
        text = r.t("scope_all")
    else:
        text = ", ".join(party_label(p, r.lang, r.options.today) for p in provinces.MINUTES_PARTIES
                         if p in r.options.parties)
    if r.options.due_sources:  # a report of part of the commitments says which part
        labels = DUE_SOURCE_LABELS[r.lang]
        text += "; " + r.t("due_only", basis=", ".join(labels[s] for s in DUE_SOURCES if s in r.options.due_sources))
    return text


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
    for (_, source), n in r.bases.items():
        by_source[source] += n
    years = sorted({str(c.due) for b in r.blocks for _, records in b.sections for c in records
                    if c.due and getattr(c, "due_source", None) == "programme"})
    parts = [r.t("timing_minutes", n=str(by_source["minutes"])) if by_source["minutes"] else "",
             r.t("timing_programme", n=str(by_source["programme"]), years=", ".join(years))
             if by_source["programme"] else "",
             r.t("timing_unknown", n=str(by_source[None])) if by_source[None] else ""]
    return r.t("timing_note") + ": " + "; ".join(filter(None, parts)) if any(parts) else r.t("timing_note")


def no_update_note(r: Report) -> str:
    return summary_no_update_note(r.total, r.lang) if r.total.no_update else ""


def as_of_text(r: Report) -> str:
    """The header's date: the latest recorded event; the day the figures stand on when asked
    with a past --today; the day the report was written comes apart (`generated_text`)."""
    text = str(r.data_date) if r.data_date else r.t("no_event_yet")
    if r.options.today != r.options.generated:
        text += f" ({r.t('standing')} {r.options.today.isoformat()})"
    return text


def generated_text(r: Report) -> str:
    return r.options.generated.isoformat()


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
    zh = " – ".join(filter(None, (x.name_zh and x.name_zh + ("?" if x.name_zh_confidence == "weak" else ""),
                                  x.partner_zh and x.partner_zh + ("?" if x.zh_confidence == "weak" else ""))))
    kind = kind_label(x.kind, r.lang)
    if x.target_kind and x.target_kind != x.kind:
        kind += f" → {kind_label(x.target_kind, r.lang)}"
    return " · ".join(filter(None, (zh, party_label(x.province, r.lang, r.options.today), kind)))


def change_row(ch: FieldChange, lang: str) -> tuple[str, str, str]:
    if ch.change == "history":
        e = ch.new
        detail = f"{e.date}: {change_text(e, lang)}" + (f" — {note_text(e, lang)}" if note_text(e, lang) else "")
        return ch.record_id, "history +", detail
    if ch.change in ("added", "removed"):
        return ch.record_id, ch.change, str(ch.new if ch.change == "added" else ch.old)
    return ch.record_id, ch.field or "", f"{short_value(ch.old)} → {short_value(ch.new)}"


def stage_legend(lang: str) -> str:
    return " · ".join(f"{i} = {STAGE_LABELS[lang][s]}" for i, s in enumerate(LADDER, 1))


