"""Cases of the official YAML test suite in a data file: `check`, `list` and `status set` agree (issue 22).

tests/fixtures/yaml-test-suite/ holds 79 cases of the suite (see its README: where they come from,
how they were chosen, their licence). Each is planted as the whole file, appended, after a `---`
(as in tests/test_editor_check.py) and inside a record, as the text of its `title_en` continued
at 6 columns and at column 0, and put through test_editor_check's `_agree`: a fatal
`check` is fatal in `list` and `status set` (exit 2, the same problem named); `check` clean means
`status set` edits the record, changes nothing outside it and leaves a file `check` finds clean;
a refusal was announced by `check` and never claims a missing record or an unsupported schema
that is not. Each case also goes into a crossing's text (the crossings file's audit and `status
set` of a crossing). In-process (the Typer app under CliRunner) for speed; a few as real processes.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ENTRY, Cli
from test_editor_check import (BASE, BASE_TEXT, EDIT, PLACEMENTS, _agree, _folder,  # noqa: F401 (fixtures)
                               _one_click_command)

pytestmark = pytest.mark.usefixtures("english_cli")  # these tests read bbtrack's English messages

SUITE = Path(__file__).resolve().parent / "fixtures" / "yaml-test-suite"
CASES: dict[str, dict] = yaml.safe_load((SUITE / "cases.yaml").read_text(encoding="utf-8"))


def suite_text(case_id: str) -> str:
    return (SUITE / f"{case_id}.yaml").read_bytes().decode("utf-8")


def test_the_fixture_is_what_its_readme_says():
    files = sorted(path.stem for path in SUITE.glob("*.yaml") if path.name != "cases.yaml")
    assert files == sorted(CASES) and len(files) == 79
    assert sum(case["fail"] for case in CASES.values()) == 20
    assert "MIT License" in (SUITE / "LICENSE").read_text(encoding="utf-8")


def _quoted(snippet: str, indent: int) -> str:
    """The case's text as one double-quoted string, its lines continued at `indent` more columns."""
    escaped = "".join(char if char in "\n\t" or (char.isprintable() and char not in '"\\')
                      else "\\" + char if char in '"\\' else f"\\x{ord(char):02x}" if ord(char) < 256
                      else f"\\u{ord(char):04x}" for char in snippet.rstrip("\n"))
    return "".join(" " * indent + line if number and line.strip() else line
                   for number, line in enumerate(escaped.splitlines(True)))


TITLE = "    title_en: Upgrade the Tà Lùng–Thuỷ Khẩu gate\n"
# Inside a record test_editor_check puts a snippet under a key the schema does not know, which
# `check` rightly calls an error; as the text of a field the record stays valid, so the editor must
# edit it (continuation lines indented) or name the line it cannot read (lines at column 0).
AS_TEXT = {
    "title-indented": lambda s: BASE_TEXT.replace(TITLE, f'    title_en: "{_quoted(s, 6)}"\n', 1),
    "title-column-0": lambda s: BASE_TEXT.replace(TITLE, f'    title_en: "{_quoted(s, 0)}"\n', 1),
}


# "in-record" of test_editor_check plants under an unknown key: always a record error, already
# covered there for its own snippets; the suite's cases go into a record as a field's text instead.
@pytest.mark.parametrize("placement", [*(name for name in PLACEMENTS if name != "in-record"), *AS_TEXT])
@pytest.mark.parametrize("case_id", CASES)
def test_suite_case_planted_every_way(case_id, placement, tmp_path):
    text = {**PLACEMENTS, **AS_TEXT}[placement](suite_text(case_id))
    _agree(_folder(tmp_path, text), "SM23-3-02", base_record_kept=placement != "whole")


def test_as_text_a_case_reads_back_as_itself():
    """The planting is what it says: the field holds the case's text (folded as YAML folds it)."""
    for case_id in ("229Q", "3UYS", "26DV"):
        record = yaml.safe_load(AS_TEXT["title-indented"](suite_text(case_id)))["commitments"][1]
        assert record["id"] == "SM23-3-02" and record["title_en"].split() == suite_text(case_id).split()


# One case of each verdict, run as the console script runs: a case held in a field (edited), one
# that is not YAML (fatal everywhere), and one held in a field with lines at column 0 (refused, and
# `check` announces it as a warning). (check, list, status set) exit codes, as docs/errors.md says.
@pytest.mark.parametrize("case_id, placement, expected", [("229Q", "title-indented", (0, 0, 0)),
                                                          ("236B", "whole", (2, 2, 2)),
                                                          ("2EBW", "title-column-0", (0, 0, 1))])
def test_as_a_process_the_verdicts_are_the_same(case_id, placement, expected, tmp_path):
    folder = _folder(tmp_path, {**PLACEMENTS, **AS_TEXT}[placement](suite_text(case_id)))
    before = (folder / "commitments.yaml").read_bytes()
    codes = []
    for args in (["check"], ["list"], ["status", "set", "SM23-3-02", *EDIT]):
        done = subprocess.run([*ENTRY, "--data-dir", str(folder), *args], capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr and done.stderr.count("bbtrack: error") <= 1, done.stderr
        codes.append(done.returncode)
    assert tuple(codes) == expected, codes
    assert ((folder / "commitments.yaml").read_bytes() == before) == (expected[2] != 0)


CROSSINGS_TEXT = (BASE / "crossings.yaml").read_text(encoding="utf-8")
PINYIN = "    partner_pinyin: Shuolong\n"


@pytest.mark.parametrize("indent", [6, 0], ids=["indented", "column-0"])
@pytest.mark.parametrize("case_id", CASES)
def test_suite_case_in_a_crossing(case_id, indent, tmp_path):
    """The crossings file goes through the same audit: `check` clean means `status set` of the
    crossing edits it into a file `check` finds clean; a refusal never names a missing record."""
    folder = _folder(tmp_path, BASE_TEXT)
    assert PINYIN in CROSSINGS_TEXT  # else nothing would be planted
    text = CROSSINGS_TEXT.replace(PINYIN, f'    partner_pinyin: "{_quoted(suite_text(case_id), indent)}"\n', 1)
    (folder / "crossings.yaml").write_bytes(text.encode("utf-8"))
    cli = Cli(folder)
    check = cli("check")
    refused = [line for line in check.output.splitlines() if "not-editable" in line
               and ("ly-van" in line or "every edit of this file" in line)]
    edit = cli("status", "set", "ly-van", "accepted", "--date", "2023-07-01", "-e", "https://example.org/x",
               "--by", "suite", "--note", "n")
    report = f"check {check.exit_code}: {check.output}\nset {edit.exit_code}: {edit.output}"
    assert "Traceback" not in edit.output and "no record" not in edit.output, report
    if check.exit_code == 0 and not refused:
        assert edit.exit_code == 0, report
        assert cli("check").exit_code == 0, report
    elif check.exit_code == 0:
        assert edit.exit_code == 1 and any(line.split(": ", 3)[-1] in edit.output for line in refused), report
    else:
        assert edit.exit_code == check.exit_code, report
