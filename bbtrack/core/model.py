"""The records and their vocabularies.

One vocabulary everywhere: a YAML key, a dataclass field, a CLI option, a JSON
field and a table header are the same word. The only exception is the
history entry's `from`, a Python keyword, stored in the field `from_`.
Records are frozen: queries never mutate, edits go through `bbtrack.write.edit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import PartialDate
from .problems import Source
from .vocab import (
    COMMITMENT_KINDS,
    CONFIDENCES,
    CROSSING_KINDS,
    DUE_SOURCES,
    FINAL_STATUSES,
    INITIAL_STATUS,
    KIND_LABELS,
    LADDER,
    SCHEMA_VERSION,
    STAGES,
    STAGE_LABELS,
    STATUSES,
    STATUS_LABELS,
    STATUS_MEANING,
)

__all__ = [  # the vocabularies are re-exported: `from .model import STATUSES` keeps working
    "HistoryEntry", "Meeting", "Commitment", "Crossing", "Dataset",
    "COMMITMENT_KINDS", "CONFIDENCES", "CROSSING_KINDS", "DUE_SOURCES", "FINAL_STATUSES", "INITIAL_STATUS", "KIND_LABELS",
    "LADDER", "SCHEMA_VERSION", "STAGES", "STAGE_LABELS", "STATUSES", "STATUS_LABELS", "STATUS_MEANING",
]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One dated change of a status or stage, with its evidence."""

    date: PartialDate
    from_: str
    to: str
    note: str | None = None
    # The same fact in Vietnamese and Chinese, for the outputs in those languages; `note` stays the English one.
    note_vi: str | None = None
    note_zh: str | None = None
    evidence: tuple[str, ...] = ()
    by: str | None = None
    confidence: str = "verified"
    kind: str | None = None  # crossings only: the new kind after an upgrade
    source: Source | None = field(default=None, compare=False)

    def note_in(self, lang: str) -> str | None:
        """The note in `lang` when the entry has one, else the English note (never nothing when a note exists)."""
        return {"vi": self.note_vi, "zh": self.note_zh}.get(lang) or self.note


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting whose minutes the commitments come from."""

    id: str
    date: PartialDate
    title_vi: str
    title_en: str
    minutes: str | None
    source: Source | None = field(default=None, compare=False)
    title_zh: str | None = None  # our rendering: the signed Chinese text is not in the repository


@dataclass(frozen=True, slots=True)
class Commitment:
    """An action agreed in the minutes, traced to its section and quote."""

    id: str
    section: int
    title_vi: str
    title_en: str
    quote: str
    parties: tuple[str, ...]
    crossings: tuple[str, ...]
    kind: str
    due: PartialDate | None
    status: str
    title_zh: str | None = None
    # Where `due` comes from: "minutes" (the action's own sentence gives the date) or "programme"
    # (only the minutes' framing of everything as the 2023 programme); None exactly when due is None.
    due_source: str | None = None
    history: tuple[HistoryEntry, ...] = ()
    source: Source | None = field(default=None, compare=False)

    @property
    def meeting(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def last_event(self) -> HistoryEntry | None:
        return self.history[-1] if self.history else None

    @property
    def done_on(self) -> PartialDate | None:
        """When the record reached its current final status, if it has one.

        Events recorded after that (`done → done` with a note) do not move it: a
        deliverable done on time stays on time when later news is added."""
        if not self.is_final:
            return None
        reached = None
        for entry in reversed(self.history):
            if entry.to != self.status:
                break
            reached = entry.date
            if entry.from_ != self.status:
                break
        return reached


@dataclass(frozen=True, slots=True)
class Crossing:
    """A border-crossing pair: the Vietnamese side and its Chinese partner."""

    id: str
    name_vi: str
    name_zh: str | None
    partner_vi: str
    partner_zh: str | None
    partner_pinyin: str | None
    zh_confidence: str | None
    name_source: str | None
    province: str
    kind: str | None
    target_kind: str | None
    stage: str
    parent: str | None
    markers: str | None
    history: tuple[HistoryEntry, ...] = ()
    source: Source | None = field(default=None, compare=False)
    # How sure the Chinese name of the Vietnamese side is; zh_confidence is its partner's.
    name_zh_confidence: str | None = None

    @property
    def pair(self) -> str:
        return f"{self.name_vi} – {self.partner_vi}"


@dataclass(frozen=True, slots=True)
class Dataset:
    """Everything loaded from a data folder, plus where it came from."""

    commitments: tuple[Commitment, ...]
    crossings: tuple[Crossing, ...]
    meetings: tuple[Meeting, ...]
    commitments_file: str
    crossings_file: str

    def commitment(self, record_id: str) -> Commitment | None:
        from .lookup import commitment_id

        wanted = commitment_id(record_id) or record_id.strip().upper()  # sm23-3-9 is SM23-3-09
        return next((c for c in self.commitments if c.id.upper() == wanted), None)

    def crossing(self, record_id: str) -> Crossing | None:
        wanted = record_id.strip().lower()
        return next((c for c in self.crossings if c.id == wanted), None)
