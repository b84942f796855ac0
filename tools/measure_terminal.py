"""Measure bbtrack's output on a terminal of a given width, one function per measure.

    uv run python tools/measure_terminal.py                 # 60, 80 and 120 columns
    uv run python tools/measure_terminal.py --columns 60 --today 2026-01-15

Each command runs as the console script under a real pseudo-terminal whose
window is set to the width (and with COLUMNS/LINES saying the same), so Rich
lays it out exactly as it would for a person. Printed per command and width:
the widest line (escape sequences removed), the widest but URLs, how many lines are wider than the
terminal, and how many of those are a URL alone on its line (a URL longer than
the terminal is kept whole: split, it can be neither clicked nor copied).
tests/test_terminal_layout.py holds the same functions to limits, so the
README's numbers are these.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY = [sys.executable, "-c", "import sys; sys.argv[0] = 'bbtrack'; from bbtrack.cli.entry import main; main()"]
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
URL = re.compile(r"^\s*https?://\S+$")

COMMANDS = {  # what the issue measured, and the other commands that draw tables
    "list": ["list", "-p", "lang son", "--overdue"],
    "list-all": ["list"],
    "crossings": ["crossings"],
    "summary": ["summary"],
    "show": ["show", "SM23-3-19"],
    "show-crossing": ["show", "tra-linh"],
    "log": ["log"],
}


def run_in_terminal(args: list[str], columns: int, lines: int = 40, env: dict[str, str] | None = None,
                    stdin: int | None = subprocess.DEVNULL) -> tuple[int, str, str]:
    """(exit code, what the terminal received, stderr) of `bbtrack ARGS` on a pseudo-terminal
    `columns` wide. stderr is a pipe so diagnostics stay apart from the data."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    environment = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines),
                   **(env or {})}
    environment.pop("NO_COLOR", None)
    try:
        proc = subprocess.Popen([*ENTRY, *args], stdin=stdin, stdout=slave, stderr=subprocess.PIPE, cwd=ROOT,
                                env=environment)
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = proc.wait()
    return code, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n"), err


def columns_of(line: str) -> int:
    """Columns a line takes on the terminal: escapes take none, 中文 two, combining marks none."""
    text = _ESCAPE.sub("", line)
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def plain_lines(text: str) -> list[str]:
    return [_ESCAPE.sub("", line) for line in text.split("\n")]


def widest_line(text: str) -> int:
    return max((columns_of(line) for line in text.split("\n")), default=0)


def widest_text_line(text: str) -> int:
    """The widest line that is not a URL alone (those are kept whole, however wide)."""
    return max((columns_of(line) for line in plain_lines(text) if not URL.match(line)), default=0)


def over_wide(text: str, columns: int) -> tuple[int, int]:
    """(lines wider than the terminal, of which a URL alone on its line)."""
    wide = [line for line in plain_lines(text) if columns_of(line) > columns]
    return len(wide), sum(bool(URL.match(line)) for line in wide)


def measure(name: str, args: list[str], columns: int, data_dir: str | None = None) -> str:
    argv = (["--data-dir", data_dir] if data_dir else []) + args
    code, out, err = run_in_terminal(argv, columns)
    wide, urls = over_wide(out, columns)
    return (f"{name:<14} {columns:>4} cols: widest {widest_line(out):>4} (but URLs {widest_text_line(out):>4}), "
            f"{len(out.splitlines()):>5} lines, "
            f"{wide} wider than the terminal ({urls} of them a whole URL alone){'' if code == 0 else f', exit {code}'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, action="append", help="terminal width (repeatable) [60, 80, 120]")
    parser.add_argument("--today", help="as-of date passed to the commands that take one")
    parser.add_argument("--data-dir", help="data folder [the repository's data/]")
    options = parser.parse_args(argv)
    for name, args in COMMANDS.items():
        if options.today and name in ("list", "list-all", "summary", "show", "show-crossing"):
            args = [*args, "--today", options.today]
        for columns in options.columns or (60, 80, 120):
            print(measure(name, args, columns, options.data_dir or str(ROOT / "data")))


if __name__ == "__main__":
    main()
