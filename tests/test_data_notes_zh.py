"""The Chinese notes (note_zh) of the shipped data files (issue 19).

Every history entry carries a Chinese rendering of its note, in the glossary's terms
(shared/glossary.md). The checks below are the ones a reviewer of that Chinese would make
by eye; each is run on the real data files and, to show it can fail, on a wrong entry.
Uses only PyYAML and the standard library, like test_data_sources.py.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parent.parent / "data"
CJK = re.compile(r"[\u4e00-\u9fff]")
# An English note about a pilot or trial: the Chinese must not turn it into an opening.
PILOT = re.compile(r"\b(pilot|trial)\b", re.IGNORECASE)
# 正式开通 is allowed there only when denied ("a pilot is not an official opening").
CLAIMED_OPENING = re.compile(r"(?<!并非)(?<!不是)(?<!不属于)正式开通")
# Glossary convention 1: in Chinese the Chinese place comes first (中国X—越南Y).
VN_FIRST_PAIR = re.compile(r"越南[^，。；：（）—]{1,16}—中国")
# Hà Giang merged into Tuyên Quang on 2025-07-01 (glossary A; research §3).
MERGE_DAY = "2025-07-01"


def problems(record_id: str, entry: dict) -> list[str]:
    """What is wrong with one history entry's Chinese note; empty when nothing is."""
    where = f"{record_id} {entry.get('date')}"
    zh = entry.get("note_zh")
    if not isinstance(zh, str) or not zh.strip():
        return [f"{where}: no note_zh"]
    found = []
    if not CJK.search(zh):
        found.append(f"{where}: note_zh has no Chinese characters")
    if unicodedata.normalize("NFC", zh) != zh:
        found.append(f"{where}: note_zh is not NFC")
    if "便道" in zh:
        found.append(f"{where}: 便道 means a smuggling path; a crossing is 通道")
    if PILOT.search(entry.get("note") or "") and CLAIMED_OPENING.search(zh):
        found.append(f"{where}: the English note is about a pilot/trial but note_zh claims 正式开通")
    if VN_FIRST_PAIR.search(zh):
        found.append(f"{where}: gate pair written 越南…—中国…; the Chinese side comes first")
    if str(entry.get("date")) >= MERGE_DAY and "河江省" in zh and "宣光省" not in zh:
        found.append(f"{where}: after {MERGE_DAY} 河江省 is part of 宣光省")
    keys = list(entry)
    if "note_vi" in keys and keys.index("note_zh") != keys.index("note_vi") + 1:
        found.append(f"{where}: note_zh belongs right after note_vi")
    return found


def entries():
    for name, key in (("commitments.yaml", "commitments"), ("crossings.yaml", "crossings")):
        for record in yaml.safe_load((DATA / name).read_text(encoding="utf-8"))[key]:
            for entry in record.get("history") or []:
                yield record["id"], entry


def test_every_history_entry_has_a_faithful_chinese_note():
    all_entries = list(entries())
    assert len(all_entries) >= 100  # 82 commitment entries and 18 crossing entries when written
    found = [p for record_id, entry in all_entries for p in problems(record_id, entry)]
    assert found == []


def test_a_pilot_is_never_shown_as_an_official_opening_in_the_data():
    pilots = [(rid, e) for rid, e in entries() if PILOT.search(e["note"])]
    assert any("试运营" in e["note_zh"] for _, e in pilots)  # the Bản Giốc pilot is there
    assert not [rid for rid, e in pilots if CLAIMED_OPENING.search(e["note_zh"])]


GOOD = {"date": "2023-09-15", "from": "open", "to": "done",
        "note": "One-year pilot of tourist crossing starts at marker 834/1.",
        "note_vi": "Bắt đầu vận hành thí điểm một năm tại mốc 834/1.",
        "note_zh": "834/1号界碑处开始为期一年的游客通行试运营。"}


@pytest.mark.parametrize(("change", "complaint"), [
    ({"note_zh": None}, "no note_zh"),
    ({"note_zh": "  "}, "no note_zh"),
    ({"note_zh": "(EN) pilot"}, "no Chinese characters"),
    ({"note_zh": "834/1号界碑处游客通行正式开通。"}, "claims 正式开通"),
    ({"note_zh": "经便道出入境。"}, "便道"),
    ({"note_zh": "越南横模—中国峒中双边口岸举行仪式。"}, "Chinese side comes first"),
    ({"date": "2025-08-01", "note": "Talks.", "note_zh": "河江省边防屯举行会谈。"}, "宣光省"),
    ({"note_zh": unicodedata.normalize("NFD", "Sơn Vĩ边防屯")}, "not NFC"),
])
def test_each_check_catches_the_mistake_it_is_for(change, complaint):
    assert problems("X", GOOD) == []
    bad = {**GOOD, **change}
    assert any(complaint in p for p in problems("X", bad)), problems("X", bad)


def test_a_denied_opening_in_a_correction_is_not_a_claim():
    entry = {**GOOD, "note": "Correction: a pilot is not an official opening ceremony.",
             "note_zh": "更正：试运营并非正式开通仪式。"}
    assert problems("X", entry) == []


def test_note_zh_out_of_place_is_caught():
    moved = {k: GOOD[k] for k in ("date", "from", "to", "note", "note_zh", "note_vi")}
    assert any("right after note_vi" in p for p in problems("X", moved))
