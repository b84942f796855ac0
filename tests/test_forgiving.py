"""Input that forgives people: lookups however typed, "did you mean", one error format,
reads that survive a broken record, backfilled events, corrections and document
references. Through the real CLI (in-process and as the console script), on real
files and real git repositories."""

from __future__ import annotations

import datetime as _dt
import json
import subprocess
from pathlib import Path

import pytest

from conftest import ENTRY, Cli, git


pytestmark = pytest.mark.usefixtures("english_cli")  # these tests read bbtrack's English messages


URL = "https://example.org/source"
LETTER = "Công văn số 123/UBND-KT ngày 12/3/2025"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def ids(result) -> list[str]:
    return [row["id"] for row in json.loads(ok(result).stdout)]


def history(cli, record_id: str) -> list[dict]:
    return json.loads(ok(cli("show", record_id, "--format", "json")).stdout)["history"]


def one_error_line(result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("bbtrack: error: "), result.stderr
    assert "Traceback" not in result.output and "Usage:" not in result.output
    return lines[0]


def changed_lines(repo: Path) -> tuple[list[str], list[str]]:
    out = git(repo, "diff", "--unified=0", "--no-color")
    removed = [line[1:] for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return removed, added


# --- lookups ------------------------------------------------------------------------------


def test_ids_ignore_case_and_zero_padding(cli):
    canonical = json.loads(ok(cli("show", "SM23-3-09", "--format", "json")).stdout)
    for typed in ("sm23-3-9", "SM23-3-009", " sm23-03-09 "):
        assert json.loads(ok(cli("show", typed, "--format", "json")).stdout) == canonical
    ok(cli("log", "sm23-3-9"))


def test_show_and_log_take_crossing_names_as_list_does(cli):
    shown = json.loads(ok(cli("show", "Huu Nghi", "--format", "json")).stdout)
    assert shown["id"] == "huu-nghi"
    assert json.loads(ok(cli("show", "龙邦", "--format", "json")).stdout)["id"] == "tra-linh"
    ok(cli("log", "Huu Nghi"))
    several = one_error_line(cli("show", "nghi"), 2)
    assert "huu-nghi" in several and "binh-nghi" in several


@pytest.mark.parametrize("args, code, nearest", [
    (["show", "binh-ngi"], 1, "binh-nghi"),
    (["show", "SM23-3-41"], 1, "SM23-3-14"),
    (["log", "SM23-3-41"], 1, "SM23-3-14"),
    (["list", "-s", "doen"], 2, "done"),
    (["crossings", "--stage", "aproved"], 2, "approved"),
    (["list", "-p", "lagnson"], 2, "Lạng Sơn"),
    (["list", "-c", "binh-ngi"], 2, "binh-nghi"),
    (["list", "--format", "jsn"], 2, "json"),
    (["summary", "--by", "provnce"], 2, "province"),
    (["list", "--provnce", "x"], 2, "--province"),
    (["lsit"], 2, "list"),
    (["status", "set", "SM23-3-41", "done", "--date", "2024-01-01", "-e", URL], 1, "SM23-3-14"),
    (["status", "set", "SM23-3-14", "doen", "--date", "2024-01-01", "-e", URL], 2, "done"),
    (["status", "set", "binh-nghi", "aproved", "--date", "2024-01-01", "-e", URL], 2, "approved"),
])
def test_every_unknown_word_names_the_nearest(data_dir, cli, args, code, nearest):
    before = (data_dir / "commitments.yaml").read_bytes(), (data_dir / "crossings.yaml").read_bytes()
    line = one_error_line(cli(*args), code)
    assert "did you mean" in line.lower() and nearest in line, line
    assert ((data_dir / "commitments.yaml").read_bytes(), (data_dir / "crossings.yaml").read_bytes()) == before


@pytest.mark.parametrize("lang, args, said", [
    ("vi", ["show", "SM23-3-41"], ["không tìm thấy nội dung cam kết", "có phải là SM23-3-01, SM23-3-11 hoặc SM23-3-14?"]),
    ("zh", ["show", "SM23-3-41"], ["未找到商定事项或口岸", "是否为SM23-3-01、SM23-3-11或SM23-3-14？"]),
    ("vi", ["list", "-s", "doen"], ["trạng thái 'doen' không hợp lệ; có phải là hoàn thành?", "đang thực hiện"]),
    ("zh", ["list", "-s", "doen"], ["状态 'doen' 无效；是否为已完成？", "正在推进、"]),
    ("vi", ["list", "-p", "lagnson"], ["tỉnh 'lagnson' không hợp lệ; có phải là Lạng Sơn?"]),
    ("zh", ["summary", "--by", "provnce"], ["分组方式 'provnce' 无效；是否为province？"]),
    ("vi", ["status", "set", "SM23-3-14", "doen", "--date", "2024-01-01", "-e", URL],
     ["trạng thái 'doen' không hợp lệ đối với SM23-3-14; có phải là hoàn thành?"]),
    ("zh", ["status", "set", "SM23-3-14", "done", "--date", "31/2/2024", "-e", URL],
     ["--date '31/2/2024' 无效：该月没有这一天；请按“年-月-日”（2025-02-03）"]),
])
def test_unknown_words_in_the_readers_language(cli, lang, args, said):
    result = cli("--lang", lang, *args)
    assert result.exit_code in (1, 2) and len(result.stderr.splitlines()) == 1, result.output
    assert all(part in result.stderr for part in said), result.stderr
    assert "did you mean" not in result.stderr and "Traceback" not in result.output


def test_unknown_record_says_crossings_exist_too(cli):
    assert "no commitment or crossing 'binh-ngi'" in one_error_line(cli("show", "binh-ngi"), 1)


@pytest.mark.parametrize("typed", ["langson", "tỉnh Lạng Sơn", "Lang Son province", "LẠNG SƠN", "lang  son"])
def test_provinces_in_common_forms(cli, typed):
    assert ids(cli("list", "-p", typed, "--format", "json")) == ids(cli("list", "-p", "Lạng Sơn", "--format", "json"))


def test_vietnamese_labels_wherever_a_status_or_stage_is_typed(data_dir, cli):
    ok(cli("status", "set", "SM23-3-14", "đang thực hiện", "--date", "2024-01-01", "-e", URL))
    assert history(cli, "SM23-3-14")[-1]["to"] == "in_progress"
    assert ids(cli("list", "-s", "dang thuc hien", "--format", "json")) == ["SM23-3-14"]
    assert ids(cli("list", "-s", "In Progress", "--format", "json")) == ["SM23-3-14"]
    stages = json.loads(ok(cli("crossings", "--stage", "đang đàm phán", "--format", "json")).stdout)
    assert stages and all(x["stage"] == "talks" for x in stages)


# --- one error format, global options anywhere, values in any case --------------------------


def test_usage_errors_are_one_line_as_a_process_too(data_dir):
    for args in (["list", "--bogus"], ["lsit"], ["show"], ["list", "-n", "x"], ["status", "set", "SM23-3-14"]):
        proc = subprocess.run([*ENTRY, "--data-dir", str(data_dir), *args], capture_output=True, text=True)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("bbtrack: error: "), proc.stderr
        assert proc.stdout == ""


def test_global_options_before_or_after_the_command(data_dir, tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*ENTRY, *args], capture_output=True, text=True, cwd=tmp_path)

    first = run("--data-dir", str(data_dir), "--lang", "en", "list", "-p", "cao bang")
    after = run("list", "-p", "cao bang", "--data-dir", str(data_dir), "--lang", "en")
    mixed = run("--lang", "en", "list", "-p", "cao bang", "--no-cache", "-d", str(data_dir))
    assert first.returncode == 0 and "SM23-3-" in first.stdout and "title" in first.stdout, first.stderr
    assert first.stdout == after.stdout == mixed.stdout
    shown = run("show", "SM23-3-09", "--data-dir", str(data_dir), "--lang", "en")
    assert shown.returncode == 0 and "title_en" in shown.stdout and "SM23-3-09" in shown.stdout, shown.stderr


def test_option_values_in_any_case(cli):
    assert ok(cli("list", "--format", "JSON", "--lang", "EN", "--sort", "Due")).stdout.startswith("[")
    assert "Quảng Tây," in ok(cli("summary", "--by", "Party", "--format", "CSV")).stdout
    assert ok(cli("show", "SM23-3-09", "--format", "JSON")).stdout.startswith("{")


# --- status set: --date, backfill, evidence ------------------------------------------------


def test_date_is_required_and_today_is_said(data_dir, cli):
    before = (data_dir / "commitments.yaml").read_bytes()
    line = one_error_line(cli("status", "set", "SM23-3-14", "in_progress", "-e", URL), 2)
    assert "--date" in line and "today" in line
    assert (data_dir / "commitments.yaml").read_bytes() == before
    result = ok(cli("status", "set", "SM23-3-14", "in_progress", "--date", "today", "-e", URL))
    today = _dt.date.today().isoformat()
    assert f"--date today is {today}" in result.stderr
    assert history(cli, "SM23-3-14")[-1]["date"] == today


def test_an_older_event_is_inserted_in_date_order(repo, repo_cli):
    ok(repo_cli("status", "set", "SM23-3-14", "in_progress", "--date", "2024-08-27", "-e", URL, "--note", "urged"))
    git(repo, "commit", "-qam", "event")
    result = ok(repo_cli("status", "set", "SM23-3-14", "in_progress", "--date", "1/1/2024", "-e", URL,
                         "--note", "found later"))
    assert "goes before the 2024-08-27 entry" in result.stderr and "stays in_progress" in result.stderr
    entries = history(repo_cli, "SM23-3-14")
    assert [(e["date"], e["from"], e["to"]) for e in entries] == [
        ("2024-01-01", "open", "in_progress"), ("2024-08-27", "in_progress", "in_progress")]
    assert json.loads(ok(repo_cli("show", "SM23-3-14", "--format", "json")).stdout)["status"] == "in_progress"
    ok(repo_cli("check"))
    removed, added = changed_lines(repo)
    # One line goes: the later entry's `from: open` (git may align the diff on its date line instead).
    assert removed in (["        from: open"], ["      - date: 2024-08-27"]), removed
    assert "        note: found later" in added and len(added) == 8, added


def test_document_references_are_evidence_stored_as_typed_and_once(repo, repo_cli):
    ok(repo_cli("status", "set", "SM23-3-14", "in_progress", "--date", "2025-03-20", "-e", LETTER,
                "-e", "công văn  số 123/UBND-KT   ngày 12/3/2025", "-e", URL, "-e", URL))
    assert history(repo_cli, "SM23-3-14")[-1]["evidence"] == [LETTER, URL]
    ok(repo_cli("check"))
    assert LETTER in ok(repo_cli("log", "SM23-3-14")).stdout
    html = ok(repo_cli("report", "--format", "html")).stdout
    assert LETTER in html and f'href="{LETTER}' not in html
    for bad, why in (("Công văn 123", "document reference"), ("Công văn số 12 ngày 31/2/2025", "does not exist"),
                     ("Công văn số 12 ngày 1/1/2099", "in the future")):
        line = one_error_line(repo_cli("status", "set", "SM23-3-14", "done", "--date", "2025-04-01", "-e", bad), 2)
        assert why in line


# --- corrections -----------------------------------------------------------------------------


@pytest.fixture
def corrected(repo, repo_cli):
    """SM23-3-14 with two committed events (2024-01-10 → in_progress, 2024-08-27 → done)."""
    ok(repo_cli("status", "set", "SM23-3-14", "in_progress", "--date", "2024-01-10", "-e", URL, "--note", "first"))
    ok(repo_cli("status", "set", "SM23-3-14", "done", "--date", "2024-08-27", "-e", URL, "--note", "secnod"))
    git(repo, "commit", "-qam", "events")
    return repo


def test_amend_changes_only_that_entrys_lines(corrected, repo_cli):
    result = ok(repo_cli("status", "amend", "SM23-3-14", "--entry", "2", "--note", "second",
                         "--reason", "typo in the note"))
    assert changed_lines(corrected) == (["        note: secnod"], ["        note: second"])
    assert "typo in the note" in result.stderr and "git commit" in result.stderr
    ok(repo_cli("check"))


def test_amend_keeps_the_values_it_does_not_change_as_they_are_written(corrected, repo_cli):
    """Only the amended value's line changes: the others keep their own quotes and escapes,
    though the editor would write them otherwise (a reviewer sees one line in the diff)."""
    path = corrected / "data" / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("        note: secnod\n", '        note: secnod\n        note_zh: "第二"\n', 1),
                    encoding="utf-8")
    git(corrected, "commit", "-qam", "a quoted Chinese note")
    ok(repo_cli("status", "amend", "SM23-3-14", "--entry", "2", "--note", "second", "--reason", "typo in the note"))
    assert changed_lines(corrected) == (["        note: secnod"], ["        note: second"])
    ok(repo_cli("status", "amend", "SM23-3-14", "--entry", "2", "--date", "2024-08-28", "--reason", "the day after"))
    assert changed_lines(corrected) == (["      - date: 2024-08-27", "        note: secnod"],
                                        ["      - date: 2024-08-28", "        note: second"])
    ok(repo_cli("check"))


