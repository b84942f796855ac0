"""The `report` command: a thin wrapper over `bbtrack.views.report`, registered by `app.py`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..core.errors import UsageError
from ..core.i18n import N_, _
from .complete import complete_party as _complete_party
from .options import DUE_SOURCE_OPTION, LANG_OPTION
from .run import check_format as _fmt, load as _load, parse_lang as _lang, parse_today as _today
from .run import write_output, write_paged


REPORT_HELP = N_(
    "The progress report for the next Spring Meeting.\n\n"
    "Headline figures, each party's commitments by section with status, last event and evidence, the "
    "crossings' ladder, and what changed since a date or revision; stamped with the data's git "
    "commit.\n\n"
    "\b\nExamples:\n"
    "  bbtrack report\n"
    "  bbtrack report --format html --output report.html --lang en\n"
    "  bbtrack report --since 2025-02-21 --format markdown -p \"Cao Bằng\"\n"
    "  bbtrack report --format docx --output report.docx"
)


def report(
    since: Optional[str] = typer.Option(None, "--since", help=N_('Events on or after this date ("2024", "1/3/2025").')),
    since_rev: Optional[str] = typer.Option(None, "--since-rev", help=N_("Also list data changes since this git revision.")),
    province: List[str] = typer.Option([], "--province", "-p", autocompletion=_complete_party,
                                       help=N_("Limit to these parties (provinces or Guangxi). Repeat for OR.")),
    lang: Optional[str] = LANG_OPTION,
    format: str = typer.Option("terminal", "--format", "-f", help=N_("terminal, markdown, html or docx (Word).")),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help=N_("Write to this file instead of stdout (docx: a file or a pipe).")),
    today: Optional[str] = typer.Option(None, "--today", help=N_("As-of date [default: today].")),
    due_source: List[str] = DUE_SOURCE_OPTION,
    no_pager: bool = typer.Option(False, "--no-pager", help=N_("On a terminal, print instead of paging [env PAGER=cat].")),
) -> None:
    from ..views import report as report_module
    from ..core.dates import parse_user
    from ..ops.query import resolve_parties

    format = _fmt(format, report_module.FORMATS)
    binary = format in report_module.BINARY_FORMATS
    if binary and output is None and sys.stdout.isatty():
        raise UsageError(_("--format {format} is a binary file: give --output FILE (or pipe it: > report.{format})")
                         .format(format=format))
    lang_ = _lang(lang)
    day = _today(today)
    parties = resolve_parties(province, provinces_only=False) if province else frozenset()
    start = parse_user(since, "--since") if since else None
    if since_rev:
        from ..ops.gitio import check_rev

        check_rev(since_rev)
    result = _load()
    options = report_module.Options(today=day, lang=lang_, fmt=format, parties=parties, since=start,
                                    since_rev=since_rev, due_sources=frozenset(due_source))
    if output is None and not binary:  # a binary report goes to write_output, a pipe's bytes
        write_paged(lambda out: report_module.write(result.dataset, result.data_dir, options, out),
                    no_pager or format != "terminal")
        return
    write_output(output, binary, lambda out: report_module.write(result.dataset, result.data_dir, options, out))


