"""Options that several commands share, defined once so that each word means the same everywhere.

`optiontable` keys the fast path's option words on this file as well as on `app.py`.
"""

import typer

from ..core.i18n import N_

LANG_OPTION = typer.Option(None, "--lang", help=N_("Language: vi, en or zh [env BBTRACK_LANG; else the locale; default vi]."))
FORMAT_OPTION = typer.Option("table", "--format", "-f", help=N_("table (Rich on a terminal, aligned text when piped), json, csv or markdown."))
DUE_SOURCE_OPTION = typer.Option([], "--due-source", help=N_("minutes or programme: only records due by their own sentence, or by the programme year alone."))
SHEET_FORMAT_OPTION = typer.Option("table", "--format", "-f", help=N_("table, json, csv, markdown or xlsx (an Excel workbook: with --output)."))
DRY_RUN_OPTION = typer.Option(False, "--dry-run", "-n", help=N_("Print the diff that would be applied; write nothing."))
OUTPUT_OPTION = typer.Option(None, "--output", "-o", help=N_("Write to this file instead of stdout (CSV then starts with a BOM for Excel)."))
