"""The entry point answers a plain `list` without Typer, exactly as the Typer app would.

`bbtrack.cli.entry` takes its option words from the Click command Typer builds
for `list` (written to the cache folder the first time Typer runs `list`).
These tests hold that table to the Click command (same words, arity, types,
defaults), check that a changed app is never answered from an old table, and
compare both paths' exit code, stdout and stderr on generated command lines.
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

from bbtrack.cli import entry, optiontable
from bbtrack.cli.app import app
from bbtrack.cli.run import STATE, list_commitments

from conftest import SHIPPED, copy_data


def _click_group():
    return typer.main.get_command(app)


def _kind(param) -> str:
    type_name = type(param.type).__name__
    if param.is_flag:
        return optiontable.FLAG
    if param.multiple:
        return optiontable.MANY_INT if type_name == "IntParamType" else optiontable.MANY
    if type_name == "IntRange":
        assert (param.type.min, param.type.min_open, param.type.max) == (1, False, None)
        return optiontable.POSITIVE
    return optiontable.INT if type_name == "IntParamType" else optiontable.ONE


def _table_of(command, leave_out: set[str]) -> dict:
    table = {}
    for param in command.params:
        words = [*param.opts, *param.secondary_opts]
        if param.param_type_name != "option" or leave_out & set(words):
            continue
        for word in words:
            table[word] = (param.name, _kind(param))
    return table


@pytest.fixture(autouse=True)
def table(shipped_copy):
    """The option table, as the first `list` through Typer writes it (in this test's cache folder)."""
    assert optiontable.load_table() is None, "no table before Typer has run list"
    assert entry.parse(["--data-dir", str(shipped_copy), "list"]) is None
    assert CliRunner().invoke(app, ["--data-dir", str(shipped_copy), "list", "--limit", "1"]).exit_code == 0
    STATE.data_dir, STATE.use_cache = None, True
    loaded = optiontable.load_table()
    assert loaded is not None
    return loaded


def test_list_option_words_are_the_typer_commands(table):
    command = _click_group().commands["list"]
    assert not [p for p in command.params if p.param_type_name == "argument"]
    assert table[1] == _table_of(command, leave_out={"--help"})
    assert table[2] == {p.name: p.default for p in command.params if p.name != "help"}


def test_global_option_words_are_the_typer_apps(table):
    # These print and exit: the Typer app answers them.
    answered_by_typer = {"--help", "--version", "--install-completion", "--show-completion"}
    assert table[0] == _table_of(_click_group(), leave_out=answered_by_typer)
    assert table[3] == {"data_dir": "BBTRACK_DATA"}


def test_an_option_added_to_the_app_is_in_the_table():
    """The table is derived, not written by hand: a new option of `list` shows in it."""
    import copy

    group = _click_group()
    command = copy.copy(group.commands["list"])
    extra = copy.copy(next(p for p in command.params if p.name == "grep"))
    extra.name, extra.opts, extra.secondary_opts = "owner", ["--owner"], []
    command.params = [*command.params, extra]
    text = optiontable._derive(group, command)
    assert "list\t--owner\towner\tone\n" in text and "default\towner\tnone\n" in text


def test_a_changed_app_is_not_answered_from_an_old_table(shipped_copy, monkeypatch):
    import os

    path = optiontable._table_path()
    st = os.stat(os.path.join(os.path.dirname(optiontable.__file__), "app.py"))
    assert f"-{st.st_size}-{st.st_mtime_ns}-" in path  # keyed by app.py, then options.py
    monkeypatch.setattr(optiontable, "_table_path", lambda: path.replace(f"-{st.st_size}-", f"-{st.st_size + 1}-"))
    assert entry.parse(["--data-dir", str(shipped_copy), "list"]) is None


def test_a_damaged_table_is_not_used(shipped_copy):
    from pathlib import Path

    path = Path(optiontable._table_path())
    text = path.read_text(encoding="utf-8")
    for damaged in (text[:-4], text.replace("\tmany\n", "\n", 1), "bogus\tline\nend\n"):
        path.write_text(damaged, encoding="utf-8")
        assert optiontable.load_table() is None, damaged[-40:]


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


def _line(data: str, words: dict):
    def option(word: str):
        key, how = words[word]
        if how == optiontable.FLAG:
            return st.just([word])
        bad = BAD if key != "output" else BAD_OUTPUT  # a bad word as --output would be a file in the checkout
        return st.sampled_from([*GOOD[key], *GOOD[key], *bad]).map(lambda value: [word, value])

    options = st.sampled_from(sorted(words)).flatmap(option)
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
def test_fast_path_prints_what_the_typer_app_prints(shipped_copy, table, data):
    argv = data.draw(_line(str(shipped_copy), table[1]))
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


def test_data_dir_from_the_environment(monkeypatch, shipped_copy, table):
    defaults = table[2]
    monkeypatch.setenv("BBTRACK_DATA", str(shipped_copy))
    assert entry.parse(["list"]) == ({"data_dir": str(shipped_copy)}, defaults)
    assert entry.parse(["-d", "elsewhere", "list"]) == ({"data_dir": "elsewhere"}, defaults)
    monkeypatch.setenv("BBTRACK_DATA", "")  # empty counts as unset, as in Click
    assert entry.parse(["list"]) == ({}, defaults)


def test_errors_leave_as_the_typer_app_leaves(shipped_copy):
    for argv in (["list", "--province", "Atlantis"], ["list", "--today", "someday"], ["list", "--format", "xml"],
                 ["list", "--sort", "colour"]):
        for lang, error in (("en", "bbtrack: error: "), ("vi", "bbtrack: lỗi: "), ("zh", "bbtrack: 错误：")):
            words = ["--data-dir", str(shipped_copy), "--lang", lang, *argv]
            fast = _fast(words)
            assert fast[0] is not None and fast[0] != 0 and fast[2].startswith(error) and fast[2].count("\n") == 1
            assert fast == _typer(words)


def test_the_console_script_lists_without_typer(tmp_path, shipped_copy):
    from test_startup import probe

    probe(tmp_path, "--data-dir", str(shipped_copy), "list")  # fills the cache
    modules, stdout, _ = probe(tmp_path, "--data-dir", str(shipped_copy), "list", "--province", "Lạng Sơn")
    assert "typer" not in modules and "SM23-3-11" in stdout
    modules, stdout, _ = probe(tmp_path, "--data-dir", str(shipped_copy), "list", "--help")
    assert "typer" in modules and "--province" in stdout



@pytest.mark.parametrize("lang", ["vi", "en", "zh"])
def test_the_command_list_of_help_is_the_one_typer_makes(lang):
    """`bbtrack --help` lists the commands from their name and help alone (`app._listed`), not
    from the Click commands Typer builds with their parameters: the same text as the whole app's."""
    import subprocess
    import sys

    from bbtrack.core import i18n

    env = {**os.environ, "COLUMNS": "100", "BBTRACK_LANG": lang}
    env.pop("_BBTRACK_COMPLETE", None)
    console = subprocess.run([sys.executable, "-m", "bbtrack", "--help"], env=env, capture_output=True, text=True)
    before = i18n.current()
    try:
        i18n.set_language(lang)
        # Piped, Click writes help 78 columns wide (80, less 2); CliRunner would force 80.
        whole = CliRunner().invoke(app, ["--help"], env={"BBTRACK_LANG": lang}, prog_name="bbtrack", terminal_width=78)
    finally:
        i18n.set_language(before)
    assert console.returncode == whole.exit_code == 0
    assert console.stdout == whole.output
    assert "git-setup" in console.stdout and "merge-driver" not in console.stdout
