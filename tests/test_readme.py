"""Every `$ bbtrack …` console block of the README's tour prints what the block shows.

The README is read as a user reads it: each command is run by the installed console script,
from the repository root, on the shipped data/ (the folder a user in the checkout gets), piped,
and its stdout then stderr are compared line by line with the lines under it in the block.
A block may show the start of a longer output and end with a line `…`; trailing spaces are
ignored. Nothing else may differ, so a block goes stale the day the data or a label changes.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURE_2023, SHIPPED, copy_data, data_repo

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# The tour: "## Quick start" up to "## Errors and exit codes" included. The sections after it
# (Performance, Dependencies, Layout) quote measurements, not command outputs.
FIRST, AFTER_LAST = "## Quick start", "## Performance"
CUT = "…"

# Blocks whose commands cannot be replayed on the shipped data, keyed by a piece of their first
# `$ bbtrack` line. Each shows commands only, no output, so there is nothing to compare anyway;
# the first two and the last are replayed on a throwaway repository instead (REPLAYED below).
# Not collected at all: blocks with no `$ bbtrack` line (Quick start's `uv run`, the git-setup and
# merge workflow of "Five offices", which needs two clones and a remote).
SKIPPED = {
    # Writes: replayed on the shipped data they would record the events again (or be refused as
    # already recorded); tests/test_cli_edit.py runs status set on real copies.
    "bbtrack status set SM23-3-19 done": "writes data/commitments.yaml and data/crossings.yaml",
    # Two of the three correct entries in place (no --dry-run): writes.
    "bbtrack status amend SM23-3-14": "writes data/commitments.yaml",
    # A template: the `…` are for the reader to fill; what it prints as typed, which the README
    # says after it, is checked below.
    "bbtrack add --meeting SM23": "template with placeholders",
    # Write files (report.html, report.docx), and tools/measure_layout.py needs Chromium.
    "bbtrack report --since 2025-02-21": "writes report files; measure_layout needs a browser",
    # A git workflow: switch a branch, write an event, commit.
    "bbtrack status set SM23-3-13 done": "git workflow that writes and commits",
}


@dataclass
class Block:
    line: int  # of the opening ``` in README.md, for the failure message
    commands: list[tuple[str, list[str]]]  # (the command as printed, the lines shown under it)

    @property
    def key(self) -> str:
        return next(c for c, _ in self.commands if c.startswith("bbtrack "))


def tour_blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    start = lines.index(FIRST)
    end = lines.index(AFTER_LAST)
    blocks: list[Block] = []
    i = start
    while i < end:
        if lines[i].strip() != "```console":
            i += 1
            continue
        opening = i
        body: list[str] = []
        i += 1
        while lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        i += 1
        commands: list[tuple[str, list[str]]] = []
        pending = None
        for raw in body:
            if pending is not None:  # a continued command line
                pending += "\n" + raw
                if not raw.endswith("\\"):
                    commands.append((pending, []))
                    pending = None
            elif raw.startswith("$ "):
                pending = raw[2:]
                if not raw.endswith("\\"):
                    commands.append((pending, []))
                    pending = None
            elif commands:
                commands[-1][1].append(raw)
        block = Block(opening + 1, commands)
        if any(c.startswith("bbtrack ") for c, _ in commands):
            blocks.append(block)
    return blocks


BLOCKS = tour_blocks(README.read_text(encoding="utf-8"))


def skipped(block: Block) -> str | None:
    return next((why for key, why in SKIPPED.items() if block.key.startswith(key)), None)


def console_script() -> Path:
    exe = Path(sys.executable).with_name("bbtrack")
    assert exe.exists(), "the console script is installed with the package"
    return exe


def argv(command: str) -> list[str]:
    words = shlex.split(command.replace("\\\n", " "), comments=True)
    assert words[0] == "bbtrack", command
    return words[1:]


def revisions_missing(args: list[str]) -> list[str]:
    """The revisions a `bbtrack diff` block names that this clone lacks (a shallow CI checkout)."""
    if args[:1] != ["diff"]:
        return []
    revs = [a for a in args[1:] if not a.startswith("-") and re.fullmatch(r"[0-9a-f]{7,40}", a)]
    return [r for r in revs if subprocess.run(["git", "cat-file", "-e", f"{r}^{{commit}}"], cwd=ROOT,
                                              capture_output=True).returncode != 0]


def run(args: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("COLUMNS", "LINES", "LC_ALL", "LC_MESSAGES") and not k.startswith("BBTRACK_")}
    env["LANG"] = "C.UTF-8"  # not a language bbtrack speaks: a block that forgets --lang gets Vietnamese
    return subprocess.run([str(console_script()), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=120)


def compare(shown: list[str], printed: list[str]) -> str | None:
    """Why `shown` is not what was `printed`, or None."""
    shown = [line.rstrip() for line in shown]
    printed = [line.rstrip() for line in printed]
    while shown and not shown[-1]:
        shown.pop()
    while printed and not printed[-1]:
        printed.pop()
    if shown and shown[-1] == CUT:
        head = shown[:-1]
        if len(printed) <= len(head):
            return f"the block marks a cut ({CUT}) but the output has only {len(printed)} lines"
        printed = printed[: len(head)]
        shown = head
    for number, (want, got) in enumerate(zip(shown, printed), 1):
        if want != got:
            return f"line {number}:\n  README: {want!r}\n  real:   {got!r}"
    if len(shown) != len(printed):
        return f"README shows {len(shown)} lines, the program prints {len(printed)}"
    return None


@pytest.mark.parametrize("block", BLOCKS, ids=[f"README.md:{b.line}" for b in BLOCKS])
def test_readme_block_is_what_bbtrack_prints(block):
    why = skipped(block)
    if why:
        pytest.skip(why)
    for command, shown in block.commands:
        args = argv(command)
        missing = revisions_missing(args)
        if missing:
            pytest.skip(f"this clone lacks {', '.join(missing)} (shallow?)")
        result = run(args)
        assert "Traceback" not in result.stderr, result.stderr
        is_error = any(line.startswith("bbtrack: error:") for line in shown)
        assert (result.returncode != 0) == is_error, f"$ {command}\nexit {result.returncode}\n{result.stderr}"
        problem = compare(shown, (result.stdout + result.stderr).splitlines())
        assert problem is None, f"README.md:{block.line}: $ {command}\n{problem}"


def test_the_tour_has_blocks_and_the_skip_list_names_only_real_ones():
    # A parser that found nothing would pass every block it did not find.
    checked = [b for b in BLOCKS if not skipped(b)]
    assert len(checked) >= 12, [b.key for b in BLOCKS]
    for key in SKIPPED:
        assert any(b.key.startswith(key) for b in BLOCKS), f"SKIPPED names no README block: {key}"
    for block in checked:  # a checked block shows what each of its commands prints
        assert all(c.startswith("bbtrack ") for c, _ in block.commands), block.key


@pytest.mark.parametrize(("shown", "printed", "ok"), [
    (["a", "b  "], ["a  ", "b"], True),
    (["a", CUT], ["a", "b"], True),
    (["a", CUT], ["a"], False),
    (["a"], ["a", "b"], False),
    (["a", "c"], ["a", "b"], False),
])
def test_compare_allows_only_a_marked_cut_and_trailing_spaces(shown, printed, ok):
    assert (compare(shown, printed) is None) == ok


# The skipped blocks that write, replayed whole in a throwaway git repository holding the data
# they are meant for: each command (git ones included) must succeed as typed.
REPLAYED = {
    # "How two of the shipped events were recorded, on the data as it stood before them".
    "bbtrack status set SM23-3-19 done": FIXTURE_2023,
    "bbtrack status amend SM23-3-14": SHIPPED,
    "bbtrack status set SM23-3-13 done": SHIPPED,
}


@pytest.mark.parametrize("key", list(REPLAYED))
def test_readme_write_block_runs_as_typed(key, tmp_path):
    block = next(b for b in BLOCKS if b.key.startswith(key))
    root = data_repo(tmp_path / "repo", REPLAYED[key])
    env = {k: v for k, v in os.environ.items() if not k.startswith("BBTRACK_")}
    env["PATH"] = f"{console_script().parent}{os.pathsep}{env.get('PATH', '')}"  # `bbtrack` as typed
    env["BBTRACK_LANG"] = "en"  # the README quotes the English messages
    for command, _ in block.commands:
        result = subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, f"README.md:{block.line}: $ {command}\n{result.stderr}"
        assert "Traceback" not in result.stderr


def test_readme_says_what_a_recorded_event_prints(tmp_path):
    text = README.read_text(encoding="utf-8")
    said = re.search(r"prints one line such as `` (.+?) ``", text).group(1)
    block = next(b for b in BLOCKS if b.key.startswith("bbtrack status set SM23-3-19 done"))
    copy_data(tmp_path / "data")  # found as the nearest data/, so the line names it as the README does
    env = {k: v for k, v in os.environ.items() if not k.startswith("BBTRACK_")}
    result = subprocess.run([str(console_script()), "--lang", "en", *argv(block.commands[0][0])], cwd=tmp_path,
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [said]


def test_readme_says_what_the_add_template_prints_as_typed(shipped_dir):
    text = README.read_text(encoding="utf-8")
    said = re.search(r"as typed, the quote is refused \(`(.+?)`, exit (\d)\)", text, re.S)
    block = next(b for b in BLOCKS if b.key.startswith("bbtrack add --meeting SM23"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BBTRACK_")}
    result = subprocess.run([str(console_script()), "--data-dir", str(shipped_dir), "--lang", "en",
                             *argv(block.commands[0][0])], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == int(said.group(2))
    assert result.stderr.splitlines() == [" ".join(said.group(1).split())]
