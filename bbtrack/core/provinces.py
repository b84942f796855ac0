"""The parties: four Vietnamese border provinces and Guangxi, and the 2025 merger.

Records keep the names the minutes use. Since 2025-07-01 Hà Giang is part of
Tuyên Quang (Resolution 202/2025/QH15; research file §3), so a query for
either name finds the Hà Giang records, and output may say "Hà Giang → Tuyên Quang".
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from .text import fold


@dataclass(frozen=True, slots=True)
class Party:
    """A party to the minutes: a Vietnamese province or Guangxi."""

    name: str  # canonical, as the minutes write it (NFC)
    name_en: str
    zh: str
    country: str  # "VN" or "CN"
    aliases: tuple[str, ...] = ()
    merged_into: str | None = None
    merged_on: str | None = None  # ISO date the merged province began work
    zh_full: str = ""  # the Chinese official name (glossary A): 谅山省, 广西壮族自治区

    @property
    def display(self) -> str:
        return f"{self.name} → {self.merged_into}" if self.merged_into else self.name

    def display_in(self, lang: str, today: _dt.date | None = None, *, short: bool = False) -> str:
        """The name in `lang` as of `today`: "Hà Giang → Tuyên Quang" once the merger took
        effect (always, without `today`).
        Chinese: the official name, "河江省（现并入宣光省）" once merged (glossary A);
        `short` for a table cell ("广西")."""
        merged = bool(self.merged_into) and (today is None or (
            self.merged_on is not None and today.isoformat() >= self.merged_on))
        if lang != "zh":
            return self.display if merged else self.name
        name = self.zh if short and self.country == "CN" else (self.zh_full or self.zh)
        if merged:
            into = BY_NAME[self.merged_into]
            return f"{name}（现并入{into.zh_full or into.zh}）"
        return name


PARTIES: tuple[Party, ...] = (
    Party("Hà Giang", "Ha Giang", "河江", "VN", merged_into="Tuyên Quang", merged_on="2025-07-01", zh_full="河江省"),
    Party("Quảng Ninh", "Quang Ninh", "广宁", "VN", zh_full="广宁省"),
    Party("Lạng Sơn", "Lang Son", "谅山", "VN", zh_full="谅山省"),
    Party("Cao Bằng", "Cao Bang", "高平", "VN", zh_full="高平省"),
    Party("Quảng Tây", "Guangxi", "广西", "CN", aliases=("Guangxi Zhuang Autonomous Region", "Khu tự trị dân tộc Choang Quảng Tây"),
          zh_full="广西壮族自治区"),
    # Not a party to the 2023 minutes; the province Hà Giang merged into.
    Party("Tuyên Quang", "Tuyen Quang", "宣光", "VN", zh_full="宣光省"),
)
PARTY_NAMES: tuple[str, ...] = tuple(p.name for p in PARTIES)
MINUTES_PARTIES: tuple[str, ...] = PARTY_NAMES[:5]
BY_NAME = {p.name: p for p in PARTIES}

_LOOKUP: dict[str, Party] = {}
for _p in PARTIES:
    for _alias in (_p.name, _p.name_en, _p.zh, _p.zh_full, *_p.aliases):
        _LOOKUP[fold(_alias)] = _p
        _LOOKUP[fold(_alias).replace(" ", "")] = _p  # "langson", "caobang": typed without the space

# What offices write before or after a name: "tỉnh Lạng Sơn", "Lang Son province", "khu tự trị Quảng Tây".
_AFFIXES = re.compile(r"^(?:tinh|t\.|province of|khu tu tri|tp\.?|thanh pho)\s*|\s*(?:province|tinh)$")


def resolve(text: str) -> Party | None:
    """The party a person meant, however typed; None if unknown."""
    key = fold(text)
    bare = _AFFIXES.sub("", key).strip()
    return _LOOKUP.get(key) or _LOOKUP.get(bare) or _LOOKUP.get(bare.replace(" ", ""))


def spellings() -> tuple[str, ...]:
    """Every name a party is known by, for "did you mean" (canonical names first)."""
    return (*PARTY_NAMES, *(name for p in PARTIES for name in (p.name_en, *p.aliases)))


def names_matching(text: str) -> frozenset[str] | None:
    """Canonical names a query for `text` should match, merger included.

    "Tuyên Quang" finds Hà Giang's records (merged into it); "Hà Giang" finds
    them too. None when the name is unknown.
    """
    party = resolve(text)
    if party is None:
        return None
    names = {party.name}
    names.update(p.name for p in PARTIES if p.merged_into == party.name)
    if party.merged_into:
        names.add(party.merged_into)
    return frozenset(names)


def display(name: str, lang: str = "vi", today: _dt.date | None = None, *, short: bool = False) -> str:
    """A party's name for its reader (`Party.display_in`); an unknown name as it is."""
    party = BY_NAME.get(name)
    return party.display_in(lang, today, short=short) if party else name
