"""The entry point answers a plain `list` without Typer, exactly as the Typer app would.

`bbtrack.cli.entry` keeps its own table of `list`'s option words. These tests hold
it to the Click command Typer builds (same words, arity, types, defaults) and
compare both paths' exit code, stdout and stderr on generated command lines,
so an option added to the app, or a change of its meaning, cannot go to the
fast path unnoticed.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import os
import tempfile
import unicodedata
from pathlib import Path

import pytest
import typer.main
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bbtrack.cli import entry
from bbtrack.cli.app import app
from bbtrack.cli.run import STATE, list_commitments

from conftest import SHIPPED, copy_data


def _click_group():
    return typer.main.get_command(app)


def _kind(param) -> str:
    type_name = type(param.type).__name__
    if param.is_flag:
        return entry.FLAG
    if param.multiple:
        return entry.MANY_INT if type_name == "IntParamType" else entry.MANY
    if type_name == "IntRange":
        assert (param.type.min, param.type.min_open, param.type.max) == (1, False, None)
        return entry.POSITIVE
    return entry.INT if type_name == "IntParamType" else entry.ONE


def _table_of(command, leave_out: set[str]) -> dict:
    table = {}
    for param in command.params:
        words = [*param.opts, *param.secondary_opts]
        if param.param_type_name != "option" or leave_out & set(words):
            continue
        for word in words:
            table[word] = (param.name, _kind(param))
    return table


def test_list_option_words_are_the_typer_commands():
    command = _click_group().commands["list"]
    assert not [p for p in command.params if p.param_type_name == "argument"]
    assert entry.LIST_OPTIONS == _table_of(command, leave_out={"--help"})


def test_global_option_words_are_the_typer_apps():
    # These print and exit: the Typer app answers them.
    answered_by_typer = {"--help", "--version", "--install-completion", "--show-completion"}
    assert entry.GLOBAL_OPTIONS == _table_of(_click_group(), leave_out=answered_by_typer)


def test_list_defaults_are_the_typer_commands():
    command = _click_group().commands["list"]
    signature = inspect.signature(list_commitments).parameters
    assert set(signature) == {p.name for p in command.params}
    for param in command.params:
        default = signature[param.name].default
        assert (list(default) if isinstance(default, tuple) else default) == param.default, param.name


# --- both paths, same answer -----------------------------------------------------------------

GOOD = {  # values each option is usually given: most generated lines should be answered, not declined
    "province": ["Lạng Sơn", "lang son", "LẠNG SƠN", unicodedata.normalize("NFD", "Cao Bằng"), "Tuyên Quang",
                 "Hà Giang", "quang ninh"],
    "party": ["Quảng Tây", "guangxi", "Cao Bằng", "all"],
    "status": ["done", "open", "ongoing", "stalled", "in_progress"],
    "crossing": ["tra-linh", "Hữu Nghị", "ta-lung", "Long Bang"],
    "section": ["3", "4", "0", "12"],
    "kind": ["deliverable", "continuing"],
    "due_before": ["2024", "15/9/2023", "2023-12"],
    "due_within": ["0", "30", "400"],
    "due_source": ["minutes", "programme"],
    "grep": ["cửa khẩu", "CUA KHAU", "đường sắt", "zzz"],
    "sort": ["id", "due", "status", "province"],
    "limit": ["1", "3", "100"],
    "today": ["2024-01-01", "1/3/2025", "2026-11-24"],
    "format": ["table", "json", "csv", "markdown"],
    "lang": ["vi", "en", "EN"],
    # One file both paths overwrite: their "wrote FILE" lines and exit codes are compared.
    "output": [str(Path(tempfile.gettempdir()) / f"bbtrack-entry-{os.getpid()}.out")],
}
BAD_OUTPUT = ["", "-p", str(Path(tempfile.gettempdir()) / "bbtrack-no-such-folder" / "x.csv")]
BAD = ["nowhere", "bogus", "", "-p", "-1", "x1", "xml", "2023-13-01", "list", "3.0", "٣"]
ODD_WORDS = ["--help", "-h", "--", "extra", "-pLạng Sơn", "--overdue=1", "--no-cache", "--version", "--provinc",
             "--format=json", "--status=done", "--limit=0", "--province=lang son", "--section=3"]


def _line(data: str):
    def option(word: str):
        key, how = entry.LIST_OPTIONS[word]
        if how == entry.FLAG:
            return st.just([word])
        bad = BAD if key != "output" else BAD_OUTPUT  # a bad word as --output would be a file in the checkout
        return st.sampled_from([*GOOD[key], *GOOD[key], *bad]).map(lambda value: [word, value])

    options = st.sampled_from(sorted(entry.LIST_OPTIONS)).flatmap(option)
    odd = st.sampled_from(ODD_WORDS).map(lambda word: [word])
    before = st.lists(st.sampled_from([["--no-cache"], ["-d", data], [f"--data-dir={data}"], ["--version"],
                                       ["--data-dir="], ["show"]]), max_size=2)
    after = st.lists(st.one_of(options, options, options, options, odd), max_size=4)
    return st.tuples(before, after).map(
        lambda parts: [*(w for ws in parts[0] for w in ws), "list", *(w for ws in parts[1] for w in ws)])


def _fast(argv: list[str]) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = entry.run(argv)
    return code, out.getvalue(), err.getvalue()


def _typer(argv: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, argv)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def shipped_copy(tmp_path_factory) -> Path:
    return copy_data(tmp_path_factory.mktemp("entry") / "data", SHIPPED)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fast_path_prints_what_the_typer_app_prints(shipped_copy, data):
    argv = data.draw(_line(str(shipped_copy)))
    if not any(w.startswith(("--data-dir", "-d")) for w in argv[: argv.index("list")]):
        argv = ["--data-dir", str(shipped_copy), *argv]
    fast = _fast(argv)
    STATE.data_dir, STATE.use_cache = None, True
    event("declined" if fast[0] is None else f"answered, exit {fast[0]}")
    if fast[0] is None:
        assert fast[1:] == ("", ""), "a declined command line prints nothing"
        return
    assert fast == _typer(argv)


def test_common_lines_take_the_fast_path(shipped_copy):
    d = ["--data-dir", str(shipped_copy)]
    for argv in (["list"], ["list", "--province", "Lạng Sơn"], ["list", "-p", "lang son", "--status", "done"],
                 ["--no-cache", "list", "--format=json", "--limit", "3"], ["list", "--overdue", "--today", "2024-01-01"],
                 ["list", "--section", "3", "--section", "4", "-s", "open", "--grep", "cửa khẩu", "--sort", "due"]):
        code, out, _ = _fast([*d, *argv])
        assert code == 0 and out, argv


def test_declined_lines(shipped_copy):
    d = ["--data-dir", str(shipped_copy)]
    for argv in (["list", "--help"], ["list", "-pLạng Sơn"], ["list", "--", "x"], ["list", "--grep", "-x"],
                 ["list", "--limit", "0"], ["list", "--section", "three"], ["list", "--overdue=yes"], ["show", "list"],
                 ["--version", "list"], ["list", "--province"], ["list", "extra"]):
        assert entry.parse([*d, *argv]) is None, argv


def test_completion_goes_to_typer(monkeypatch):
    monkeypatch.setenv("_BBTRACK_COMPLETE", "complete_bash")
    assert entry.parse(["list"]) is None


def test_data_dir_from_the_environment(monkeypatch, shipped_copy):
    monkeypatch.setenv("BBTRACK_DATA", str(shipped_copy))
    assert entry.parse(["list"]) == ({"data_dir": str(shipped_copy)}, {})
    assert entry.parse(["-d", "elsewhere", "list"]) == ({"data_dir": "elsewhere"}, {})
    monkeypatch.setenv("BBTRACK_DATA", "")  # empty counts as unset, as in Click
    assert entry.parse(["list"]) == ({}, {})


def test_errors_leave_as_the_typer_app_leaves(shipped_copy):
    for argv in (["list", "--province", "Atlantis"], ["list", "--today", "someday"], ["list", "--format", "xml"],
                 ["list", "--sort", "colour"]):
        argv = ["--data-dir", str(shipped_copy), *argv]
        fast = _fast(argv)
        assert fast[0] is not None and fast[0] != 0 and fast[2].startswith("bbtrack: error: ") and fast[2].count("\n") == 1
        assert fast == _typer(argv)


def test_the_console_script_lists_without_typer(tmp_path, shipped_copy):
    from test_startup import probe

    probe(tmp_path, "--data-dir", str(shipped_copy), "list")  # fills the cache
    modules, stdout, _ = probe(tmp_path, "--data-dir", str(shipped_copy), "list", "--province", "Lạng Sơn")
    assert "typer" not in modules and "SM23-3-11" in stdout
    modules, stdout, _ = probe(tmp_path, "--data-dir", str(shipped_copy), "list", "--help")
    assert "typer" in modules and "--province" in stdout

