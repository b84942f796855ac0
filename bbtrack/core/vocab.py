"""The vocabularies of the records: statuses, stages, kinds, their labels.

Kept apart from the record classes (`model`, which re-exports all of this):
creating dataclasses costs milliseconds at every start, and a warm `list`,
answered from the cache's list index, needs the words but never a record.
"""

from __future__ import annotations

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
STATUS_LABELS = {
    "vi": {
        "open": "chưa triển khai",
        "in_progress": "đang thực hiện",
        "ongoing": "thường xuyên",
        "stalled": "đình trệ",
        "done": "hoàn thành",
        "partly_done": "hoàn thành một phần",
        "not_done": "không hoàn thành",
        "dropped": "hủy bỏ",
    },
    "en": {s: s.replace("_", " ") for s in STATUSES},
}

COMMITMENT_KINDS: tuple[str, ...] = ("deliverable", "continuing")

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
KIND_LABELS = {
    "vi": {
        "international": "cửa khẩu quốc tế",
        "main-bilateral": "cửa khẩu chính (song phương)",
        "secondary": "cửa khẩu phụ",
        "border-opening": "lối mở",
        "clearance-passage": "lối thông quan",
        "goods-road": "đường chuyên dụng hàng hóa",
        "border-market": "chợ biên giới",
        "tourism-area": "khu du lịch",
        "railway": "đường sắt",
    },
    "en": {k: k.replace("-", " ") for k in CROSSING_KINDS},
}
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
STAGE_LABELS = {
    "vi": {
        "planned": "trong quy hoạch",
        "talks": "đang đàm phán",
        "approved": "đã phê duyệt",
        "built": "đã xây dựng",
        "accepted": "đã nghiệm thu",
        "notes-exchanged": "đã trao đổi công hàm",
        "announced": "đã công bố",
        "operating": "đang vận hành",
        "suspended": "tạm dừng",
    },
    "en": {s: s.replace("-", " ") for s in STAGES},
}

CONFIDENCES: tuple[str, ...] = ("verified", "weak")

# Where a commitment's due date comes from: its own sentence in the minutes, or only the
# minutes' framing of the whole programme as the programme for one year.
DUE_SOURCES: tuple[str, ...] = ("minutes", "programme")
