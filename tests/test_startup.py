"""What the fast paths import: structure, not timings (`python -m bench` prints those).

Each case runs the real entry point (`bbtrack.cli.entry.main`) in a fresh Python
and reports the `sys.modules` it ended with. yaml, rich and dateutil are the
heavy imports (20–60 ms each): a warm `list` piped, `--help` and JSON output
must not pay for them.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("yaml", "rich", "dateutil")

# Runs main() like the console script, then writes the imported module names to a file.
_PROBE = """
import json, sys
out = sys.argv.pop(1)
sys.argv[0] = "bbtrack"
from bbtrack.cli.entry import main
try:
    main()
finally:  # SystemExit passes through: the child's exit code is the command's
    with open(out, "w") as handle:
        json.dump(sorted(sys.modules), handle)
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPLETE")}
    env.update(extra)
    return env


def probe(tmp_path: Path, *args: str, tty: bool = False, full: bool = False) -> tuple[set[str], str, str]:
    """(top-level names of imported modules — full names with `full` —, stdout, stderr) of one `bbtrack ARGS` run."""
    out = tmp_path / f"modules-{len(list(tmp_path.glob('modules-*')))}.json"
    argv = [sys.executable, "-c", _PROBE, str(out), *args]
    if tty:
        master, slave = pty.openpty()
        err = tmp_path / "stderr.txt"
        with open(err, "wb") as err_handle:
            try:
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=err_handle,
                                        cwd=ROOT, env=_env(TERM="xterm-256color"))
            finally:
                os.close(slave)
            chunks = []
            while True:  # drain the terminal while the child writes, until it closes it
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:  # EIO: the child is gone
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            os.close(master)
            proc.wait(timeout=120)
        stdout = b"".join(chunks).decode("utf-8", "replace")
        stderr = err.read_text(encoding="utf-8", errors="replace")
    else:
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=120)
        stdout, stderr = proc.stdout, proc.stderr
    assert proc.returncode == 0, stderr
    modules = json.loads(out.read_text())
    return {name if full else name.split(".")[0] for name in modules}, stdout, stderr


def heavy(modules: set[str]) -> set[str]:
    return modules & set(HEAVY)


def test_help_imports_no_heavy_module(tmp_path):
    modules, stdout, _ = probe(tmp_path, "--lang", "en", "--help")
    assert "Commands:" in stdout and "list" in stdout
    assert not heavy(modules)
    # Nor the record types: each frozen dataclass costs ~1 ms to create, and help shows no record.
    assert "dataclasses" not in modules


def test_warm_list_piped_imports_no_heavy_module(tmp_path, data_dir):
    cold, _, _ = probe(tmp_path, "--data-dir", str(data_dir), "list", "--province", "Lạng Sơn")
    assert "yaml" in cold  # the first run parses (and fills the cache): the probe does see imports
    warm, stdout, _ = probe(tmp_path, "--data-dir", str(data_dir), "list", "--province", "Lạng Sơn")
    assert "SM23-3-11" in stdout
    assert not heavy(warm), "a cache hit printing a plain table needs none of yaml, rich, dateutil"


def test_list_json_imports_no_rich(tmp_path, data_dir):
    probe(tmp_path, "--data-dir", str(data_dir), "check")  # fills the cache
    modules, stdout, _ = probe(tmp_path, "--data-dir", str(data_dir), "list", "--format", "json")
    assert json.loads(stdout)
    assert not heavy(modules)


def test_json_imports_no_rich_even_on_a_terminal(tmp_path, data_dir):
    modules, stdout, _ = probe(tmp_path, "--data-dir", str(data_dir), "list", "--format", "json", tty=True)
    assert '"id": "SM23-0-01"' in stdout
    assert "rich" not in modules


@pytest.mark.parametrize("args", [("check",), ("show", "SM23-3-17"), ("summary",), ("list", "--overdue", "--today", "2024-01-01")])
def test_other_warm_read_commands_import_no_heavy_module(tmp_path, data_dir, args):
    probe(tmp_path, "--data-dir", str(data_dir), *args)
    modules, _, _ = probe(tmp_path, "--data-dir", str(data_dir), *args)
    assert not heavy(modules)


def test_no_cache_parses_with_yaml(tmp_path, data_dir):
    probe(tmp_path, "--data-dir", str(data_dir), "list")
    modules, _, _ = probe(tmp_path, "--data-dir", str(data_dir), "--no-cache", "list")
    assert "yaml" in modules


RECORD_MODULES = {"bbtrack.core.model", "bbtrack.core.dates", "bbtrack.core.problems", "bbtrack.load.loader", "bbtrack.load.validate"}


@pytest.mark.parametrize("tty", [False, True], ids=["piped", "terminal"])
def test_warm_list_creates_no_record_class(tmp_path, data_dir, tty):
    """A warm `list` reads the cache's list index: the record classes (each frozen dataclass
    ~1 ms to create) and the loader are never imported. A date filter reads the records."""
    args = ("--data-dir", str(data_dir), "list", "--province", "Lạng Sơn")
    probe(tmp_path, *args)  # fills the cache
    warm, stdout, _ = probe(tmp_path, *args, tty=tty, full=True)
    assert "SM23-3-11" in stdout
    assert not warm & RECORD_MODULES, "the list index's path imports no record module"
    dated, _, _ = probe(tmp_path, *args, "--overdue", full=True)
    assert "bbtrack.core.model" in dated  # the probe does see them when they are needed


