"""Five offices, five branches: the merge driver, `git-setup` and `resolve` in real git repositories."""

from __future__ import annotations

import datetime as dt
import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from bbtrack.write import yamledit as ye
from bbtrack.write.merge import merge_texts
from bbtrack.write.merge3 import split_diff3

from conftest import FIXTURE_2023, Cli, git


pytestmark = pytest.mark.usefixtures("english_cli")  # these tests read bbtrack's English messages


BBTRACK = [sys.executable, "-m", "bbtrack"]
FILE = "data/commitments.yaml"
# Quotes of the minutes for two new commitments (add checks them word for word).
QUOTE_LS = "nhằm nâng cao hiệu suất thông quan"
QUOTE_CB = "trao đổi văn bản ngoại giao"


def bb(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([*BBTRACK, *args], cwd=repo, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"bbtrack {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def event(repo: Path, record: str, status: str, date: str, note: str) -> None:
    """`status set`, in-process (the merges themselves run git and the driver as processes)."""
    ok(Cli(repo / "data")("status", "set", record, status, "--date", date, "--note", note,
                          "-e", f"https://example.org/{note.replace(' ', '-')}", "--by", note.split()[0]))


def add(repo: Path, party: str, title: str, quote: str) -> str:
    return ok(Cli(repo / "data")("add", "--section", "3", "--party", party, "--party", "Quảng Tây",
                                 "--title-vi", title, "--title-en", title, "--quote", quote)).stdout.strip()


def branch(repo: Path, name: str, work) -> None:
    """A branch off main with one commit made by `work(repo)`."""
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-qb", name)
    work(repo)
    git(repo, "commit", "-qam", name)


def merge(repo: Path, into: str, other: str) -> subprocess.CompletedProcess:
    git(repo, "checkout", "-q", into)
    return subprocess.run(["git", "merge", "--no-edit", other], cwd=repo, capture_output=True, text=True)


def show(repo: Path, rev: str) -> str:
    return git(repo, "show", f"{rev}:{FILE}")


def changed_lines(old: str, new: str) -> set[int]:
    """1-based lines of `new` that are not lines of `old` (insertions and replacements)."""
    out: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.update(range(j1 + 1, j2 + 1) or {j1 + 1})
    return out


def record_lines(text: str, record_id: str) -> range:
    lines = text.splitlines()
    start = lines.index(f"  - id: {record_id}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  - id: ")), len(lines))
    return range(start + 1, end + 1)


def history(repo: Path, record_id: str) -> list[tuple[str, str, str]]:
    record = ye.read_record((repo / FILE).read_text(encoding="utf-8"), "commitments", record_id)
    return [(str(e["date"]), e["from"], e["to"]) for e in record["history"]]


@pytest.fixture
def office_repo(repo) -> Path:
    """The test repository after `bbtrack git-setup`, committed."""
    bb(repo, "git-setup")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-qm", "merge data by record")
    return repo


# --- git-setup ----------------------------------------------------------------------------


def test_git_setup_writes_attributes_and_config_once(repo):
    (repo / ".gitattributes").write_text("*.png binary", encoding="utf-8")  # no final newline
    first = bb(repo, "--lang", "en", "git-setup")
    again = bb(repo, "--lang", "en", "git-setup")
    assert (repo / ".gitattributes").read_text(encoding="utf-8") == "*.png binary\ndata/*.yaml merge=bbtrack\n"
    assert "already has" in again.stderr and "added" in first.stderr and not first.stdout
    driver = git(repo, "config", "--get", "merge.bbtrack.driver").strip()
    assert driver.endswith(" -m bbtrack merge-driver %O %A %B %P") and sys.executable in driver
    assert git(repo, "config", "--get", "merge.bbtrack.name").strip()
    assert git(repo, "check-attr", "merge", "--", FILE).strip() == f"{FILE}: merge: bbtrack"


def test_git_setup_with_a_command_that_does_not_run_warns(repo):
    out = Cli(repo / "data")("--lang", "en", "git-setup", "--command", "no-such-bbtrack-here")
    assert out.exit_code == 0
    assert "warning" in out.stderr and "--command" in out.stderr
    assert git(repo, "config", "--get", "merge.bbtrack.driver").startswith("no-such-bbtrack-here merge-driver")


def test_git_setup_outside_git_is_one_line_error(data_dir):
    out = Cli(data_dir)("--lang", "en", "git-setup")
    assert out.exit_code == 1 and "not inside a git repository" in out.stderr
    said = Cli(data_dir)("--lang", "zh", "git-setup")
    assert said.exit_code == 1 and "不在 git 仓库中" in said.stderr, said.stderr


