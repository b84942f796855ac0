"""History notes in three languages and the basis of a due date (issue 17), through the
real CLI on real files in real git repositories."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import unicodedata

import pytest
from conftest import ENTRY, git


pytestmark = pytest.mark.usefixtures("english_cli")  # these tests read bbtrack's English messages


URL = "https://example.org/source"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def added_lines(repo) -> list[str]:
    out = git(repo, "diff", "--unified=0", "--no-color")
    return [line[1:] for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]


# --- status set --note-vi / --note-zh ------------------------------------------------------


def test_notes_are_written_side_by_side_in_a_fixed_order(repo, repo_cli):
    # Options in another order than the file's: the file's order is bbtrack's, not the user's.
    ok(repo_cli("status", "set", "SM23-1-04", "ongoing", "--date", "2023-02-28", "-e", URL, "--by", "t",
                "--note-zh", "谅山省委书记访问广西", "--note-vi", "Bí thư Tỉnh ủy Lạng Sơn thăm Quảng Tây",
                "--note", "Lạng Sơn's Party secretary visits Guangxi"))
    assert added_lines(repo) == [
        "    status: ongoing", "    history:", "      - date: 2023-02-28", "        from: open", "        to: ongoing",
        "        note: Lạng Sơn's Party secretary visits Guangxi",
        "        note_vi: Bí thư Tỉnh ủy Lạng Sơn thăm Quảng Tây",
        "        note_zh: 谅山省委书记访问广西",
        "        evidence:", f"          - {URL}", "        by: t"]
    ok(repo_cli("check"))


def test_vietnamese_outputs_show_the_vietnamese_note(repo, repo_cli):
    ok(repo_cli("status", "set", "SM23-1-04", "ongoing", "--date", "2023-02-28", "-e", URL, "--by", "t",
                "--note", "Talks in Nanning", "--note-vi", "Hội đàm tại Nam Ninh"))
    vi = ok(repo_cli("log", "SM23-1-04", "--lang", "vi")).stdout
    en = ok(repo_cli("log", "SM23-1-04", "--lang", "en")).stdout
    assert "Hội đàm tại Nam Ninh" in vi and "Talks in Nanning" not in vi
    assert "Talks in Nanning" in en and "Hội đàm tại Nam Ninh" not in en
    show_vi = ok(repo_cli("show", "SM23-1-04", "--lang", "vi")).stdout
    assert "Hội đàm tại Nam Ninh" in show_vi and "Talks in Nanning" not in show_vi
    assert "Talks in Nanning" in ok(repo_cli("show", "SM23-1-04", "--lang", "en")).stdout
    # Machine formats carry every note under its YAML key, whatever the language.
    (event,) = json.loads(ok(repo_cli("log", "SM23-1-04", "--format", "json", "--lang", "en")).stdout)
    assert (event["note"], event["note_vi"], event["note_zh"]) == ("Talks in Nanning", "Hội đàm tại Nam Ninh", None)
    (row,) = csv.DictReader(io.StringIO(ok(repo_cli("log", "SM23-1-04", "--format", "csv")).stdout))
    assert row["note_vi"] == "Hội đàm tại Nam Ninh" and row["note_zh"] == ""
    shown = json.loads(ok(repo_cli("show", "SM23-1-04", "--format", "json")).stdout)
    assert shown["history"][0]["note_vi"] == "Hội đàm tại Nam Ninh"
    diff = json.loads(ok(repo_cli("diff", "--format", "json")).stdout)
    assert diff[-1]["entry"]["note_vi"] == "Hội đàm tại Nam Ninh"


def test_an_entry_without_a_vietnamese_note_shows_the_english_one(repo, repo_cli):
    ok(repo_cli("status", "set", "SM23-1-04", "ongoing", "--date", "2023-02-28", "-e", URL, "--by", "t",
                "--note", "Talks in Nanning"))
    assert "Talks in Nanning" in ok(repo_cli("log", "SM23-1-04", "--lang", "vi")).stdout


def test_decomposed_vietnamese_note_is_stored_nfc(repo, repo_cli):
    nfd = unicodedata.normalize("NFD", "Hội đàm tại Nam Ninh")
    ok(repo_cli("status", "set", "SM23-1-04", "ongoing", "--date", "2023-02-28", "-e", URL, "--by", "t",
                "--note", "Talks", "--note-vi", nfd))
    assert "        note_vi: Hội đàm tại Nam Ninh" in added_lines(repo)
    ok(repo_cli("check"))


def test_a_vietnamese_note_alone_records_an_event_without_a_change(repo, repo_cli):
    ok(repo_cli("status", "set", "SM23-1-04", "ongoing", "--date", "2023-02-28", "-e", URL, "--by", "t",
                "--note", "first"))
    git(repo, "commit", "-qam", "first")
    ok(repo_cli("status", "set", "SM23-1-04", "ongoing", "--date", "2024-06-11", "-e", URL, "--by", "t",
                "--note-vi", "Đoàn HĐND tỉnh thăm Quảng Tây"))
    events = json.loads(ok(repo_cli("log", "SM23-1-04", "--format", "json")).stdout)
    assert [(e["from"], e["to"], e["note"], e["note_vi"]) for e in events][0] == (
        "ongoing", "ongoing", None, "Đoàn HĐND tỉnh thăm Quảng Tây")


def test_hostile_notes_in_other_languages_are_kept_exactly_and_shown_escaped(repo, repo_cli):
    # The same rule as for note: stored as typed, flagged by check, escaped wherever a terminal sees it.
    hostile = "\x1b[31mđỏ\x1b[0m \u202etxt"
    ok(repo_cli("status", "set", "SM23-1-04", "ongoing", "--date", "2023-02-28", "-e", URL, "--by", "t",
                "--note", "x", "--note-vi", hostile, "--note-zh", hostile))
    (event,) = json.loads(ok(repo_cli("log", "SM23-1-04", "--format", "json")).stdout)
    assert event["note_vi"] == hostile and event["note_zh"] == hostile
    assert "warning: control-char SM23-1-04" in ok(repo_cli("check")).stdout
    for command in (("log", "SM23-1-04", "--lang", "vi"), ("show", "SM23-1-04", "--lang", "vi")):
        out = ok(repo_cli(*command)).stdout
        assert "\x1b" not in out and "\u202e" not in out and "\\u001b[31mđỏ" in out, command


def test_hand_written_note_vi_must_be_nfc_text(data_dir, cli):
    path = data_dir / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    record = text.index("  - id: SM23-1-04")
    old = "    status: open\n    history: []\n"
    at = text.index(old, record)
    entry = ("    status: ongoing\n    history:\n      - date: 2023-02-28\n        from: open\n        to: ongoing\n"
             f"        note_vi: {unicodedata.normalize('NFD', 'Hội đàm')}\n        evidence:\n          - {URL}\n")
    path.write_text(text[:at] + entry + text[at + len(old):], encoding="utf-8")
    result = cli("--lang", "en", "check")
    assert result.exit_code == 1
    assert "not-nfc note_vi" in result.stdout, result.stdout


# --- add --title-zh / --due-source -----------------------------------------------------------

QUOTE = "thúc đẩy mở cặp cửa khẩu song phương Bình Nghi"
ADD = ("add", "--section", "3", "--party", "Lạng Sơn", "--party", "Quảng Tây", "--title-vi", "Thử",
       "--title-en", "Test", "--quote", QUOTE, "--crossing", "binh-nghi")


def test_add_writes_title_zh_and_due_source_in_the_documented_order(repo, repo_cli):
    ok(repo_cli(*ADD, "--title-zh", "测试", "--due", "2023", "--due-source", "programme"))
    lines = added_lines(repo)
    keys = [line.split(":")[0].strip(" -") for line in lines if line.startswith("  - id:")
            or (line.startswith("    ") and not line.startswith("     "))]
    assert keys == ["id", "section", "title_vi", "title_en", "title_zh", "quote", "parties", "crossings", "kind",
                    "due", "due_source", "status", "history"]
    assert "    title_zh: 测试" in lines and "    due_source: programme" in lines
    ok(repo_cli("check"))
    row = next(r for r in json.loads(ok(repo_cli("list", "--format", "json")).stdout) if r["title_en"] == "Test")
    assert (row["title_zh"], row["due"], row["due_source"]) == ("测试", "2023", "programme")


def test_add_due_and_due_source_go_together(data_dir, cli):
    before = (data_dir / "commitments.yaml").read_bytes()
    for extra in (("--due", "2024"), ("--due-source", "minutes"), ("--due", "2024", "--due-source", "someday")):
        result = cli(*ADD, *extra)
        assert result.exit_code == 2, (extra, result.output)
        assert "due source" in result.stderr or "--due-source" in result.stderr
    assert (data_dir / "commitments.yaml").read_bytes() == before


def test_add_without_due_writes_no_due_source(repo, repo_cli):
    ok(repo_cli(*ADD))
    lines = added_lines(repo)
    assert "    due: null" in lines and not any("due_source" in line for line in lines)
    ok(repo_cli("check"))


def test_the_vietnamese_report_shows_the_vietnamese_note(repo, repo_cli):
    ok(repo_cli("status", "set", "SM23-1-04", "ongoing", "--date", "2023-02-28", "-e", URL, "--by", "t",
                "--note", "Talks in Nanning", "--note-vi", "Hội đàm tại Nam Ninh"))
    for fmt in ("markdown", "html", "terminal"):
        vi = ok(repo_cli("report", "--format", fmt, "--lang", "vi", "--since", "2023-01-01")).stdout
        en = ok(repo_cli("report", "--format", fmt, "--lang", "en", "--since", "2023-01-01")).stdout
        assert "Hội đàm tại Nam Ninh" in vi and "Talks in Nanning" not in vi, fmt
        assert "Talks in Nanning" in en and "Hội đàm tại Nam Ninh" not in en, fmt
# --- due_source in the data and in the outputs ---------------------------------------------------


def test_list_json_and_csv_carry_due_source_and_title_zh(cli):
    rows = json.loads(ok(cli("list", "--format", "json")).stdout)
    assert all("due_source" in r and "title_zh" in r for r in rows)
    for r in rows:
        assert (r["due"] is None) == (r["due_source"] is None), r["id"]
        assert r["due_source"] in (None, "minutes", "programme")
    table = list(csv.DictReader(io.StringIO(ok(cli("list", "--format", "csv")).stdout)))
    assert [r["due_source"] for r in table] == [r["due_source"] or "" for r in rows]


def test_due_source_mismatch_is_a_check_problem(data_dir, cli):
    path = data_dir / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: SM23-3-07")
    line = text.index("    due_source: ", start)
    end = text.index("\n", line) + 1
    path.write_text(text[:line] + text[end:], encoding="utf-8")  # a due without its basis
    # A warning: files from before due_source existed are still schema 1, readable and editable.
    result = cli("--lang", "en", "check")
    assert result.exit_code == 0 and "warning: due-source SM23-3-07" in result.stdout
    said = cli("--lang", "vi", "check").stdout
    assert "due-source SM23-3-07: thời hạn 2023 chưa có căn cứ (due_source)" in said, said
    ok(cli("status", "set", "SM23-3-07", "in_progress", "--date", "2024", "-e", URL, "--by", "t"))
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: SM23-0-01")
    due = text.index("    due: null\n", start) + len("    due: null\n")
    path.write_text(text[:due] + "    due_source: minutes\n" + text[due:], encoding="utf-8")  # a basis without a due
    result = cli("--lang", "en", "check")
    assert result.exit_code == 1 and "due-source SM23-0-01: due_source 'minutes' without a due date" in result.stdout
    said = cli("--lang", "zh", "check")
    assert said.exit_code == 1 and "due-source SM23-0-01：有时限依据 'minutes' 但无完成时限" in said.stdout, said.stdout
    path.write_text(text.replace("    due: null\n", "    due: null\n    due_source: sometime\n", 1),
                    encoding="utf-8")
    assert "unknown-due_source" in cli("check").stdout


def test_due_source_reaches_a_subprocess_json(data_dir):
    out = subprocess.run([*ENTRY, "--data-dir", str(data_dir), "list", "--format", "json", "--section", "2"],
                         capture_output=True, text=True, check=True).stdout
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["SM23-2-04"]["due_source"] == "minutes"
    assert rows["SM23-2-02"]["due_source"] is None


def test_later_events_on_a_done_record_keep_the_date_it_was_done(repo, repo_cli):
    # SM23-4-04 is due 2023: done in 2023 is on time, and news of 2025 does not make it late.
    ok(repo_cli("status", "set", "SM23-4-04", "done", "--date", "2023-11-30", "-e", URL, "--by", "t", "--note", "a"))
    ok(repo_cli("status", "set", "SM23-4-04", "done", "--date", "2025-05-01", "-e", URL, "--by", "t", "--note", "b"))
    (row,) = [r for r in json.loads(ok(repo_cli("list", "--format", "json")).stdout) if r["id"] == "SM23-4-04"]
    assert (row["status"], row["done_on"], row["timing"], row["last_event"]) == ("done", "2023-11-30", "on-time",
                                                                                 "2025-05-01")
    assert "SM23-4-04" not in ok(repo_cli("list", "--late", "--format", "csv")).stdout


def test_a_cached_warning_is_read_in_the_language_asked(data_dir, cli):
    """The parse cache keeps warnings as written: a Vietnamese run must not answer a Chinese one."""
    path = data_dir / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.index("    due_source: ", text.index("  - id: SM23-3-07"))
    path.write_text(text[:line] + text[text.index("\n", line) + 1:], encoding="utf-8")
    for lang, said in (("vi", "thời hạn 2023 chưa có căn cứ"), ("zh", "完成时限 2023 未注明依据"),
                       ("vi", "thời hạn 2023 chưa có căn cứ"), ("en", "due 2023 has no due_source")):
        result = cli("--lang", lang, "list", "--format", "json")  # a clean read: cached with its warning
        assert result.exit_code == 0, result.output
        assert said in cli("--lang", lang, "check").stdout, lang
