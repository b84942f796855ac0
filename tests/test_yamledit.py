"""The splicing editor: every byte outside the edited lines survives, every
edit reads back as intended, and the PyYAML pitfalls it relies on still hold.

Most editing tests run under both loaders (`loader` fixture): libyaml's
CSafeLoader and the pure-Python SafeLoader must give the same results.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bbtrack.load import loader as bbloader
from bbtrack.write import yamledit as ye
from bbtrack.core.errors import DataError, EditRefused, NotFoundError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "data-2023"  # every record still at its initial status
C_LOADER = getattr(yaml, "CSafeLoader", None)
LOADERS = [pytest.param(yaml.SafeLoader, id="pure")]
if C_LOADER is not None:
    LOADERS.insert(0, pytest.param(C_LOADER, id="libyaml"))


@pytest.fixture(params=LOADERS)
def loader(request, monkeypatch):
    """Run the test with ye.compose.LOADER set to each available loader."""
    monkeypatch.setattr(ye.compose, "LOADER", request.param)
    return request.param


SAMPLE = """\
# bbtrack — commitments agreed at the Spring Meetings (format: docs/data-format.md)
schema: 1
meetings:
  - id: SM23
    date: 2023-02-22
    title_vi: "Biên bản hội nghị"
    title_en: "Minutes"
    minutes: minutes/2023-02-22.txt     # path relative to the data folder
commitments:
  # --- 0. Phần mở đầu
  - id: SM23-0-01            # {meeting id}-{section}-{nn}
    section: 0
    title_vi: Quán triệt Tuyên bố chung – 中文 😀
    title_en: 'Fully implement: the statement'
    quote: "cần quán triệt “Tuyên bố chung”"
    parties: [Hà Giang, Quảng Tây]
    crossings: []
    kind: continuing
    due: null
    status: open  # note
    history: []

  # --- 1. Section one
  - id: SM23-1-01
    section: 1
    title_vi: Tăng cường giao lưu
    title_en: Strengthen exchanges
    quote: "Các Bên tăng cường giao lưu"
    parties: [Hà Giang, Quảng Ninh, Lạng Sơn, Cao Bằng, Quảng Tây]
    crossings: [lung-lan]
    kind: deliverable
    due: "2023"
    status: in_progress
    history:
      - date: 2024-06-25         # plain date
        from: open
        to: in_progress
        note: Started
        evidence:
          - https://vov.vn/a
        by: shared/research/implementation-2023-2026.md
    # a comment after the history, still inside the record
  - id: SM23-1-02
    section: 1
    title_vi: Hợp tác đào tạo
    title_en: Training
    quote: "tiếp tục hợp tác đào tạo cán bộ"
    parties: [Lạng Sơn, Quảng Tây]
    crossings: []
    kind: continuing
    due: null
    status: open
    history: []
# trailing comment at column 0