# --- the driver ---------------------------------------------------------------------------


def test_events_on_one_record_merge_in_date_order(office_repo):
    repo = office_repo
    branch(repo, "lang-son", lambda r: event(r, "SM23-3-13", "in_progress", "2025-12-01", "LS works begin"))
    branch(repo, "cao-bang", lambda r: event(r, "SM23-3-13", "done", "2025-12-02", "CB road opened"))
    proc = merge(repo, "lang-son", "cao-bang")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert history(repo, "SM23-3-13") == [("2025-12-01", "open", "in_progress"),
                                          ("2025-12-02", "in_progress", "done")]
    bb(repo, "check")
    ours, merged = show(repo, "HEAD~1"), show(repo, "HEAD")
    assert changed_lines(ours, merged) <= set(record_lines(merged, "SM23-3-13"))
    assert ye.read_record(merged, "commitments", "SM23-3-13")["status"] == "done"


def test_earlier_event_of_theirs_goes_first_and_the_chain_follows(office_repo):
    repo = office_repo
    branch(repo, "a", lambda r: event(r, "SM23-3-13", "in_progress", "2025-12-02", "A later"))
    branch(repo, "b", lambda r: event(r, "SM23-3-13", "in_progress", "2025-12-01", "B earlier"))
    proc = merge(repo, "a", "b")
    assert proc.returncode == 0, proc.stderr
    assert history(repo, "SM23-3-13") == [("2025-12-01", "open", "in_progress"),
                                          ("2025-12-02", "in_progress", "in_progress")]
    assert "now goes from 'in_progress'" in proc.stderr
    bb(repo, "check")


def test_two_adds_get_two_ids(office_repo):
    repo = office_repo
    ids = {}
    branch(repo, "ls", lambda r: ids.setdefault("ls", add(r, "Lạng Sơn", "Nâng cao hiệu suất", QUOTE_LS)))
    branch(repo, "cb", lambda r: ids.setdefault("cb", add(r, "Cao Bằng", "Trao đổi công hàm", QUOTE_CB)))
    assert ids["ls"] == ids["cb"] == "SM23-3-29"
    proc = merge(repo, "ls", "cb")
    assert proc.returncode == 0, proc.stderr
    assert "SM23-3-29 was added on both sides; theirs is now SM23-3-30" in proc.stderr
    bb(repo, "check")
    merged = show(repo, "HEAD")
    assert "title_en: Trao đổi công hàm" in merged.split("  - id: SM23-3-30\n")[1]
    assert "title_en: Nâng cao hiệu suất" in merged.split("  - id: SM23-3-29\n")[1].split("  - id:")[0]
    ours = show(repo, "HEAD~1")
    assert merged.startswith(ours) or changed_lines(ours, merged) <= set(record_lines(merged, "SM23-3-30"))


def test_different_statuses_on_the_same_date_stop_naming_the_record(office_repo):
    repo = office_repo
    branch(repo, "a", lambda r: event(r, "SM23-3-13", "done", "2025-12-01", "A done"))
    branch(repo, "b", lambda r: event(r, "SM23-3-13", "stalled", "2025-12-01", "B stalled"))
    branch(repo, "c", lambda r: event(r, "SM23-3-17", "done", "2025-12-01", "C elsewhere"))
    assert merge(repo, "a", "c").returncode == 0
    proc = merge(repo, "a", "b")
    assert proc.returncode != 0
    assert "SM23-3-13" in proc.stderr and "both sides recorded an event on 2025-12-01" in proc.stderr
    text = (repo / FILE).read_text(encoding="utf-8")
    assert text.count("<<<<<<<") == 1 and text.count(">>>>>>>") == 1
    # markers around that record only: the rest is ours, unchanged
    ours = show(repo, "HEAD")
    base, mine, theirs = split_diff3(text, FILE)
    assert mine == ours
    assert ye.read_record(theirs, "commitments", "SM23-3-13") == ye.read_record(show(repo, "b"), "commitments",
                                                                                 "SM23-3-13")
    assert bb(repo, "check", check=False).returncode == 2


# --- without the driver: resolve ------------------------------------------------------------


def _scenarios(repo: Path) -> None:
    branch(repo, "ls", lambda r: (event(r, "SM23-3-13", "in_progress", "2025-12-01", "LS works begin"),
                                  add(r, "Lạng Sơn", "Nâng cao hiệu suất", QUOTE_LS)))
    branch(repo, "cb", lambda r: (event(r, "SM23-3-13", "done", "2025-12-02", "CB road opened"),
                                  add(r, "Cao Bằng", "Trao đổi công hàm", QUOTE_CB)))


