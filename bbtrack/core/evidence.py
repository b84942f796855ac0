"""What counts as evidence: a web address, or an official document cited as offices cite it.

A provincial office often holds the source itself: an official letter, a
decision, a notice. Vietnamese offices cite one by its kind, number and date —
"Công văn số 123/UBND-KT ngày 12/3/2025", "Quyết định số 45/QĐ-UBND ngày 01
tháng 02 năm 2024 của UBND tỉnh Lạng Sơn" — and that citation is evidence a
reviewer can ask for. It is stored as typed (NFC, spaces collapsed) and shown
as text, never as a link. The English form "Official letter No. 123/UBND-KT
dated 12/3/2025" is read the same way.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Iterable, NamedTuple

from .i18n import _
from .text import collapse_ws, fold, has_unsafe, nfc

URL = re.compile(r"^https?://[^\s/$.?#]\S*$", re.IGNORECASE)

# Matched on folded text (no case, no diacritics): "so"/"no." then a number that starts
# with a digit, "ngay"/"dated" then a day-first date, in figures or in words.
_DOCUMENT = re.compile(
    r"^(?P<kind>\S.*?)\s+(?:so|no\.?|number)\s*(?P<number>\d[\w./-]*)"
    r"\s*,?\s+(?:ngay|dated|of)\s+(?P<date>\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})"
    r"(?:[\s,;].*)?$"
)
_DAY = re.compile(r"(\d{1,2})(?:[/.-]|\s+thang\s+)(\d{1,2})(?:[/.-]|\s+nam\s+)(\d{4})")


class Document(NamedTuple):
    """An official document as cited: its kind ("công văn"), number and date."""

    kind: str
    number: str
    date: _dt.date


def document(text: str) -> Document | None:
    """The document `text` cites, or None when it is not a citation with a number and a real date."""
    match = _DOCUMENT.match(fold(text))
    if not match:
        return None
    day, month, year = map(int, _DAY.match(match.group("date")).groups())  # type: ignore[union-attr]
    try:
        when = _dt.date(year, month, day)
    except ValueError:
        return None
    return Document(match.group("kind"), match.group("number"), when)


def is_url(text: str) -> bool:
    return bool(URL.match(text)) and not has_unsafe(text)


def problem(text: str, today: _dt.date | None = None) -> str | None:
    """Why `text` is not evidence, or None when it is."""
    # has_unsafe: a control or bidi character would reach every reader's terminal and hide
    # what the reviewer thinks they are opening or asking for.
    if has_unsafe(text):
        return _("evidence {text!r} is not an http(s) address or a document reference: it holds control characters").format(
            text=text)
    if text.lower().startswith(("http://", "https://")):
        return None if is_url(text) else _("evidence {text!r} is not an http(s) address (https://host/...)").format(text=text)
    doc = document(text)
    if doc is None and _DOCUMENT.match(fold(text)):
        return _("evidence {text!r} cites a date that does not exist").format(text=text)
    if doc is None:
        return _("evidence {text!r} is not an http(s) address or a document reference "
                 "(kind, number and date: \"Công văn số 123/UBND-KT ngày 12/3/2025\")").format(text=text)
    if today is not None and doc.date > today:
        return _("evidence {text!r} is dated {date}, in the future").format(text=text, date=doc.date)
    return None


def stored(items: Iterable[str]) -> list[str]:
    """Evidence as written to the data: each once (a document however spaced or cased), in order."""
    seen: dict[str, str] = {}
    for item in items:
        text = item.strip() if is_url(item.strip()) else collapse_ws(nfc(item))
        key = text if is_url(text) else fold(text)
        seen.setdefault(key, text)
    return list(seen.values())