def test_terminal_table_uses_rich(tmp_path, data_dir):
    argv = ("--data-dir", str(data_dir), "--lang", "vi", "list", "--province", "Lạng Sơn")
    probe(tmp_path, *argv)  # fills the parse cache, and `list`'s option table (cli/optiontable.py)
    modules, stdout, stderr = probe(tmp_path, *argv, tty=True)
    assert "rich" in modules
    assert "SM23-3-11" in stdout and not stderr
    assert "* năm của chương trình:" in stdout  # the note under the table, wrapped to the terminal
    # What a warm Vietnamese table on a terminal needs of the standard library beyond Rich's own:
    # not gettext (bbtrack reads its catalogue itself), nor shutil (it imports bz2, lzma, zlib).
    assert not modules & {"gettext", "shutil", "textwrap", "bz2", "lzma"}


def _many_records(data_dir: Path, extra: int) -> None:
    """Append `extra` copies of SM23-1-01 under new ids (valid data, parties: all five)."""
    path = data_dir / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: SM23-1-01\n")
    end = text.index("  - id: SM23-1-02\n")
    block = text[start:end].rstrip("\n").split("\n")[1:]
    copies = ["\n".join([f"  - id: SM23-1-{100 + i}", *block]) for i in range(extra)]
    path.write_text(text.rstrip("\n") + "\n" + "\n".join(copies) + "\n", encoding="utf-8")


def test_huge_result_on_a_terminal_is_plain_with_a_note(tmp_path, data_dir):
    from bbtrack.views.tables import RICH_MAX_ROWS

    _many_records(data_dir, RICH_MAX_ROWS)
    modules, stdout, stderr = probe(tmp_path, "--data-dir", str(data_dir), "--lang", "en", "list", "--province", "Lạng Sơn",
                                    tty=True)
    assert "rich" not in modules
    assert "SM23-1-100" in stdout and f"SM23-1-{99 + RICH_MAX_ROWS}" in stdout
    assert "plain columns" in stderr and "--limit" in stderr
    # --limit brings the coloured table back
    modules, _, stderr = probe(tmp_path, "--data-dir", str(data_dir), "list", "--limit", "20", tty=True)
    assert "rich" in modules and not stderr


# --- the cyclic collector: paused while bbtrack starts, back on when the command runs ---------

# Runs main() like the console script, counting the collections and where the collector was left.
_GC_PROBE = """
import gc, json, sys
out = sys.argv.pop(1)
sys.argv[0] = "bbtrack"
from bbtrack.cli.entry import main
collections = []
gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info["generation"]))
try:
    main()
finally:
    with open(out, "w") as handle:
        json.dump({"collections": len(collections), "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}, handle)
"""


def collector(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "collector.json"
    proc = subprocess.run([sys.executable, "-c", _GC_PROBE, str(out), *args], capture_output=True, text=True,
                          cwd=ROOT, env=_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text())


def test_help_runs_no_collection(tmp_path):
    """Importing Typer alone sets off ~30 collections (3–5 ms of a 60 ms `--help`); all of `--help` is start-up."""
    seen = collector(tmp_path, "--help")
    assert seen["collections"] == 0 and not seen["enabled"]


@pytest.mark.parametrize("args", [("list", "--format", "json"), ("check",), ("show", "SM23-3-17")],
                         ids=["list-without-typer", "check", "show"])
def test_the_collector_is_back_on_for_the_command(tmp_path, data_dir, args):
    """Both front ends turn it back on before the work: JSON with an indent makes a cycle per
    record, and at 100k records those would otherwise pile up (~300 MB)."""
    seen = collector(tmp_path, "--data-dir", str(data_dir), *args)
    assert seen["enabled"]
    assert seen["frozen"] > 0, "what start-up built is frozen out of later collections"


def test_library_users_collector_is_left_alone():
    import gc

    from bbtrack.cli.run import STATE, start_work

    assert not STATE.collector_paused
    was, frozen = gc.isenabled(), gc.get_freeze_count()  # a big in-process load may have frozen some
    gc.disable()
    try:
        start_work()
        assert not gc.isenabled(), "only the console script's own pause is undone"
        assert gc.get_freeze_count() == frozen
    finally:
        if was:
            gc.enable()


# --- the lean app main() builds gives the same text as the whole app -------------------------

_FULL = "import sys; sys.argv[0] = 'bbtrack'; from bbtrack.cli.app import app; app()"
_LEAN = "import sys; sys.argv[0] = 'bbtrack'; from bbtrack.cli.app import main; main()"


def _both(*args: str) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    run = lambda code: subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,  # noqa: E731
                                      cwd=ROOT, env=_env(COLUMNS="100"), timeout=120)
    return run(_FULL), run(_LEAN)


@pytest.mark.parametrize("args", [
    ("--help",), (), ("list", "--help"), ("status", "--help"), ("status",), ("lisst",), ("--version",),
    ("--data-dir", "nowhere", "list"), ("-d", "data", "show", "--help"), ("--no-cache",), ("--", "list"),
])
def test_lean_app_prints_what_the_whole_app_prints(args):
    full, lean = _both(*args)
    assert (lean.returncode, lean.stdout, lean.stderr) == (full.returncode, full.stdout, full.stderr)
