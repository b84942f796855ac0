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

from ..core import i18n, provinces
from ..core.i18n import _, pgettext
from ..ops.query import timing
from ..core.errors import UsageError
from ..core.text import safe_text
from ..core.vocab import (
    DUE_SOURCE_LABELS, KIND_LABELS, NO_UPDATE, NO_UPDATE_LABELS, STAGE_LABELS, STATUS_LABELS, STATUSES,
)
from .labels import (  # noqa: F401 - due_text: `listindex` takes it from here
    DIFF_CHANGES, DUE_MARK, DUE_MARK_NOTE, FIELD_LABELS, HEADERS, TIMING_LABELS, TITLE_ZH_NOTE, WEAK, WEAK_ZH_NOTE,
    PUNCTUATION, aside, due_text, human,
)
from .tables import _pad, is_terminal, width, write_csv, write_json, write_table, write_table_columns

if TYPE_CHECKING:
    from ..core.model import Commitment, Crossing, Dataset, HistoryEntry
    from ..ops.query import Group

FORMATS = ("table", "json", "csv", "markdown")
SHEET_FORMATS = (*FORMATS, "xlsx")  # list, crossings and summary: the lists offices keep in Excel
LANGS = i18n.LANGS

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
    due = human(c.due, lang)
    if short:
        return f"{due}{DUE_MARK}" if source == "programme" else due
    basis = DUE_SOURCE_LABELS[lang].get(source) if source else None
    return due + aside(basis, lang) if basis else due


def title_in(c: Commitment, lang: str) -> str:
    """The title a reader of `lang` reads: the Chinese one (our unofficial translation), else
    the Vietnamese one, which is the minutes' own text."""
    if lang == "zh":
        return c.title_zh or c.title_vi
    return c.title_en if lang == "en" else c.title_vi


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
        "name_zh_confidence": x.name_zh_confidence,
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
        text += f" {human(done, lang)}"
    when = TIMING_LABELS[lang][timing(c, today)]
    return text + aside(when, lang) if when else text


def parties_cell(parties: Sequence[str], today: _dt.date, lang: str = "vi") -> str:
    if set(parties) == set(provinces.MINUTES_PARTIES):
        return pgettext("parties", "all five", lang)
    return PUNCTUATION[lang].comma.join(provinces.display(name, lang, today, short=True) for name in parties)


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
        [title_in(c, lang) for c in records],
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
    notes = [DUE_MARK_NOTE[lang]] if any(cell.endswith(DUE_MARK) for cell in columns[4]) else []
    if lang == "zh" and columns[0]:
        notes.append(TITLE_ZH_NOTE[lang])
    for note in notes:
        out.write(("\n" if fmt == "markdown" else "") + fit_note(note, fmt, out) + "\n")


def fit_note(note: str, fmt: str, out: TextIO) -> str:
    """A note under a table, wrapped between words on a terminal: its lines are never wider than it is."""
    if fmt != "table" or not is_terminal(out):
        return note
    from .tables import terminal_columns, wrap_words

    return "\n".join(wrap_words(note, terminal_columns()))


COMMITMENT_CSV_COLUMNS = ("id", "section", "title_vi", "title_en", "title_zh", "parties", "crossings", "kind", "due",
                          "due_source", "status", "timing", "done_on", "last_event", "quote")


CROSSING_CSV_COLUMNS = ("id", "name_vi", "name_zh", "partner_vi", "partner_zh", "partner_pinyin", "zh_confidence",
                        "name_zh_confidence",
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


def weak_zh(x: Crossing) -> bool:
    """Whether a Chinese name the crossing shows rests on a weak source."""
    return bool((x.partner_zh and x.zh_confidence == "weak") or (x.name_zh and x.name_zh_confidence == "weak"))


def _zh(name: str | None, confidence: str | None) -> str:
    if not name:
        return ""
    return f"{name}?" if confidence == "weak" else name


def kind_label(kind: str | None, lang: str) -> str:
    return KIND_LABELS[lang].get(kind, kind) if kind else "—"


def pair_zh(x: Crossing) -> str:
    """The pair as Chinese writes it, China's side first (中国X—越南Y, glossary B), each
    name in Chinese where the research has one ("?" when its source is weak), else in
    Vietnamese: no name is made up."""
    china = _zh(x.partner_zh, x.zh_confidence) or x.partner_vi
    vietnam = _zh(x.name_zh, x.name_zh_confidence) or x.name_vi
    return f"{china}—{vietnam}"


def pair_in(x: Crossing, lang: str) -> str:
    return pair_zh(x) if lang == "zh" else x.pair


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
        if lang == "zh":  # the pair is in Chinese already: the other column gives the Vietnamese names
            zh = x.pair
        else:
            zh = " – ".join(filter(None, (_zh(x.name_zh, x.name_zh_confidence), _zh(x.partner_zh, x.zh_confidence))))
            if x.partner_pinyin:
                zh = f"{zh} ({x.partner_pinyin})" if zh else x.partner_pinyin
        kind = kind_label(x.kind, lang)
        if x.target_kind and x.target_kind != x.kind:
            kind += f" → {kind_label(x.target_kind, lang)}"
        rows.append([x.id, pair_in(x, lang), zh, provinces.display(x.province, lang), kind,
                     STAGE_LABELS[lang].get(x.stage, x.stage), str(counts.get(x.id, 0))])
    write_table(fmt, headers, rows, out, styles=["bold", None, None, None, None, "cyan", None])
    if fmt == "table" and any(weak_zh(x) for x in records):
        out.write(WEAK_ZH_NOTE[lang] + "\n")


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
              "province": lambda k: provinces.display(k, lang), "party": lambda k: provinces.display(k, lang)}[by]
    rows = [line(g, labels(g.key)) for g in groups]
    rows.append(line(total, pgettext("summary", "all", lang)))
    write_table(fmt, headers, rows, out)
    if fmt != "markdown":
        out.write(_("completion = share of one-off deliverables done.", lang) + "\n")
        if total.no_update:
            out.write(fit_note(summary_no_update_note(total, lang), fmt, out) + "\n")