def test_amend_fills_a_note_that_was_an_empty_null(corrected, repo_cli):
    """`note_zh:` with nothing after it (a null) takes the new value after its colon and a space."""
    path = corrected / "data" / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("        note: secnod\n", "        note: secnod\n        note_zh:\n", 1), encoding="utf-8")
    git(corrected, "commit", "-qam", "an empty Chinese note")
    ok(repo_cli("status", "amend", "SM23-3-14", "--entry", "2", "--note-zh", "第二", "--reason", "no note_zh"))
    assert changed_lines(corrected) == (["        note_zh:"], ["        note_zh: 第二"])
    ok(repo_cli("check"))


def test_amending_one_note_names_the_notes_left_as_they_were(corrected, repo_cli):
    """A note in one language amended, its translations are not: the command says which are
    left, so that the reviewer amends them too if they now say otherwise."""
    ok(repo_cli("status", "amend", "SM23-3-14", "--entry", "2", "--note-vi", "thứ hai", "--reason", "no note_vi"))
    said = ok(repo_cli("--lang", "en", "status", "amend", "SM23-3-14", "--entry", "2", "--note", "second",
                       "--reason", "typo")).stderr
    assert "note_vi was left as it was" in said and "--note-vi" in said and "note_zh" not in said
    said = ok(repo_cli("--lang", "en", "status", "amend", "SM23-3-14", "--entry", "2", "--note", "2nd",
                       "--note-vi", "thứ 2", "--reason", "both")).stderr
    assert "left as it was" not in said and "left as they were" not in said
    said = ok(repo_cli("--lang", "en", "status", "amend", "SM23-3-14", "--entry", "2", "--date", "2024-08-28",
                       "--reason", "the day after")).stderr
    assert "left as it was" not in said  # no note amended: nothing to keep in step


