"""`bbtrack status amend` and `status remove`: correcting a mistaken history entry.

Plain functions: `bbtrack.cli.app` registers them on its `status` group (so
this module needs nothing from it); the rules live in `bbtrack.write.correct`.
"""

from __future__ import annotations

import datetime as _dt
import sys
from typing import List, Optional

import typer

from ..core.i18n import N_, _
from .complete import complete_id as _complete_id
from .options import DRY_RUN_OPTION
from .run import STATE, print_edit as _print_edit

# What both corrections ask: which record, which of its entries, and why.
ID_ARGUMENT = typer.Argument(..., metavar="ID", autocompletion=_complete_id, help=N_("Commitment or crossing id."))
ENTRY_OPTION = typer.Option(..., "--entry", help=N_(
    "Which entry: its number in `bbtrack show` (1 = oldest), `last`, or its date."))
REASON_OPTION = typer.Option(..., "--reason", help=N_(
    "Why the entry is wrong (required); bbtrack prints a commit message carrying it."))


def _finish(result, fix, dry_run: bool) -> None:
    _print_edit(result, dry_run)
    if not dry_run and result.written:
        message = f"Data: {result.record_id} {result.notice}: {fix.reason.strip()}"
        sys.stderr.write(_("commit it with the reason: git commit -am {message}").format(message=repr(message)) + "\n")


STATUS_AMEND_HELP = N_(
    "Correct one history entry: its date, note, evidence or status.\n\n"
    "Only that entry's lines change (and the next entry's `from`, or the record's status when the "
    "latest entry's status changes). For an event that really happened later, record a new one with "
    "`status set` instead.\n\n"
    "\b\nExamples:\n"
    "  bbtrack status amend SM23-3-14 --entry 2 --note \"Pilot phase only\" --reason \"typo in the note\"\n"
    "  bbtrack status amend SM23-3-10 --entry last --note-vi \"…\" --reason \"the Vietnamese note said more than the source\"\n"
    "  bbtrack status amend SM23-3-09 --entry 2024-06-25 --date 2024-06-26 --reason \"the ceremony was on the 26th\"\n"
    "  bbtrack status amend tra-linh --entry last --status notes-exchanged --reason \"the source says notes, not opening\" -n"
)


def status_amend(
    record_id: str = ID_ARGUMENT,
    entry: str = ENTRY_OPTION,
    reason: str = REASON_OPTION,
    date: Optional[str] = typer.Option(None, "--date", help=N_("The right date (it must stay between its neighbours).")),
    note: Optional[str] = typer.Option(None, "--note", help=N_('The right note ("" removes it).')),
    note_vi: Optional[str] = typer.Option(None, "--note-vi", help=N_('The right Vietnamese note ("" removes it).')),
    note_zh: Optional[str] = typer.Option(None, "--note-zh", help=N_('The right Chinese note ("" removes it).')),
    evidence: List[str] = typer.Option([], "--evidence", "-e", help=N_("The right evidence; replaces the entry's. Repeatable.")),
    status: Optional[str] = typer.Option(None, "--status", "-s", help=N_("The status (a crossing: stage) the entry should record.")),
    dry_run: bool = DRY_RUN_OPTION,
) -> None:
    from ..core.dates import parse_user
    from ..load.folder import find_data_dir
    from ..write.correct import Correction, correct

    fix = Correction(record_id=record_id, entry=entry, reason=reason, date=parse_user(date, "--date") if date else None,
                     note=note, note_vi=note_vi, note_zh=note_zh, evidence=tuple(evidence), to=status)
    result = correct(find_data_dir(STATE.data_dir), fix, today=_dt.date.today(), dry_run=dry_run,
                     use_cache=STATE.use_cache)
    _finish(result, fix, dry_run)


STATUS_REMOVE_HELP = N_(
    "Remove a history entry recorded by mistake (an event that did not happen, a duplicate).\n\n"
    "The next entry then starts where the removed one started; removing the latest entry puts the "
    "record's status back to what it was before it.\n\n"
    "\b\nExamples:\n"
    "  bbtrack status remove SM23-3-14 --entry last --reason \"recorded on the wrong commitment\" --dry-run\n"
    "  bbtrack status remove ly-van --entry 2025-02-27 --reason \"duplicate of entry 1\""
)


def status_remove(
    record_id: str = ID_ARGUMENT,
    entry: str = ENTRY_OPTION,
    reason: str = REASON_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
) -> None:
    from ..load.folder import find_data_dir
    from ..write.correct import Correction, correct

    fix = Correction(record_id=record_id, entry=entry, reason=reason, remove=True)
    result = correct(find_data_dir(STATE.data_dir), fix, today=_dt.date.today(), dry_run=dry_run,
                     use_cache=STATE.use_cache)
    _finish(result, fix, dry_run)
