"""The bad-input corpus: every reading and writing command on broken data fails
with one line naming file:line and what to do, the right exit code, no
traceback, and (for writes) the data files byte-identical afterwards.

Corpus layout (tests/bad_inputs/):

* `base/` — a small valid data folder every case starts from;
* `c_<case>.yaml` replaces `commitments.yaml`, `x_<case>.yaml` replaces
  `crossings.yaml` (static files: open one to see the defect);
* byte-level and file-system cases (empty file, BOM, CRLF, non-UTF-8, NUL,
  read-only file/folder, missing files, 50 MB) are generated in `GENERATED`.

Exit codes (bbtrack/errors.py, docs/errors.md): 1 data problems / refused edit /
not found, 2 unusable input (fatal: not YAML, not UTF-8, wrong shape) or usage.

`status set` splices one record, but first loads the whole folder: on a folder
whose *other* records are broken it refuses with "fix the data first: <the
first problem> (bbtrack check)" (marked `BLOCKED` below) rather than write a
change a reviewer would receive next to a broken record.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import ENTRY, Cli


pytestmark = pytest.mark.usefixtures("english_cli")  # these tests read bbtrack's English messages


HERE = Path(__file__).resolve().parent
BAD = HERE / "bad_inputs"
BASE = BAD / "base"
ROOT = HERE.parent

EDIT_DATE = ["--date", "2023-07-01", "-e", "https://example.org/source", "--by", "corpus"]
READS: dict[str, list[str]] = {
    "list": ["list"],
    "list-json": ["list", "--format", "json"],
    "show": ["show", "SM23-3-01"],
    "show-crossing": ["show", "ly-van"],
    "crossings": ["crossings"],
    "summary": ["summary"],
    "log": ["log"],
    "log-id": ["log", "SM23-3-01"],
    "report": ["report", "--format", "markdown"],
}
WRITES: dict[str, list[str]] = {
    "set": ["status", "set", "SM23-3-02", "in_progress", *EDIT_DATE],
    "set-crossing": ["status", "set", "ly-van", "accepted", *EDIT_DATE],
    "add": ["add", "--section", "4", "--party", "Cao Bằng", "--party", "Quảng Tây", "--title-vi", "Việc mới",
            "--title-en", "New task", "--quote", "việc mới"],
}

OK = "ok"  # the command must succeed
BLOCKED = "blocked"  # refused with "fix the data first: <the read error>"


@dataclass(frozen=True)
class Case:
    name: str
    code: int  # exit code of every read command and of check
    message: str | None  # substring of the read error line ("file:line:col: code text"); None: reads succeed
    set: object = BLOCKED  # OK, BLOCKED or (code, substring)
    set_crossing: object = BLOCKED
    add: object = None  # default: (code, "fix the data first: " + message)
    setup: Callable[[Path], None] | None = field(default=None, compare=False)

    def expect(self, write: str) -> object:
        if write == "set":
            return self.set
        if write == "set-crossing":
            return self.set_crossing
        if self.add is not None:
            return self.add
        return (self.code, self.message) if self.message else OK  # "fix the data first: <path/>" + message


C, X = "commitments.yaml", "crossings.yaml"
TAGS = "bbtrack edits only files without anchors, aliases or tags"

# name: (read exit code, read message, set, set-crossing[, add])
CORPUS: dict[str, tuple] = {
    # --- YAML syntax -----------------------------------------------------------------
    "c_unclosed_quote": (2, f"{C}:7:16: yaml-syntax did not find expected key; fix the YAML syntax", BLOCKED, BLOCKED),
    "c_bad_indentation": (2, f"{C}:29:15: yaml-syntax mapping values are not allowed in this context",
                          (2, f"{C}:29:15: cannot read record 'SM23-3-02'"), BLOCKED),
    "c_tab_indent": (2, f"{C}:45:1: yaml-syntax found character that cannot start any token; indent with spaces, "
                        "not tabs", BLOCKED, BLOCKED),
    "c_second_document": (2, f"{C}:49:1: yaml-syntax but found another document",
                          (1, f"{C}:49:1: a data file holds one YAML document"), BLOCKED),
    "c_deep_nesting": (2, f"{C}:44:1013: yaml-syntax exceeded maximum nesting depth", BLOCKED, BLOCKED),
    "c_merge_conflict": (2, f"{C}:36: merge-conflict unresolved git merge conflict; resolve it",
                         (2, f"{C}:36:1: unresolved git merge conflict"), BLOCKED),
    # --- shape -----------------------------------------------------------------------
    "c_comments_only": (2, f"{C}:1: empty-file file holds no data (only comments); restore it from git",
                        (2, f"{C}: no top-level key 'commitments'"), BLOCKED),
    "c_top_level_list": (2, f"{C}:1:1: wrong-shape the file must be a mapping with 'schema' and 'commitments'",
                         (2, f"{C}: no top-level key 'commitments'"), BLOCKED),
    "c_top_level_scalar": (2, f"{C}:1:1: wrong-shape the file must be a mapping",
                           (2, f"{C}: no top-level key 'commitments'"), BLOCKED),
    "c_commitments_mapping": (2, f"{C}:9:3: wrong-shape 'commitments' must be a list of records",
                              (1, f"{C}:9:1: 'commitments' must be a list of records"), BLOCKED),
    "x_crossings_list": (2, f"{X}:1:1: wrong-shape the file must be a mapping with 'schema' and 'crossings'",
                         BLOCKED, (2, f"{X}: no top-level key 'crossings'")),
    "c_record_is_list": (1, f"{C}:27:5: wrong-type commitment must be a mapping",
                         (1, f"{C}: no record 'SM23-3-02' in commitments"), BLOCKED),
    "c_record_is_scalar": (1, f"{C}:27:5: wrong-type commitment must be a mapping",
                           (1, f"{C}: no record 'SM23-3-02' in commitments"), BLOCKED),
    "c_history_mapping": (1, f"{C}:38:7: wrong-type commitment history must be a list",
                          (1, f"{C}:38:7: history must be a block list, [] or null"), BLOCKED),
    "c_no_schema": (2, f"{C}:2:1: no-schema first key must be 'schema: 1'", BLOCKED, BLOCKED),
    "c_schema_2": (2, f"{C}:2:9: schema-version schema 2 is not supported by this bbtrack",
                   (1, f"{C}:2:9: schema 2 is not supported by this bbtrack (knows 1); upgrade bbtrack"), BLOCKED),
    # --- duplicates ------------------------------------------------------------------
    "c_duplicate_key": (1, f"{C}:37:5: duplicate-key key 'status' appears twice in commitment; keep one",
                        (1, f"{C}:37:5: key 'status' appears twice (first at line 36)"), BLOCKED),
    "c_duplicate_top_key": (1, f"{C}:49:1: duplicate-key key 'commitments' appears twice in the file",
                            (1, f"{C}:49:1: top-level key 'commitments' appears twice"), BLOCKED),
    "c_duplicate_id": (1, f"{C}:27:5: duplicate-id id 'SM23-3-02' is used 2 times",
                       (1, f"{C}:49:1: record id 'SM23-3-02' appears 2 times in commitments (lines 27, 49)"), BLOCKED),
    "x_duplicate_crossing_id": (1, f"{X}:19:5: duplicate-id id 'ta-lung' is used 2 times", BLOCKED, BLOCKED),
    # --- tags, anchors, aliases -------------------------------------------------------
    "c_python_object_tag": (2, f"{C}:30:15: tag YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed",
                            (1, f"{C}:30:15: YAML tag '!!python/object:os.system' found; {TAGS}"), BLOCKED),
    "c_python_apply_tag": (2, f"{C}:31:12: tag YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'",
                           (1, f"{C}:31:12: YAML tag '!!python/object/apply:os.system' found"), BLOCKED),
    "c_local_tag": (2, f"{C}:45:11: tag YAML tag '!custom' is not allowed; remove it",
                    (1, f"{C}:45:11: YAML tag '!custom' found"), BLOCKED),
    "c_binary_tag": (2, f"{C}:41:15: tag YAML tag 'tag:yaml.org,2002:binary' is not allowed",
                     (1, f"{C}:41:15: YAML tag '!!binary' found"), BLOCKED),
    "c_set_tag": (2, f"{C}:33:16: tag YAML tag 'tag:yaml.org,2002:set' is not allowed",
                  (1, f"{C}:33:16: YAML tag '!!set' found"), BLOCKED),
    "c_merge_key": (2, f"{C}:39:5: tag YAML tag 'tag:yaml.org,2002:merge' is not allowed", BLOCKED, BLOCKED),
    "c_anchor_alias": (2, f"{C}:14:14: alias YAML anchors/aliases are not allowed; write the value out",
                       (2, f"{C}:32:14: cannot read record 'SM23-3-02': found undefined alias"), BLOCKED),
    # The aliases are never expanded: the walker stops at the first repeated node.
    "c_billion_laughs": (1, f"{C}:3:1: unknown-field unknown top-level key 'lol0'",
                         (1, f"{C}:3:7: YAML anchor &a0 found; {TAGS}"), BLOCKED),
    # --- wrong types -------------------------------------------------------------------
    "c_date_as_number": (1, f"{C}:20:15: bad-date date year 20230601 out of range; write YYYY, YYYY-MM or YYYY-MM-DD",
                         BLOCKED, BLOCKED),
    "c_due_as_float": (1, f"{C}:17:10: bad-date due 2023.5 is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)", BLOCKED, BLOCKED),
    "c_status_as_list": (1, f"{C}:36:13: unknown-status status ['open'] is not a status; use one of open",
                         (2, "SM23-3-02 has no valid status; run `bbtrack check`"), BLOCKED),
    "c_section_as_text": (1, f"{C}:39:14: wrong-type section must be a whole number, not text", BLOCKED, BLOCKED),
    "c_section_as_bool": (1, f"{C}:39:14: wrong-type section must be a whole number, not true/false", BLOCKED, BLOCKED),
    "c_parties_as_scalar": (1, f"{C}:32:14: wrong-type parties must be a list, not text", BLOCKED, BLOCKED),
    "c_empty_title": (1, f"{C}:41:15: empty-value title_en must not be empty", BLOCKED, BLOCKED),
    "c_null_id": (1, f"{C}:38:9: wrong-type id must be text, not empty", BLOCKED, BLOCKED),
    "c_id_as_number": (1, f"{C}:38:9: wrong-type id must be text, not a number", BLOCKED, BLOCKED),
    "c_complex_key": (1, f"{C}:46:7: wrong-type keys must be plain words (field names); rename or remove", BLOCKED, BLOCKED),
    "c_int_key": (1, f"{C}:46:5: unknown-field commitment has no field '2023'", BLOCKED, BLOCKED),
    # --- unknown fields (an error, not a warning: a typo must not be silently dropped) --
    "c_unknown_field": (1, f"{C}:46:5: unknown-field commitment has no field 'owner'; allowed: id, section", BLOCKED, BLOCKED),
    "c_unknown_top_key": (1, f"{C}:49:1: unknown-field unknown top-level key 'notes'; the file holds only", BLOCKED, BLOCKED),
    "c_unknown_history_field": (1, f"{C}:27:9: unknown-field history entry has no field 'reviewer'", BLOCKED, BLOCKED),
    "c_missing_field": (1, f"{C}:38:5: missing-field commitment lacks required field 'quote'; add it", BLOCKED, BLOCKED),
    # --- vocabularies and references ---------------------------------------------------
    "c_unknown_status": (1, f"{C}:36:13: unknown-status status 'finished' is not a status", BLOCKED, BLOCKED),
    "c_unknown_history_status": (1, f"{C}:20:9: unknown-status SM23-3-01: 'underway' is not one of open", BLOCKED, BLOCKED),
    "c_unknown_kind": (1, f"{C}:45:11: unknown-kind kind 'someday' is not a kind; use one of deliverable", BLOCKED, BLOCKED),
    "c_unknown_party": (1, f"{C}:27:5: unknown-party SM23-3-02: party 'Cao Bang' is unknown; write 'Cao Bằng'",
                        BLOCKED, BLOCKED),
    "c_unknown_crossing": (1, f"{C}:27:5: unknown-crossing SM23-3-02: crossing 'nowhere' is not in", BLOCKED, BLOCKED),
    "c_unknown_meeting": (1, f"{C}:38:5: unknown-meeting id 'SM24-4-01' names meeting 'SM24'", BLOCKED, BLOCKED),
    "c_bad_id": (1, f"{C}:38:5: bad-id id 'SM23-4-1' is not of the form MEETING-SECTION-NN", BLOCKED, BLOCKED),
    "c_evidence_not_http": (1, f"{C}:20:9: bad-evidence SM23-3-01: evidence 'javascript:alert(1)' is not an "
                               "http(s) address or a document reference; link the source", BLOCKED, BLOCKED),
    "c_section_mismatch": (1, f"{C}:38:5: section-mismatch id 'SM23-4-01' says section 4 but section is 5", BLOCKED, BLOCKED),
    "x_unknown_province": (1, f"{X}:19:5: unknown-province ta-lung: province 'Hà Nội' is not a Vietnamese province "
                              "in the registry; use one of Hà Giang", BLOCKED, BLOCKED),
    "x_chinese_province": (1, f"{X}:19:5: unknown-province ta-lung: province 'Quảng Tây'", BLOCKED, BLOCKED),
    "x_unknown_stage": (1, f"{X}:15:12: unknown-stage stage 'finished' is not a stage", BLOCKED, BLOCKED),
    "x_unknown_parent": (1, f"{X}:19:5: unknown-parent ta-lung: parent 'nowhere' is not another crossing id", BLOCKED, BLOCKED),
    "x_bad_crossing_id": (1, f"{X}:19:5: bad-id crossing id 'Ta_Lung' must be lower-case ASCII", BLOCKED, BLOCKED),
    "x_zh_without_confidence": (1, f"{X}:19:5: missing-field ta-lung: 中文 names need zh_confidence", BLOCKED, BLOCKED),
    # --- dates and history ---------------------------------------------------------------
    "c_impossible_date": (1, f"{C}:20:15: bad-value '2023-02-30' cannot be read (day is out of range for month); "
                             "write a real date", BLOCKED, BLOCKED),
    "c_impossible_due": (1, f"{C}:17:10: bad-date due month 13 out of range", BLOCKED, BLOCKED),
    "c_timestamp_date": (1, f"{C}:20:15: bad-date date a timestamp is not allowed; write only the date", BLOCKED, BLOCKED),
    "c_history_out_of_order": (1, f"{C}:27:9: history-order SM23-3-01: history entry 2023-03-01 comes before "
                                  "2023-06-01; keep history in date order", BLOCKED, BLOCKED),
    "c_history_chain": (1, f"{C}:20:9: history-chain SM23-3-01: first entry goes from 'stalled'", BLOCKED, BLOCKED),
    "c_status_not_last_to": (1, f"{C}:20:9: history-chain SM23-3-01: last history entry ends at 'in_progress' "
                                "but the record says 'stalled'", BLOCKED, BLOCKED),
    "c_status_without_history": (1, f"{C}:27:5: status-without-history SM23-3-02: status 'done' has no dated "
                                    "history entry", (2, "SM23-3-02: done → in_progress goes backwards"), BLOCKED),
    # --- Unicode -------------------------------------------------------------------------
    "c_nfd_title": (1, f"{C}:40:15: not-nfc title_vi is not in Unicode NFC form; save the file as NFC", BLOCKED, BLOCKED),
    "c_nfd_party": (1, f"{C}:32:14: not-nfc parties is not in Unicode NFC form", BLOCKED, BLOCKED),
}


# --- generated cases: bytes and the file system -------------------------------------------


def _write(name: str, data: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        path = folder / name
        path.write_bytes(data(path.read_bytes()))

    return setup


def _chmod(relative: str, mode: int) -> Callable[[Path], None]:
    return lambda folder: os.chmod(folder / relative if relative else folder, mode)


def _remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


def _as_folder(folder: Path) -> None:
    (folder / C).unlink()
    (folder / C).mkdir()


def _non_utf8(data: bytes) -> bytes:
    return data.replace("văn hóa".encode(), "v\xe3n h\xf3a".encode("latin-1"))  # line 41, Latin-1 bytes


GENERATED: dict[str, tuple] = {
    "empty_file": (_write(C, lambda d: b""), 2, f"{C}:1: empty-file file is empty; restore it from git",
                   (2, f"{C}: no top-level key 'commitments'"), BLOCKED),
    "whitespace_only": (_write(C, lambda d: b"\n  \n\n"), 2, f"{C}:1: empty-file file is empty",
                        (2, f"{C}: no top-level key 'commitments'"), BLOCKED),
    "non_utf8": (_write(C, _non_utf8), 2, f"{C}:41: not-utf8 byte 0xe3 is not UTF-8; save the file as UTF-8",
                 (2, f"{C}:41:36: byte 0xe3 at byte offset"), BLOCKED),
    "utf16": (_write(C, lambda d: d.decode().encode("utf-16")), 2, f"{C}:1: not-utf8 byte 0xff is not UTF-8",
              (2, f"{C}:1:1: byte 0xff at byte offset 0 is not UTF-8"), BLOCKED),
    "nul_byte": (_write(C, lambda d: d.replace(b"Strengthen", b"Stren\x00gthen")), 2,
                 f"{C}:42:20: yaml-syntax character U+0000 is not allowed in a YAML file; remove it", BLOCKED, BLOCKED),
    "raw_escape": (_write(C, lambda d: d.replace(b"Strengthen", b"Stren\x1b[2Jgthen")), 2,
                   f"{C}:42:20: yaml-syntax character U+001B is not allowed in a YAML file", BLOCKED, BLOCKED),
    "line_separator_before_error": (
        _write(C, lambda d: d.replace("title_en: Upgrade the Tà Lùng–Thuỷ Khẩu gate".encode(),
                                     'title_en: "Upgrade\u2028the Tà Lùng\u0085gate"'.encode())
               .replace(b"    section: 4", b"    section: four")),
        1, f"{C}:40:14: wrong-type section must be a whole number", BLOCKED, BLOCKED),
    "missing_folder": (lambda folder: shutil.rmtree(folder), 1, "does not exist; check --data-dir / BBTRACK_DATA",
                       (1, "does not exist; check --data-dir"), (1, "does not exist; check --data-dir"),
                       (1, "does not exist; check --data-dir")),
    "missing_crossings": (_remove(X), 2, f"{X}: missing-file file not found; check the data folder",
                          BLOCKED, (1, f"{X}: file not found; check the data folder (--data-dir)")),
    "missing_commitments": (_remove(C), 2, f"{C}: missing-file file not found",
                            (1, f"{C}: file not found; check the data folder"), BLOCKED),
    "commitments_is_folder": (_as_folder, 2, f"{C}: unreadable cannot read: Is a directory",
                              (2, f"{C}: is a folder, not a data file"), BLOCKED),
    "read_only_file": (_chmod(C, 0o444), 0, None, (2, f"{C}: is read-only (mode 444); make it writable"), OK,
                       (2, f"{C}: is read-only (mode 444)")),
    "read_only_folder": (_chmod("", 0o555), 0, None, (2, "is read-only; bbtrack writes a new file there"),
                         (2, "is read-only; bbtrack writes a new file there"),
                         (2, "is read-only; bbtrack writes a new file there")),
}


def _cases() -> list[Case]:
    cases = []
    for name, (code, message, set_, set_x, *add) in CORPUS.items():
        target = C if name.startswith("c_") else X
        source = BAD / f"{name}.yaml"
        cases.append(Case(name, code, message, set_, set_x, add[0] if add else None,
                          lambda folder, s=source, t=target: shutil.copyfile(s, folder / t)))
    for name, (setup, code, message, set_, set_x, *add) in GENERATED.items():
        cases.append(Case(name, code, message, set_, set_x, add[0] if add else None, setup))
    return cases


CASES = _cases()
BY_NAME = {case.name: case for case in CASES}


def test_corpus_is_complete():
    files = {p.stem for p in BAD.glob("*.yaml")}
    assert files == set(CORPUS), "every corpus file has an expectation and vice versa"
    assert len(CASES) >= 45


# --- helpers ----------------------------------------------------------------------------------


def _prepare(tmp_path: Path, case: Case) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    if case.setup is not None:
        case.setup(folder)
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    """The data files' bytes (the writer's `.bbtrack.lock` is not data)."""
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != ".bbtrack.lock"}


@pytest.fixture
def restore_modes(tmp_path):
    yield
    for path in (tmp_path / "data", *tmp_path.glob("data/*")):
        if path.exists():
            os.chmod(path, 0o755 if path.is_dir() else 0o644)


def _assert_one_line_error(result, code: int, message: str, what: str) -> None:
    output = result.output
    assert "Traceback" not in output, f"{what}: traceback\n{output}"
    assert result.exit_code not in (0, 70), f"{what}: exit {result.exit_code}\n{output}"
    assert result.exit_code == code, f"{what}: exit {result.exit_code}, expected {code}\n{output}"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"{what}: stderr is not one line:\n{result.stderr}"
    assert lines[0].startswith("bbtrack: error: "), lines[0]
    assert message in lines[0], f"{what}: {message!r} not in\n{lines[0]}"


NO_FOLDER = {"missing_folder"}  # exit 1 without a data folder to answer from


def _assert_answers_from_valid_records(result, what: str) -> None:
    """A read on a folder with record problems (not fatal) answers from the other records:
    one warning line naming the count and `bbtrack check`; asked for a record left out, an
    error line after it (exit 1)."""
    output = result.output
    assert "Traceback" not in output, f"{what}: traceback\n{output}"
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith("bbtrack: warning: the data has "), f"{what}:\n{result.stderr}"
    assert "run `bbtrack check`" in lines[0]
    if result.exit_code == 0:  # the warning, and the line saying a result is empty when it is
        rest = [line for line in lines[1:] if not line.startswith("bbtrack: no ")]
        assert not rest, f"{what}: more than the warning on stderr:\n{result.stderr}"
    else:
        assert result.exit_code == 1, f"{what}: exit {result.exit_code}\n{output}"
        assert len(lines) == 2 and lines[1].startswith("bbtrack: error: "), f"{what}:\n{result.stderr}"


# --- the matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_reads(case, tmp_path, restore_modes):
    folder = _prepare(tmp_path, case)
    cli = Cli(folder)
    before = _snapshot(folder)
    for name, args in READS.items():
        result = cli(*args)
        if case.message is None:
            assert result.exit_code == 0, f"{name}: {result.output}"
        elif case.code == 1 and case.name not in NO_FOLDER:
            _assert_answers_from_valid_records(result, name)
        else:
            _assert_one_line_error(result, case.code, case.message, name)
            assert "run `bbtrack check`" in result.stderr or "check --data-dir" in result.stderr
    assert _snapshot(folder) == before, "a read command changed the data"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_lists_the_problem(case, tmp_path, restore_modes):
    folder = _prepare(tmp_path, case)
    result = Cli(folder)("check")
    assert "Traceback" not in result.output
    assert result.exit_code == case.code, result.output
    if case.message is None:
        return
    if case.name == "missing_folder":
        _assert_one_line_error(result, 1, case.message, "check")
        return
    assert case.message in result.stdout, result.output
    for line in result.stdout.splitlines():  # every problem line names its file
        assert ".yaml" in line.split(": ")[0], line
    assert len(result.stderr.splitlines()) == 1 and "problem(s)" in result.stderr


WRITE_PARAMS = [pytest.param(case, write, id=f"{case.name}-{write}")
                for case in CASES for write in WRITES if case.expect(write) != BLOCKED]


@pytest.mark.parametrize(("case", "write"), WRITE_PARAMS)
def test_writes(case, write, tmp_path, restore_modes):
    folder = _prepare(tmp_path, case)
    before = _snapshot(folder)
    result = Cli(folder)(*WRITES[write])
    assert "Traceback" not in result.output and result.exit_code != 70, result.output
    expected = case.expect(write)
    if expected == OK:
        assert result.exit_code == 0, result.output
        return
    code, message = expected
    if write != "add" and "fix the data first: " in result.stderr and case.message:
        # Also right: the whole-folder check in edit.set_status refuses before the editor looks.
        code, message = case.code, case.message
    _assert_one_line_error(result, code, message, write)
    if write == "add" and case.add is None:
        assert "error: fix the data first: " in result.stderr and "(bbtrack check)" in result.stderr
    assert _snapshot(folder) == before, "a refused edit changed the data"
    assert not list(folder.glob(".*.tmp")) if folder.is_dir() else True


EDITOR_PARAMS = [pytest.param(case, write, id=f"{case.name}-{write}")
                 for case in CASES for write in ("set", "set-crossing")
                 if case.expect(write) not in (OK, BLOCKED)]


@pytest.mark.parametrize(("case", "write"), EDITOR_PARAMS)
def test_editor_refuses_on_its_own(case, write, tmp_path, restore_modes, monkeypatch):
    """Second line of defence: with the whole-folder check switched off, the splicing editor
    and the file layer still refuse each case with their own message (the expectations above)."""
    import bbtrack.write.edit

    monkeypatch.setattr(bbtrack.write.edit, "_require_clean", lambda data_dir, **_: None)
    folder = _prepare(tmp_path, case)
    before = _snapshot(folder)
    result = Cli(folder)(*WRITES[write])
    code, message = case.expect(write)
    _assert_one_line_error(result, code, message, write)
    assert _snapshot(folder) == before, "a refused edit changed the data"


@pytest.mark.parametrize("write", [w for w in WRITES if any(c.expect(w) == BLOCKED for c in CASES)])
def test_writes_refuse_when_other_records_are_broken(write, tmp_path_factory):
    """No write into a broken folder; the first problem is named, as `add` does."""
    wrote = []
    for case in (c for c in CASES if c.expect(write) == BLOCKED):
        folder = _prepare(tmp_path_factory.mktemp(case.name), case)
        before = _snapshot(folder)
        result = Cli(folder)(*WRITES[write])
        assert "Traceback" not in result.output and result.exit_code != 70, result.output
        if (result.exit_code not in (1, 2) or case.message not in result.stderr
                or _snapshot(folder) != before):
            wrote.append(case.name)
    assert not wrote, f"{write} wrote into broken data: {', '.join(wrote)}"


# --- valid files in unusual encodings: load and edit fine -----------------------------------


@pytest.mark.parametrize("variant", ["bom", "crlf", "bom_crlf"])
def test_bom_and_crlf_load_and_edit(variant, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    for name in (C, X):
        data = (folder / name).read_bytes()
        if "crlf" in variant:
            data = data.replace(b"\n", b"\r\n")
        if "bom" in variant:
            data = b"\xef\xbb\xbf" + data
        (folder / name).write_bytes(data)
    cli = Cli(folder)
    for args in READS.values():
        assert cli(*args).exit_code == 0
    check = cli("check")
    assert check.exit_code == 0 and check.stdout == "", check.output
    old = (folder / C).read_bytes()
    assert cli(*WRITES["set"]).exit_code == 0
    assert cli(*WRITES["add"]).exit_code == 0
    assert cli(*WRITES["set-crossing"]).exit_code == 0
    new = (folder / C).read_bytes()
    assert new.startswith(b"\xef\xbb\xbf") == ("bom" in variant) and new.count(b"\xef\xbb\xbf") == (
        1 if "bom" in variant else 0)
    if "crlf" in variant:
        assert new.count(b"\n") == new.count(b"\r\n"), "every line keeps CRLF"
    else:
        assert b"\r" not in new
    # Only lines of SM23-3-02 changed, plus the appended record.
    assert new.startswith(old[:old.index(b"  - id: SM23-3-02")])
    result = cli("show", "SM23-3-02", "--format", "json")
    assert result.exit_code == 0 and '"status": "in_progress"' in result.stdout
    assert cli("check").exit_code == 0
    assert '"SM23-4-02"' in cli("list", "--format", "json").stdout


def test_nfd_name_in_the_command_line_matches_nfc_data(tmp_path):
    """Mixed NFC/NFD: the data must be NFC (refused above); what people type may be either."""
    import unicodedata

    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    cli = Cli(folder)
    nfc = cli("list", "--province", "Cao Bằng", "--format", "json")
    nfd = cli("list", "--province", unicodedata.normalize("NFD", "Cao Bằng"), "--format", "json")
    assert nfc.exit_code == 0 and nfc.stdout == nfd.stdout
    added = cli("add", "--section", "4", "--party", unicodedata.normalize("NFD", "Lạng Sơn"),
                "--title-vi", unicodedata.normalize("NFD", "Hợp tác"), "--title-en", "Cooperation",
                "--quote", "hợp tác")
    assert added.exit_code == 0, added.output
    text = (folder / C).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert cli("check").exit_code == 0


# --- real processes ----------------------------------------------------------------------


def _run(args: list[str], timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([*ENTRY, *args], capture_output=True, text=True, timeout=timeout, env=env,
                          **kwargs)


@pytest.mark.parametrize("name", ["c_unclosed_quote", "c_billion_laughs", "c_python_apply_tag", "non_utf8",
                                  "c_merge_conflict", "missing_folder", "c_unknown_field"])
def test_entry_point_reads(name, tmp_path, restore_modes):
    case = BY_NAME[name]
    folder = _prepare(tmp_path, case)
    for args in (["list"], ["show", "SM23-3-01"], ["summary"]):
        proc = _run(["--data-dir", str(folder), *args])
        assert "Traceback" not in proc.stderr + proc.stdout
        if case.code == 1 and name not in NO_FOLDER:  # record problems: the valid records answer
            assert proc.returncode == 0, proc.stderr
            assert proc.stderr.startswith("bbtrack: warning: the data has ") and proc.stderr.count("\n") == 1
            assert proc.stdout
            continue
        assert proc.returncode == case.code, proc.stderr
        assert proc.stderr.count("\n") == 1 and case.message in proc.stderr, proc.stderr
        assert proc.stdout == ""


@pytest.mark.parametrize("name", ["c_merge_conflict", "c_python_object_tag", "read_only_file", "non_utf8"])
def test_entry_point_writes_refuse(name, tmp_path, restore_modes):
    case = BY_NAME[name]
    folder = _prepare(tmp_path, case)
    before = _snapshot(folder)
    code, message = case.expect("set")
    proc = _run(["--data-dir", str(folder), *WRITES["set"]])
    if "fix the data first: " in proc.stderr:  # the whole-folder check refused before the editor looked
        code, message = case.code, case.message
    assert proc.returncode == code and message in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert _snapshot(folder) == before


# --- 50 MB --------------------------------------------------------------------------------------


def _fifty_megabytes(folder: Path) -> int:
    text = (BASE / C).read_text(encoding="utf-8")
    head, _, rest = text.partition("commitments:\n")
    record = rest[rest.index("  - id: SM23-3-02"):rest.index("  - id: SM23-4-01")]
    count = 50 * 2**20 // len(record.encode()) + 1
    body = "".join(record.replace("SM23-3-02", f"SM23-3-{n:02d}") for n in range(2, count + 2))
    (folder / C).write_text(head + "commitments:\n" + body, encoding="utf-8")
    return count


def _limit_memory() -> None:  # runs in the child: 1.5 GB of address space at most
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))


@pytest.mark.slow
def test_fifty_megabyte_file_loads_in_bounded_memory(tmp_path):
    """Issue 21: size is no sign of hostility. A 50 MB file (~60k records) is read one record
    at a time, well inside 1.5 GB of address space (a whole-file compose took 2 GB at 88 MB)."""
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    count = _fifty_megabytes(folder)
    assert (folder / C).stat().st_size > 50 * 2**20
    proc = _run(["--data-dir", str(folder), "list", "--format", "csv", "--limit", "3"], timeout=900,
                preexec_fn=_limit_memory)
    assert proc.returncode == 0 and proc.stdout.count("\n") == 4, proc.stderr
    last = f"SM23-3-{count + 1:02d}"
    # The splicing editor itself (a library call, no size cap) stays linear on a file this size.
    from bbtrack.write import yamledit

    text = (folder / C).read_text(encoding="utf-8")
    started = time.monotonic()
    new = yamledit.set_fields(text, "commitments", last, {"status": "in_progress"},
                              {"date": "2023-06-01", "from": "open", "to": "in_progress",
                               "evidence": ["https://example.org/a"]}, filename=C)
    assert time.monotonic() - started < 30
    assert yamledit.read_record(new, "commitments", last)["status"] == "in_progress"


@pytest.mark.slow
def test_fifty_megabytes_of_token_lookalikes_edit_in_linear_time(tmp_path):
    """Regression: `_check_file_tokens` walked every '&' of a huge region back to its
    record (quadratic: a 400 kB tail took 58 s, 50 MB never finished)."""
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    line = "  # " + "& * ! " * 15 + "\n"
    with open(folder / C, "a", encoding="utf-8") as handle:
        handle.write(line * (50 * 2**20 // len(line)))
    from bbtrack.write import yamledit

    text = (folder / C).read_text(encoding="utf-8")
    started = time.monotonic()
    new = yamledit.set_fields(text, "commitments", "SM23-3-02", {"status": "in_progress"},
                              {"date": "2023-06-01", "from": "open", "to": "in_progress",
                               "evidence": ["https://example.org/a"]}, filename=C)
    assert time.monotonic() - started < 30
    assert yamledit.read_record(new, "commitments", "SM23-3-02")["status"] == "in_progress"


def test_a_file_over_the_old_16_mb_cap_loads(tmp_path):
    """Size is no sign of hostility: a data file of 17 MB (here mostly a comment) is read like any other."""
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    path = folder / C
    with path.open("a", encoding="utf-8") as handle:
        handle.write(("# " + "x" * 1022 + "\n") * (17 * 1024))
    assert path.stat().st_size > 17 * 2**20
    records = subprocess.run([*ENTRY, "--no-cache", "--data-dir", str(folder), "list", "--format", "csv"],
                             capture_output=True, text=True, encoding="utf-8")
    assert records.returncode == 0 and records.stderr == "", records.stderr
    listed = subprocess.run([*ENTRY, "--data-dir", str(folder), "list", "--format", "csv"],
                            capture_output=True, text=True, encoding="utf-8", cwd=tmp_path)
    assert listed.stdout == records.stdout and len(records.stdout.splitlines()) > 1


# --- git-facing code ------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["diff", "--", "--output=OUT"],
    ["diff", "HEAD", "--", "--output=OUT"],
    ["diff", "--", "-p"],
    ["diff", "--", "HEAD..main"],
    ["diff", "--", "HEAD;touch OUT"],
])
def test_revision_that_looks_like_an_option_is_refused(repo_cli, tmp_path, args):
    out = tmp_path / "x"
    result = repo_cli(*[a.replace("OUT", str(out)) for a in args])
    assert result.exit_code == 2, result.output
    assert "invalid git revision" in result.stderr and result.stderr.count("\n") == 1
    assert not out.exists()


def test_option_injection_through_the_option_parser_is_refused(repo_cli, tmp_path):
    out = tmp_path / "x"
    result = repo_cli("diff", f"--output={out}")
    assert result.exit_code == 2 and not out.exists()


def test_report_since_rev_option_refused(repo_cli, tmp_path):
    out = tmp_path / "x"
    result = repo_cli("report", f"--since-rev=--output={out}")
    assert result.exit_code == 2 and "invalid git revision" in result.stderr
    assert not out.exists()


def test_git_is_called_with_argument_lists_only():
    import ast

    for path in sorted((ROOT / "bbtrack").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "shell":
                pytest.fail(f"{path.name}:{node.lineno}: shell= passed to a subprocess call")
            if isinstance(node, ast.Attribute) and node.attr in ("system", "popen") and \
                    isinstance(node.value, ast.Name) and node.value.id == "os":
                pytest.fail(f"{path.name}:{node.lineno}: os.{node.attr}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("run", "Popen", "check_output", "call") and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id == "subprocess":
                assert node.args and isinstance(node.args[0], (ast.List, ast.Name)), \
                    f"{path.name}:{node.lineno}: subprocess call without an argument list"
    gitio = (ROOT / "bbtrack" / "ops" / "gitio.py").read_text(encoding="utf-8")
    assert 'subprocess.run(["git", ' in gitio


def test_check_rev_behaviour():
    from bbtrack.core.errors import UsageError
    from bbtrack.ops.gitio import check_rev

    for good in ("HEAD", "HEAD~3", "main", "v1.0", "abc123", "HEAD^", "origin/main", "main@{1}"):
        assert check_rev(good) == good
    for bad in ("--output=/tmp/x", "-p", "", "HEAD..main", "a b", "HEAD;rm", "$(id)", "`id`", "\nHEAD"):
        with pytest.raises(UsageError):
            check_rev(bad)


# --- the Errors reference --------------------------------------------------------------------------


def test_errors_reference_lists_every_problem_code_and_exit_code():
    import re

    from bbtrack.core import errors

    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    codes = set()
    for module in ("loader.py", "spans.py", "validate.py", "portable.py"):
        source = (ROOT / "bbtrack" / "load" / module).read_text(encoding="utf-8")
        codes |= set(re.findall(r'Problem\([^"]*?"([a-z]+(?:-[a-z0-9]+)+|[a-z]+)",', source, re.S))
        codes |= set(re.findall(r'_Bad\("([a-z-]+)"', source))
        for what in re.findall(r'_vocab\(\w+, "(\w+)"\)', source):
            codes.add(f"unknown-{what}")
    codes -= {"fatal", "warning", "error"}
    assert {"yaml-syntax", "duplicate-id", "unknown-stage", "too-large", "control-char"} <= codes
    missing = sorted(code for code in codes if f"`{code}`" not in doc)
    assert not missing, f"docs/errors.md does not document {missing}"
    for code in (errors.EXIT_OK, errors.EXIT_DATA, errors.EXIT_USAGE, errors.EXIT_CONFLICT, 70):
        assert f"\n| {code} |" in doc
    assert (errors.UsageError.exit_code, errors.NotFoundError.exit_code, errors.DataError.exit_code,
            errors.EditRefused.exit_code, errors.ConflictError.exit_code) == (2, 1, 2, 1, 3)
