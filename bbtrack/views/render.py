"""Turning query results into text for their reader.

Rows are plain dicts whose keys are the documented JSON/CSV field names (the
same words as the YAML keys); the cells of each human table are built here and
written by `tables` (JSON, CSV, plain, Markdown or Rich, by the reader).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence, TextIO

from ..core import provinces
from ..ops.query import timing
from ..core.errors import UsageError
from ..core.text import safe_text
from ..core.vocab import (
    DUE_SOURCE_LABELS, KIND_LABELS, NO_UPDATE, NO_UPDATE_LABELS, STAGE_LABELS, STATUS_LABELS, STATUSES,
)
from .tables import _pad, is_terminal, width, write_csv, write_json, write_table, write_table_columns

if TYPE_CHECKING:
    from ..core.model import Commitment, Crossing, Dataset, HistoryEntry
    from ..ops.query import Group

FORMATS = ("table", "json", "csv", "markdown")
SHEET_FORMATS = (*FORMATS, "xlsx")  # list, crossings and summary: the lists offices keep in Excel
LANGS = ("vi", "en")

HEADERS = {
    "vi": {
        "id": "Mã", "section": "Mục", "title": "Nội dung", "parties": "Các bên", "crossings": "Cửa khẩu",
        "kind": "Loại", "due": "Hạn", "status": "Trạng thái", "pair": "Cặp cửa khẩu", "zh": "中文",
        "province": "Tỉnh", "stage": "Giai đoạn", "commitments": "Cam kết", "group": "Nhóm", "total": "Tổng",
        "completion": "Hoàn thành", "overdue": "Quá hạn", "bar": "", "date": "Ngày", "change": "Thay đổi",
        "note": "Ghi chú", "evidence": "Nguồn", "record": "Bản ghi", "late": "Hoàn thành quá hạn",
    },
    "en": {
        "id": "id", "section": "section", "title": "title", "parties": "parties", "crossings": "crossings",
        "kind": "kind", "due": "due", "status": "status", "pair": "pair", "zh": "中文", "province": "province",
        "stage": "stage", "commitments": "commitments", "group": "group", "total": "total",
        "completion": "completion", "overdue": "overdue", "bar": "", "date": "date", "change": "change",
        "note": "note", "evidence": "evidence", "record": "record", "late": "late",
    },
}
# Beside a status: "hoàn thành 2024-05 (quá hạn)" is done late, "đang thực hiện (quá hạn)"
# overdue, the official pair (glossary T5, T6; "trễ hạn" is no official word). Against
# the due period, whose basis the due cell names (`due_cell`).
TIMING_LABELS = {
    "vi": {"late": "quá hạn", "overdue": "quá hạn", "on-time": "đúng hạn", "due": "", "": ""},
    "en": {"late": "late", "overdue": "overdue", "on-time": "on time", "due": "", "": ""},
    "zh": {"late": "逾期完成", "overdue": "逾期", "on-time": "按时完成", "due": "", "": ""},
}
STANDINGS = (NO_UPDATE, *STATUSES)  # NO_UPDATE: an `open` record no event has touched, shown apart


def status_label(status: str, lang: str) -> str:
    if status == NO_UPDATE:
        return NO_UPDATE_LABELS[lang]
    return STATUS_LABELS[lang].get(status, status)


def standing(c: Commitment) -> str:
    """The record's status, or NO_UPDATE for an open one without a single event: the data then
    knows nothing since the minutes, and says so rather than "not started"."""
    return NO_UPDATE if c.status == "open" and not c.history else c.status


def due_cell(c: Commitment, lang: str, *, short: bool = False) -> str:
    """The due period with its basis: "2023 (programme year)", "2024 (in the minutes)".

    `short`, for `list`'s narrow column: a date the minutes give stands bare, a programme
    year is marked "2023*" and the table's footnote (`DUE_MARK_NOTE`) names the basis."""
    if c.due is None:
        return ""
    source = getattr(c, "due_source", None)  # None: the data does not say; nothing is claimed
    if short:
        return f"{c.due}{DUE_MARK}" if source == "programme" else str(c.due)
    basis = DUE_SOURCE_LABELS[lang].get(source) if source else None
    return f"{c.due} ({basis})" if basis else str(c.due)


