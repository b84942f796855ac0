"""The vocabularies of the records: statuses, stages, kinds, their labels.

Kept apart from the record classes (`model`, which re-exports all of this):
creating dataclasses costs milliseconds at every start, and a warm `list`,
answered from the cache's list index, needs the words but never a record.
"""

from __future__ import annotations

from typing import Iterator, Mapping

from .i18n import LANGS, pgettext


class Labels(Mapping):
    """`TABLE[lang][code]`: a table of English labels in every language, as the dicts of
    dicts the callers index. Each language is translated once, when first asked for."""

    def __init__(self, context: str, english: dict[str, str]) -> None:
        self.context = context
        self.english = english
        self._by_lang: dict[str, dict[str, str]] = {}

    def __getitem__(self, lang: str) -> dict[str, str]:
        found = self._by_lang.get(lang)
        if found is None:
            if lang not in LANGS:
                raise KeyError(lang)
            # An empty label stays empty: gettext would answer "" with the catalogue's header.
            found = {code: pgettext(self.context, text, lang) if text else "" for code, text in self.english.items()}
            self._by_lang[lang] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)


class Label(Mapping):
    """`LABEL[lang]`: one English label in every language."""

    def __init__(self, context: str, english: str) -> None:
        self.context = context
        self.english = english

    def __getitem__(self, lang: str) -> str:
        if lang not in LANGS:
            raise KeyError(lang)
        return pgettext(self.context, self.english, lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)


SCHEMA_VERSION = 1

# --- commitment statuses -----------------------------------------------------
# Ordered: the position is the "forward" direction for transition checks.
STATUSES: tuple[str, ...] = (
    "open",
    "in_progress",
    "ongoing",
    "stalled",
    "done",
    "partly_done",
    "not_done",
    "dropped",
)
INITIAL_STATUS = "open"
FINAL_STATUSES = frozenset({"done", "partly_done", "not_done", "dropped"})
STATUS_MEANING = {
    "open": "agreed, no progress recorded yet",
    "in_progress": "work under way on a one-off action",
    "ongoing": "a continuing commitment being carried out",
    "stalled": "no progress, or progress blocked, after work began",
    "done": "delivered",
    "partly_done": "closed with only part delivered",
    "not_done": "closed without delivery",
    "dropped": "abandoned or superseded by agreement",
}
# Labels say what the data knows. `open` is the status of every record no event has
# moved: it claims nothing about delivery, so it is never "chưa triển khai" / "not
# started". Words from shared/glossary.md's progress-report register (T1–T7) where it
# has one (vi: hoàn thành, đang thực hiện, thường xuyên; zh T1: 已完成, T2: 正在推进,
# T3: 常态化); the others have no official label in the glossary and are ours.
# Every table below is `TABLE[lang][code]`: the English label is marked here (the
# third argument, "en", only makes the mark a no-op) and translated by the catalogue.
STATUS_LABELS = Labels("status", {
    "open": pgettext("status", "no progress recorded", "en"),
    "in_progress": pgettext("status", "in progress", "en"),
    "ongoing": pgettext("status", "ongoing", "en"),
    "stalled": pgettext("status", "stalled", "en"),
    "done": pgettext("status", "done", "en"),
    "partly_done": pgettext("status", "partly done", "en"),
    "not_done": pgettext("status", "not done", "en"),
    "dropped": pgettext("status", "dropped", "en"),
})
# An `open` record no event has touched stands apart where records are counted or
# labelled (`summary --by status` groups it so): not a status, nothing moved it.
NO_UPDATE = "no_update"
# What a record no event has touched says, whatever its status: nothing is known since
# the minutes (glossary T4; 暂无更新 is its suggested label, used by no government).
NO_UPDATE_LABELS = Label("status", pgettext("status", "no update recorded", "en"))
# Labels once shown, still understood when typed (`--status "chua trien khai"`).
STATUS_ALIASES = {"chưa triển khai": "open"}

COMMITMENT_KINDS: tuple[str, ...] = ("deliverable", "continuing")

# The basis of a due date, shown beside it (the field `due_source`): the action's own
# sentence gives it, or only the minutes' framing of all of them as the 2023 programme,
# which is no deadline of the action's own (glossary T7: "không nêu thời hạn", 未明确时限).
DUE_SOURCE_LABELS = Labels("due source", {
    "minutes": pgettext("due source", "in the minutes", "en"),
    "programme": pgettext("due source", "programme year", "en"),
})

# --- crossings -----------------------------------------------------------------
CROSSING_KINDS: tuple[str, ...] = (
    "international",
    "main-bilateral",
    "secondary",
    "border-opening",
    "clearance-passage",
    "goods-road",
    "border-market",
    "tourism-area",
    "railway",
)
# zh: the glossary's words (B): 国际口岸, 双边口岸, 地方口岸 (a Vietnamese class only), 通道 for
# "lối mở" (never 便道), 货物通关通道 for "lối thông quan", 货运专用通道, 边民互市点.
KIND_LABELS = Labels("kind", {
    "international": pgettext("kind", "international", "en"),
    "main-bilateral": pgettext("kind", "main bilateral", "en"),
    "secondary": pgettext("kind", "secondary", "en"),
    "border-opening": pgettext("kind", "border opening", "en"),
    "clearance-passage": pgettext("kind", "clearance passage", "en"),
    "goods-road": pgettext("kind", "goods road", "en"),
    "border-market": pgettext("kind", "border market", "en"),
    "tourism-area": pgettext("kind", "tourism area", "en"),
    "railway": pgettext("kind", "railway", "en"),
    "deliverable": pgettext("kind", "deliverable", "en"),
    "continuing": pgettext("kind", "continuing", "en"),
})
# The opening/upgrade ladder (research file §4), in order; `suspended` is off it.
STAGES: tuple[str, ...] = (
    "planned",
    "talks",
    "approved",
    "built",
    "accepted",
    "notes-exchanged",
    "announced",
    "operating",
    "suspended",
)
LADDER: tuple[str, ...] = STAGES[:-1]
STAGE_LABELS = Labels("stage", {
    "planned": pgettext("stage", "planned", "en"),
    "talks": pgettext("stage", "talks", "en"),
    "approved": pgettext("stage", "approved", "en"),
    "built": pgettext("stage", "built", "en"),
    "accepted": pgettext("stage", "accepted", "en"),
    "notes-exchanged": pgettext("stage", "notes exchanged", "en"),
    "announced": pgettext("stage", "announced", "en"),
    "operating": pgettext("stage", "operating", "en"),
    "suspended": pgettext("stage", "suspended", "en"),
})

CONFIDENCES: tuple[str, ...] = ("verified", "weak")

# Where a commitment's due date comes from: its own sentence in the minutes, or only the
# minutes' framing of the whole programme as the programme for one year.
DUE_SOURCES: tuple[str, ...] = ("minutes", "programme")
