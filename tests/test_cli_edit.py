"""The edit commands (`status set`, `add`) and the review commands (`diff`, `log`)
through the real CLI, on real files in real git repositories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git

URL = "https://example.org/source"
DATA_FILES = ("commitments.yaml", "crossings.yaml")


def snapshot(data: Path) -> dict[str, bytes]:
    return {name: (data / name).read_bytes() for name in DATA_FILES}


def changed_lines(repo: Path) -> tuple[list[str], list[str]]:
    """(removed, added) lines of the working tree's diff, without the headers."""
    out = git(repo, "diff", "--unified=0", "--no-color")
    removed = [line[1:] for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return removed, added


def ok(result):
    assert result.exit_code == 0, result.output
    return result


# --- status set ---------------------------------------------------------------------


def test_status_set_touches_only_its_record(repo, repo_cli):
    path = repo / "data" / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    # Hand-made touches a reviewer would be upset to see rewritten: a comment on
    # the line being changed, a comment line, single quotes in another record.
    text = text.replace("    status: open\n", "    status: open  # checked 2023\n", 1)
    text = text.replace("  - id: SM23-0-02\n", "  # a comment kept by hand\n  - id: SM23-0-02\n", 1)
    text = text.replace("title_en: Fully implement", "title_en: 'Fully implement", 1)
    text = text.replace("November 2022\n", "November 2022'\n", 1)
    path.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "hand edits")

    ok(repo_cli("status", "set", "SM23-0-01", "ongoing", "--date", "15/9/2023", "--note", "Nghị quyết triển khai",
                "--evidence", URL, "--by", "Tester"))

    removed, added = changed_lines(repo)
    assert removed == ["    status: open  # checked 2023", "    history: []"]
    assert added == ["    status: ongoing  # checked 2023", "    history:", "      - date: 2023-09-15",
                     "        from: open", "        to: ongoing", "        note: Nghị quyết triển khai",
                     "        evidence:", f"          - {URL}", "        by: Tester"]
    assert "# a comment kept by hand" in path.read_text(encoding="utf-8")
    ok(repo_cli("check"))
    diff = json.loads(ok(repo_cli("diff", "--format", "json")).stdout)
    assert [(d["id"], d["change"], d["field"]) for d in diff] == [("SM23-0-01", "changed", "status"),
                                                                  ("SM23-0-01", "history", "history")]
    assert (diff[0]["old"], diff[0]["new"]) == ("open", "ongoing")
    assert diff[1]["entry"]["note"] == "Nghị quyết triển khai"
    shown = json.loads(ok(repo_cli("show", "SM23-0-01", "--format", "json")).stdout)
    assert shown["status"] == "ongoing"
    assert shown["history"][0]["date"] == "2023-09-15" and shown["history"][0]["evidence"] == [URL]


def test_status_set_keeps_crlf_and_bom(data_dir, cli):
    path = data_dir / "commitments.yaml"
    original = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    ok(cli("status", "set", "SM23-3-17", "done", "--date", "2023-12-28", "-e", URL, "--by", "t"))
    new = path.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf") and b"\n" not in new.replace(b"\r\n", b"")
    assert b"        to: done\r\n" in new
    ok(cli("check"))


def test_crossing_stage_and_kind(repo, repo_cli):
    ok(repo_cli("status", "set", "tra-linh", "announced", "--kind", "international", "--date", "2023-12-28",
                "-e", URL, "--note", "Upgrade announced", "--by", "t"))
    shown = json.loads(ok(repo_cli("show", "tra-linh", "--format", "json")).stdout)
    assert shown["stage"] == "announced" and shown["kind"] == "international"
    assert shown["history"][0]["kind"] == "international"
    removed, added = changed_lines(repo)
    assert all(line.startswith(("    stage:", "    kind:", "    history:")) for line in removed)


def test_dry_run_prints_diff_and_writes_nothing(repo, repo_cli):
    before = snapshot(repo / "data")
    result = ok(repo_cli("status", "set", "SM23-3-17", "done", "--date", "2023-12-28", "-e", URL, "-n", "--by", "t"))
    assert before == snapshot(repo / "data")
    assert "+    status: done" in result.stdout and "-    status: open" in result.stdout
    assert "dry run" in result.stderr


