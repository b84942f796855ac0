"""The Chinese in the shipped data against the glossary (shared/glossary.md).

title_zh is our own rendering of each commitment for the Guangxi side, so it may use
only the place names a source gives: glossary §F (gate names) or a crossing record whose
characters are verified. A name with no confirmed Chinese form stays in Latin script
instead of a made-up transliteration. Like test_data_sources.py this reads the files
with PyYAML only.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared" / "research").is_dir()), ROOT.parent / "shared")
GLOSSARY = SHARED / "glossary.md"
RESEARCH = SHARED / "research" / "implementation-2023-2026.md"

CJK = re.compile(r"[\u4e00-\u9fff]")
# Terms the glossary rules out (❌ or "never use"); 便道 reads as a smuggling path.
FORBIDDEN = ("便道", "北风生", "主要口岸", "辅助口岸", "口岸对", "边贸市场", "换文", "互换照会", "区委书记",
             "边境派出所")
MARKS = {"✅": "verified", "◐": "weak"}


def load(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def commitments() -> list[dict]:
    return load("commitments.yaml")["commitments"]


@pytest.fixture(scope="module")
def crossings() -> dict[str, dict]:
    return {x["id"]: x for x in load("crossings.yaml")["crossings"]}


def parse_gates(glossary: str) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Glossary §F as {Vietnamese side: (中文, label)} and {Chinese side (Vietnamese spelling): (中文, label)}.

    A row pairs "A – B; C – D" with "a—b ✅; c—d ◐"; a cell with one name and no dash
    ("里火 ◐ (北风生 ❌)") gives only the Chinese side, the Vietnamese one being unconfirmed.
    """
    section = glossary[glossary.index("## F."):glossary.index("## Source keys")]
    vn_side: dict[str, tuple[str, str]] = {}
    cn_side: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or "–" not in cells[0] or not CJK.search(cells[1]):
            continue
        for pair, zh in zip(cells[0].split(";"), cells[1].split(";")):
            zh = re.sub(r"\(.*?\)", "", zh).strip()
            mark = next((MARKS[m] for m in MARKS if m in zh), None)
            if mark is None:
                continue
            names = [n.strip() for n in zh.rstrip("✅◐ ").split("—")]
            a, b = (nfc(n.strip()) for n in pair.split("–"))
            if len(names) == 2:
                vn_side[a] = (names[0], mark)
                cn_side[b] = (names[1], mark)
            else:
                cn_side[b] = (names[0], mark)
    return vn_side, cn_side


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module")
def gates() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    if not GLOSSARY.is_file():
        pytest.skip(f"glossary not present at {GLOSSARY} (../shared is not checked out here)")
    return parse_gates(GLOSSARY.read_text(encoding="utf-8"))


def test_the_glossary_table_is_read(gates):
    """Guards the parser: if the table's layout changes, the other tests would pass on nothing."""
    vn_side, cn_side = gates
    assert vn_side["Hữu Nghị"] == ("友谊", "verified")
    assert vn_side["Tà Lùng"] == ("驮隆", "weak")
    assert cn_side["Hữu Nghị Quan"] == ("友谊关", "verified")
    assert "Bắc Phong Sinh" not in vn_side and "Lũng Làn" not in vn_side
    assert len(vn_side) >= 10


def title(c: dict) -> str:
    return c.get("title_zh") or ""  # a missing title fails its own test, not a KeyError here


# --- title_zh -------------------------------------------------------------------------

def test_every_commitment_has_a_chinese_title(commitments):
    for c in commitments:
        zh = c.get("title_zh")
        assert isinstance(zh, str) and zh.strip(), c["id"]
        assert CJK.search(zh), (c["id"], zh)
        assert zh == nfc(zh) and zh == zh.strip(), c["id"]


def test_titles_avoid_the_terms_the_glossary_rules_out(commitments):
    for c in commitments:
        for term in FORBIDDEN:
            assert term not in title(c), (c["id"], term)


def known_names(crossings, gates) -> tuple[set[str], set[str], set[str]]:
    """(every Chinese place name we hold, the ones a title may use, Chinese-side ones)."""
    vn_side, cn_side = gates
    held = {n for x in crossings.values() for n in (x["name_zh"], x["partner_zh"]) if n}
    held |= {zh for zh, _ in vn_side.values()} | {zh for zh, _ in cn_side.values()}
    allowed = {zh for zh, _ in vn_side.values()} | {zh for zh, _ in cn_side.values()}
    allowed |= {x["partner_zh"] for x in crossings.values() if x["zh_confidence"] == "verified" and x["partner_zh"]}
    allowed |= {x["name_zh"] for x in crossings.values() if x.get("name_zh_confidence") == "verified" and x["name_zh"]}
    chinese_side = {x["partner_zh"] for x in crossings.values() if x["partner_zh"]}
    chinese_side |= {zh for zh, _ in cn_side.values()}
    return held, allowed, chinese_side


