"""The bytes editor (`yamledit.FileBytes`, used by `status set`) against the str editor.

`FileBytes.set_fields` runs the whole-file checks on the file's bytes and edits
only the record's decoded lines; `set_fields` does all of it on the decoded
text. For any file and edit both must end the same way: the same bytes written,
or the same error with the same message and `file:line:col`. The files are the
shipped data, every bad-input file, and generated ones mixing the hazards the
checks exist for (anchors, tags, conflict markers, duplicate ids and keys, a
BOM, CRLF, U+FEFF and U+2028 in values, tabs, block scalars).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bbtrack.load import fingerprint
from bbtrack.write import yamledit as ye
from bbtrack.core.errors import BbtrackError

ROOT = Path(__file__).resolve().parent.parent
ENTRY = {"date": dt.date(2025, 3, 1), "from": "open", "to": "done", "note": "Lễ khai trương 😀",
         "evidence": ["https://example.org/x"], "by": "tester"}


def outcome_str(text: str, collection: str, record_id: str, fields: dict, entry: dict | None):
    try:
        return "ok", ye.set_fields(text, collection, record_id, fields, entry, filename="f.yaml").encode("utf-8")
    except Exception as exc:  # noqa: BLE001 - whatever one raises, the other must raise too
        return type(exc).__name__, str(exc)


def outcome_bytes(data: bytes, collection: str, record_id: str, fields: dict, entry: dict | None):
    try:
        splice = ye.FileBytes(data, "f.yaml").set_fields(collection, record_id, fields, entry)
        return "ok", data if splice is None else splice.apply(data)
    except Exception as exc:  # noqa: BLE001 - whatever one raises, the other must raise too
        return type(exc).__name__, str(exc)


def same_both_ways(text: str, collection: str, record_id: str, fields: dict, entry: dict | None = ENTRY):
    expected = outcome_str(text, collection, record_id, fields, entry)
    assert outcome_bytes(text.encode("utf-8"), collection, record_id, fields, entry) == expected
    return expected


def read_both_ways(text: str, collection: str, record_id: str):
    def attempt(function):
        try:
            return "ok", function()
        except Exception as exc:  # noqa: BLE001
            return type(exc).__name__, str(exc)

    expected = attempt(lambda: ye.read_record(text, collection, record_id, filename="f.yaml"))
    got = attempt(lambda: ye.FileBytes(text.encode("utf-8"), "f.yaml").read_record(collection, record_id))
    assert got == expected


def variants(text: str) -> list[str]:
    crlf = text.replace("\n", "\r\n")
    return [text, crlf, ye.BOM + text, ye.BOM + crlf, text.rstrip("\n")]


@pytest.mark.parametrize("variant", range(5))
@pytest.mark.parametrize("name", ["commitments", "crossings"])
def test_shipped_data_every_record(name, variant):
    text = variants((ROOT / "data" / f"{name}.yaml").read_text(encoding="utf-8"))[variant]
    ids = ye.record_ids(text, name)
    key = "status" if name == "commitments" else "stage"
    for record_id in ids[:3] + ids[-3:]:
        assert same_both_ways(text, name, record_id, {key: "done"})[0] == "ok"
    assert same_both_ways(text, name, ids[0], {key: "done", "kind": "x"}, None)[0] == "ok"
    assert same_both_ways(text, name, "no-such-id", {key: "done"})[0] == "NoRecordError"  # a NotFoundError: the editor found no such id


BAD = sorted((ROOT / "tests" / "bad_inputs").rglob("*.yaml"))


@pytest.mark.parametrize("path", BAD, ids=[p.name for p in BAD])
def test_bad_inputs(path):
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # refused before the editor runs (storage decodes strictly unless known clean)
    collection = "crossings" if path.name.startswith("x_") else "commitments"
    try:
        ids = ye.record_ids(text, collection)
    except BbtrackError:
        ids = []
    for record_id in [*ids[:2], *ids[-1:], "SM23-0-01", "mong-cai"]:
        same_both_ways(text, collection, record_id, {"status": "done"})
        read_both_ways(text, collection, record_id)
    read_both_ways(text, "meetings", "SM23")


# --- generated files ------------------------------------------------------------------

VALUES = st.sampled_from([
    "plain", "Lạng Sơn", '"quoted: yes"', "'single ''q'''", "null", "[]", "[a, b]", "😀 astral",
    '"x\u2028y"', "a\ufeffb", "R & D", "x *y", "&anchor v", "*alias", "!!str v", "!tag v", "a\tb",
    "|\n      block", "2024-11", "'2023'", '"\\t escaped"', "{k: v}",
])
HAZARD_LINES = st.sampled_from([
    "", "# comment", "  # indented comment", "<<<<<<< HEAD", "=======", ">>>>>>> x", "---", "...", "%YAML 1.1",
    "other: &a 1", "other: *a", "schema: 2", "\ufeff# BOM in the middle", "\ufeff&x", "commitments:",
])


@st.composite
def files(draw):
    ids = draw(st.lists(st.sampled_from(["A-1", "A-2", "A-3", "Ừ-4", "a-1"]), min_size=1, max_size=4))
    lines = ["schema: 1", "meetings:", "  - id: SM23", "    date: 2023-02-22", "commitments:"]
    for record_id in ids:
        lines.append(f"  - id: {record_id}")
        keys = draw(st.lists(st.sampled_from(["status", "note", "kind", "history", "status", "due"]),
                             max_size=4))
        for key in keys:
            if key == "history" and draw(st.booleans()):
                lines += ["    history:", "      - date: 2024-01-01", f"        note: {draw(VALUES)}"]
            else:
                lines.append(f"    {key}: {draw(VALUES)}")
        if draw(st.booleans()):
            lines.append(draw(HAZARD_LINES))
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(HAZARD_LINES))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n# end\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = ye.BOM + text
    return text, draw(st.sampled_from(ids + ["A-9"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files(), st.sampled_from([{"status": "done"}, {"kind": "x", "status": "open"}, {"status": "a\u2028b"}]),
       st.booleans())
@example(("schema: 1\ncommitments:\n  - id: A-1\n    status: open\n\ufeff&x\n", "A-1"), {"status": "done"}, True)
@example(("\ufeff&a\ncommitments:\n  - id: A-1\n", "A-1"), {"status": "done"}, True)
@example(("commitments:\n  - id: A-1\n    note: \"x\u2028y\"\n    note: 2\n", "A-1"), {"status": "done"}, True)
def test_generated_files_end_the_same_both_ways(case, fields, with_entry):
    text, record_id = case
    same_both_ways(text, "commitments", record_id, fields, ENTRY if with_entry else None)
    read_both_ways(text, "commitments", record_id)
    read_both_ways(text, "meetings", "SM23")


def test_error_lines_of_a_record_are_the_files():
    head = "schema: 1\ncommitments:\n" + "".join(f"  - id: B-{n}\n    note: Đ{n}\n" for n in range(50))
    text = head + "  - id: A-1\n    status: open\n    status: done\n"
    kind, message = same_both_ways(text, "commitments", "A-1", {"status": "done"})
    assert kind == "EditRefused" and message.startswith("f.yaml:105:5: key 'status' appears twice (first at line 104)")


# --- the digest a verdict resumes -------------------------------------------------------

@pytest.mark.parametrize("size", [0, 1, fingerprint._STEP - 1, fingerprint._STEP, fingerprint._STEP + 7, fingerprint._BIG - 3,
                                  fingerprint._BIG, fingerprint._BIG + fingerprint._STEP + 5])
def test_spliced_digest_equals_the_digest_of_the_spliced_bytes(size):
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    hashed = fingerprint.Hashed(data)
    assert hashed.digest == fingerprint.digest_bytes(data)
    for start, end in {(0, 0), (0, min(size, 5)), (size // 2, size // 2 + min(3, size - size // 2)),
                       (max(0, size - 2), size), (size, size), (max(0, size - fingerprint._STEP - 1), size)}:
        for replacement in (b"", b"xyz", b"q" * 10):
            new = data[:start] + replacement + data[end:]
            assert hashed.spliced(data, start, end, replacement) == fingerprint.digest_bytes(new), (start, end)


def test_new_lines_take_the_files_first_newline_not_the_records():
    # The excerpt starts at the collection's key line: its first line break is not the file's.
    text = "# header\r\nschema: 1\ncommitments:\n  - id: A-1\n    status: open\n"
    kind, new = same_both_ways(text, "commitments", "A-1", {"status": "done"})
    assert kind == "ok" and b"      - date: 2025-03-01\r\n" in new
