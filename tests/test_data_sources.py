"""Checks of the shipped data files against their sources.

Uses only PyYAML and the standard library (not the bbtrack package), so it runs
on the data alone. The sources are the minutes copy in data/minutes/ and, when
present, the research file in ../shared/research/ (see docs/data-format.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
COMMITMENTS = DATA / "commitments.yaml"
CROSSINGS = DATA / "crossings.yaml"
# ../shared beside the checkout; a git worktree (/work/wt/NAME) finds it one level further up.
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared" / "research").is_dir()), ROOT.parent / "shared")
RESEARCH = SHARED / "research" / "implementation-2023-2026.md"
GLOSSARY = SHARED / "glossary.md"
SHARED_MINUTES = SHARED / "minutes" / "2023-02-22-bien-ban-hoi-nghi.txt"

PARTIES = {"Hà Giang", "Quảng Ninh", "Lạng Sơn", "Cao Bằng", "Quảng Tây"}
STATUSES = {"open", "in_progress", "ongoing", "stalled", "done", "partly_done", "not_done", "dropped"}
COMMITMENT_KINDS = {"deliverable", "continuing"}
CROSSING_KINDS = {
    "international", "main-bilateral", "secondary", "border-opening", "clearance-passage",
    "goods-road", "border-market", "tourism-area", "railway",
}
STAGES = {
    "planned", "talks", "approved", "built", "accepted", "notes-exchanged", "announced",
    "operating", "suspended",
}
COMMITMENT_KEYS = [
    "id", "section", "title_vi", "title_en", "title_zh", "quote", "parties", "crossings", "kind", "due",
    "due_source", "status", "history",
]
OPTIONAL_COMMITMENT_KEYS = {"title_zh", "due_source"}
CROSSING_KEYS = [
    "id", "name_vi", "name_zh", "partner_vi", "partner_zh", "partner_pinyin", "zh_confidence", "name_zh_confidence",
    "name_source", "province", "kind", "target_kind", "stage", "parent", "markers", "history",
]
DUE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CROSSING_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Crossing pairs the minutes name, with what the minutes (or the brief's reading of
# them) fix: id -> (name_vi, partner_vi, parent, kind, target_kind).
# "*" means "not fixed here".
REQUIRED_CROSSINGS = {
    "huu-nghi": ("Hữu Nghị", "Hữu Nghị Quan", None, "international", None),
    "tan-thanh": ("Tân Thanh", "Pò Chài", "huu-nghi", "goods-road", "*"),
    "coc-nam": ("Cốc Nam", "Lũng Nghịu", "huu-nghi", "border-opening", "clearance-passage"),
    "road-1119-1120": ("*", "*", "huu-nghi", "goods-road", "*"),
    "binh-nghi": ("Bình Nghi", "Bình Nhi Quan", None, "*", "*"),
    "chi-ma": ("Chi Ma", "Ái Điểm", None, "main-bilateral", "international"),
    "lung-lan": ("Lũng Làn", "Lộng Bình", None, "*", "*"),
    "hoanh-mo": ("Hoành Mô", "Động Trung", None, "*", "*"),
    "bac-phong-sinh": ("Bắc Phong Sinh", "Lý Hoả", "hoanh-mo", "*", "*"),
    "km3-4-hai-yen": ("Km3+4 Hải Yên", "Đông Hưng", None, "*", "*"),
    "mong-cai": ("Móng Cái", "Đông Hưng", None, None, "*"),
    "tra-linh": ("Trà Lĩnh", "Long Bang", None, "main-bilateral", "international"),
    "ta-lung": ("Tà Lùng", "*", None, "main-bilateral", "international"),
    "ta-lung-bridge-2": ("*", "*", "ta-lung", "*", "*"),
    "ly-van": ("Lý Vạn", "Thạc Long", None, "*", "*"),
    # The minutes tie the opening to no pair; it was opened as a clearance passage with
    # Trà Lĩnh's upgrade (research §2, 2023-12-28), and such a passage belongs to a gate.
    "na-doong": ("Nà Đoỏng", "Nà Ráy", "tra-linh", "*", "*"),
    "ban-gioc": ("Bản Giốc", "Đức Thiên", None, "tourism-area", "*"),
    "dong-dang-railway": ("Đồng Đăng", "Bằng Tường", None, "railway", "*"),
}


def collapse(text: str) -> str:
    return " ".join(text.split())


def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def cdoc() -> dict:
    return load(COMMITMENTS)


@pytest.fixture(scope="module")
def xdoc() -> dict:
    return load(CROSSINGS)


@pytest.fixture(scope="module")
def commitments(cdoc) -> list[dict]:
    return cdoc["commitments"]


@pytest.fixture(scope="module")
def crossings(xdoc) -> list[dict]:
    return xdoc["crossings"]


@pytest.fixture(scope="module")
def minutes(cdoc) -> dict[str, str]:
    """Meeting id -> whitespace-collapsed minutes text (path relative to data/)."""
    return {
        m["id"]: collapse((DATA / m["minutes"]).read_text(encoding="utf-8"))
        for m in cdoc["meetings"]
    }


@pytest.fixture(scope="module")
def research() -> str:
    if not RESEARCH.is_file():
        pytest.skip(f"research file not present at {RESEARCH} (../shared is not checked out here)")
    return RESEARCH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def glossary_gates() -> str:
    """Section F of the glossary: the other source of a Vietnamese side's 中文 (tests/test_data_zh.py)."""
    if not GLOSSARY.is_file():
        pytest.skip(f"glossary not present at {GLOSSARY} (../shared is not checked out here)")
    text = GLOSSARY.read_text(encoding="utf-8")
    return text[text.index("## F."):text.index("## Source keys")]