DUE_MARK = "*"
DUE_MARK_NOTE = {
    "vi": "* năm của chương trình: biên bản không nêu thời hạn riêng cho việc này.",
    "en": "* programme year: the minutes set this action no deadline of its own.",
}


# --- rows: the stable JSON/CSV contract -----------------------------------------------


def history_row(h: HistoryEntry) -> dict[str, Any]:
    row: dict[str, Any] = {"date": str(h.date), "from": h.from_, "to": h.to}
    if h.kind:
        row["kind"] = h.kind
    row.update(note=h.note, note_vi=h.note_vi, note_zh=h.note_zh, evidence=list(h.evidence), by=h.by,
               confidence=h.confidence)
    return row


def commitment_row(c: Commitment, today: _dt.date, *, full: bool = False) -> dict[str, Any]:
    last = c.last_event
    done = c.done_on
    row: dict[str, Any] = {
        "id": c.id,
        "section": c.section,
        "title_vi": c.title_vi,
        "title_en": c.title_en,
        "title_zh": c.title_zh,
        "parties": list(c.parties),
        "crossings": list(c.crossings),
        "kind": c.kind,
        "due": str(c.due) if c.due else None,
        "due_source": c.due_source,
        "status": c.status,
        "timing": timing(c, today) or None,
        "done_on": str(done) if done else None,
        "last_event": str(last.date) if last else None,
        "quote": c.quote,
    }
    if full:
        row["history"] = [history_row(h) for h in c.history]
    return row


def crossing_row(x: Crossing, count: int | None = None, *, full: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": x.id, "name_vi": x.name_vi, "name_zh": x.name_zh, "partner_vi": x.partner_vi,
        "partner_zh": x.partner_zh, "partner_pinyin": x.partner_pinyin, "zh_confidence": x.zh_confidence,
        "province": x.province, "kind": x.kind, "target_kind": x.target_kind, "stage": x.stage,
        "parent": x.parent, "markers": x.markers,
    }
    if count is not None:
        row["commitments"] = count
    if full:
        row["name_source"] = x.name_source
        row["history"] = [history_row(h) for h in x.history]
    return row


def group_row(g: Group) -> dict[str, Any]:
    return {
        "group": g.key, "total": g.total, **g.counts, "deliverables": g.deliverables,
        "done_deliverables": g.done_deliverables,
        "completion": round(g.completion, 4) if g.completion is not None else None,
        "overdue": g.overdue, "late": g.late, "no_update": g.no_update,
        "no_update_continuing": g.no_update_continuing,
    }


def standing_counts(g: Group) -> dict[str, int]:
    """The group's counts as tables show them: open records without any event apart from
    those with one, so every count sums to the total once."""
    counts = {NO_UPDATE: g.no_update, **g.counts}
    counts["open"] -= g.no_update
    return counts


# --- commitments ------------------------------------------------------------------------


def status_cell(c: Commitment, today: _dt.date, lang: str) -> str:
    """Status label, its date when closed, and its timing: "hoàn thành 2024-03 (quá hạn)"."""
    text = status_label(standing(c), lang)
    done = c.done_on
    if done:
        text += f" {done}"
    when = TIMING_LABELS[lang][timing(c, today)]
    return f"{text} ({when})" if when else text


def parties_cell(parties: Sequence[str], today: _dt.date, lang: str = "vi") -> str:
    if set(parties) == set(provinces.MINUTES_PARTIES):
        return "cả 5 bên" if lang == "vi" else "all five"
    names = []
    for name in parties:
        party = provinces.BY_NAME.get(name)
        names.append(party.display_on(today) if party else name)
    return ", ".join(names)