def test_resolve_from_the_index_gives_the_drivers_result(repo, tmp_path):
    _scenarios(repo)
    proc = merge(repo, "ls", "cb")
    assert proc.returncode == 1 and "CONFLICT" in proc.stdout
    out = Cli(repo / "data")("--lang", "en", "resolve")
    assert out.exit_code == 0, out.stderr
    assert "from the index" in out.stderr and "theirs is now SM23-3-30" in out.stderr
    resolved = (repo / FILE).read_text(encoding="utf-8")
    bb(repo, "check")
    # the same merge with the driver
    git(repo, "merge", "--abort")
    bb(repo, "git-setup")
    assert merge(repo, "ls", "cb").returncode == 0
    assert show(repo, "HEAD") == resolved


def test_resolve_from_diff3_markers_as_a_process(repo):
    _scenarios(repo)
    git(repo, "config", "merge.conflictStyle", "diff3")
    assert merge(repo, "ls", "cb").returncode == 1
    conflicted = (repo / FILE).read_text(encoding="utf-8")
    assert "|||||||" in conflicted
    git(repo, "add", FILE)  # as a forge's editor would: no stages left, only the markers
    (repo / FILE).write_text(conflicted, encoding="utf-8")
    proc = bb(repo, "--lang", "en", "resolve", FILE)
    assert "from its conflict markers" in proc.stderr
    bb(repo, "check")
    assert history(repo, "SM23-3-13") == [("2025-12-01", "open", "in_progress"),
                                          ("2025-12-02", "in_progress", "done")]
    text = (repo / FILE).read_text(encoding="utf-8")
    assert "  - id: SM23-3-29\n" in text and "  - id: SM23-3-30\n" in text


def test_resolve_refuses_markers_without_a_base(repo):
    _scenarios(repo)
    assert merge(repo, "ls", "cb").returncode == 1
    conflicted = (repo / FILE).read_text(encoding="utf-8")
    git(repo, "add", FILE)
    (repo / FILE).write_text(conflicted, encoding="utf-8")
    out = Cli(repo / "data")("resolve")
    assert out.exit_code == 2 and "no base section" in out.stderr and "diff3" in out.stderr
    assert (repo / FILE).read_text(encoding="utf-8") == conflicted


def test_resolve_leaves_markers_where_a_person_decides(repo):
    branch(repo, "a", lambda r: (event(r, "SM23-3-13", "done", "2025-12-01", "A done"),
                                 event(r, "SM23-3-17", "done", "2025-12-01", "A other")))
    branch(repo, "b", lambda r: (event(r, "SM23-3-13", "stalled", "2025-12-01", "B stalled"),
                                 event(r, "SM23-3-19", "done", "2025-12-01", "B other")))
    assert merge(repo, "a", "b").returncode == 1
    proc = bb(repo, "resolve", check=False)
    assert proc.returncode == 1 and "SM23-3-13" in proc.stderr
    text = (repo / FILE).read_text(encoding="utf-8")
    assert text.count("<<<<<<<") == 1
    base, ours, theirs = split_diff3(text, FILE)
    assert "A other" in ours and "B other" in ours  # the other records are merged outside the markers


def test_nothing_to_resolve(repo):
    out = Cli(repo / "data")("resolve")
    assert out.exit_code == 0 and "nothing to resolve" in out.stderr


# --- the merge itself, text in and out --------------------------------------------------------

BASE = (FIXTURE_2023 / "commitments.yaml").read_text(encoding="utf-8")


def _entry(date, frm, to, note):
    return {"date": date, "from": frm, "to": to, "note": note, "evidence": ["https://example.org/x"]}


def _set(text, rid, to, date, frm, note):
    return ye.set_fields(text, "commitments", rid, {"status": to}, _entry(date, frm, to, note))


def test_equal_dates_keep_ours_first_then_theirs():
    day = dt.date(2025, 12, 1)
    ours = _set(_set(BASE, "SM23-3-13", "in_progress", day, "open", "o1"), "SM23-3-13", "in_progress",
                dt.date(2025, 12, 3), "in_progress", "o2")
    theirs = _set(BASE, "SM23-3-13", "in_progress", day, "open", "t1")
    result = merge_texts(BASE, ours, theirs)
    assert result.clean
    notes = [e["note"] for e in ye.read_record(result.text, "commitments", "SM23-3-13")["history"]]
    assert notes == ["o1", "t1", "o2"]


