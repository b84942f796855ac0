"""Running a command as a whole process: wall time, peak memory, output size.

Peak memory is the child's `ru_maxrss` — the figure
`resource.getrusage(RUSAGE_CHILDREN)` accumulates — taken per child with
`os.wait4`. On Linux a child's maxrss starts from its parent's resident size
at fork (the bench holds tens of MB), so `peak_rss` runs the command once more
under GNU time, whose own few MB are the only floor.
"""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import shutil
import struct
import subprocess
import tempfile
import termios
import time
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Sample:
    seconds: float
    maxrss_kb: int
    returncode: int
    out_bytes: int
    stderr: str


class CommandFailed(RuntimeError):
    pass


def _finish(pid: int) -> tuple[int, int]:
    _, status, usage = os.wait4(pid, 0)
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss


def run_piped(argv: Sequence[str], env: dict[str, str], cwd: str | None = None) -> Sample:
    """stdout is a pipe the parent drains (as `bbtrack list | less` would)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env, cwd=cwd)
        assert proc.stdout is not None
        size = 0
        while chunk := proc.stdout.read1(1 << 16):
            size += len(chunk)
        code, rss = _finish(proc.pid)
        seconds = time.perf_counter() - start
        proc.returncode = code
        proc.stdout.close()
        err.seek(0)
        return Sample(seconds, rss, code, size, err.read().decode("utf-8", "replace"))


def run_pty(argv: Sequence[str], env: dict[str, str], cwd: str | None = None, *,
            columns: int = 160, lines: int = 50) -> Sample:
    """stdout is a pseudo-terminal of `columns` x `lines` (Rich output, colours on)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = {**env, "TERM": env.get("TERM") or "xterm-256color"}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=err, env=env, cwd=cwd)
        finally:
            os.close(slave)
        size = 0
        try:
            while True:
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError as exc:  # EIO: the child closed the terminal (Linux)
                    if exc.errno != errno.EIO:
                        raise
                    break
                if not chunk:
                    break
                size += len(chunk)
        finally:
            os.close(master)
        code, rss = _finish(proc.pid)
        seconds = time.perf_counter() - start
        proc.returncode = code
        err.seek(0)
        return Sample(seconds, rss, code, size, err.read().decode("utf-8", "replace"))


GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else shutil.which("time")


def peak_rss_kb(argv: Sequence[str], env: dict[str, str], cwd: str | None = None, *, tty: bool = False) -> tuple[int, bool]:
    """(peak resident KB, True) of one run under GNU time; (0, False) without it, and
    the timed samples' wait4 figure (an upper bound) stands instead."""
    if GNU_TIME:
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
            wrapped = [GNU_TIME, "-f", "%M", "-o", report.name, *argv]
            sample = (run_pty if tty else run_piped)(wrapped, env, cwd)
            text = report.read().strip().splitlines()
            if sample.returncode == 0 and text and text[-1].isdigit():
                return int(text[-1]), True
    return 0, False