def render_commitments(records: Sequence[Commitment], fmt: str, out: TextIO, *, today: _dt.date,
                       lang: str = "vi") -> None:
    if fmt == "json":
        write_json([commitment_row(c, today) for c in records], out)
        return
    if fmt in ("csv", "xlsx"):
        write_sheet(fmt, [commitment_row(c, today) for c in records], out, COMMITMENT_CSV_COLUMNS)
        return
    columns = [
        [c.id for c in records],
        [c.title_vi if lang == "vi" else c.title_en for c in records],
        [parties_cell(c.parties, today, lang) for c in records],
        [", ".join(c.crossings) for c in records],
        [due_cell(c, lang, short=True) for c in records],
        [status_cell(c, today, lang) for c in records],
    ]
    write_commitment_table(fmt, columns, out, lang=lang, row_style=lambda index: row_style(records[index], today))


def write_commitment_table(fmt: str, columns: Sequence[list[str]], out: TextIO, *, lang: str,
                           row_style: Callable[[int], str | None]) -> None:
    """`list`'s table from its cells, column by column: as `render_commitments` and
    `listindex.columns` make them."""
    h = HEADERS[lang]
    headers = [h["id"], h["title"], h["parties"], h["crossings"], h["due"], h["status"]]
    write_table_columns(fmt, headers, columns, out, row_style=row_style, styles=["bold", None, None, "cyan", None, None],
                        wrap=1)
    if any(cell.endswith(DUE_MARK) for cell in columns[4]):
        out.write(("\n" if fmt == "markdown" else "") + fit_note(DUE_MARK_NOTE[lang], fmt, out) + "\n")


def fit_note(note: str, fmt: str, out: TextIO) -> str:
    """A note under a table, wrapped between words on a terminal: its lines are never wider than it is."""
    if fmt != "table" or not is_terminal(out):
        return note
    import shutil
    import textwrap

    return textwrap.fill(note, shutil.get_terminal_size().columns, break_long_words=False)


COMMITMENT_CSV_COLUMNS = ("id", "section", "title_vi", "title_en", "title_zh", "parties", "crossings", "kind", "due",
                          "due_source", "status", "timing", "done_on", "last_event", "quote")


CROSSING_CSV_COLUMNS = ("id", "name_vi", "name_zh", "partner_vi", "partner_zh", "partner_pinyin", "zh_confidence",
                        "province", "kind", "target_kind", "stage", "parent", "markers", "commitments")


def write_sheet(fmt: str, rows: Sequence[dict[str, Any]], out: TextIO, columns: Sequence[str] | None = None) -> None:
    """CSV, or the same rows and columns as an Excel workbook on `out`'s bytes."""
    if fmt == "csv":
        write_csv(rows, out, columns)
        return
    from .xlsx import write_xlsx

    binary = getattr(out, "buffer", None)
    if binary is None:
        raise UsageError("xlsx is a binary workbook: write it with --output FILE")
    out.flush()
    write_xlsx(rows, binary, columns)
    out.buffer.flush()


def row_style(c: Commitment, today: _dt.date) -> str | None:
    return {"overdue": "red", "late": "yellow", "on-time": "green"}.get(timing(c, today)) or (
        "green" if c.status == "done" else None)


# --- crossings --------------------------------------------------------------------------


def _zh(name: str | None, confidence: str | None) -> str:
    if not name:
        return ""
    return f"{name}?" if confidence == "weak" else name


def kind_label(kind: str | None, lang: str) -> str:
    return KIND_LABELS[lang].get(kind, kind) if kind else "—"