def test_amend_gives_an_entry_its_vietnamese_note_and_removes_it(corrected, repo_cli):
    ok(repo_cli("status", "amend", "SM23-3-14", "--entry", "2", "--note-vi", "thứ hai", "--reason", "no note_vi"))
    assert changed_lines(corrected) == ([], ["        note_vi: thứ hai"])
    ok(repo_cli("check"))
    ok(repo_cli("status", "amend", "SM23-3-14", "--entry", "2", "--note-vi", "", "--reason", "x"))
    assert changed_lines(corrected) == ([], [])


def test_amend_the_latest_status_moves_the_record(corrected, repo_cli):
    ok(repo_cli("status", "amend", "SM23-3-14", "--entry", "last", "--status", "partly_done", "--reason", "x"))
    assert json.loads(ok(repo_cli("show", "SM23-3-14", "--format", "json")).stdout)["status"] == "partly_done"
    ok(repo_cli("check"))
    moved = one_error_line(repo_cli("status", "amend", "SM23-3-14", "--entry", "2024-01-10", "--date", "2024-09-01",
                                    "--reason", "x"), 2)
    assert "past its neighbour" in moved


def test_remove_re_points_the_chain_and_the_status(corrected, repo_cli):
    ok(repo_cli("status", "remove", "SM23-3-14", "--entry", "2024-08-27", "--reason", "not this commitment"))
    shown = json.loads(ok(repo_cli("show", "SM23-3-14", "--format", "json")).stdout)
    assert shown["status"] == "in_progress" and [e["date"] for e in shown["history"]] == ["2024-01-10"]
    ok(repo_cli("check"))
    ok(repo_cli("status", "remove", "SM23-3-14", "--entry", "1", "--reason", "no source"))
    shown = json.loads(ok(repo_cli("show", "SM23-3-14", "--format", "json")).stdout)
    assert shown["status"] == "open" and shown["history"] == []
    ok(repo_cli("check"))