def test_gate_pairs_put_the_chinese_side_first(commitments, crossings, gates):
    held, _, chinese_side = known_names(crossings, gates)
    vietnamese_side = (held - chinese_side) | {x["name_vi"] for x in crossings.values()}
    for c in commitments:
        zh = title(c)
        assert not re.search(r"越南[^，、；]*?—中国", zh), (c["id"], "越南…—中国…", zh)
        for m in re.finditer(r"中国([^—]+?)—", zh):
            assert m.group(1) in chinese_side | {x["partner_vi"] for x in crossings.values()}, (c["id"], m.group(1))
            rest = zh[m.end():]
            assert rest.startswith("越南"), (c["id"], "中国X— not followed by 越南", zh)
            rest = rest[2:]
            assert not any(rest.startswith(n) for n in chinese_side), (c["id"], "Chinese side after 越南", zh)
            assert any(rest.startswith(n) for n in vietnamese_side), (c["id"], "unknown Vietnamese side", zh)


def test_titles_use_only_sourced_chinese_place_names(commitments, crossings, gates):
    """A name we hold only as weak characters outside §F (弄尧) is not put in a title."""
    held, allowed, _ = known_names(crossings, gates)
    for c in commitments:
        for name in held:
            if name in title(c):
                assert name in allowed, (c["id"], name)


def test_titles_name_only_their_own_crossings(commitments, crossings, gates):
    held, _, _ = known_names(crossings, gates)
    vn_side, cn_side = gates
    for c in commitments:
        own = set()
        for xid in c["crossings"]:
            for x in (crossings[xid], crossings.get(crossings[xid]["parent"] or "", {})):
                own |= {x.get("name_zh"), x.get("partner_zh")}
                own |= {vn_side.get(x.get("name_vi"), (None,))[0], cn_side.get(x.get("partner_vi"), (None,))[0]}
        for name in held:
            if name in title(c):
                # 友谊 is inside 友谊关: the longer name accounts for it.
                assert name in own or any(name in o for o in own if o), (c["id"], name)


def test_unconfirmed_names_stay_in_latin_script(commitments, crossings, gates):
    """A side with no Chinese form a title may use keeps its Vietnamese spelling, not a transliteration."""
    _, allowed, _ = known_names(crossings, gates)
    for c in commitments:
        for xid in c["crossings"]:
            x = crossings[xid]
            parent = crossings.get(x["parent"] or "")
            for vi, zh in ((x["name_vi"], x["name_zh"]), (x["partner_vi"], x["partner_zh"])):
                if zh in allowed or vi is None or vi not in c["title_vi"]:
                    continue
                # A bridge or road may be named through its gate pair (驮隆公路二桥).
                by_parent = parent is not None and parent["name_zh"] and parent["name_zh"] in title(c)
                assert vi in title(c) or by_parent, (c["id"], vi, title(c))


# --- crossings.yaml name_zh -------------------------------------------------------------

def test_name_zh_is_the_glossary_form(crossings, gates):
    """Filled wherever §F gives the Vietnamese side, and never different from it."""
    vn_side, _ = gates
    for x in crossings.values():
        if x["name_vi"] in vn_side:
            assert x["name_zh"] == vn_side[x["name_vi"]][0], (x["id"], x["name_zh"])


def test_copy_only_names_are_marked_weak(crossings, gates):
    """§F ◐ means a copy on a non-official host: weak, unless the research verifies that row."""
    vn_side, _ = gates
    research = RESEARCH.read_text(encoding="utf-8") if RESEARCH.is_file() else ""
    verified_rows = [line for line in research.splitlines()
                     if line.startswith("|") and "verified" in line and "weak" not in line]
    for x in crossings.values():
        zh, label = vn_side.get(x["name_vi"], (None, None))
        if label == "weak" and not any(zh in row for row in verified_rows):
            assert x.get("name_zh_confidence") == "weak", (x["id"], zh)


def test_unconfirmed_names_are_never_filled(crossings):
    for x in crossings.values():
        for value in (x["name_zh"], x["partner_zh"]):
            assert value is None or not any(term in value for term in FORBIDDEN), (x["id"], value)