def render_crossings(records: Sequence[Crossing], counts: dict[str, int], fmt: str, out: TextIO, *,
                     lang: str = "vi") -> None:
    if fmt == "json":
        write_json([crossing_row(x, counts.get(x.id, 0)) for x in records], out)
        return
    if fmt in ("csv", "xlsx"):
        write_sheet(fmt, [crossing_row(x, counts.get(x.id, 0)) for x in records], out, CROSSING_CSV_COLUMNS)
        return
    h = HEADERS[lang]
    headers = [h["id"], h["pair"], h["zh"], h["province"], h["kind"], h["stage"], h["commitments"]]
    rows = []
    for x in records:
        zh = " – ".join(filter(None, (_zh(x.name_zh, x.zh_confidence), _zh(x.partner_zh, x.zh_confidence))))
        if x.partner_pinyin:
            zh = f"{zh} ({x.partner_pinyin})" if zh else x.partner_pinyin
        kind = kind_label(x.kind, lang)
        if x.target_kind and x.target_kind != x.kind:
            kind += f" → {kind_label(x.target_kind, lang)}"
        rows.append([x.id, x.pair, zh, provinces.display(x.province), kind,
                     STAGE_LABELS[lang].get(x.stage, x.stage), str(counts.get(x.id, 0))])
    write_table(fmt, headers, rows, out, styles=["bold", None, None, None, None, "cyan", None])
    if fmt == "table" and any(x.zh_confidence == "weak" and (x.partner_zh or x.name_zh) for x in records):
        note = "? = 中文 chưa được xác minh (nguồn yếu)" if lang == "vi" else "? = 中文 not verified (weak source)"
        out.write(note + "\n")


# --- summary ----------------------------------------------------------------------------


def bar(fraction: float | None, size: int = 10) -> str:
    if fraction is None:
        return ""
    filled = round(fraction * size)
    return "█" * filled + "░" * (size - filled)


def render_summary(groups: Sequence[Group], total: Group, by: str, fmt: str, out: TextIO, *,
                   lang: str = "vi") -> None:
    if fmt == "json":
        write_json({"by": by, "groups": [group_row(g) for g in groups], "total": group_row(total)}, out)
        return
    if fmt in ("csv", "xlsx"):
        write_sheet(fmt, [group_row(g) for g in (*groups, total)], out)
        return
    used = [s for s in STANDINGS if standing_counts(total)[s]] or [NO_UPDATE]
    h = HEADERS[lang]
    headers = [h.get(by, by), h["total"], *(status_label(s, lang) for s in used), h["overdue"], h["late"],
               h["completion"], h["bar"]]

    def line(g: Group, label: str) -> list[str]:
        pct = f"{g.completion:.0%}" if g.completion is not None else "—"
        counts = standing_counts(g)
        return [label, str(g.total), *(str(counts[s]) for s in used), str(g.overdue), str(g.late), pct,
                bar(g.completion)]

    labels = {"status": lambda k: status_label(k, lang), "section": lambda k: k,
              "province": provinces.display, "party": provinces.display}[by]
    rows = [line(g, labels(g.key)) for g in groups]
    rows.append(line(total, "Tổng cộng" if lang == "vi" else "all"))
    write_table(fmt, headers, rows, out)
    if fmt != "markdown":
        out.write(("Hoàn thành = tỷ lệ việc một lần đã xong.\n" if lang == "vi"
                   else "completion = share of one-off deliverables done.\n"))
        if total.no_update:
            out.write(fit_note(summary_no_update_note(total, lang), fmt, out) + "\n")


def summary_no_update_note(g: Group, lang: str) -> str:
    """What "no update recorded" counts, and how many of those are continuing duties."""
    if lang == "vi":
        return (f"{NO_UPDATE_LABELS[lang]} = chưa có sự kiện nào trong dữ liệu kể từ hội nghị "
                f"({g.no_update_continuing}/{g.no_update} là việc thường xuyên), không kết luận gì về việc thực hiện.")
    return (f"{NO_UPDATE_LABELS[lang]} = no event in the data since the meeting "
            f"({g.no_update_continuing} of {g.no_update} are continuing duties), which says nothing of whether the work was done.")


# --- one record -------------------------------------------------------------------------