def strings(node):
    """Every string (keys and values) in a loaded YAML tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


# --- file shape -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [COMMITMENTS, CROSSINGS], ids=lambda p: p.name)
def test_schema_first_and_one(path):
    doc = load(path)
    assert list(doc)[0] == "schema"
    assert doc["schema"] == 1
    first = next(
        line for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    assert first == "schema: 1"


@pytest.mark.parametrize("path", [COMMITMENTS, CROSSINGS], ids=lambda p: p.name)
def test_text_is_nfc_and_has_no_tabs(path):
    raw = path.read_text(encoding="utf-8")
    assert "\t" not in raw
    assert unicodedata.is_normalized("NFC", raw), f"{path.name} is not NFC"
    bad = [s for s in strings(load(path)) if not unicodedata.is_normalized("NFC", s)]
    assert not bad, f"non-NFC strings: {bad}"


def test_top_level_keys(cdoc, xdoc):
    assert list(cdoc) == ["schema", "meetings", "commitments"]
    assert list(xdoc) == ["schema", "crossings"]


def test_record_keys_in_order(commitments, crossings):
    for c in commitments:
        assert list(c) == [k for k in COMMITMENT_KEYS if k in c or k not in OPTIONAL_COMMITMENT_KEYS], c.get("id")
    for x in crossings:
        assert list(x) == CROSSING_KEYS, x.get("id")


def test_meeting(cdoc):
    (m,) = cdoc["meetings"]
    assert m["id"] == "SM23"
    assert str(m["date"]) == "2023-02-22"
    assert (DATA / m["minutes"]).is_file()


def test_minutes_copy_matches_shared(cdoc):
    if not SHARED_MINUTES.is_file():
        pytest.skip(f"shared minutes not present at {SHARED_MINUTES}")
    (m,) = cdoc["meetings"]
    assert (DATA / m["minutes"]).read_bytes() == SHARED_MINUTES.read_bytes()


# --- commitments ------------------------------------------------------------------------------


def test_quotes_are_in_the_minutes(commitments, minutes):
    missing = []
    for c in commitments:
        meeting = c["id"].split("-")[0]
        if collapse(c["quote"]) not in minutes[meeting]:
            missing.append(c["id"])
    assert not missing, f"quotes not found verbatim in the minutes: {missing}"


def test_quotes_locate_one_place(commitments, minutes):
    """A quote has enough words to occur exactly once in the minutes."""
    for c in commitments:
        meeting = c["id"].split("-")[0]
        assert minutes[meeting].count(collapse(c["quote"])) == 1, c["id"]


def test_quotes_are_normalised_and_distinct(commitments):
    for c in commitments:
        assert c["quote"] == collapse(c["quote"]), c["id"]
    dup = [q for q, n in Counter(collapse(c["quote"]) for c in commitments).items() if n > 1]
    assert not dup, f"quotes shared by several records: {dup}"


def test_commitment_ids_unique_and_well_formed(commitments, cdoc):
    meetings = {m["id"] for m in cdoc["meetings"]}
    ids = [c["id"] for c in commitments]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for c in commitments:
        m = re.fullmatch(r"([A-Z]+\d+)-(\d+)-(\d{2})", c["id"])
        assert m, c["id"]
        assert m.group(1) in meetings, c["id"]
        assert isinstance(c["section"], int) and int(m.group(2)) == c["section"], c["id"]


def test_sections_cover_the_minutes(commitments):
    assert {c["section"] for c in commitments} == {0, 1, 2, 3, 4, 5}


def test_parties_are_canonical(commitments):
    for c in commitments:
        assert c["parties"], c["id"]
        assert len(c["parties"]) == len(set(c["parties"])), c["id"]
        assert set(c["parties"]) <= PARTIES, (c["id"], set(c["parties"]) - PARTIES)


def test_commitment_vocabularies(commitments):
    for c in commitments:
        assert c["kind"] in COMMITMENT_KINDS, c["id"]
        assert c["status"] in STATUSES, c["id"]
        assert c["due"] is None or (isinstance(c["due"], str) and DUE_RE.match(c["due"])), c["id"]
        assert isinstance(c["history"], list), c["id"]
        assert c["title_vi"].strip() and c["title_en"].strip(), c["id"]


def test_dues_stated_in_the_minutes(commitments, minutes):
    """A due year is written in the record's own quote, or is the year the preamble
    gives the whole programme ("trong năm 2023"); continuing cooperation has none."""
    assert "hợp tác hữu nghị trong năm 2023 như sau" in minutes["SM23"]
    for c in commitments:
        if c["kind"] == "continuing":
            assert c["due"] is None, c["id"]
        else:
            assert c["due"] is not None, c["id"]
            assert c["due"][:4] in c["quote"] or c["due"] == "2023", c["id"]


def test_due_source_says_whether_the_sentence_dates_the_action(commitments):
    """`minutes` exactly where the record's own words give a year ("năm 2024"), `programme`
    where the date is only the programme year; no basis without a due."""
    for c in commitments:
        if c["due"] is None:
            assert c.get("due_source") is None, c["id"]
        elif re.search(r"năm 20\d\d", c["quote"]):
            assert c["due_source"] == "minutes" and c["due"] in c["quote"], c["id"]
        else:
            assert c["due_source"] == "programme" and c["due"] == "2023", c["id"]


def test_every_history_entry_has_a_vietnamese_note(commitments, crossings):
    """The Vietnamese outputs show note_vi: an entry with an English note has one beside it."""
    for record in (*commitments, *crossings):
        for h in record["history"]:
            assert h.get("note") and h.get("note_vi"), (record["id"], str(h["date"]))
            assert list(h).index("note_vi") == list(h).index("note") + 1, (record["id"], str(h["date"]))
            assert h["note_vi"] != h["note"], (record["id"], str(h["date"]))


def test_crossing_references_exist(commitments, crossings):
    known = {x["id"] for x in crossings}
    for c in commitments:
        assert isinstance(c["crossings"], list), c["id"]
        assert set(c["crossings"]) <= known, (c["id"], set(c["crossings"]) - known)


def test_every_crossing_is_used(commitments, crossings):
    used = {x for c in commitments for x in c["crossings"]}
    unused = {x["id"] for x in crossings} - used
    assert not unused, f"crossings no commitment refers to: {sorted(unused)}"


# --- crossings --------------------------------------------------------------------------------


def test_crossing_ids_unique_and_well_formed(crossings):
    ids = [x["id"] for x in crossings]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for i in ids:
        assert CROSSING_ID_RE.match(i), i


def test_crossing_vocabularies(crossings):
    for x in crossings:
        assert x["kind"] is None or x["kind"] in CROSSING_KINDS, x["id"]
        assert x["target_kind"] is None or x["target_kind"] in CROSSING_KINDS, x["id"]
        # A target equal to the kind only once a recorded upgrade reached it.
        upgraded = [h["kind"] for h in x["history"] if h.get("kind")]
        assert x["target_kind"] != x["kind"] or x["kind"] is None or upgraded[-1:] == [x["kind"]], x["id"]
        assert x["stage"] in STAGES, x["id"]
        assert x["province"] in PARTIES - {"Quảng Tây"}, x["id"]
        assert x["markers"] is None or isinstance(x["markers"], str), x["id"]
        assert isinstance(x["history"], list), x["id"]


def test_parents_exist_and_are_not_children(crossings):
    byid = {x["id"]: x for x in crossings}
    for x in crossings:
        if x["parent"] is not None:
            assert x["parent"] in byid, x["id"]
            assert byid[x["parent"]]["parent"] is None, x["id"]


def test_required_crossings_present(crossings):
    byid = {x["id"]: x for x in crossings}
    missing = set(REQUIRED_CROSSINGS) - set(byid)
    assert not missing, f"missing crossing pairs: {sorted(missing)}"
    for cid, (name_vi, partner_vi, parent, kind, target) in REQUIRED_CROSSINGS.items():
        x = byid[cid]
        for field, want in [("name_vi", name_vi), ("partner_vi", partner_vi), ("parent", parent),
                            ("kind", kind), ("target_kind", target)]:
            if field == "kind" and any(h.get("kind") for h in x["history"]):
                # an upgrade recorded since the minutes: the latest one holds
                want = [h["kind"] for h in x["history"] if h.get("kind")][-1]
            if want != "*":
                assert x[field] == want, (cid, field, x[field], want)


def test_crossing_names_and_markers_are_in_the_minutes(crossings, minutes):
    text = minutes["SM23"]
    for x in crossings:
        for field in ("name_vi", "partner_vi", "markers"):
            if x[field] is not None:
                assert x[field] in text, (x["id"], field, x[field])


def test_zh_confidence_only_with_chinese(crossings):
    for x in crossings:
        if x["partner_zh"] is not None:
            assert x["zh_confidence"] in {"verified", "weak"}, x["id"]
        else:
            assert x["zh_confidence"] is None, x["id"]
            assert x["partner_pinyin"] is None, x["id"]
        if x["name_zh"] is not None:
            assert x["name_zh_confidence"] in {"verified", "weak"}, x["id"]
        else:
            assert x["name_zh_confidence"] is None, x["id"]


def test_chinese_names_come_from_the_research(crossings, research, glossary_gates):
    for x in crossings:
        for field in ("name_zh", "partner_zh", "partner_pinyin", "name_source"):
            if field == "name_zh" and x[field] is not None and x[field] in glossary_gates:
                continue
            if x[field] is not None:
                assert x[field] in research, (x["id"], field, x[field])


def test_weak_characters_are_marked_weak(crossings, research, glossary_gates):
    """Where the research labels a row's characters weak, the record says zh_confidence: weak."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in research.splitlines()
        if line.startswith("|")
    ]
    for x in crossings:
        for field in ("name_zh", "partner_zh"):
            value = x[field]
            if value is None:
                continue
            labels = [r[3] for r in rows if len(r) >= 5 and (value in r[0] or value in r[1])]
            if field == "name_zh" and not labels and value in glossary_gates:
                continue  # a glossary-only name: its label is checked in tests/test_data_zh.py
            assert labels, (x["id"], field, "no research row names it")
            if any("weak" in label for label in labels):
                confidence = x["name_zh_confidence" if field == "name_zh" else "zh_confidence"]
                assert confidence == "weak", (x["id"], field, labels)