def summary_no_update_note(g: Group, lang: str) -> str:
    """What "no update recorded" counts, and how many of those are continuing duties."""
    return _("{label} = no event in the data since the meeting ({continuing} of {count} are continuing duties), "
             "which says nothing of whether the work was done.", lang).format(
        label=NO_UPDATE_LABELS[lang], continuing=g.no_update_continuing, count=g.no_update)


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
    where = f"{meeting.minutes}:{minutes_line}" if meeting and meeting.minutes and minutes_line else ""
    # Titles in the reader's language, then the minutes' own (Vietnamese) one; the English
    # title only for an English reader, the Chinese one marked as our translation (glossary T9).
    titles = [("title_vi", c.title_vi)]
    if lang == "en":
        titles.append(("title_en", c.title_en))
    elif lang == "zh" and c.title_zh:
        titles.insert(0, ("title_zh", _("{title} (unofficial translation, for reference only)", lang).format(
            title=c.title_zh)))
    fields = [
        ("id", c.id),
        *titles,
        ("meeting", meeting_text(meeting, lang) if meeting else c.meeting),
        ("section", f"{c.section}" + (f"  ({where})" if where else "")),
        ("quote", f"“{c.quote}”"),
        ("parties", PUNCTUATION[lang].comma.join(provinces.display(p, lang) for p in c.parties)),
        ("crossings", "; ".join(
            f"{ref}: {pair_in(crossings[ref], lang)}" if ref in crossings else ref for ref in c.crossings) or "—"),
        ("kind", kind_label(c.kind, lang)),
        ("due", due_cell(c, lang) or "—"),
        ("status", status_cell(c, today, lang)),
    ]
    _emit_record(fields, c.history, lang, out)


def meeting_text(meeting, lang: str) -> str:
    """"SM23 2023-02-22 — its title": a Chinese title is ours, not the signed text, and says so;
    without one the Chinese reader gets the Vietnamese title, the text signed."""
    title = {"en": meeting.title_en, "zh": meeting.title_zh}.get(lang) or meeting.title_vi
    if lang == "zh" and meeting.title_zh:
        title = _("{title} (unofficial translation, for reference only)", lang).format(title=title)
    return f"{meeting.id} {human(meeting.date, lang)} — {title}"


def _emit_record(fields: list[tuple[str, str]], history: Sequence[HistoryEntry], lang: str, out: TextIO) -> None:
    """`show`'s lines: one `label  value` a field, then the history, newest last."""
    labels = FIELD_LABELS[lang]
    named = [(labels.get(key, key), value) for key, value in fields]
    key_width = max(width(k) for k, _v in named)
    lines = [f"{_pad(k, key_width)}  {safe_text(v)}" for k, v in named]
    lines.append(labels["history"])
    if not history:
        lines.append("  —")
    for h in history:
        lines.extend(history_lines(h, lang))
    _emit_lines(lines, out, is_terminal(out))


def history_lines(h: HistoryEntry, lang: str) -> list[str]:
    weak = f" [{WEAK[lang]}]" if h.confidence == "weak" else ""
    change = change_text(h, lang)
    by = "  " + _("by {name}", lang).format(name=h.by) if h.by else ""
    lines = [f"  {human(h.date, lang)}  {change}{weak}{by}"]
    if note := note_text(h, lang):
        lines.append(f"      {note}")
    lines.extend(f"      {url}" for url in h.evidence)
    return [safe_text(line) for line in lines]


