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
# Labels say what the data knows. `open` is the status of every record no event has
# moved: it claims nothing about delivery, so it is never "chưa triển khai" / "not
# started". Words from shared/glossary.md's progress-report register (T1–T7) where it
# has one; the zh column is for the Chinese interface to come (T2: 正在推进, T3: 常态化,
# T1: 已完成; the others have no official label in the glossary and are ours).
STATUS_LABELS = {
    "vi": {
        "open": "chưa ghi nhận tiến triển",
        "in_progress": "đang thực hiện",
        "ongoing": "thường xuyên",
        "stalled": "đình trệ",
        "done": "hoàn thành",
        "partly_done": "hoàn thành một phần",
        "not_done": "không hoàn thành",
        "dropped": "hủy bỏ",
    },
    "en": {**{s: s.replace("_", " ") for s in STATUSES}, "open": "no progress recorded"},
    "zh": {
        "open": "暂无进展记录",
        "in_progress": "正在推进",
        "ongoing": "常态化",
        "stalled": "进展滞后",
        "done": "已完成",
        "partly_done": "部分完成",
        "not_done": "未完成",
        "dropped": "已取消",
    },
}
# An `open` record no event has touched stands apart where records are counted or
# labelled (`summary --by status` groups it so): not a status, nothing moved it.
NO_UPDATE = "no_update"
# What a record no event has touched says, whatever its status: nothing is known since
# the minutes (glossary T4; 暂无更新 is its suggested label, used by no government).
NO_UPDATE_LABELS = {
    "vi": "chưa có thông tin cập nhật",
    "en": "no update recorded",
    "zh": "暂无更新（未见公开信息）",
}
# Labels once shown, still understood when typed (`--status "chua trien khai"`).
STATUS_ALIASES = {"chưa triển khai": "open"}

COMMITMENT_KINDS: tuple[str, ...] = ("deliverable", "continuing")

# The basis of a due date, shown beside it (the field `due_source`): the action's own
# sentence gives it, or only the minutes' framing of all of them as the 2023 programme,
# which is no deadline of the action's own (glossary T7: "không nêu thời hạn", 未明确时限).
DUE_SOURCE_LABELS = {
    "vi": {"minutes": "nêu trong biên bản", "programme": "theo chương trình"},
    "en": {"minutes": "in the minutes", "programme": "programme year"},
    "zh": {"minutes": "纪要明确时限", "programme": "纪要年度，未明确时限"},
}

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
        "deliverable": "việc một lần",
        "continuing": "việc thường xuyên",
    },
    "en": {k: k.replace("-", " ") for k in (*CROSSING_KINDS, *COMMITMENT_KINDS)},
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
