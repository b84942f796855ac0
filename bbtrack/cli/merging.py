"""The commands for merging branches of the data: `git-setup`, `merge-driver`, `resolve`.

Thin wrappers (the work is in `ops/mergeflow.py`), listed after `cli/app.py`'s own commands
by `register`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..core.errors import EXIT_DATA
from ..core.i18n import N_, _
from .run import STATE


def _say(lines: list[str]) -> None:
    for line in lines:
        sys.stderr.write(f"bbtrack: {line}\n")


GIT_SETUP_HELP = N_(
    "Make git merge the data files record by record (run once in each clone).\n\n"
    "Adds `data/*.yaml merge=bbtrack` to .gitattributes (commit it) and defines the driver in the "
    "repository's .git/config: `merge.bbtrack.driver = <python> -m bbtrack merge-driver %O %A %B %P`. "
    "Running it again changes nothing. See docs/merging.md.\n\n"
    "\b\nExamples:\n"
    "  uv run bbtrack git-setup\n"
    "  bbtrack git-setup --command \"uv run bbtrack\""
)


def git_setup(
    command: Optional[str] = typer.Option(
        None, "--command", help=N_("How git should run bbtrack [default: this Python, as `python -m bbtrack`]. "
                                   'E.g. "uv run bbtrack" or "bbtrack" when it is on PATH.')),
) -> None:
    from ..load.folder import find_data_dir
    from ..ops.mergeflow import git_setup as setup

    _say(setup(find_data_dir(STATE.data_dir), command))  # what was done is a diagnostic, as for `status set`


MERGE_DRIVER_HELP = N_(
    "git's merge driver for the data files (git runs it; see `bbtrack git-setup`).\n\n"
    "Merges record by record into OURS: history entries of both sides in date order, new records of "
    "both sides (a commitment id taken twice gets the next free one), fields changed on one side. "
    "Exit 0 when clean; 1 when a record changed on both sides is left between conflict markers, or "
    "the merge would fail `bbtrack check` (each named on stderr).\n\n"
    "\b\nExamples:\n"
    "  bbtrack git-setup      # writes: merge.bbtrack.driver = ... merge-driver %O %A %B %P\n"
    "  bbtrack merge-driver base.yaml ours.yaml theirs.yaml data/commitments.yaml"
)


def merge_driver(
    base: Path = typer.Argument(..., metavar=N_("BASE"), help=N_("%O: the common ancestor's version.")),
    ours: Path = typer.Argument(..., metavar=N_("OURS"), help=N_("%A: our version; the merge is written here.")),
    theirs: Path = typer.Argument(..., metavar=N_("THEIRS"), help=N_("%B: their version.")),
    name: str = typer.Argument(..., metavar=N_("PATH"), help=N_("%P: the file's path in the repository.")),
) -> None:
    from ..ops.mergeflow import run_driver

    outcome = run_driver(base, ours, theirs, name)
    _say(outcome.messages)
    if not outcome.clean:
        raise typer.Exit(EXIT_DATA)


RESOLVE_HELP = N_(
    "Resolve a data file git left with conflict markers, record by record.\n\n"
    "For merges made without the driver (a forge, an editor, a clone without `git-setup`). The three "
    "versions are read from the index while the merge is in progress (`git status` shows the file as "
    "both modified), otherwise from diff3-style markers (merge.conflictStyle diff3). The file is "
    "merged as the driver would and written; markers stay only around records a person must settle. "
    "Exit 0 when clean, 1 when conflicts remain.\n\n"
    "\b\nExamples:\n"
    "  git merge lang-son            # stops: CONFLICT (content) in data/commitments.yaml\n"
    "  bbtrack resolve && bbtrack check && git add data && git commit"
)


def resolve(
    files: List[Path] = typer.Argument(None, metavar=N_("[FILE]..."),
                                       help=N_("Data files left conflicted [default: both files of the data folder].")),
) -> None:
    from ..load.folder import find_data_dir
    from ..ops.mergeflow import resolve as resolve_files

    outcomes = resolve_files(find_data_dir(STATE.data_dir), list(files or []))
    if not outcomes:
        _say([_("nothing to resolve: no data file holds a conflict")])
        return
    clean = True
    for outcome in outcomes:
        _say(outcome.messages)
        if outcome.clean:
            _say([_("{file}: resolved; review with `git diff`, then `git add {file}`").format(file=outcome.name)])
        clean = clean and outcome.clean
    if not clean:
        raise typer.Exit(EXIT_DATA)


def register(command) -> None:
    """Add the commands to the app (`command` is app.py's)."""
    command(name="git-setup", help=GIT_SETUP_HELP)(git_setup)
    command(name="merge-driver", hidden=True, help=MERGE_DRIVER_HELP)(merge_driver)  # run by git, not by people
    command(help=RESOLVE_HELP)(resolve)