def test_one_side_change_is_taken_verbatim_with_its_comment():
    theirs = BASE.replace("    status: open\n    history: []\n  - id: SM23-3-14",
                          "    status: open  # checked 2025\n    history: []\n  - id: SM23-3-14")
    ours = _set(BASE, "SM23-3-17", "done", dt.date(2025, 1, 1), "open", "x")
    result = merge_texts(BASE, ours, theirs)
    assert result.clean and "status: open  # checked 2025" in result.text
    assert set(result.changed) == {("commitments", "SM23-3-13")}


def test_a_header_comment_of_theirs_is_merged_by_line():
    theirs = BASE.replace("schema: 1\n", "# reviewed by Cao Bằng\nschema: 1\n")
    ours = _set(BASE, "SM23-3-17", "done", dt.date(2025, 1, 1), "open", "x")
    result = merge_texts(BASE, ours, theirs)
    assert result.clean
    assert result.text == _set(theirs, "SM23-3-17", "done", dt.date(2025, 1, 1), "open", "x")


def test_deleted_on_one_side_and_changed_on_the_other_is_a_conflict():
    start = BASE.index("  - id: SM23-3-13\n")
    end = BASE.index("  - id: SM23-3-14\n")
    theirs = BASE[:start] + BASE[end:]
    ours = _set(BASE, "SM23-3-13", "done", dt.date(2025, 1, 1), "open", "x")
    result = merge_texts(BASE, ours, theirs)
    assert [c.record_id for c in result.conflicts] == ["SM23-3-13"]
    assert "deleted on theirs" in result.conflicts[0].reason
    assert result.text.count("<<<<<<<") == 1


def test_a_crossing_added_on_both_sides_with_one_id_is_a_conflict():
    base = (FIXTURE_2023 / "crossings.yaml").read_text(encoding="utf-8")
    new = "  - id: new-gate\n    name_vi: {}\n    province: Cao Bằng\n    history: []\n"
    ours, theirs = base + new.format("A"), base + new.format("B")
    result = merge_texts(base, ours, theirs)
    assert [(c.collection, c.record_id) for c in result.conflicts] == [("crossings", "new-gate")]


def test_driver_called_directly_writes_ours(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "crossings.yaml").write_text((FIXTURE_2023 / "crossings.yaml").read_text("utf-8"), "utf-8")
    o, a, b = tmp_path / "o", tmp_path / "a", tmp_path / "b"
    o.write_text(BASE, encoding="utf-8")
    a.write_text(_set(BASE, "SM23-3-17", "done", dt.date(2025, 1, 1), "open", "a"), encoding="utf-8")
    b.write_text(_set(BASE, "SM23-3-19", "done", dt.date(2025, 1, 2), "open", "b"), encoding="utf-8")
    out = Cli(tmp_path / "data")("merge-driver", str(o), str(a), str(b), FILE)
    assert out.exit_code == 0, out.stderr
    merged = a.read_text(encoding="utf-8")
    assert ye.read_record(merged, "commitments", "SM23-3-19")["status"] == "done"
    assert ye.read_record(merged, "commitments", "SM23-3-17")["status"] == "done"


def test_theirs_new_commitment_may_name_theirs_new_crossing(office_repo):
    """git runs the driver before it writes the work tree: the crossing is checked as merged."""
    repo = office_repo

    def new_crossing(r: Path) -> None:
        path = r / "data" / "crossings.yaml"
        text = path.read_text(encoding="utf-8")
        start = text.index("  - id: huu-nghi\n")
        end = text.index("  - id: ", start + 1)
        path.write_text(text + text[start:end].replace("id: huu-nghi", "id: new-gate"), encoding="utf-8")
        bb(r, "add", "--section", "3", "--party", "Cao Bằng", "--title-vi", "x", "--title-en", "x",
           "--quote", QUOTE_CB, "--crossing", "new-gate")

    branch(repo, "ls", lambda r: add(r, "Lạng Sơn", "Nâng cao hiệu suất", QUOTE_LS))
    branch(repo, "cb", new_crossing)
    proc = merge(repo, "ls", "cb")
    assert proc.returncode == 0, proc.stderr
    bb(repo, "check")
    assert "crossings: [new-gate]" in (repo / FILE).read_text(encoding="utf-8")


