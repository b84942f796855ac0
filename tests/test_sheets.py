"""Excel workbooks, CSV that Excel opens, `--output`, and the line an empty result leaves on stderr.

Workbooks are read back with openpyxl itself; the CLI runs in-process (CliRunner)
and as the console script in a subprocess, on copies of the real data.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import subprocess
import sys

import openpyxl

import pytest
from conftest import ROOT


pytestmark = pytest.mark.usefixtures("english_cli")  # these tests read bbtrack's English messages


ENTRY = [sys.executable, "-c", "import sys; sys.argv[0] = 'bbtrack'; from bbtrack.cli.entry import main; main()"]


def sheet(path):
    ws = openpyxl.load_workbook(path).active
    return ws, [list(r) for r in ws.iter_rows(values_only=True)]


def test_list_xlsx_is_one_row_per_record_with_the_csv_fields(shipped_cli, tmp_path):
    target = tmp_path / "lang-son.xlsx"
    result = shipped_cli("list", "-p", "lang son", "--format", "xlsx", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and f"wrote {target}" in result.stderr
    records = json.loads(shipped_cli("list", "-p", "lang son", "--format", "json").stdout)
    csv_rows = list(csv.reader(io.StringIO(shipped_cli("list", "-p", "lang son", "--format", "csv").stdout)))
    ws, rows = sheet(target)
    assert rows[0] == csv_rows[0]
    assert [r[0] for r in rows[1:]] == [r["id"] for r in records]
    assert ws.freeze_panes == "A2"
    title = rows[0].index("title_vi")
    assert [r[title] for r in rows[1:]] == [r["title_vi"] for r in records]  # Vietnamese intact, NFC
    done = rows[0].index("done_on")
    days = [(r[done], rec["done_on"]) for r, rec in zip(rows[1:], records) if rec["done_on"]]
    assert days and all(isinstance(v, _dt.datetime) and v.date().isoformat() == iso for v, iso in days)
    due = rows[0].index("due")
    assert all(r[due] is None or isinstance(r[due], str) for r in rows[1:])  # "2023" is no day
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i in range(len(rows[0]))]
    assert all(w >= len(h) for w, h in zip(widths, rows[0]))


def test_crossings_and_summary_xlsx(shipped_cli, tmp_path):
    for command, first in (("crossings", "id"), ("summary", "group")):
        target = tmp_path / f"{command}.xlsx"
        assert shipped_cli(command, "-f", "xlsx", "-o", str(target)).exit_code == 0
        _, rows = sheet(target)
        as_csv = list(csv.reader(io.StringIO(shipped_cli(command, "-f", "csv").stdout)))
        assert rows[0][0] == first and rows[0] == as_csv[0] and len(rows) == len(as_csv)
        assert [str(r[0]) for r in rows] == [r[0] for r in as_csv]


def test_a_title_that_looks_like_a_formula_stays_text(tmp_path):
    from bbtrack.views.xlsx import write_xlsx

    target = tmp_path / "f.xlsx"
    with open(target, "wb") as handle:
        write_xlsx([{"id": "x", "title_vi": "=HYPERLINK(\"http://evil\")", "done_on": "2024-02-30"}], handle)
    ws, rows = sheet(target)
    assert rows[1] == ["x", "=HYPERLINK(\"http://evil\")", "2024-02-30"]
    assert ws["B2"].data_type == "s"


def test_xlsx_goes_to_a_pipe_but_not_to_a_terminal(shipped_dir, tmp_path):
    piped = subprocess.run([*ENTRY, "--data-dir", str(shipped_dir), "list", "-f", "xlsx"], capture_output=True,
                           cwd=ROOT)
    assert piped.returncode == 0, piped.stderr
    (tmp_path / "piped.xlsx").write_bytes(piped.stdout)
    _, rows = sheet(tmp_path / "piped.xlsx")
    assert len(rows) == 1 + len(json.loads(subprocess.run(
        [*ENTRY, "--data-dir", str(shipped_dir), "list", "-f", "json"], capture_output=True, cwd=ROOT).stdout))
    import pty

    master, slave = pty.openpty()
    try:
        tty = subprocess.run([*ENTRY, "--data-dir", str(shipped_dir), "list", "-f", "xlsx"], stdout=slave,
                             stderr=subprocess.PIPE, cwd=ROOT, text=True)
    finally:
        os_close(slave)
        os_close(master)
    assert tty.returncode == 2
    assert tty.stderr.startswith("bbtrack: error: xlsx is a binary workbook") and tty.stderr.count("\n") == 1


def os_close(fd: int) -> None:
    import os

    os.close(fd)


def test_csv_to_a_file_has_the_bom_excel_needs_and_stdout_has_none(shipped_cli, tmp_path):
    target = tmp_path / "list.csv"
    assert shipped_cli("list", "-p", "Cao Bằng", "-f", "csv", "-o", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,")
    piped = shipped_cli("list", "-p", "Cao Bằng", "-f", "csv").stdout
    assert not piped.startswith("\ufeff")
    assert raw.decode("utf-8-sig") == piped
    assert "Cao Bằng" in piped


def test_output_that_cannot_be_written_is_one_line_and_leaves_nothing(shipped_cli, tmp_path):
    target = tmp_path / "missing-folder" / "x.xlsx"
    result = shipped_cli("list", "-f", "xlsx", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith("bbtrack: error: cannot write") and result.stderr.count("\n") == 1
    assert not target.parent.exists()


def test_a_failed_list_leaves_an_existing_file_alone(shipped_cli, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "keep.csv"
    target.write_text("old", encoding="utf-8")
    result = shipped_cli("list", "-p", "nowhere", "-f", "csv", "-o", str(target))
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in target.parent.iterdir()] == ["keep.csv"]


def _says_empty(stdout: str, stderr: str) -> None:
    assert stdout == ""  # no header over nothing
    assert stderr.count("\n") == 1 and stderr.startswith("bbtrack: no commitments match")
    assert "--province 'lang son'" in stderr and "--grep zzz" in stderr and "--overdue" in stderr
    assert " as of " in stderr  # --overdue depends on the day


def test_an_empty_list_says_so_on_stderr_with_the_filters(shipped_dir, shipped_cli):
    argv = ["list", "-p", "lang son", "--grep", "zzz", "--overdue"]
    console_script = subprocess.run([*ENTRY, "--data-dir", str(shipped_dir), *argv], capture_output=True,
                                    text=True, cwd=ROOT)
    assert console_script.returncode == 0
    _says_empty(console_script.stdout, console_script.stderr)
    typer_app = shipped_cli(*argv)
    assert typer_app.exit_code == 0
    _says_empty(typer_app.stdout, typer_app.stderr)


def test_an_empty_json_list_is_still_an_empty_array(shipped_cli):
    result = shipped_cli("list", "--grep", "zzz", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert result.stderr == "bbtrack: no commitments match --grep zzz\n"


def test_empty_crossings_say_so(shipped_cli):
    result = shipped_cli("crossings", "--stage", "suspended")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == "bbtrack: no crossings match --stage suspended\n"
