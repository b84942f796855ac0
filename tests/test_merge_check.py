"""`check` predicts what the merge driver does with a file (issue 22).

Two branches record an event on the same record, each with `status set`, and git's merge driver
(`bbtrack merge-driver %O %A %B %P`, as `git merge` runs it) merges the three versions. For every
case of the corpora (tests/fixtures/yaml-corpus/ and the YAML test suite's cases planted in a
record and in a field):

* `check` clean, no `not-editable` warning naming the record: both edits succeed and the driver
  merges by record, without conflict, into a file that holds both events and that `check` finds
  clean; nothing outside the record changes;
* a warning that the driver cannot merge the record (or merges the file line by line): the edits
  succeed, and the driver stops on that record with the words `check` printed;
* a warning that `status set` refuses the record: it does (there is nothing to merge).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import Cli, git
from test_editor_check import (BASE, BASE_TEXT, PLACEMENTS, RECORDS, SNIPPETS, _around, _names,
                               _one_click_command)  # noqa: F401 (a fixture: the one-click command)
from test_yaml_test_suite import AS_TEXT, CASES, suite_text

pytestmark = pytest.mark.usefixtures("english_cli")  # these tests read bbtrack's English messages

FILE = "data/commitments.yaml"
EVENTS = {"ours": ["in_progress", "--date", "2023-07-01", "-e", "https://example.org/ours", "--by", "ours",
                   "--note", "ours"],
          "theirs": ["done", "--date", "2023-08-01", "-e", "https://example.org/theirs", "--by", "theirs",
                     "--note", "theirs"]}


def _corpus():
    for name, case in RECORDS.items():
        text = (BASE_TEXT.replace(case["old"], case["new"], 1) if "old" in case else BASE_TEXT) + case.get("append", "")
        yield f"record:{name}", text, case.get("set", "SM23-3-02")
    for name, snippet in SNIPPETS.items():
        yield f"snippet:{name}", PLACEMENTS["in-record"](snippet), "SM23-3-02"
    for case_id in CASES:
        yield f"suite:{case_id}", AS_TEXT["title-indented"](suite_text(case_id)), "SM23-3-02"
        yield f"suite:{case_id}:column-0", AS_TEXT["title-column-0"](suite_text(case_id)), "SM23-3-02"


CORPUS = {name: (text, target) for name, text, target in _corpus()}


def _side(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / name / "data"
    shutil.copytree(BASE, folder)
    (folder / "commitments.yaml").write_bytes(text.encode("utf-8"))
    return folder


@pytest.mark.parametrize("name", CORPUS)
def test_check_predicts_the_merge_driver(name, tmp_path, monkeypatch):
    text, target = CORPUS[name]
    base = _side(tmp_path, "base", text)
    check = Cli(base)("check")
    warnings = [line.split("not-editable ", 1)[1] for line in check.output.splitlines() if "not-editable" in line]
    by_driver = [w for w in warnings if w.startswith("`bbtrack merge-driver` merges this file line by line")
                 or (w.startswith("`bbtrack merge-driver` cannot merge") and target in w.split(": ", 1)[0])]
    sides = {side: _side(tmp_path, side, text) for side in EVENTS}
    edits = {side: Cli(folder)("status", "set", target, *EVENTS[side]) for side, folder in sides.items()}
    report = f"check {check.exit_code}:\n{check.output}\n" + "".join(f"{s}: {e.output}" for s, e in edits.items())
    if check.exit_code != 0 or any(_names(f"not-editable {w}", target) for w in warnings):
        assert all(edit.exit_code != 0 for edit in edits.values()), report
        return
    assert all(edit.exit_code == 0 for edit in edits.values()), report
    ours_before = (sides["ours"] / "commitments.yaml").read_bytes()
    monkeypatch.chdir(tmp_path / "ours")  # git runs the driver at the top of the work tree; %P is relative to it
    merged = Cli(sides["ours"])("merge-driver", str(base / "commitments.yaml"), str(sides["ours"] / "commitments.yaml"),
                                str(sides["theirs"] / "commitments.yaml"), FILE)
    report += f"merge-driver {merged.exit_code}: {merged.output}"
    if by_driver:
        assert merged.exit_code == 1, report
        assert any(w.split(": ", 1)[1] in merged.output for w in by_driver), report
        return
    assert merged.exit_code == 0 and "line by line" not in merged.output, report
    after = Cli(sides["ours"])("check")
    assert after.exit_code == 0, report + after.output
    result = (sides["ours"] / "commitments.yaml").read_bytes()
    assert b"https://example.org/ours" in result and b"https://example.org/theirs" in result, report
    assert _around(result, target) == _around(ours_before, target), report


def test_a_merge_through_git_follows_check(tmp_path):
    """The same prediction with git itself running the driver: a history whose entries sit at
    different key columns merges; one whose entry is a lone dash stops on that record, as
    `check` said it would."""
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo / "data")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "T")
    git(repo, "config", "user.email", "t@example.org")
    assert Cli(repo / "data")("git-setup").exit_code == 0
    for name, clean in (("history-entry-key-columns-differ", True), ("history-entry-dash-alone", False)):
        case = RECORDS[name]
        git(repo, "checkout", "-q", "-B", "main")
        (repo / FILE).write_text(BASE_TEXT.replace(case["old"], case["new"], 1), encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", name)
        warned = [line for line in Cli(repo / "data")("check").output.splitlines() if "merge-driver" in line]
        assert bool(warned) != clean, warned
        for side in EVENTS:
            git(repo, "checkout", "-q", "-B", f"{name}-{side}", "main")
            assert Cli(repo / "data")("status", "set", case["set"], *EVENTS[side]).exit_code == 0
            git(repo, "commit", "-qam", side)
        git(repo, "checkout", "-q", f"{name}-ours")
        done = subprocess.run(["git", "merge", "--no-edit", f"{name}-theirs"], cwd=repo, capture_output=True,
                              text=True, timeout=120)
        assert (done.returncode == 0) == clean, done.stdout + done.stderr
        if not clean:
            assert warned[0].split(": ", 3)[-1] in done.stderr, (warned, done.stderr)
            git(repo, "merge", "--abort")