"""

ENTRY = {
    "date": dt.date(2024, 6, 25),
    "from": "open",
    "to": "done",
    "note": "Official opening ceremony of the bilateral pair",
    "evidence": ["https://vov.vn/x"],
    "by": "shared/research/implementation-2023-2026.md",
    "confidence": "weak",
}


def diff(old: str, new: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two texts."""
    removed, added = [], []
    for line in difflib.ndiff(old.splitlines(True), new.splitlines(True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def read(text: str, loader=yaml.SafeLoader):
    return yaml.load(text, Loader=loader)


def record(text: str, collection: str, record_id: str) -> dict:
    return next(r for r in read(text)[collection] if r["id"] == record_id)


# --- set_fields: what changes and what does not ----------------------------------------


def test_status_and_first_history_entry(loader):
    new = ye.set_fields(SAMPLE, "commitments", "SM23-0-01", {"status": "done"}, ENTRY)
    removed, added = diff(SAMPLE, new)
    assert removed == ["    status: open  # note\n", "    history: []\n"]
    assert added == [
        "    status: done  # note\n",
        "    history:\n",
        "      - date: 2024-06-25\n",
        "        from: open\n",
        "        to: done\n",
        "        note: Official opening ceremony of the bilateral pair\n",
        "        evidence:\n",
        "          - https://vov.vn/x\n",
        "        by: shared/research/implementation-2023-2026.md\n",
        "        confidence: weak\n",
    ]
    got = record(new, "commitments", "SM23-0-01")
    assert got["status"] == "done" and got["history"] == [ENTRY]
    # The blank line and section comment after the record are where they were.
    assert "        confidence: weak\n\n  # --- 1. Section one\n" in new


def test_block_history_gets_item_after_last_item(loader):
    entry = {"date": "2024-11", "from": "in_progress", "to": "done"}
    new = ye.set_fields(SAMPLE, "commitments", "SM23-1-01", {"status": "done"}, entry)
    removed, added = diff(SAMPLE, new)
    assert removed == ["    status: in_progress\n"]
    assert added == [
        "    status: done\n",
        '      - date: "2024-11"\n',
        "        from: in_progress\n",
        "        to: done\n",
    ]
    # after the last leaf of the history, before the comment that ends the record
    assert ("          - https://vov.vn/a\n        by: shared/research/implementation-2023-2026.md\n"
            '      - date: "2024-11"\n') in new
    assert '        to: done\n    # a comment after the history, still inside the record\n' in new
    assert record(new, "commitments", "SM23-1-01")["history"][-1] == entry


def test_untouched_quoting_comments_and_order_survive(loader):
    new = ye.set_fields(SAMPLE, "commitments", "SM23-0-01", {"due": "2024-11", "title_en": "New: title"})
    removed, added = diff(SAMPLE, new)
    assert removed == ["    title_en: 'Fully implement: the statement'\n", "    due: null\n"]
    assert added == ['    title_en: "New: title"\n', '    due: "2024-11"\n']
    assert new.replace('"New: title"', "'Fully implement: the statement'").replace(
        'due: "2024-11"', "due: null", 1) == SAMPLE


def test_missing_key_goes_after_last_key(loader):
    text = SAMPLE.replace("    due: null\n    status: open\n    history: []\n", "    due: null\n    status: open\n")
    assert text != SAMPLE
    new = ye.set_fields(text, "commitments", "SM23-1-02", {"markers": "1088/2 – 1089", "flag": True},
                        {"date": dt.date(2025, 1, 2), "from": "open", "to": "stalled"})
    removed, added = diff(text, new)
    assert removed == []
    assert added == [
        '    markers: "1088/2 – 1089"\n',
        "    flag: true\n",
        "    history:\n",
        "      - date: 2025-01-02\n",
        "        from: open\n",
        "        to: stalled\n",
    ]
    assert new.endswith("        to: stalled\n# trailing comment at column 0\n\n")
    got = record(new, "commitments", "SM23-1-02")
    assert list(got)[-3:] == ["markers", "flag", "history"]


def test_new_key_after_block_history(loader):
    new = ye.set_fields(SAMPLE, "commitments", "SM23-1-01", {"note": "x"})
    assert "          - https://vov.vn/a\n        by: shared/research/implementation-2023-2026.md\n" \
           "    note: x\n    # a comment after the history" in new


def test_flow_list_and_scalar_values(loader):
    new = ye.set_fields(SAMPLE, "commitments", "SM23-1-02", {
        "parties": ["Hà Giang", "Quảng Tây"], "crossings": ["a-b", "yes"], "section": 7, "due": dt.date(2024, 1, 2),
    })
    removed, added = diff(SAMPLE, new)
    assert added == [
        "    section: 7\n", "    parties: [Hà Giang, Quảng Tây]\n", '    crossings: [a-b, "yes"]\n',
        "    due: 2024-01-02\n",
    ]
    got = record(new, "commitments", "SM23-1-02")
    assert got["crossings"] == ["a-b", "yes"] and got["due"] == dt.date(2024, 1, 2) and got["section"] == 7


def test_empty_value_gets_a_space(loader):
    text = SAMPLE.replace("    due: null\n    status: open\n    history: []\n",
                          "    due:\n    status: open\n    history: []\n")
    new = ye.set_fields(text, "commitments", "SM23-1-02", {"due": "2024"})
    assert '    due: "2024"\n' in new and record(new, "commitments", "SM23-1-02")["due"] == "2024"


def test_no_change_returns_text():
    assert ye.set_fields(SAMPLE, "commitments", "SM23-1-02", {}) is SAMPLE


def test_crossing_entry_with_kind(loader):
    text = (FIXTURE / "crossings.yaml").read_text(encoding="utf-8")
    crossing_id = ye.record_ids(text, "crossings")[3]
    entry = {"date": dt.date(2024, 3, 1), "from": "talks", "to": "announced", "kind": "international",
             "note": "Upgrade ceremony", "evidence": ["https://a.vn/1", "https://b.vn/2"], "by": "me"}
    new = ye.set_fields(text, "crossings", crossing_id, {"stage": "announced"}, entry, filename="crossings.yaml")
    assert record(new, "crossings", crossing_id)["history"] == [entry]
    assert "        evidence:\n          - https://a.vn/1\n          - https://b.vn/2\n" in new
    problems: list = []
    bbloader.parse_crossings(new, "crossings.yaml", problems)
    assert problems == []


def test_every_real_record_edits_cleanly(loader):
    """Each commitment takes a status change; the loader still reads the file cleanly."""
    text = (FIXTURE / "commitments.yaml").read_text(encoding="utf-8")
    for number, record_id in enumerate(ye.record_ids(text, "commitments")):
        entry = {"date": dt.date(2024, 1, 1 + number % 28), "from": "open", "to": "ongoing", "note": f"n{number}"}
        new = ye.set_fields(text, "commitments", record_id, {"status": "ongoing"}, entry)
        removed, added = diff(text, new)
        assert len(removed) == 2 and len(added) == 6, record_id
        problems: list = []
        commitments, _ = bbloader.parse_commitments(new, "commitments.yaml", problems)
        assert problems == [], record_id
        assert next(c for c in commitments if c.id == record_id).status == "ongoing"


# --- newline styles, BOM, code points -------------------------------------------------


def test_crlf_lines_stay_crlf(loader):
    text = SAMPLE.replace("\n", "\r\n")
    new = ye.set_fields(text, "commitments", "SM23-0-01", {"status": "done"}, ENTRY)
    assert re.search(r"(?<!\r)\n", new) is None  # no bare LF introduced
    expected = ye.set_fields(SAMPLE, "commitments", "SM23-0-01", {"status": "done"}, ENTRY)
    assert new == expected.replace("\n", "\r\n")
    appended = ye.append_record(text, "commitments", {"id": "SM23-9-01", "parties": ["A"], "history": []})
    assert appended == ye.append_record(SAMPLE, "commitments",
                                        {"id": "SM23-9-01", "parties": ["A"], "history": []}).replace("\n", "\r\n")


def test_bom_kept(loader):
    text = ye.BOM + SAMPLE.replace("\n", "\r\n")
    new = ye.set_fields(text, "commitments", "SM23-1-02", {"status": "done"}, ENTRY)
    assert new.startswith(ye.BOM + "# bbtrack") and new.count(ye.BOM) == 1
    assert new[1:] == ye.set_fields(text[1:], "commitments", "SM23-1-02", {"status": "done"}, ENTRY)


def test_bom_pitfall_libyaml_does_not_count_it():
    """libyaml's marks skip a BOM, the pure loader's count it: never compose a BOM."""
    if C_LOADER is None:
        pytest.skip("libyaml not available")
    text = ye.BOM + "a: x\nb: y\n"
    c_index = yaml.compose(text, Loader=C_LOADER).value[1][1].start_mark.index
    pure_index = yaml.compose(text, Loader=yaml.SafeLoader).value[1][1].start_mark.index
    assert (c_index, pure_index) == (8, 9)


def test_bom_at_key_of_first_line(loader):
    text = ye.BOM + "commitments:\n  - id: A\n    status: open\n"
    new = ye.set_fields(text, "commitments", "A", {"status": "done"})
    assert new == ye.BOM + "commitments:\n  - id: A\n    status: done\n"


@pytest.mark.parametrize("loader_cls", [p.values[0] for p in LOADERS])
def test_pitfall_index_counts_code_points(loader_cls):
    text = "a: Lũng 中文😀x\nb: y\n"
    node = yaml.compose(text, Loader=loader_cls)
    assert node.value[1][1].start_mark.index == text.index("y")  # a str index, not a byte offset
    assert len(text.encode()) > len(text)


def test_astral_and_combining_text_before_the_edit(loader):
    text = ("commitments:\n  - id: A\n    title: \"😀👨‍👩‍👧 中文 Lũng Làn e\u0301\"\n"
            "    status: open\n    history: []\n")
    new = ye.set_fields(text, "commitments", "A", {"status": "done", "title2": "Quảng Tây 广西 🎉"})
    assert new == ("commitments:\n  - id: A\n    title: \"😀👨‍👩‍👧 中文 Lũng Làn e\u0301\"\n"
                   "    status: done\n    history: []\n    title2: Quảng Tây 广西 🎉\n")


def test_pitfall_line_counts_unicode_breaks_error_lines_do_not(loader):
    """Mark.line counts U+2028/U+0085 as breaks; messages count only "\\n"."""
    text = ("commitments:\n  - id: A\n    note: \"x\u2028y\u0085z\"\n    status: open\n"
            "    status: done\n")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    second = node.value[0][1].value[0].value[3][0]
    assert second.start_mark.line == 6  # 0-based: really line 5 (1-based), 4 (0-based)
    with pytest.raises(EditRefused) as info:
        ye.set_fields(text, "commitments", "A", {"status": "x"}, filename="c.yaml")
    assert (info.value.source.file, info.value.source.line, info.value.source.col) == ("c.yaml", 5, 5)
    assert "twice" in info.value.message


def test_unicode_breaks_in_values_do_not_shift_the_splice(loader):
    text = "commitments:\n  - id: A\n    note: \"x\u2028y\u0085z\"\n    status: open\n"
    new = ye.set_fields(text, "commitments", "A", {"status": "done", "note2": "a\u2028b"})
    assert new == ("commitments:\n  - id: A\n    note: \"x\u2028y\u0085z\"\n    status: done\n"
                   '    note2: "a\\Lb"\n')
    assert record(new, "commitments", "A")["note2"] == "a\u2028b"


# --- where a record ends / starts ------------------------------------------------------


def test_pitfall_block_end_mark_swallows_comments(loader):
    """The mapping's end mark lies past the comment and blank line after the record."""
    text = "- id: a\n  h:\n    - d: 1\n  # comment\n\n- id: b\n"
    item = yaml.compose(text, Loader=loader).value[0]
    assert item.end_mark.index == text.index("- id: b")
    assert ye.compose._last_leaf(item).end_mark.index == text.index("1\n") + 1


def test_history_append_does_not_swallow_following_comment(loader):
    text = ("commitments:\n  - id: A\n    history:\n      - date: 2024-01-01\n        to: done"
            "   # why\n\n    # about B\n  - id: B\n    history: []\n")
    new = ye.set_fields(text, "commitments", "A", {}, {"date": dt.date(2024, 2, 1), "to": "x"})
    assert new == ("commitments:\n  - id: A\n    history:\n      - date: 2024-01-01\n        to: done"
                   "   # why\n      - date: 2024-02-01\n        to: x\n\n    # about B\n  - id: B\n"
                   "    history: []\n")


def test_pitfall_start_mark_is_first_key(loader):
    text = "commitments:\n  -   id: A\n      status: open\n      history: []\n"
    item = yaml.compose(text, Loader=loader).value[0][1].value[0]
    assert text[item.start_mark.index:].startswith("id: A")
    new = ye.set_fields(text, "commitments", "A", {"x": 1}, {"to": "done"})
    assert new == ("commitments:\n  -   id: A\n      status: open\n      history:\n"
                   "        - to: done\n      x: 1\n")


def test_history_indentation_follows_existing_items(loader):
    text = "commitments:\n- id: A\n  history:\n  - date: 2024-01-01\n    to: a\n"
    new = ye.set_fields(text, "commitments", "A", {}, {"date": dt.date(2024, 2, 1), "to": "b",
                                                       "evidence": ["u1", "u2"]})
    assert new == text + "  - date: 2024-02-01\n    to: b\n    evidence:\n      - u1\n      - u2\n"


def test_history_null_and_comment_on_key_line(loader):
    text = "commitments:\n  - id: A\n    history: null  # none yet\n"
    new = ye.set_fields(text, "commitments", "A", {}, {"to": "b"})
    assert new == "commitments:\n  - id: A\n    history:  # none yet\n      - to: b\n"
    text = "commitments:\n  - id: A\n    history: []  # none yet\n  - id: B\n"
    new = ye.set_fields(text, "commitments", "A", {}, {"to": "b"})
    assert new == "commitments:\n  - id: A\n    history:  # none yet\n      - to: b\n  - id: B\n"


def test_file_without_final_newline(loader):
    text = "commitments:\n  - id: A\n    history: []"
    new = ye.set_fields(text, "commitments", "A", {"s": 1}, {"to": "b"})
    assert new == "commitments:\n  - id: A\n    history:\n      - to: b\n    s: 1"
    assert ye.append_record(text, "commitments", {"id": "B"}) == text + "\n  - id: B"


# --- locating records -----------------------------------------------------------------


def test_record_ids_forms(loader):
    text = ("# c\ncommitments:\n  - id: A   # plain\n    x: 1\n  - id: 'B''s'\n  - id: \"C\\u00e9\"\n"
            "  - section: 1\n    id: D\n  -\n    id: E\nafter: 1\n")
    assert ye.record_ids(text, "commitments") == ["A", "B's", "Cé", "D", "E"]
    # "B's" is only listed: edits find a record by its id's text, written B''s.
    for record_id in ["A", "D", "E"]:
        new = ye.set_fields(text, "commitments", record_id, {"z": 2})
        assert record(new, "commitments", record_id)["z"] == 2


def test_real_ids_in_file_order():
    text = (DATA / "commitments.yaml").read_text(encoding="utf-8")
    assert ye.record_ids(text, "commitments") == [c["id"] for c in read(text)["commitments"]]
    assert ye.record_ids(text, "meetings") == ["SM23"]


def test_id_mentioned_elsewhere_is_not_a_record(loader):
    text = ("commitments:\n  - id: A\n    crossings: [lung-lan]\n    note: see id: lung-lan\n"
            "    history:\n      - id: lung-lan\n  - id: lung-lan\n    status: open\n")
    new = ye.set_fields(text, "commitments", "lung-lan", {"status": "done"})
    assert new == text.replace("status: open", "status: done")


def test_unknown_id_and_collection(loader):
    with pytest.raises(NotFoundError):
        ye.set_fields(SAMPLE, "commitments", "SM23-9-99", {"status": "x"})
    with pytest.raises(NotFoundError):
        ye.set_fields(SAMPLE, "commitments", "SM23", {"status": "x"})  # a meeting, not a commitment
    with pytest.raises(DataError):
        ye.set_fields(SAMPLE, "crossings", "x", {"status": "x"})


def test_id_that_reads_as_a_number_is_not_found(loader):
    with pytest.raises(NotFoundError):
        ye.set_fields("commitments:\n  - id: 2023\n    s: 1\n", "commitments", "2023", {"s": 2})


def test_only_the_record_slice_is_composed(loader, monkeypatch):
    records = "".join(f"  - id: R{i}\n    status: open\n    history: []\n" for i in range(3000))
    text = "schema: 1\ncommitments:\n" + records + "crossings: []\n"
    sizes = []
    real = yaml.compose

    def spy(stream, Loader):  # noqa: N803 (PyYAML's spelling)
        sizes.append(len(stream))
        return real(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "compose", spy)
    new = ye.set_fields(text, "commitments", "R1500", {"status": "done"}, {"to": "done"})
    assert max(sizes) < 200 and len(text) > 100_000
    assert new.replace("    status: done\n    history:\n      - to: done\n", "    status: open\n    history: []\n") == text


# --- refusals -------------------------------------------------------------------------


@pytest.mark.parametrize("snippet, line", [
    ("    note: &a x\n", 5),  # in the record being edited
    ("    note: *a\n", 5),
    ("    note: [&a x]\n", 5),
])
def test_anchor_or_alias_in_record_refused(loader, snippet, line):
    text = "schema: 1\ncommitments:\n  - id: A\n    status: open\n" + snippet
    with pytest.raises((EditRefused, DataError)) as info:
        ye.set_fields(text, "commitments", "A", {"status": "done"}, filename="c.yaml")
    assert info.value.source.file == "c.yaml" and info.value.source.line == line


def test_pitfall_alias_composes_to_the_anchor_node(loader):
    node = yaml.compose("a: &x [1]\nb: *x\n", Loader=loader)
    assert node.value[0][1] is node.value[1][1]  # same node: its marks are the anchor's


@pytest.mark.parametrize("where", ["header", "other_record", "other_region"])
@pytest.mark.parametrize("token", ["&anchor", "*alias", "!!str", "!local", "!!python/object:os.system"])
def test_anchor_alias_tag_anywhere_refused(loader, where, token):
    lines = SAMPLE.splitlines(True)
    if where == "header":
        text = SAMPLE.replace("schema: 1\n", f"schema: {token} 1\n" if token[0] == "!" else f"x: {token}\nschema: 1\n")
    elif where == "other_record":
        text = SAMPLE.replace('quote: "tiếp tục', f'quote: {token} "tiếp tục')
    else:
        text = SAMPLE.replace("    title_vi: \"Biên bản", f"    title_vi: {token} \"Biên bản")
    assert text != SAMPLE and lines
    if token == "*alias":  # an alias needs its anchor to be valid YAML at all
        text = text.replace("schema: 1", "schema: &alias 1", 1) if where != "header" else text
    with pytest.raises(EditRefused) as info:
        ye.set_fields(text, "commitments", "SM23-0-01", {"status": "done"}, filename="c.yaml")
    line = info.value.source.line
    assert token.lstrip("&*!").split(":")[0] in text.splitlines()[line - 1] or "&alias" in text.splitlines()[line - 1]


def test_lookalike_characters_are_not_tokens(loader):
    text = SAMPLE.replace('quote: "tiếp tục', 'quote: "R & D *x* !y tiếp tục').replace(
        "title_vi: Hợp tác đào tạo", "title_vi: Hợp tác & đào tạo *quan trọng* wow!")
    text = text.replace("# trailing comment", "# trailing & *comment* !x")
    new = ye.set_fields(text, "commitments", "SM23-0-01", {"status": "done"})
    assert diff(text, new) == (["    status: open  # note\n"], ["    status: done  # note\n"])


def test_token_check_in_large_region_scans_one_record(loader, monkeypatch):
    """Above _REGION_SCAN_LIMIT only the record holding a suspicious character is scanned."""
    monkeypatch.setattr(ye.tokens, "_REGION_SCAN_LIMIT", 200)
    records = "".join(f"  - id: R{i}\n    note: a & b\n    history: []\n" for i in range(50))
    text = "commitments:\n" + records
    scanned = []
    real = ye.compose._refuse_tokens

    def spy(chunk, *args):
        scanned.append(len(chunk))
        return real(chunk, *args)

    monkeypatch.setattr(ye.tokens, "_refuse_tokens", spy)
    monkeypatch.setattr(ye.compose, "_refuse_tokens", spy)
    ye.set_fields(text, "commitments", "R7", {"x": 1})
    # 49 other records one at a time, and the edited record itself (once or twice:
    # it is scanned again when composed)
    assert 50 <= len(scanned) <= 51 and max(scanned) < 60
    # "a &b" would be plain text; an anchor starts the value
    bad = text.replace("  - id: R30\n    note: a & b", "  - id: R30\n    note: &b a")
    with pytest.raises(EditRefused) as info:
        ye.set_fields(bad, "commitments", "R7", {"x": 1})
    assert info.value.source.line == 1 + 30 * 3 + 2


def test_pitfall_duplicate_keys_compose_silently(loader):
    assert yaml.load("a: 1\na: 2\n", Loader=loader) == {"a": 2}


@pytest.mark.parametrize("text, line", [
    ("commitments:\n  - id: A\n    status: open\n    status: done\n", 4),
    ("commitments:\n  - id: A\n    history:\n      - to: a\n        to: b\n", 5),
    ("commitments:\n  - id: A\n    x: 1\n  - id: A\n    x: 2\n", 4),
    ("commitments:\n  - id: A\ncommitments:\n  - id: B\n", 3),
])
def test_duplicates_refused(loader, text, line):
    with pytest.raises(EditRefused) as info:
        ye.set_fields(text, "commitments", "A", {"x": 3}, filename="c.yaml")
    assert info.value.source.line == line


def test_duplicate_id_with_other_key_order_refused(loader):
    text = "commitments:\n  - id: A\n    x: 1\n  - x: 2\n    id: A\n"
    with pytest.raises(EditRefused, match="2 times"):
        ye.set_fields(text, "commitments", "A", {"x": 3})


def test_pitfall_tab_after_key_differs_between_loaders():
    if C_LOADER is None:
        pytest.skip("libyaml not available")
    assert yaml.load("a:\tx\n", Loader=C_LOADER) == {"a": "x"}
    with pytest.raises(yaml.YAMLError):
        yaml.load("a:\tx\n", Loader=yaml.SafeLoader)


@pytest.mark.parametrize("text", [
    "commitments:\n  - id: A\n    status:\topen\n",
    "commitments:\n  - id: A\n    status: open\t# c\n",
    "commitments:\n  - id: A\n    parties: [a,\tb]\n",
])
def test_tab_refused_under_both_loaders(loader, text):
    with pytest.raises(EditRefused, match="tab"):
        ye.set_fields(text, "commitments", "A", {"x": 1})


def test_tab_inside_quotes_is_fine(loader):
    text = 'commitments:\n  - id: A\n    note: "a\tb"\n    status: open\n'
    assert ye.set_fields(text, "commitments", "A", {"status": "done"}) == text.replace("open", "done")


@pytest.mark.parametrize("text, exc", [
    ("commitments:\n  - id: A\n    note: |\n      text\n", EditRefused),  # block scalar at the end
    ("commitments:\n  - id: A\n    parties:\n      - a\n    s: 1\n", EditRefused),  # block list value
    ("commitments: [{id: A}]\n", EditRefused),
    ("commitments:\n  - id: A\n    s: [1\n", DataError),
    ("commitments:\n  - id: A\n    history: [{to: a}]\n", EditRefused),
    ("<<<<<<< HEAD\ncommitments:\n  - id: A\n", DataError),
    ("commitments:\n  - id: A\n---\nx: 1\n", EditRefused),
    ("%YAML 1.1\n---\ncommitments:\n  - id: A\n", EditRefused),
])
def test_unsafe_shapes_refused(loader, text, exc):
    fields = {"parties": ["b"]} if "parties" in text else {"s": 2}
    with pytest.raises(exc):
        ye.set_fields(text, "commitments", "A", fields, {"to": "b"} if "history" in text else None)


def test_id_and_history_fields_refused(loader):
    with pytest.raises(EditRefused):
        ye.set_fields(SAMPLE, "commitments", "SM23-0-01", {"id": "X"})
    with pytest.raises(EditRefused):
        ye.set_fields(SAMPLE, "commitments", "SM23-0-01", {"history": []})
    with pytest.raises(ValueError):
        ye.set_fields(SAMPLE, "commitments", "SM23-0-01", {"bad key": 1})
    with pytest.raises(TypeError):
        ye.set_fields(SAMPLE, "commitments", "SM23-0-01", {"x": 1.5})


# --- validate_splice ----------------------------------------------------------------------


def test_validate_splice_accepts_the_real_edit(loader):
    new = ye.set_fields(SAMPLE, "commitments", "SM23-1-01", {"status": "done"}, ENTRY)
    ye.validate_splice(SAMPLE, new, "commitments", "SM23-1-01", {"status": "done"}, ENTRY)


@pytest.mark.parametrize("tamper", [
    lambda t: t.replace("Hợp tác đào tạo", "Hợp tác đào tạo!"),  # another record
    lambda t: t.replace("minutes/2023", "minutes/2024"),  # the header
    lambda t: t.replace("status: done", "status: 'done '", 1),  # the value itself
    lambda t: t.replace("    # a comment after the history, still inside the record\n", ""),
    lambda t: t.replace("        confidence: weak\n", ""),  # the history entry
    lambda t: t.replace("    section: 1\n    title_vi: Tăng", "    title_vi: Tăng"),  # another field
    lambda t: t.replace("# trailing comment at column 0\n", "# trailing comment at column 0"),
])
def test_validate_splice_catches_tampering(loader, tamper):
    new = ye.set_fields(SAMPLE, "commitments", "SM23-1-01", {"status": "done"}, ENTRY)
    bad = tamper(new)
    assert bad != new
    with pytest.raises((EditRefused, DataError)):
        ye.validate_splice(SAMPLE, bad, "commitments", "SM23-1-01", {"status": "done"}, ENTRY)


def test_set_fields_refuses_instead_of_returning_bad_text(loader, monkeypatch):
    monkeypatch.setattr(ye.emit, "format_scalar", lambda value, flow=False: "yes")  # a broken formatter
    with pytest.raises(EditRefused, match="read back"):
        ye.set_fields(SAMPLE, "commitments", "SM23-0-01", {"status": "done"})


# --- append_record --------------------------------------------------------------------

NEW_COMMITMENT = {
    "id": "SM23-1-03", "section": 1, "title_vi": "Trao đổi: lý luận", "title_en": "Exchange", "quote": "q # not a comment",
    "parties": ["Hà Giang", "Quảng Tây"], "crossings": [], "kind": "continuing", "due": "2024", "status": "open",
    "history": [],
}


def test_append_in_file_style(loader):
    new = ye.append_record(SAMPLE, "commitments", NEW_COMMITMENT)
    removed, added = diff(SAMPLE, new)
    assert removed == []
    assert added == [
        "  - id: SM23-1-03\n", "    section: 1\n", '    title_vi: "Trao đổi: lý luận"\n', "    title_en: Exchange\n",
        '    quote: "q # not a comment"\n', "    parties: [Hà Giang, Quảng Tây]\n", "    crossings: []\n",
        "    kind: continuing\n", '    due: "2024"\n', "    status: open\n", "    history: []\n",
    ]
    assert new.endswith("    history: []\n  - id: SM23-1-03\n") is False
    assert "    history: []\n  - id: SM23-1-03\n" in new
    assert new.endswith("    history: []\n# trailing comment at column 0\n\n")
    assert record(new, "commitments", "SM23-1-03") == NEW_COMMITMENT
    problems: list = []
    bbloader.parse_commitments(new, "c.yaml", problems)
    assert problems == []


def test_append_with_history_and_other_indentation(loader):
    text = "schema: 1\ncrossings:\n- id: a\n  history:\n  - to: x\n\n# end\n"
    rec = {"id": "b", "history": [{"date": dt.date(2024, 1, 1), "to": "y", "evidence": ["u"]}], "tags": ["p", "q"]}
    new = ye.append_record(text, "crossings", rec)
    assert new == ("schema: 1\ncrossings:\n- id: a\n  history:\n  - to: x\n- id: b\n  history:\n"
                   "    - date: 2024-01-01\n      to: \"y\"\n      evidence:\n        - u\n  tags: [p, q]\n\n# end\n")
    assert record(new, "crossings", "b") == rec
    text4 = "crossings:\n    -   id: a\n        x: 1\n"
    assert ye.append_record(text4, "crossings", {"id": "b", "x": 2}) == text4 + "    -   id: b\n        x: 2\n"


@pytest.mark.parametrize("key_line", ["crossings: []", "crossings: []  # none yet", "crossings:", "crossings: null"])
def test_append_to_empty_collection(loader, key_line):
    text = f"schema: 1\n{key_line}\nother: 1\n"
    new = ye.append_record(text, "crossings", {"id": "a", "kind": None})
    comment = "  # none yet" if "#" in key_line else ""
    assert new == f"schema: 1\ncrossings:{comment}\n  - id: a\n    kind: null\nother: 1\n"
    assert read(new)["crossings"] == [{"id": "a", "kind": None}]


def test_append_refuses_existing_id(loader):
    with pytest.raises(EditRefused, match="already exists"):
        ye.append_record(SAMPLE, "commitments", {"id": "SM23-1-02"})


def test_append_then_edit_roundtrip(loader):
    new = ye.append_record(SAMPLE, "commitments", NEW_COMMITMENT)
    newer = ye.set_fields(new, "commitments", "SM23-1-03", {"status": "done"}, ENTRY)
    assert record(newer, "commitments", "SM23-1-03")["history"] == [ENTRY]
    assert ye.record_ids(newer, "commitments") == ["SM23-0-01", "SM23-1-01", "SM23-1-02", "SM23-1-03"]


def test_validate_append_catches_tampering(loader):
    new = ye.append_record(SAMPLE, "commitments", NEW_COMMITMENT)
    ye.validate_append(SAMPLE, new, "commitments", NEW_COMMITMENT)
    for bad in (new.replace("kind: continuing\n    due: \"2024\"", "kind: continuing\n    due: 2024"),
                new.replace("# trailing comment at column 0\n", ""),
                new.replace("    title_en: Training\n", "    title_en: Training!\n")):
        with pytest.raises(EditRefused):
            ye.validate_append(SAMPLE, bad, "commitments", NEW_COMMITMENT)


# --- format_scalar ----------------------------------------------------------------------

TRICKY = [
    "on", "On", "yes", "no", "off", "y", "n", "true", "False", "null", "Null", "~", "", " ", "2024-01-01",
    "2024-11", "2024", "1e3", "0x10", "0o17", "017", "1_000", ".5", "+1", "-1", ".inf", "-.inf", ".NaN",
    "-", "- x", "-x", ": x", "a: b", "a:", "# x", "a # b", "a#b", "[", "]", "{a}", "a, b", "&a", "*a",
    "!a", "|", ">", "'", '"', "%", "@", "`", "?", "? x", " lead", "trail ", "a\tb", "a\nb", "a\r\nb",
    "\x00", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\u202e", "\x1b[31m", "back\\slash",
    'quo"te', "it's", "Tiếng Việt có dấu", "中文 广西", "emoji 😀🎉", "\U0001f600", "=", "<<",
    "12:30", "1:2:3", "https://vov.vn/a?b=c#frag", "shared/research/x.md", "\u00a0nbsp", "x\u3000",
]


@pytest.mark.parametrize("value", TRICKY)
@pytest.mark.parametrize("loader_cls", [p.values[0] for p in LOADERS])
def test_format_scalar_tricky(value, loader_cls):
    text = ye.format_scalar(value)
    assert "\n" not in text and "\r" not in text
    assert yaml.load(f"k: {text}", Loader=loader_cls)["k"] == value
    flow = ye.format_scalar(value, flow=True)
    assert yaml.load(f"k: [{flow}, {flow}]", Loader=loader_cls)["k"] == [value, value]


@pytest.mark.parametrize("value, text", [
    (dt.date(2024, 6, 25), "2024-06-25"), ("2024-11", '"2024-11"'), (None, "null"), (True, "true"), (7, "7"),
    ("open", "open"), ("Hà Giang", "Hà Giang"), ("on", '"on"'), ("a\nb", '"a\\nb"'), ('a"b\\', '"a\\"b\\\\"'),
    (["Hà Giang", "x, y"], '[Hà Giang, "x, y"]'), ([], "[]"), ("https://vov.vn/a", "https://vov.vn/a"),
])
def test_format_scalar_forms(value, text):
    assert ye.format_scalar(value) == text


def test_format_scalar_rejects():
    for bad in (1.5, dt.datetime(2024, 1, 1), {"a": 1}, [[1]], "\ud800"):
        with pytest.raises((TypeError, ValueError)):
            ye.format_scalar(bad)


@settings(max_examples=600, deadline=None)
@given(st.text())
@example("Quảng Tây 广西 😀 \"quoted\" 'single' back\\slash\nnew line")
def test_format_scalar_roundtrip_hypothesis(value):
    text = ye.format_scalar(value)
    for loader_cls in [p.values[0] for p in LOADERS]:
        assert yaml.load(f"k: {text}", Loader=loader_cls)["k"] == value
        assert yaml.load(f"k: [{ye.format_scalar(value, flow=True)}]", Loader=loader_cls)["k"] == [value]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["note", "by", "from", "to", "kind"]), st.text(), min_size=1),
       st.sampled_from([p.values[0] for p in LOADERS]))
def test_set_fields_roundtrip_hypothesis(fields, loader_cls):
    """Arbitrary text values land in the right record and read back exactly."""
    old = ye.compose.LOADER
    ye.compose.LOADER = loader_cls
    try:
        new = ye.set_fields(SAMPLE, "commitments", "SM23-1-01", {"status": "x"}, fields)
    finally:
        ye.compose.LOADER = old
    assert record(new, "commitments", "SM23-1-01")["history"][-1] == fields
    before = SAMPLE.index("  - id: SM23-1-01")
    assert new[:before] == SAMPLE[:before]
    after = SAMPLE.index("    # a comment after the history")
    assert new.endswith(SAMPLE[after:])
