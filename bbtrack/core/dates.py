"""Dates as the minutes and the press give them: a day, a month or a year.

"trong năm 2023" is a whole year, "2024-11" a month. A `PartialDate` keeps its
precision so that "due 2023" ends on 31 Dec 2023 and "done 2024-11" sorts
with the other events of that month. dateutil is imported only on the rare
path where ISO parsing fails: it costs ~80 ms of start-up.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from .errors import UsageError

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_MY = re.compile(r"^(\d{1,2})[/.](\d{4})$")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A calendar date known to the day, month or year (`precision`)."""

    year: int
    month: int = 0  # 0 when precision is "year"
    day: int = 0  # 0 unless precision is "day"

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def start(self) -> _dt.date:
        return _dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> _dt.date:
        """The last day of the period: a deadline "in 2023" runs to 2023-12-31."""
        if self.day:
            return _dt.date(self.year, self.month, self.day)
        if self.month:
            import calendar  # rare (month precision); ~1 ms of start-up

            return _dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return _dt.date(self.year, 12, 31)

    def predates(self, other: PartialDate) -> bool:
        """Wholly before `other`: an event "in 2023-02" does not predate a meeting on 2023-02-22."""
        return self.end < other.start

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def to_yaml_value(self) -> _dt.date | str:
        """A full date is written as a YAML date, a partial one as a quoted string."""
        return self.start if self.day else str(self)

    @classmethod
    def of(cls, value: _dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)


def _build(year: int, month: int = 0, day: int = 0) -> PartialDate:
    if month and not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range")
    if day:
        _dt.date(year, month, day)  # raises ValueError for 2023-02-30
    if not 1900 <= year <= 2200:
        raise ValueError(f"year {year} out of range")
    return PartialDate(year, month, day)


def parse_stored(value: object) -> PartialDate:
    """A date as stored in the data: YAML date, int year, or "YYYY[-MM[-DD]]".

    Raises ValueError with a short reason; the loader turns it into a Problem.
    """
    if isinstance(value, _dt.datetime):
        raise ValueError("a timestamp is not allowed; write only the date")
    if isinstance(value, _dt.date):
        return PartialDate.of(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _build(value)
    if isinstance(value, str):
        match = _ISO_PARTIAL.match(value.strip())
        if match:
            y, m, d = match.groups()
            if d and not m:
                raise ValueError(f"{value!r} is not a date")
            return _build(int(y), int(m or 0), int(d or 0))
    raise ValueError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")


def parse_user(text: str, what: str = "date") -> PartialDate:
    """A date typed by a person: ISO, partial ISO, or day-first ("15/9/2023").

    Vietnamese users write day first, so ambiguous forms are read day-first.
    """
    raw = text.strip()
    try:
        if match := _ISO_PARTIAL.match(raw):
            y, m, d = match.groups()
            return _build(int(y), int(m or 0), int(d or 0))
        if match := _DMY.match(raw):
            d, m, y = match.groups()
            return _build(int(y), int(m), int(d))
        if match := _MY.match(raw):
            m, y = match.groups()
            return _build(int(y), int(m))
    except ValueError as exc:
        raise UsageError(f"invalid {what} {text!r}: {exc}; use YYYY-MM-DD or DD/MM/YYYY") from None
    return _parse_with_dateutil(raw, what)


def _parse_with_dateutil(raw: str, what: str) -> PartialDate:
    from dateutil import parser  # slow import, only for free-form input

    try:
        parsed = parser.parse(raw, dayfirst=True, default=_dt.datetime(1900, 1, 1))
    except (ValueError, OverflowError, parser.ParserError):
        raise UsageError(
            f"invalid {what} {raw!r}: use YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY"
        ) from None
    return _build(parsed.year, parsed.month, parsed.day)


def parse_day(text: str, what: str = "date") -> _dt.date:
    """A user date that must name one day (e.g. --today)."""
    value = parse_user(text, what)
    if value.precision != "day":
        raise UsageError(f"{what} {text!r} must be a full date (YYYY-MM-DD)")
    return value.start


def human(value: PartialDate | _dt.date, lang: str) -> str:
    """A date as its reader writes it: 2024年5月9日, 2024年5月, 2024年 in Chinese; in
    Vietnamese and English the ISO form the views have always printed (machine formats
    never come here)."""
    if isinstance(value, _dt.date):
        value = PartialDate.of(value)
    if lang != "zh":
        return str(value)
    if value.day:
        return f"{value.year}年{value.month}月{value.day}日"
    if value.month:
        return f"{value.year}年{value.month}月"
    return f"{value.year}年"