def change_text(h: HistoryEntry, lang: str) -> str:
    """"đang thực hiện → hoàn thành (cửa khẩu quốc tế)": the codes of a history entry in words."""
    if h.from_ == h.to:  # an event that moved nothing: "X → X" would read as a typo
        change = status_or_stage(h.to, lang) + aside(pgettext("change", "unchanged", lang), lang)
    else:
        change = f"{status_or_stage(h.from_, lang)} → {status_or_stage(h.to, lang)}"
    if h.kind:
        change += aside(kind_label(h.kind, lang), lang)
    return change


def note_text(h: HistoryEntry, lang: str) -> str:
    """The entry's note in the reader's language. Else, for a Chinese reader, the Vietnamese
    note marked "(越南文)"; else the English one marked "(EN) ", so a reader knows the line is
    not in their language."""
    own = h.note if lang == "en" else {"vi": h.note_vi, "zh": h.note_zh}.get(lang)
    if own:
        return own
    if lang == "zh" and h.note_vi:
        return _("(Vietnamese) {note}", lang).format(note=h.note_vi)
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
    weak = aside(WEAK[lang], lang) if weak_zh(x) else ""
    fields = [("id", x.id), ("pair", pair_in(x, lang))]
    if lang == "zh":
        fields.append(("pair_vi", x.pair))
    fields += [
        ("name_zh", (x.name_zh or "—") + (weak if x.name_zh else "")),
        ("partner_zh", (x.partner_zh or "—") + (weak if x.partner_zh else "")),
        ("partner_pinyin", x.partner_pinyin or "—"), ("province", provinces.display(x.province, lang)),
        ("kind", kind_label(x.kind, lang) + (f" → {kind_label(x.target_kind, lang)}"
                                             if x.target_kind and x.target_kind != x.kind else "")),
        ("stage", STAGE_LABELS[lang].get(x.stage, x.stage)), ("parent", x.parent or "—"),
        ("markers", x.markers or "—"), ("name_source", x.name_source or "—"),
        ("commitments", ", ".join(c.id for c in related) or "—"),
    ]
    _emit_record(fields, x.history, lang, out)


def _emit_lines(lines: Iterable[str], out: TextIO, rich: bool) -> None:
    # Plain text either way: `show` has no table, and Rich would only add colour.
    # On a terminal each line is wrapped to its width; piped, a field stays one line for grep.
    if rich:
        import re

        from .tables import terminal_columns, wrap_words

        room = terminal_columns()
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
        change = change_text(entry, lang)
        if entry.confidence == "weak":
            change += f" [{WEAK[lang]}]"
        rows.append([human(entry.date, lang), e.record_id, change, note_text(entry, lang), "; ".join(entry.evidence)])
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


def render_diff(changes, fmt: str, out: TextIO, lang: str | None = None) -> None:
    if fmt == "json":
        write_json([change_row(c) for c in changes], out)
        return
    if fmt == "csv":
        rows = [change_row(c) for c in changes]
        write_csv(rows, out, ("id", "collection", "change", "field", "old", "new", "entry"))
        return
    lang = lang or i18n.current()
    if not changes:
        out.write(_("no changes to the data", lang) + "\n")
        return
    h = HEADERS[lang]
    write_table(fmt, [h["id"], h["change"], h["detail"]], [list(diff_cells(c, lang)) for c in changes], out)


def diff_cells(c, lang: str, *, evidence: bool = True) -> tuple[str, str, str]:
    """One change as `diff` and the report's changes show it: (id, what changed, detail), the
    codes in the reader's words. `evidence`: the sources after a new event (the report lists
    them in its endnotes)."""
    if c.change == "history":
        e = c.new
        detail = human(e.date, lang) + PUNCTUATION[lang].colon + change_text(e, lang)
        if note := note_text(e, lang):
            detail += f" — {note}"
        if evidence and e.evidence:
            detail += aside("; ".join(e.evidence), lang)
        return c.record_id, DIFF_CHANGES[lang]["history"], detail
    if c.change in ("added", "removed"):
        record = c.record
        name = (title_in(record, lang) if hasattr(record, "title_vi") else pair_in(record, lang)) if record else str(
            c.new if c.change == "added" else c.old)
        return c.record_id, DIFF_CHANGES[lang][c.change], name
    return (c.record_id, FIELD_LABELS[lang].get(c.field or "", c.field or ""),
            f"{value_text(c.field, c.old, lang)} → {value_text(c.field, c.new, lang)}")


def value_text(field: str | None, value: Any, lang: str) -> str:
    """A field's value as `diff` shows it: codes (a status, a stage, a kind) in the reader's words."""
    if isinstance(value, str):
        table = {"status": STATUS_LABELS, "stage": STAGE_LABELS, "kind": KIND_LABELS, "target_kind": KIND_LABELS,
                 "due_source": DUE_SOURCE_LABELS}.get(field or "")
        if table is not None:
            return table[lang].get(value, value)
    return short_value(value)


def short_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)