def test_the_ci_example_runs_bbtrack_commands_that_exist():
    import re

    import yaml
    from typer.main import get_command

    from bbtrack.cli.app import app

    root = Path(__file__).resolve().parents[1]
    workflow = yaml.safe_load((root / "docs" / "examples" / "data-repo-ci.yml").read_text(encoding="utf-8"))
    runs = [step["run"] for step in workflow["jobs"]["check"]["steps"] if "run" in step]
    used = set(re.findall(r"(?m)^\s*bbtrack ([a-z-]+)", "\n".join(runs)))
    assert {"check", "diff"} <= used <= set(get_command(app).commands)


def test_crlf_and_bom_are_kept():
    base = "\ufeff" + BASE.replace("\n", "\r\n")
    ours = _set(base, "SM23-3-13", "in_progress", dt.date(2025, 12, 1), "open", "o")
    theirs = _set(base, "SM23-3-13", "done", dt.date(2025, 12, 2), "open", "t")
    theirs = _set(theirs, "SM23-3-19", "done", dt.date(2025, 12, 2), "open", "t2")
    result = merge_texts(base, ours, theirs)
    assert result.clean, result.conflicts
    assert result.text.startswith("\ufeff#") and "\n" not in result.text.replace("\r\n", "")
    record = ye.read_record(result.text, "commitments", "SM23-3-13")
    assert [(e["from"], e["to"]) for e in record["history"]] == [("open", "in_progress"), ("in_progress", "done")]
    assert record["status"] == "done"


def test_an_entry_the_union_would_turn_into_a_reopening_is_a_conflict():
    ours = _set(BASE, "SM23-3-13", "done", dt.date(2025, 12, 1), "open", "o")
    theirs = _set(BASE, "SM23-3-13", "in_progress", dt.date(2025, 12, 2), "open", "t")
    result = merge_texts(BASE, ours, theirs)
    assert [c.record_id for c in result.conflicts] == ["SM23-3-13"]
    assert "would go back to 'in_progress'" in result.conflicts[0].reason


def test_a_correction_on_one_side_and_an_event_on_the_other_both_stand():
    day = dt.date(2025, 12, 1)
    base = _set(BASE, "SM23-3-13", "in_progress", day, "open", "typo")
    corrected = base.replace("note: typo", "note: fixed")
    theirs = _set(base, "SM23-3-13", "done", dt.date(2025, 12, 5), "in_progress", "later")
    result = merge_texts(base, corrected, theirs)
    assert result.clean
    notes = [e["note"] for e in ye.read_record(result.text, "commitments", "SM23-3-13")["history"]]
    assert notes == ["fixed", "later"]
    # corrections of the same entry made differently on both sides are a person's decision
    other = base.replace("note: typo", "note: other fix")
    assert not merge_texts(base, corrected, other).clean


def test_the_conflict_reason_is_in_the_readers_language(office_repo, monkeypatch):
    """The person resolving reads the reason on the marker line and on stderr in their language;
    the marker syntax itself (<<<<<<< ours, |||||||, =======, >>>>>>> theirs) stays git's."""
    repo = office_repo
    branch(repo, "a", lambda r: event(r, "SM23-3-13", "done", "2025-12-01", "A done"))
    branch(repo, "b", lambda r: event(r, "SM23-3-13", "stalled", "2025-12-01", "B stalled"))
    monkeypatch.setenv("BBTRACK_LANG", "vi")
    proc = merge(repo, "a", "b")
    assert proc.returncode != 0
    said = "cả hai nhánh cùng ghi một sự kiện ngày 2025-12-01, bản này chuyển sang 'done', bản kia chuyển sang 'stalled'"
    assert said in proc.stderr and "both sides" not in proc.stderr, proc.stderr
    text = (repo / FILE).read_text(encoding="utf-8")
    [marker] = [line for line in text.splitlines() if line.startswith("<<<<<<<")]
    assert marker.startswith("<<<<<<< ours (commitments SM23-3-13: lịch sử diễn biến: ") and said in marker, marker
    assert "\n>>>>>>> theirs\n" in text and "\n||||||| base\n" in text
    assert split_diff3(text, FILE)[1] == show(repo, "HEAD")


def test_a_deleted_and_changed_record_is_named_in_chinese():
    from bbtrack.core import i18n

    start, end = BASE.index("  - id: SM23-3-13\n"), BASE.index("  - id: SM23-3-14\n")
    ours = _set(BASE, "SM23-3-13", "done", dt.date(2025, 1, 1), "open", "x")
    i18n.set_language("zh")
    result = merge_texts(BASE, ours, BASE[:start] + BASE[end:])
    assert [c.reason for c in result.conflicts] == ["对方分支已删除，本分支已修改"]
    assert "<<<<<<< ours (commitments SM23-3-13: 对方分支已删除，本分支已修改)" in result.text
