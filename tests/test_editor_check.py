"""`check`, the read commands and the editor agree about every file (issue 22).

The corpus (tests/fixtures/yaml-corpus/, see its README) plants YAML constructs into a valid
data folder. For each planted file:

* a fatal problem (not YAML, wrong shape, any tag, the root's included) exits 2 in `check`,
  `list` and `status set` alike, and is what the read command names;
* `check` clean (no error, no `not-editable` warning about the record) means `status set` edits
  the record, and the edited file checks clean again;
* a `status set` refusal was announced by `check`, with the same words, and never claims a
  missing record or an unsupported schema that is not;
* errors (exit 1) stop `list` with 1 and `status set` with a refusal;
* nothing exits 70 or prints a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ENTRY, Cli


pytestmark = pytest.mark.usefixtures("english_cli")  # these tests read bbtrack's English messages


HERE = Path(__file__).resolve().parent
CORPUS = HERE / "fixtures" / "yaml-corpus"
BASE = HERE / "bad_inputs" / "base"
SNIPPETS: dict[str, str] = yaml.safe_load((CORPUS / "snippets.yaml").read_text(encoding="utf-8"))
RECORDS: dict[str, dict[str, str]] = yaml.safe_load((CORPUS / "records.yaml").read_text(encoding="utf-8"))
BASE_TEXT = (BASE / "commitments.yaml").read_text(encoding="utf-8")
EDIT = ["in_progress", "--date", "2023-07-01", "-e", "https://example.org/source", "--by", "corpus", "--note", "n"]


_BUILT: dict[int, object] = {}  # kept across tests: the app is the same object in all of them


@pytest.fixture(autouse=True)
def _one_click_command(monkeypatch):
    """Typer builds the Click command from the app's signatures on every CliRunner call (three
    quarters of an in-process run here); these tests make thousands of calls to one app."""
    import typer.testing

    built = _BUILT
    build = typer.testing._get_command
    monkeypatch.setattr(typer.testing, "_get_command",
                        lambda app: built[id(app)] if id(app) in built else built.setdefault(id(app), build(app)))


def _indented(snippet: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in snippet.splitlines(True))


PLACEMENTS = {
    "whole": lambda s: s,
    "appended": lambda s: BASE_TEXT + s,
    "after-document-start": lambda s: BASE_TEXT + "---\n" + s,
    "in-record": lambda s: BASE_TEXT.replace("    status: open\n    history: []\n  - id: SM23-4-01",
                                             "    status: open\n    history: []\n    note:\n" + _indented(s, 6)
                                             + ("" if s.endswith("\n") or not s else "\n") + "  - id: SM23-4-01", 1),
}


def _folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    (folder / "commitments.yaml").write_bytes(text.encode("utf-8"))
    return folder


def _names(warning: str, record_id: str) -> bool:
    """True when a `not-editable` warning says `status set` of `record_id` is refused."""
    who = warning.split("not-editable ", 1)[1].split(": ", 1)[0]
    return ("every edit of this file" in who or "`bbtrack status set` refuses every" in who
            or ("`bbtrack status set` refuses" in who and record_id in who.replace(",", " ").replace(";", " ").split()))


def _around(data: bytes, record_id: str) -> tuple[str, str]:
    """The text before the record's first line and from the next record's first line on, as
    YAML itself (not bbtrack's line scans) places them: an edit of the record must keep both."""
    text = data.decode("utf-8")
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    items = next(value for key, value in root.value if key.value == "commitments").value
    number = next(n for n, item in enumerate(items)
                  if any(key.value == "id" and value.value == record_id for key, value in item.value))

    def line_start(index: int) -> int:
        return text.rfind("\n", 0, index) + 1

    end = line_start(items[number + 1].start_mark.index) if number + 1 < len(items) else None
    return text[:line_start(items[number].start_mark.index)], text[end:] if end is not None else ""


def _agree(folder: Path, target: str, *, base_record_kept: bool = True) -> None:
    cli = Cli(folder)
    check, listed = cli("check"), cli("list")
    before = (folder / "commitments.yaml").read_bytes()
    edit = cli("status", "set", target, *EDIT)
    for result in (check, listed, edit):
        assert "Traceback" not in result.output and result.exit_code not in (70, None), result.output
    warnings = [line for line in check.output.splitlines() if "warning: not-editable" in line]
    about_target = [line for line in warnings if _names(line, target)]
    report = f"check {check.exit_code}:\n{check.output}\nlist {listed.exit_code}\nset {edit.exit_code}:\n{edit.output}"
    if check.exit_code == 2:
        assert listed.exit_code == 2 and edit.exit_code == 2, report
        fatal = check.output.splitlines()[0].split(": ", 1)[1]  # check lists fatal problems first
        assert fatal in listed.output, report
    elif check.exit_code == 1:  # record problems: reads answer from the valid records, writes refuse
        assert listed.exit_code == 0 and edit.exit_code != 0, report
        assert listed.stderr.startswith("bbtrack: warning: the data has "), report
    else:
        assert listed.exit_code == 0, report
        if about_target:
            assert edit.exit_code == 1, report
            said = [line.split("not-editable ", 1)[1].split(": ", 1)[1] for line in about_target]
            assert any(words in edit.output for words in said), report
        else:
            assert edit.exit_code == 0, report
            assert _around(before, target) == _around((folder / "commitments.yaml").read_bytes(), target), report
            after = cli("check")
            assert after.exit_code == 0, after.output
            assert not [line for line in after.output.splitlines() if "not-editable" in line and _names(line, target)], \
                after.output
    if edit.exit_code != 0:
        assert (folder / "commitments.yaml").read_bytes() == before
        if base_record_kept:
            assert f"no record {target!r}" not in edit.output, report
        if "schema-version" not in check.output:
            assert "is not supported by this bbtrack" not in edit.output, report


@pytest.mark.parametrize("placement", PLACEMENTS)
@pytest.mark.parametrize("name", SNIPPETS)
def test_snippet_planted_every_way(name, placement, tmp_path):
    text = PLACEMENTS[placement](SNIPPETS[name])
    _agree(_folder(tmp_path, text), "SM23-3-02", base_record_kept=placement != "whole")


@pytest.mark.parametrize("name", RECORDS)
def test_finding_in_a_record(name, tmp_path):
    case = RECORDS[name]
    text = BASE_TEXT.replace(case["old"], case["new"], 1) if "old" in case else BASE_TEXT
    text += case.get("append", "")
    assert text != BASE_TEXT
    _agree(_folder(tmp_path, text), case.get("set", "SM23-3-02"))


def _check_lines(folder: Path) -> list[str]:
    return Cli(folder)("check").output.splitlines()


@pytest.mark.parametrize("name", ["unused-anchor", "explicit-str", "yaml-directive", "trailing-document-end",
                                  "record-ends-in-block-scalar", "tab-in-record", "string-continued-at-column-0"])
def test_check_announces_what_the_editor_refuses(name, tmp_path):
    """The issue's list: each passed `check` as ok while `status set` refused."""
    case = RECORDS[name]
    text = (BASE_TEXT.replace(case["old"], case["new"], 1) if "old" in case else BASE_TEXT) + case.get("append", "")
    folder = _folder(tmp_path, text)
    lines = _check_lines(folder)
    assert any("warning: not-editable" in line and ":" in line.split(" ")[0] for line in lines), lines
    assert Cli(folder)("status", "set", "SM23-3-02", *EDIT).exit_code == 1


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!custom", "!!omap", "!!set"])
def test_a_tag_on_the_document_is_fatal_in_every_command(tag, tmp_path):
    folder = _folder(tmp_path, BASE_TEXT.replace("schema: 1\n", f"--- {tag}\nschema: 1\n", 1))
    cli = Cli(folder)
    for args in (["check"], ["list"], ["show", "SM23-3-02"], ["status", "set", "SM23-3-02", *EDIT]):
        result = cli("--lang", "en", *args)
        assert result.exit_code == 2, (args, result.output)
        assert ":2:5: tag YAML tag" in result.output, (args, result.output)


def test_read_commands_name_the_fatal_problem_and_exit_2(tmp_path):
    """A minor problem found first must not hide a fatal one, in the same file or the other."""
    folder = _folder(tmp_path, "[flow]: block\n")
    for args in (["check"], ["list"]):
        result = Cli(folder)(*args)
        assert result.exit_code == 2, result.output
    assert "no-schema" in Cli(folder)("list").output
    folder = _folder(tmp_path / "two", BASE_TEXT.replace("    status: open\n", "    status: opne\n", 1))
    (folder / "crossings.yaml").write_text("schema: 1\ncrossings: [\n", encoding="utf-8")
    for args in (["list"], ["show", "SM23-3-02"]):
        result = Cli(folder)(*args)
        assert result.exit_code == 2 and "yaml-syntax" in result.output and "opne" not in result.output, \
            result.output
    assert Cli(folder)("check").output.splitlines()[0].split(": ")[1].startswith("yaml-syntax")


def test_duplicate_anchor_is_named(tmp_path):
    text = BASE_TEXT.replace("    section: 3\n    title_vi: Nâng", "    section: &a 3\n    kind: &a x\n    title_vi: Nâng", 1)
    cli = Cli(_folder(tmp_path, text))
    result = cli("--lang", "en", "check")
    assert result.exit_code == 2
    assert "anchor &a is defined twice (first on line" in result.output, result.output
    said = cli("--lang", "vi", "check").output
    assert "neo &a được khai báo hai lần (lần đầu ở dòng" in said and "; ghi đầy đủ các giá trị" in said, said


@pytest.mark.parametrize("name", ["comment-glued-to-quote", "comment-after-block-indicator"])
def test_comment_other_parsers_reject_is_reported(name, tmp_path):
    case = RECORDS[name]
    lines = _check_lines(_folder(tmp_path, BASE_TEXT.replace(case["old"], case["new"], 1)))
    assert any(":31:" in line and "warning: glued-comment" in line for line in lines), lines


@pytest.mark.parametrize("name", ["string-continued-at-column-0-before", "continuation-like-schema",
                                  "continuation-like-item"])
def test_refusal_names_the_string_not_a_missing_record(name, tmp_path):
    case = RECORDS[name]
    folder = _folder(tmp_path, BASE_TEXT.replace(case["old"], case["new"], 1))
    target = case.get("set", "SM23-3-02")
    # as a separate process too: the console script's error edge
    done = subprocess.run([*ENTRY, "--data-dir", str(folder), "status", "set", target, *EDIT],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("bbtrack: error: ") and done.stderr.count("\n") == 1, done.stderr
    assert ":32:1: this line continues the string that begins on line 31" in done.stderr, done.stderr
    assert "no record" not in done.stderr and "not supported" not in done.stderr


def test_a_valid_multi_line_string_indented_further_is_edited(tmp_path):
    """The fix the refusal gives works: the continuation indented, the record is edited."""
    text = BASE_TEXT.replace("    title_en: Upgrade the Tà Lùng–Thuỷ Khẩu gate\n",
                             "    title_en: \"Upgrade the Tà Lùng–Thuỷ\n      Khẩu gate\"\n", 1)
    folder = _folder(tmp_path, text)
    assert not [line for line in _check_lines(folder) if "not-editable" in line]
    assert Cli(folder)("status", "set", "SM23-3-02", *EDIT).exit_code == 0
    after = (folder / "commitments.yaml").read_text(encoding="utf-8")
    assert "    title_en: \"Upgrade the Tà Lùng–Thuỷ\n      Khẩu gate\"\n" in after
    assert Cli(folder)("check").exit_code == 0


def _texts():
    yield "shipped", (HERE.parent / "data" / "commitments.yaml").read_text(encoding="utf-8")
    for name, case in RECORDS.items():
        yield name, (BASE_TEXT.replace(case["old"], case["new"], 1) if "old" in case else BASE_TEXT) \
            + case.get("append", "")


@pytest.mark.parametrize("name, text", list(_texts()), ids=lambda v: v if len(v) < 60 else "")
def test_passing_over_plain_records_loses_no_refusal(name, text):
    """`check` puts only unusual records through the editor (speed): every record it passes
    over must be one the editor edits, so both audits find the same refusals."""
    from bbtrack.write.yamledit.audit import refusals

    fast = refusals(text, "c.yaml", "commitments")
    assert fast == refusals(text, "c.yaml", "commitments", thorough=True)


def test_a_warm_check_remembers_the_audit(tmp_path):
    """The audit runs once per state of a file; an edit of the file is a new state."""
    folder = _folder(tmp_path, RECORDS["unused-anchor"]["new"].join(BASE_TEXT.split(RECORDS["unused-anchor"]["old"], 1)))
    first = Cli(folder)("check").output
    assert "not-editable" in first and Cli(folder)("check").output == first
    (folder / "commitments.yaml").write_text(BASE_TEXT, encoding="utf-8")
    assert "not-editable" not in Cli(folder)("check").output


@pytest.mark.parametrize("name", [name for name, case in RECORDS.items() if case.get("set") == "SM23-3-01"])
def test_check_predicts_status_amend_and_remove(name, tmp_path):
    """A history `status set` appends to may still hold an entry `amend`/`remove` cannot rewrite
    (a `from` written as a block scalar): `check` names that too, and is right when it says nothing."""
    case = RECORDS[name]
    text = BASE_TEXT.replace(case["old"], case["new"], 1)
    check = Cli(_folder(tmp_path / "check", text))("check")
    who = [line.split("not-editable ", 1)[1].split(": ", 1) for line in check.output.splitlines()
           if "not-editable" in line]
    about = [(whom, said) for whom, said in who if "SM23-3-01" in whom or "every edit of this file" in whom]
    results = []
    for number, args in enumerate((["amend", "SM23-3-01", "--entry", "last", "--note", "corrected", "--reason", "t"],
                                   ["remove", "SM23-3-01", "--entry", "1", "--reason", "t"])):
        folder = _folder(tmp_path / str(number), text)
        results.append(Cli(folder)("status", *args))
    report = check.output + "".join(result.output for result in results)
    if check.exit_code == 0 and not about:
        assert all(result.exit_code == 0 for result in results), report
    for whom, said in about:
        if "`bbtrack status amend`" in whom:
            assert any(result.exit_code == 1 and said in result.output for result in results), report


@pytest.mark.parametrize("lang, words", [
    ("zh", ["bbtrack 编辑功能不支持修改本文件", "发现 YAML 锚点 &s3", "去掉锚点，直接写出取值"]),
    ("vi", ["trình sửa dữ liệu của bbtrack từ chối mọi thao tác sửa tệp này", "có neo &s3 của YAML",
            "ghi giá trị mà không dùng neo"]),
])
def test_not_editable_warning_in_the_readers_language(lang, words, tmp_path):
    from lang_probe import english_in

    text = BASE_TEXT.replace("    section: 3\n    title_vi: Nâng", "    section: &s3 3\n    title_vi: Nâng", 1)
    result = Cli(_folder(tmp_path, text))("--lang", lang, "check")
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if "not-editable" in line]
    assert line.split(": ", 1)[0].endswith(":14") and all(word in line for word in words), line
    assert not english_in(line.split(": ", 1)[1]), line
