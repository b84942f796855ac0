"""Shell completion of option values: cheap lists first, the data only when completing ids."""

from __future__ import annotations

from ..core.errors import BbtrackError
from .run import load as _load


def complete_province(incomplete: str) -> list[str]:
    from ..core.provinces import PARTIES
    from ..core.text import fold

    return [p.name for p in PARTIES if p.country == "VN" and fold(p.name).startswith(fold(incomplete))]


def complete_party(incomplete: str) -> list[str]:
    from ..core.provinces import PARTIES
    from ..core.text import fold

    return [p.name for p in PARTIES if fold(p.name).startswith(fold(incomplete)) or fold(p.name_en).startswith(fold(incomplete))]


def complete_status(incomplete: str) -> list[str]:
    from ..core.model import STATUSES

    return [s for s in STATUSES if s.startswith(incomplete)]


def complete_id(incomplete: str) -> list[str]:
    try:
        ds = _load(strict=False).dataset
    except BbtrackError:
        return []
    ids = [c.id for c in ds.commitments] + [x.id for x in ds.crossings]
    return [i for i in ids if i.lower().startswith(incomplete.lower())]


def complete_crossing(incomplete: str) -> list[str]:
    try:
        ds = _load(strict=False).dataset
    except BbtrackError:
        return []
    return [x.id for x in ds.crossings if x.id.startswith(incomplete.lower())]