def test_corrections_need_a_reason_and_an_entry_that_exists(corrected, repo_cli):
    assert one_error_line(repo_cli("status", "remove", "SM23-3-14", "--entry", "1", "--reason", " "), 2)
    assert "no history entry 5" in one_error_line(
        repo_cli("status", "remove", "SM23-3-14", "--entry", "5", "--reason", "x"), 1)
    assert git(corrected, "status", "--porcelain") == ""


# --- reads survive a broken record ---------------------------------------------------------


@pytest.fixture
def broken(data_dir) -> Path:
    """SM23-3-11 (Lạng Sơn) with a mistyped status, as a merge might leave it."""
    path = data_dir / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: SM23-3-11")
    at = text.index("    status: open", start)
    path.write_text(text[:at] + "    status: opne" + text[at + len("    status: open"):], encoding="utf-8")
    return data_dir


def test_list_answers_from_the_valid_records(broken, data_dir):
    proc = subprocess.run([*ENTRY, "--data-dir", str(broken), "list", "--province", "Lạng Sơn", "--format", "json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    listed = [row["id"] for row in json.loads(proc.stdout)]
    assert "SM23-3-11" not in listed and "SM23-3-12" in listed and len(listed) > 10
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("bbtrack: warning: the data has 1 problem") and "SM23-3-11" in proc.stderr
    assert "run `bbtrack check`" in proc.stderr


def test_show_of_the_broken_record_says_so_and_writes_still_refuse(broken):
    cli = Cli(broken)
    for command in ("summary", "log", "report", "crossings"):
        assert ok(cli(command)).stderr.startswith("bbtrack: warning: ")
    shown = cli("show", "sm23-3-11")
    assert shown.exit_code == 1 and "SM23-3-11 has problems" in shown.stderr
    before = (broken / "commitments.yaml").read_bytes()
    refused = cli("status", "set", "SM23-3-12", "in_progress", "--date", "2024-01-01", "-e", URL)
    assert refused.exit_code == 1 and "fix the data first" in refused.stderr
    assert (broken / "commitments.yaml").read_bytes() == before
    assert cli("check").exit_code == 1


# --- log filters like list -----------------------------------------------------------------


def test_log_filters(shipped_cli):
    def rows(*args: str) -> list[dict]:
        return json.loads(ok(shipped_cli("log", "--format", "json", *args)).stdout)

    everything = rows()
    cao_bang = rows("-p", "cao bang")
    assert cao_bang and len(cao_bang) < len(everything)
    parties = {c["id"]: c["parties"] for c in json.loads(ok(shipped_cli("list", "--format", "json")).stdout)}
    crossings = {x["id"]: x["province"] for x in json.loads(ok(shipped_cli("crossings", "--format", "json")).stdout)}
    assert all("Cao Bằng" in parties.get(r["id"], []) or crossings.get(r["id"]) == "Cao Bằng" for r in cao_bang)
    window = rows("--since", "2024", "--until", "2024-06")
    assert window and all("2024-01-01" <= r["date"] <= "2024-06-30" for r in window)
    assert len(rows("--limit", "2")) == 2 and rows("--limit", "2") == everything[:2]
    tra_linh = {r["id"] for r in rows("-c", "Trà Lĩnh")}
    listed = set(ids(shipped_cli("list", "-c", "Trà Lĩnh", "--format", "json")))
    assert "tra-linh" in tra_linh and tra_linh & listed and tra_linh <= listed | {"tra-linh", "na-doong"}


def test_a_refused_change_names_the_statuses_in_the_reader_s_words(repo, repo_cli):
    """The codes a Vietnamese or Chinese reader did not type are said as their labels."""
    ok(repo_cli("status", "set", "SM23-3-14", "done", "--date", "2024-08-27", "-e", URL, "--by", "t"))
    result = repo_cli("--lang", "vi", "status", "set", "SM23-3-14", "open", "--date", "2024-09-01", "-e", URL,
                      "--by", "t")
    assert result.exit_code == 2 and "hoàn thành → chưa ghi nhận tiến triển" in result.stderr
    assert "done" not in result.stderr
    result = repo_cli("--lang", "zh", "status", "set", "SM23-3-14", "done", "--date", "2024-09-01", "-e", URL,
                      "--by", "t")
    assert result.exit_code == 2 and "'已完成'" in result.stderr and "'done'" not in result.stderr