def test_weak_source_is_stored_as_weak(data_dir, cli):
    ok(cli("status", "set", "tan-thanh", "accepted", "--date", "2023-09-11", "-e", URL, "--weak", "--by", "t"))
    shown = json.loads(ok(cli("show", "tan-thanh", "--format", "json")).stdout)
    assert shown["history"][-1]["confidence"] == "weak"


def test_by_defaults_to_git_user(repo, repo_cli):
    ok(repo_cli("status", "set", "SM23-3-17", "done", "--date", "2023-12-28", "-e", URL))
    shown = json.loads(ok(repo_cli("show", "SM23-3-17", "--format", "json")).stdout)
    assert shown["history"][0]["by"] == "Test Reviewer"


@pytest.mark.parametrize("args, code, message", [
    (["SM23-9-99", "done"], 1, "no record 'SM23-9-99'"),
    (["SM23-3-17", "finished"], 2, "unknown status 'finished'"),
    (["SM23-3-17", "done", "--date", "30/2/2024"], 2, "--date"),
    (["SM23-3-17", "done", "--date", "2099-01-01"], 2, "in the future"),
    (["SM23-3-17", "done", "--date", "2022"], 2, "before the meeting that agreed SM23-3-17 (2023-02-22)"),
    (["SM23-3-17", "done", "--evidence", "javascript:alert(1)"], 2, "not an http(s) address"),
    (["SM23-3-17", "done", "--evidence", "ftp://x.org/a"], 2, "not an http(s) address"),
    (["SM23-3-17", "open"], 2, "already 'open'"),
    (["tra-linh", "done"], 2, "unknown stage 'done'"),
    (["SM23-3-17", "announced"], 2, "crossings take a stage"),
    (["SM23-3-17", "done", "--kind", "international"], 2, "--kind applies to crossings only"),
])
def test_refused_change_is_one_line_and_changes_nothing(data_dir, cli, args, code, message):
    before = snapshot(data_dir)
    extra = ([] if "--evidence" in args else ["--evidence", URL]) + ([] if "--date" in args else ["--date", "today"])
    result = cli("status", "set", *args, *extra, "--by", "t")
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("bbtrack: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(data_dir) == before


def test_evidence_is_required(data_dir, cli):
    result = cli("status", "set", "SM23-3-17", "done", "--date", "today", "--by", "t")
    assert result.exit_code == 2 and "--evidence" in result.stderr


def test_final_status_needs_force_and_note(data_dir, cli):
    ok(cli("status", "set", "SM23-3-17", "done", "--date", "2023-12-28", "-e", URL, "--by", "t"))
    refused = cli("status", "set", "SM23-3-17", "in_progress", "--date", "today", "-e", URL, "--by", "t")
    assert refused.exit_code == 2 and "--force" in refused.stderr
    no_note = cli("status", "set", "SM23-3-17", "in_progress", "--date", "today", "-e", URL, "--force", "--by", "t")
    assert no_note.exit_code == 2 and "--note" in no_note.stderr
    ok(cli("status", "set", "SM23-3-17", "in_progress", "--date", "today", "-e", URL, "--force",
           "--note", "ceremony postponed", "--by", "t"))


def test_an_older_event_that_would_go_backwards_needs_force(data_dir, cli):
    ok(cli("status", "set", "SM23-3-16", "in_progress", "--date", "2024-01-10", "-e", URL, "--by", "t"))
    before = snapshot(data_dir)
    result = cli("status", "set", "SM23-3-16", "done", "--date", "2023-12-01", "-e", URL, "--by", "t")
    assert result.exit_code == 2 and "backwards" in result.stderr and "--force" in result.stderr
    assert snapshot(data_dir) == before


def test_same_status_with_note_records_an_event(data_dir, cli):
    ok(cli("status", "set", "binh-nghi", "talks", "--date", "2024-08-27", "-e", URL,
           "--note", "still awaiting approval", "--by", "t"))
    events = json.loads(ok(cli("log", "binh-nghi", "--format", "json")).stdout)
    assert len(events) == 1 and events[0]["note"] == "still awaiting approval"


def test_status_word_spellings(data_dir, cli):
    ok(cli("status", "set", "sm23-3-16", "In-Progress", "--date", "2024-01-10", "-e", URL, "--by", "t"))
    shown = json.loads(ok(cli("show", "SM23-3-16", "--format", "json")).stdout)
    assert shown["status"] == "in_progress"


def test_broken_data_file_is_never_edited(data_dir, cli):
    path = data_dir / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    bad = text.replace("  - id: SM23-3-17\n", "  - id: SM23-3-17\n    status: done\n", 1)  # duplicate key
    path.write_text(bad, encoding="utf-8")
    result = cli("status", "set", "SM23-3-17", "done", "--date", "2023-12-28", "-e", URL, "--by", "t")
    assert result.exit_code != 0 and result.stderr.count("\n") == 1
    assert "commitments.yaml:" in result.stderr
    assert path.read_text(encoding="utf-8") == bad


# --- git review workflow --------------------------------------------------------------


def test_two_branches_editing_different_records_merge_cleanly(repo):
    env = {**os.environ, "BBTRACK_DATA": str(repo / "data")}
    bbtrack = [sys.executable, "-m", "bbtrack"]

    def run(*args):
        subprocess.run([*bbtrack, *args], cwd=repo, env=env, check=True, capture_output=True)

    git(repo, "checkout", "-qb", "a")
    run("status", "set", "SM23-3-17", "done", "--date", "2023-12-28", "-e", URL, "--by", "a")
    git(repo, "commit", "-qam", "a")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-qb", "b")
    run("status", "set", "SM23-3-19", "done", "--date", "2025-02-27", "-e", URL, "--by", "b")
    git(repo, "commit", "-qam", "b")
    git(repo, "merge", "-q", "--no-edit", "a")
    run("check")
    out = subprocess.run([*bbtrack, "diff", "main", "HEAD", "--format", "json"], cwd=repo, env=env,
                         check=True, capture_output=True, text=True).stdout
    assert {d["id"] for d in json.loads(out)} == {"SM23-3-17", "SM23-3-19"}


def test_diff_between_revisions_and_rejects_option_like_revs(repo, repo_cli):
    ok(repo_cli("status", "set", "SM23-3-17", "done", "--date", "2023-12-28", "-e", URL, "--by", "t"))
    git(repo, "commit", "-qam", "edit")
    md = ok(repo_cli("--lang", "en", "diff", "HEAD~1", "HEAD", "--format", "markdown")).stdout
    assert "SM23-3-17" in md and "no progress recorded → done" in md  # the codes open → done, in words
    clean = ok(repo_cli("--lang", "en", "diff"))
    assert clean.stdout == "no changes to the data\n"
    assert json.loads(ok(repo_cli("diff", "--format", "json")).stdout) == []
    bad = repo_cli("diff", "--", "--output=/tmp/bbtrack-pwned")
    assert bad.exit_code == 2 and not Path("/tmp/bbtrack-pwned").exists()


def test_log_lists_events_newest_first(data_dir, cli):
    ok(cli("status", "set", "SM23-3-16", "in_progress", "--date", "2023-12-28", "-e", URL, "--by", "t"))
    ok(cli("status", "set", "SM23-3-19", "done", "--date", "2025-02-27", "-e", URL, "--by", "t"))
    events = json.loads(ok(cli("log", "--format", "json")).stdout)
    assert [(e["id"], e["date"]) for e in events] == [("SM23-3-19", "2025-02-27"), ("SM23-3-16", "2023-12-28")]
    assert [e["id"] for e in json.loads(ok(cli("log", "--since", "2025", "--format", "json")).stdout)] == ["SM23-3-19"]


# --- add --------------------------------------------------------------------------------

QUOTE = "thúc đẩy mở cặp cửa khẩu song phương Bình Nghi"


def test_add_appends_with_next_id(repo, repo_cli):
    result = ok(repo_cli("add", "--section", "3", "--party", "lang son", "--party", "Guangxi",
                         "--title-vi", "Thử: mở Bình Nghi", "--title-en", "Test: open Bình Nghi",
                         "--quote", QUOTE, "--crossing", "binh-nghi", "--due", "2024", "--due-source", "programme"))
    assert "SM23-3-" in result.stderr
    removed, added = changed_lines(repo)
    assert removed == []
    assert added[0].startswith("  - id: SM23-3-") and '    title_vi: "Thử: mở Bình Nghi"' in added
    assert "    parties: [Lạng Sơn, Quảng Tây]" in added and '    due: "2024"' in added
    ok(repo_cli("check"))
    ids = [r["id"] for r in json.loads(ok(repo_cli("list", "--format", "json")).stdout)]
    new_id = added[0].split("id: ")[1]
    assert len(ids) == 49 and new_id in ids
    numbers = [int(i.rsplit("-", 1)[1]) for i in ids if i.startswith("SM23-3-")]
    assert int(new_id.rsplit("-", 1)[1]) == max(numbers)


def test_add_refuses_a_quote_not_in_the_minutes(data_dir, cli):
    before = snapshot(data_dir)
    result = cli("add", "--section", "3", "--party", "Lạng Sơn", "--title-vi", "x", "--title-en", "x",
                 "--quote", "một câu không có trong biên bản")
    assert result.exit_code == 2 and "word for word" in result.stderr
    assert snapshot(data_dir) == before


def test_add_unknown_party_and_crossing(data_dir, cli):
    before = snapshot(data_dir)
    bad_party = cli("add", "--section", "3", "--party", "Hà Nội", "--title-vi", "x", "--title-en", "x", "--quote", QUOTE)
    assert bad_party.exit_code == 2 and "unknown party" in bad_party.stderr
    bad_crossing = cli("add", "--section", "3", "--party", "Lạng Sơn", "--title-vi", "x", "--title-en", "x",
                       "--quote", QUOTE, "--crossing", "nowhere")
    assert bad_crossing.exit_code == 1 and "unknown crossing" in bad_crossing.stderr
    assert snapshot(data_dir) == before


def test_add_dry_run(data_dir, cli):
    before = snapshot(data_dir)
    result = ok(cli("add", "--section", "3", "--party", "Lạng Sơn", "--title-vi", "x", "--title-en", "x",
                    "--quote", QUOTE, "--dry-run"))
    assert "+  - id: SM23-3-" in result.stdout
    assert snapshot(data_dir) == before


# --- the installed entry point and concurrent writers ----------------------------------


def test_entry_point_runs_as_a_process(data_dir):
    exe = Path(sys.executable).with_name("bbtrack")
    assert exe.exists(), "the console script is installed with the package"
    result = subprocess.run([str(exe), "--data-dir", str(data_dir), "list", "-p", "LẠNG SƠN", "--format", "json"],
                            capture_output=True, text=True, check=True)
    assert len(json.loads(result.stdout)) == 36
    bad = subprocess.run([str(exe), "--data-dir", str(data_dir), "show", "nope"], capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.startswith("bbtrack: error:") and "Traceback" not in bad.stderr


def test_twenty_concurrent_writers_lose_nothing(data_dir):
    ids = [f"SM23-{s}" for s in ("0-01", "0-02", "1-01", "1-02", "1-03", "1-04", "2-01", "2-02", "2-03",
                                 "3-01", "3-02", "3-05", "3-07", "3-22", "3-24", "3-25", "4-01", "4-02",
                                 "5-01", "5-02")]
    env = {**os.environ, "BBTRACK_DATA": str(data_dir)}
    procs = [subprocess.Popen([sys.executable, "-m", "bbtrack", "status", "set", rid, "ongoing", "--date",
                               "2024-01-01", "-e", URL, "--by", "p"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for rid in ids]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    records = json.loads(subprocess.run([sys.executable, "-m", "bbtrack", "list", "--format", "json", "--status",
                                         "ongoing"], env=env, capture_output=True, text=True, check=True).stdout)
    assert sorted(r["id"] for r in records) == sorted(ids)