def render_show(c: Commitment, ds: Dataset, fmt: str, out: TextIO, *, today: _dt.date, lang: str,
                minutes_line: int | None) -> None:
    if fmt == "json":
        row = commitment_row(c, today, full=True)
        row["minutes_line"] = minutes_line
        write_json(row, out)
        return
    crossings = {x.id: x for x in ds.crossings}
    meeting = next((m for m in ds.meetings if m.id == c.meeting), None)
    vi = lang == "vi"
    where = f"{meeting.minutes}:{minutes_line}" if meeting and meeting.minutes and minutes_line else ""
    fields = [
        ("id", c.id),
        ("title_vi", c.title_vi),
        ("title_en", c.title_en),
        ("meeting", f"{meeting.id} {meeting.date} — {meeting.title_vi if vi else meeting.title_en}" if meeting else c.meeting),
        ("section", f"{c.section}" + (f"  ({where})" if where else "")),
        ("quote", f"“{c.quote}”"),
        ("parties", ", ".join(provinces.display(p) for p in c.parties)),
        ("crossings", "; ".join(
            f"{ref}: {crossings[ref].pair}" if ref in crossings else ref for ref in c.crossings) or "—"),
        ("kind", kind_label(c.kind, lang)),
        ("due", due_cell(c, lang) or "—"),
        ("status", status_cell(c, today, lang)),
    ]
    key_width = max(width(k) for k, _ in fields)
    rich = is_terminal(out)
    lines = [f"{_pad(k, key_width)}  {safe_text(v)}" for k, v in fields]
    lines.append("history" if not vi else "history (lịch sử)")
    if not c.history:
        lines.append("  —")
    for h in c.history:
        lines.extend(history_lines(h, lang))
    _emit_lines(lines, out, rich)


def history_lines(h: HistoryEntry, lang: str) -> list[str]:
    weak = " [weak]" if h.confidence == "weak" else ""
    change = f"{status_or_stage(h.from_, lang)} → {status_or_stage(h.to, lang)}"
    if h.kind:
        change += f" ({kind_label(h.kind, lang)})"
    lines = [f"  {h.date}  {change}{weak}" + (f"  by {h.by}" if h.by else "")]
    if note := note_text(h, lang):
        lines.append(f"      {note}")
    lines.extend(f"      {url}" for url in h.evidence)
    return [safe_text(line) for line in lines]


def note_text(h: HistoryEntry, lang: str) -> str:
    """The entry's note in the reader's language; the English one, marked "(EN) ", when the
    entry has none in that language, so a reader knows the line is not in their language."""
    own = h.note if lang == "en" else {"vi": h.note_vi, "zh": h.note_zh}.get(lang)
    if own:
        return own
    return f"(EN) {h.note}" if h.note else ""


def status_or_stage(word: str, lang: str) -> str:
    return STATUS_LABELS[lang].get(word) or STAGE_LABELS[lang].get(word) or word


def render_crossing_show(x: Crossing, related: Sequence[Commitment], fmt: str, out: TextIO, *,
                         today: _dt.date, lang: str) -> None:
    if fmt == "json":
        row = crossing_row(x, len(related), full=True)
        row["related"] = [c.id for c in related]
        write_json(row, out)
        return
    weak = " (weak)" if x.zh_confidence == "weak" else ""
    fields = [
        ("id", x.id), ("pair", x.pair),
        ("name_zh", (x.name_zh or "—") + (weak if x.name_zh else "")),
        ("partner_zh", (x.partner_zh or "—") + (weak if x.partner_zh else "")),
        ("partner_pinyin", x.partner_pinyin or "—"), ("province", provinces.display(x.province)),
        ("kind", kind_label(x.kind, lang) + (f" → {kind_label(x.target_kind, lang)}"
                                             if x.target_kind and x.target_kind != x.kind else "")),
        ("stage", STAGE_LABELS[lang].get(x.stage, x.stage)), ("parent", x.parent or "—"),
        ("markers", x.markers or "—"), ("name_source", x.name_source or "—"),
        ("commitments", ", ".join(c.id for c in related) or "—"),
    ]
    key_width = max(width(k) for k, _ in fields)
    lines = [f"{_pad(k, key_width)}  {safe_text(v)}" for k, v in fields]
    lines.append("history")
    if not x.history:
        lines.append("  —")
    for h in x.history:
        lines.extend(history_lines(h, lang))
    _emit_lines(lines, out, is_terminal(out))


