"""The words of the views that are not the data's own: column headers, field names,
timing and diff words, the notes under tables. Each is `TABLE[lang][key]` over the
catalogue (`core.vocab.Labels`); the English is marked here, translated where shown.
And how a date or an aside is written in each language.
"""

from __future__ import annotations

from typing import NamedTuple

from ..core.i18n import pgettext
from ..core.vocab import Label, Labels

# Column headers, by key. i18n: "中文" heads the column of the names in the other script:
# the Chinese names for a vi/en reader, the Vietnamese ones for a Chinese reader.
HEADERS = Labels("column", {
    "id": pgettext("column", "id", "en"), "section": pgettext("column", "section", "en"),
    "title": pgettext("column", "title", "en"), "parties": pgettext("column", "parties", "en"),
    "party": pgettext("column", "party", "en"), "crossings": pgettext("column", "crossings", "en"),
    "kind": pgettext("column", "kind", "en"), "due": pgettext("column", "due", "en"),
    "status": pgettext("column", "status", "en"), "pair": pgettext("column", "pair", "en"),
    "zh": pgettext("column", "中文", "en"), "province": pgettext("column", "province", "en"),
    "stage": pgettext("column", "stage", "en"), "commitments": pgettext("column", "commitments", "en"),
    "group": pgettext("column", "group", "en"), "total": pgettext("column", "total", "en"),
    "completion": pgettext("column", "completion", "en"), "overdue": pgettext("column", "overdue", "en"),
    "bar": "", "date": pgettext("column", "date", "en"), "change": pgettext("column", "change", "en"),
    "note": pgettext("column", "note", "en"), "evidence": pgettext("column", "evidence", "en"),
    "record": pgettext("column", "record", "en"), "late": pgettext("column", "late", "en"),
    "detail": pgettext("column", "detail", "en"),
})
# Beside a status: "hoàn thành 2024-05 (quá hạn)" is done late, "đang thực hiện (quá hạn)"
# overdue, the official pair (glossary T5, T6; "trễ hạn" is no official word). Against
# the due period, whose basis the due cell names (`due_cell`).
TIMING_LABELS = Labels("timing", {
    "late": pgettext("timing", "late", "en"), "overdue": pgettext("timing", "overdue", "en"),
    "on-time": pgettext("timing", "on time", "en"), "due": "", "": "",
})
# The labels of `show`'s lines and of `diff`'s fields. In English they are the field
# names of the data, as the JSON has them; the other languages say what they hold.
FIELD_LABELS = Labels("field", {
    "id": pgettext("field", "id", "en"), "title_vi": pgettext("field", "title_vi", "en"),
    "title_en": pgettext("field", "title_en", "en"), "title_zh": pgettext("field", "title_zh", "en"),
    "meeting": pgettext("field", "meeting", "en"), "section": pgettext("field", "section", "en"),
    "quote": pgettext("field", "quote", "en"), "parties": pgettext("field", "parties", "en"),
    "crossings": pgettext("field", "crossings", "en"), "kind": pgettext("field", "kind", "en"),
    "due": pgettext("field", "due", "en"), "due_source": pgettext("field", "due_source", "en"),
    "status": pgettext("field", "status", "en"), "history": pgettext("field", "history", "en"),
    "pair": pgettext("field", "pair", "en"), "pair_vi": pgettext("field", "pair_vi", "en"),
    "name_vi": pgettext("field", "name_vi", "en"), "name_zh": pgettext("field", "name_zh", "en"),
    "partner_vi": pgettext("field", "partner_vi", "en"), "partner_zh": pgettext("field", "partner_zh", "en"),
    "partner_pinyin": pgettext("field", "partner_pinyin", "en"),
    "zh_confidence": pgettext("field", "zh_confidence", "en"), "province": pgettext("field", "province", "en"),
    "target_kind": pgettext("field", "target_kind", "en"), "stage": pgettext("field", "stage", "en"),
    "parent": pgettext("field", "parent", "en"), "markers": pgettext("field", "markers", "en"),
    "name_source": pgettext("field", "name_source", "en"), "commitments": pgettext("field", "commitments", "en"),
})


DUE_MARK = "*"
DUE_MARK_NOTE = Label("note", pgettext("note", "* programme year: the minutes set this action no deadline of its own.", "en"))
# i18n: under `list` in Chinese; the titles are ours, not the signed Chinese text (glossary T9).
TITLE_ZH_NOTE = Label("note", pgettext(
    "note", "Chinese titles are an unofficial translation, for reference only; a title not yet translated is shown in Vietnamese.",
    "en"))


WEAK_ZH_NOTE = Label("note", pgettext("note", "? = 中文 not verified (weak source)", "en"))


WEAK = Label("confidence", pgettext("confidence", "weak", "en"))


DIFF_CHANGES = Labels("diff", {
    "added": pgettext("diff", "added", "en"), "removed": pgettext("diff", "removed", "en"),
    "history": pgettext("diff", "history +", "en"),
})


class Punctuation(NamedTuple):
    """The marks a sentence built from labels is joined with, as the reader's language writes
    them: Chinese takes full-width marks, and no space after them."""

    colon: str  # after a label: "As of: ", "数据截至："
    semi: str
    comma: str  # between the items of a short list
    stop: str  # between two sentences
    end: str  # after the last
    space: str  # after a mark, before the next words


_LATIN = Punctuation(": ", "; ", ", ", ". ", ".", " ")
PUNCTUATION = {"vi": _LATIN, "en": _LATIN, "zh": Punctuation("：", "；", "、", "。", "。", "")}


def aside(text: str, lang: str) -> str:
    """" (text)" to follow a word: "（text）" in Chinese, whose brackets take no space."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def human(value, lang: str) -> str:
    """`core.dates.human`, imported only for a Chinese reader: in the other languages a date
    is its ISO text, and the list index's warm path imports no record module."""
    if lang != "zh":
        return str(value)
    from ..core.dates import human as in_words

    return in_words(value, lang)


def due_text(cell: str, lang: str) -> str:
    """A short due cell made in English ("2023*", as `listindex` keeps it) in `lang`: on the
    list index's path, which never imports `core.dates`, so its ISO dates are read here."""
    if lang != "zh":
        return cell
    import re

    return re.sub(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", _zh_date, cell)


def _zh_date(match) -> str:
    year, month, day = match.groups()
    return f"{int(year)}年" + (f"{int(month)}月" if month else "") + (f"{int(day)}日" if day else "")