def _emit_lines(lines: Iterable[str], out: TextIO, rich: bool) -> None:
    # Plain text either way: `show` has no table, and Rich would only add colour.
    # On a terminal each line is wrapped to its width; piped, a field stays one line for grep.
    if rich:
        import re
        import shutil

        from .tables import wrap_words

        room = shutil.get_terminal_size().columns
        hang = re.compile(r"( *)(\S+ {2,})?")  # a value's column: after a key or a date and its gap
        wrapped = []
        for line in lines:
            if width(line) <= room:
                wrapped.append(line)
                continue
            indent = hang.match(line).end()
            if room - indent < 20:
                indent = min(4, indent)
            head, rest = line[:indent], wrap_words(line[indent:], room - indent)
            for index, part in enumerate(rest):
                if width(part) > room - indent:  # a URL or a word wider than the column: whole, at the margin
                    wrapped.append(part)
                else:
                    wrapped.append((head if index == 0 else " " * indent) + part)
        lines = wrapped
    for line in lines:
        out.write(line + "\n")


def stderr_is_terminal() -> bool:
    return is_terminal(sys.stderr) and not os.environ.get("NO_COLOR")


# --- log and diff -----------------------------------------------------------------------


def render_events(events, fmt: str, out: TextIO, *, lang: str = "vi") -> None:
    if fmt in ("json", "csv"):
        rows = [{"id": e.record_id, "collection": e.collection, **history_row(e.entry)} for e in events]
        if fmt == "json":
            write_json(rows, out)
        else:
            write_csv(rows, out, ("id", "collection", "date", "from", "to", "kind", "note", "note_vi", "note_zh",
                                  "evidence", "by", "confidence"))
        return
    h = HEADERS[lang]
    headers = [h["date"], h["record"], h["change"], h["note"], h["evidence"]]
    rows = []
    for e in events:
        entry = e.entry
        change = f"{status_or_stage(entry.from_, lang)} → {status_or_stage(entry.to, lang)}"
        if entry.kind:
            change += f" ({kind_label(entry.kind, lang)})"
        if entry.confidence == "weak":
            change += " [weak]"
        rows.append([str(entry.date), e.record_id, change, note_text(entry, lang), "; ".join(entry.evidence)])
    write_table(fmt, headers, rows, out)


def change_row(c) -> dict[str, Any]:
    """One `ops.changes.FieldChange` as `diff --format json` prints it. Here, not in
    `changes`, which uses render's record rows: each importing the other was a cycle."""
    row: dict[str, Any] = {"id": c.record_id, "collection": c.collection, "change": c.change, "field": c.field}
    if c.change == "history":
        row["entry"] = history_row(c.new)
    else:
        row["old"], row["new"] = c.old, c.new
    return row


def render_diff(changes, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        write_json([change_row(c) for c in changes], out)
        return
    if fmt == "csv":
        rows = [change_row(c) for c in changes]
        write_csv(rows, out, ("id", "collection", "change", "field", "old", "new", "entry"))
        return
    if not changes:
        out.write("no changes to the data\n")
        return
    rows = []
    for c in changes:
        if c.change == "history":
            e = c.new
            detail = f"{e.date}: {e.from_} → {e.to}" + (f" — {e.note}" if e.note else "")
            if e.evidence:
                detail += f" ({'; '.join(e.evidence)})"
            rows.append([c.record_id, "history +", detail])
        elif c.change in ("added", "removed"):
            rows.append([c.record_id, c.change, str(c.new if c.change == "added" else c.old)])
        else:
            rows.append([c.record_id, c.field or "", f"{short_value(c.old)} → {short_value(c.new)}"])
    write_table(fmt, ["id", "change", "detail"], rows, out)


def short_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)
