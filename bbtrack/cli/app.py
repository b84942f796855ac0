"""The `bbtrack` command line: a thin Typer layer over the library.

Each command parses options, calls one library function and hands the result
to `render`. Errors from the core arrive as `BbtrackError` and leave through
`run.exit_code_for` as one line on stderr with the error's exit code (0 ok,
1 data problems or unknown record, 2 usage / unusable input, 3 conflict);
nothing else prints a traceback. Heavy modules (rich, dateutil, yaml) are
imported only inside the commands that use them: start-up time is part of the
interface. A plain `list` does not come here at all (`bbtrack.cli.entry`).
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import sys
from pathlib import Path
from typing import Any, Callable, List, Optional, TypeVar

import typer

from .. import __version__
from ..core.errors import EXIT_DATA, EXIT_USAGE
from .run import STATE, editor_refusals, event_date, exit_code_for, list_commitments, start_work
from .run import check_output, open_output, say_empty
from .run import print_edit as _print_edit
from .run import check_format as _fmt, load as _load, parse_lang as _lang, parse_today as _today
from .complete import (  # shell completion
    complete_crossing as _complete_crossing,
    complete_id as _complete_id,
    complete_party as _complete_party,
    complete_province as _complete_province,
    complete_status as _complete_status,
)
from .options import DRY_RUN_OPTION, DUE_SOURCE_OPTION, FORMAT_OPTION, LANG_OPTION, OUTPUT_OPTION, SHEET_FORMAT_OPTION
from .reporting import REPORT_HELP, report
from ..core.i18n import N_, _
from .helptext import Command, LocalisedGroup
from .usage import Group

app = typer.Typer(
    name="bbtrack",
    cls=Group,  # Click's usage errors as one `bbtrack: error:` line; global options after the command too
    help=N_(
        "Track the commitments of the 22 Feb 2023 Spring Meeting (Hà Giang, Quảng Ninh, Lạng Sơn, "
        "Cao Bằng and Guangxi), kept as YAML in git.\n\n"
        "\b\nExamples:\n"
        '  bbtrack list --province "Lạng Sơn"\n'
        "  bbtrack show SM23-3-17\n"
        '  bbtrack status set SM23-3-19 done --date 27/2/2025 --evidence https://... --note "..."'
    ),
    # Plain help: Rich-formatted help costs ~200 ms of start-up on every --help.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _StatusApp(typer.Typer):
    """The `status` group. Its corrections (`amend`, `remove`: cli/corrections.py) join it when
    Typer first reads its commands to build it, after `set` (`_pending`): a command line
    without `status` never imports them."""

    _pending = False  # True from the end of this module until the corrections are registered

    @property
    def registered_commands(self) -> list:
        if self._pending:
            from .corrections import STATUS_AMEND_HELP, STATUS_REMOVE_HELP, status_amend, status_remove

            self._pending = False
            command(parent=self, name="amend", help=STATUS_AMEND_HELP)(status_amend)
            command(parent=self, name="remove", help=STATUS_REMOVE_HELP)(status_remove)
        return self._commands

    @registered_commands.setter
    def registered_commands(self, commands: list) -> None:
        self._commands = commands


status_app = _StatusApp(help=N_("Change the status of a commitment or the stage of a crossing."),
                        cls=LocalisedGroup, rich_markup_mode=None, no_args_is_help=True)
app.add_typer(status_app, name="status")

F = TypeVar("F", bound=Callable[..., Any])


def guarded(func: F) -> F:
    """Errors become a line on stderr and an exit code (`run.exit_code_for`)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            raise typer.Exit(exit_code_for(exc)) from None

    return wrapper  # type: ignore[return-value]


def command(parent: typer.Typer = app, name: str | None = None, **settings: Any) -> Callable[[F], F]:
    """Registers a command; its help is written in English, marked `N_()` and translated when
    shown (`helptext`): `@command(help=N_("…"))`, not a docstring, which no catalogue sees."""

    def register(func: F) -> F:
        return parent.command(name=name, cls=Command, **settings)(guarded(func))

    return register


# --- shared options -------------------------------------------------------------------


def _version(value: bool) -> None:
    if value:
        print(f"bbtrack {__version__}")
        raise typer.Exit()


@app.callback()
@guarded
def main_options(
    data_dir: Optional[Path] = typer.Option(
        None, "--data-dir", "-d", envvar="BBTRACK_DATA", show_envvar=True,
        help=N_("Folder holding commitments.yaml and crossings.yaml [default: nearest data/ upward, else the packaged data]."),
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help=N_("Parse the YAML even if a fresh parse cache exists.")),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help=N_("Print the version.")),
    lang: Optional[str] = typer.Option(None, "--lang", help=N_("vi, en or zh, for every command [env BBTRACK_LANG; else the locale; default vi].")),
) -> None:
    STATE.data_dir = str(data_dir) if data_dir else None
    STATE.use_cache = not no_cache
    STATE.lang = lang
    start_work(typer=True)
    # The language `language_from_argv` took, checked: an unknown --lang or BBTRACK_LANG is refused
    # for every command, not only those with a --lang of their own.
    _lang(lang or STATE.lang_word)




# --- check ----------------------------------------------------------------------------


@command(help=N_(
    "Validate both data files and their cross-references.\n\n"
    "Prints one `file:line:col: code message` line per problem. Exit 0 when clean (warnings allowed), "
    "1 when problems were found, 2 when a file cannot be used at all (not YAML, not UTF-8, wrong "
    "shape).\n\n"
    "\b\nExamples:\n"
    "  bbtrack check\n"
    "  bbtrack check --format json | jq '.[].code'\n"
    "  bbtrack --data-dir ~/work/data check"
))
def check(
    format: str = typer.Option("text", "--format", "-f", help=N_("text or json.")),
) -> None:
    from ..load.validate import check_quotes

    format = _fmt(format, ("text", "json"))
    result = _load(strict=False)
    problems = list(result.problems)
    if not result.fatal:
        problems += check_quotes(result.dataset, result.data_dir) + editor_refusals(result)
    problems.sort(key=lambda p: p.severity != "fatal")  # what makes a file unusable is said first
    if format == "json":
        from ..views.tables import write_json

        write_json([{"file": p.source.file, "line": p.source.line, "col": p.source.col, "code": p.code,
                     "severity": p.severity, "message": p.message} for p in problems], sys.stdout)
    else:
        from ..core.text import safe_text

        for p in problems:
            said = f"{p.code} {p.message}"
            said = _("warning: {message}").format(message=said) if p.severity == "warning" else said
            sys.stdout.write(safe_text(f"{p.source}: {said}") + "\n")
        errors = sum(p.severity != "warning" for p in problems)
        ds = result.dataset
        found = _("{count} problem(s)").format(count=errors) if errors else _("ok")
        sys.stderr.write(_("{commitments} commitments, {crossings} crossings in {folder}: {found}").format(
            commitments=len(ds.commitments), crossings=len(ds.crossings), folder=result.data_dir, found=found) + "\n")
    if any(p.severity == "fatal" for p in problems):
        raise typer.Exit(EXIT_USAGE)
    if any(p.severity == "error" for p in problems):
        raise typer.Exit(EXIT_DATA)


# --- list -----------------------------------------------------------------------------


@command(name="list", help=N_(
    "List commitments, filtered and sorted.\n\n"
    "Options combine with AND; a repeated option is OR.\n\n"
    "\b\nExamples:\n"
    "  bbtrack list --province \"Lạng Sơn\"\n"
    "  bbtrack list -p \"CAO BẰNG\" --status open --format csv > cao-bang.csv\n"
    "  bbtrack list --overdue --today 2024-01-01\n"
    "  bbtrack list -p \"lang son\" --format xlsx --output lang-son.xlsx"
))
def list_(
    province: List[str] = typer.Option([], "--province", "-p", autocompletion=_complete_province,
                                       help=N_('Vietnamese province (any spelling: "lang son", "LẠNG SƠN"; Tuyên Quang finds Hà Giang). Repeat for OR.')),
    party: List[str] = typer.Option([], "--party", autocompletion=_complete_party,
                                    help=N_("A party to the minutes, Guangxi (Quảng Tây) included. Repeat for OR.")),
    status: List[str] = typer.Option([], "--status", "-s", autocompletion=_complete_status, help=N_("Status id (open, done, ...). Repeat for OR.")),
    crossing: List[str] = typer.Option([], "--crossing", "-c", autocompletion=_complete_crossing,
                                       help=N_("Crossing id or a name of either side; includes its passages and roads.")),
    section: List[int] = typer.Option([], "--section", help=N_("Section of the minutes (0 = preamble).")),
    kind: List[str] = typer.Option([], "--kind", help=N_("deliverable (one-off) or continuing.")),
    due_before: Optional[str] = typer.Option(None, "--due-before", help=N_('Due period ends before this date ("2024", "15/9/2023").')),
    due_within: Optional[int] = typer.Option(None, "--due-within", help=N_("Due within this many days from --today, not closed.")),
    due_source: List[str] = DUE_SOURCE_OPTION,
    overdue: bool = typer.Option(False, "--overdue", help=N_("Due period over and not in a final status.")),
    late: bool = typer.Option(False, "--late", help=N_("Done after its due period, or overdue.")),
    grep: Optional[str] = typer.Option(None, "--grep", "-g", help=N_("Text in titles or quote (diacritic-insensitive).")),
    sort: str = typer.Option("id", "--sort", help=N_("id, due, status or province.")),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help=N_("Show at most this many.")),
    today: Optional[str] = typer.Option(None, "--today", help=N_("Reference date for --overdue/--due-within [default: today].")),
    format: str = SHEET_FORMAT_OPTION,
    lang: Optional[str] = LANG_OPTION,
    output: Optional[Path] = OUTPUT_OPTION,
) -> None:
    list_commitments(province=province, party=party, status=status, crossing=crossing, section=section, kind=kind,
                     due_before=due_before, due_within=due_within, due_source=due_source, overdue=overdue, late=late,
                     grep=grep, sort=sort, limit=limit, today=today, format=format, lang=lang, output=output)


# --- show -----------------------------------------------------------------------------


@command(help=N_(
    "Show one commitment or crossing in full: quote, parties, crossings, history.\n\n"
    "\b\nExamples:\n"
    "  bbtrack show SM23-3-17\n"
    "  bbtrack show sm23-3-9 --lang en\n"
    "  bbtrack show tra-linh --format json"
))
def show(
    record_id: str = typer.Argument(..., metavar="ID", autocompletion=_complete_id,
                                    help=N_('Commitment id (SM23-3-17, sm23-3-17), crossing id (tra-linh) or name ("Ta Lung").')),
    format: str = typer.Option("text", "--format", "-f", help=N_("text or json.")),
    today: Optional[str] = typer.Option(None, "--today", help=N_("Reference date for overdue marks.")),
    lang: Optional[str] = LANG_OPTION,
) -> None:
    from ..core.model import Crossing
    from ..ops.query import find_record
    from ..views.render import render_crossing_show, render_show
    from ..load.validate import minutes_line

    format = _fmt(format, ("text", "json"))
    result = _load()
    ds = result.dataset
    day = _today(today)
    c = find_record(ds, record_id, STATE.left_out)
    if isinstance(c, Crossing):
        related = [r for r in ds.commitments if c.id in r.crossings]
        render_crossing_show(c, related, format, sys.stdout, today=day, lang=_lang(lang))
        return
    render_show(c, ds, format, sys.stdout, today=day, lang=_lang(lang),
                minutes_line=minutes_line(ds, result.data_dir, c))


# --- crossings --------------------------------------------------------------------------


@command(help=N_(
    "List the border-crossing pairs: both sides, 中文, kind, stage, commitments.\n\n"
    "\b\nExamples:\n"
    "  bbtrack crossings\n"
    "  bbtrack crossings --province \"Cao Bằng\" --kind international\n"
    "  bbtrack crossings --stage talks --format json"
))
def crossings(
    province: List[str] = typer.Option([], "--province", "-p", autocompletion=_complete_province, help=N_("Vietnamese province.")),
    kind: List[str] = typer.Option([], "--kind", help=N_("international, main-bilateral, border-opening, ... (current or target).")),
    stage: List[str] = typer.Option([], "--stage", help=N_("planned, talks, approved, built, accepted, notes-exchanged, announced, operating, suspended.")),
    format: str = SHEET_FORMAT_OPTION,
    lang: Optional[str] = LANG_OPTION,
    output: Optional[Path] = OUTPUT_OPTION,
) -> None:
    from ..ops.query import commitments_per_crossing, resolve_parties, select_crossings
    from ..views.render import SHEET_FORMATS, render_crossings

    format = _fmt(format, SHEET_FORMATS)
    check_output(output, format)
    lang_ = _lang(lang)
    parties = resolve_parties(province, provinces_only=True) if province else frozenset()
    ds = _load().dataset
    records = select_crossings(ds, parties, kind, stage)
    if not records:
        say_empty("crossings", dict(province=province, kind=kind, stage=stage))
        if format in ("table", "markdown") and output is None:
            return
    with open_output(output, format) as out:
        render_crossings(records, commitments_per_crossing(ds), format, out, lang=lang_)


# --- summary ----------------------------------------------------------------------------


@command(help=N_(
    "Counts per status for each group, completion of one-off deliverables, overdue and late.\n\n"
    "A commitment shared by several parties counts once in each party's row and once in the total. "
    "no_update: open, without a single event.\n\n"
    "\b\nExamples:\n"
    "  bbtrack summary\n"
    "  bbtrack summary --by party --lang en\n"
    "  bbtrack summary --by section --format json\n"
    "  bbtrack summary --due-source minutes   # overdue/late against deadlines the minutes set"
))
def summary(
    by: str = typer.Option("province", "--by", help=N_("province, party, section or status.")),
    today: Optional[str] = typer.Option(None, "--today", help=N_("Reference date for overdue counts.")),
    due_source: List[str] = DUE_SOURCE_OPTION,
    format: str = SHEET_FORMAT_OPTION,
    lang: Optional[str] = LANG_OPTION,
    output: Optional[Path] = OUTPUT_OPTION,
) -> None:
    from ..core.lookup import choose
    from ..ops.query import GROUP_KEYS, check_due_sources, summarize, totals, with_due_source
    from ..views.render import SHEET_FORMATS, render_summary

    format = _fmt(format, SHEET_FORMATS)
    check_output(output, format)
    by = choose(by, GROUP_KEYS, "grouping")
    lang_ = _lang(lang)
    day = _today(today)
    records = with_due_source(_load().dataset.commitments, check_due_sources(due_source))
    with open_output(output, format) as out:
        render_summary(summarize(records, by, day), totals(records, day), by, format, out, lang=lang_)


# --- edits ------------------------------------------------------------------------------


@command(parent=status_app, name="set", help=N_(
    "Set a commitment's status (or a crossing's stage) and append a dated history entry.\n\n"
    "Only the lines of that record change in the file: comments, quoting and every other record stay "
    "byte-identical, so the git diff is the review.\n\n"
    "\b\nExamples:\n"
    "  bbtrack status set SM23-3-19 done --date 27/2/2025 -e https://... --note \"Opening ceremony\" --note-vi \"Lễ công bố\"\n"
    "  bbtrack status set tra-linh announced --kind international --date 2023-12-28 -e https://...\n"
    "  bbtrack status set SM23-3-09 done --date 2024-06-25 -e https://... --dry-run"
))
def status_set(
    record_id: str = typer.Argument(..., metavar="ID", autocompletion=_complete_id,
                                    help=N_("Commitment id (SM23-3-17) or crossing id (tra-linh).")),
    status: str = typer.Argument(..., metavar=N_("STATUS"),
                                 help=N_("A status for a commitment (open, in_progress, ongoing, stalled, done, partly_done, "
                                         "not_done, dropped); a stage for a crossing (planned ... announced, operating, suspended).")),
    date: Optional[str] = typer.Option(None, "--date", help=N_('When it happened (required): 2024-06-25, 25/6/2024, "2024-11", or today.')),
    note: Optional[str] = typer.Option(None, "--note", help=N_("What happened, in a sentence (English).")),
    note_vi: Optional[str] = typer.Option(None, "--note-vi", help=N_("The same sentence in Vietnamese (shown by --lang vi).")),
    note_zh: Optional[str] = typer.Option(None, "--note-zh", help=N_("The same sentence in Chinese.")),
    evidence: List[str] = typer.Option([], "--evidence", "-e", help=N_("http(s) address of the source. Repeatable; at least one.")),
    by: Optional[str] = typer.Option(None, "--by", help=N_("Who records it [default: git config user.name].")),
    weak: bool = typer.Option(False, "--weak", help=N_("The source is weak (a mirror or aggregator): stored as confidence: weak.")),
    kind: Optional[str] = typer.Option(None, "--kind", help=N_("Crossings: the new kind after an upgrade (e.g. international).")),
    force: bool = typer.Option(False, "--force", help=N_("Allow moving backwards or out of a final status (needs --note).")),
    dry_run: bool = DRY_RUN_OPTION,
) -> None:
    from ..write.correct import record_event
    from ..write.edit import Change
    from ..load.folder import find_data_dir

    data_dir = find_data_dir(STATE.data_dir)
    day = _dt.date.today()
    when, said = event_date(date, day)
    if by is None:
        from ..ops.gitio import user_name

        by = user_name(data_dir) or os.environ.get("USER") or None
    change = Change(record_id=record_id, to=status, date=when, note=note, note_vi=note_vi, note_zh=note_zh,
                    evidence=tuple(evidence), by=by, confidence="weak" if weak else None, kind=kind, force=force)
    _print_edit(record_event(data_dir, change, today=day, dry_run=dry_run, use_cache=STATE.use_cache), dry_run, said)


@command(help=N_(
    "Add a commitment, from these or a later meeting's minutes, with the next free id.\n\n"
    "The record is appended at the end of commitments.yaml in the file's own style, with status open "
    "and an empty history. Ids are never reused.\n\n"
    "\b\nExamples:\n"
    "  bbtrack add --section 3 --party \"Cao Bằng\" --party \"Quảng Tây\" --title-vi \"...\" --title-en \"...\" --quote \"...\" --crossing ta-lung\n"
    "  bbtrack add --meeting SM24 --section 2 --party all ... --dry-run"
))
def add(
    title_vi: str = typer.Option(..., "--title-vi", help=N_("Short Vietnamese title.")),
    title_en: str = typer.Option(..., "--title-en", help=N_("Short English title.")),
    title_zh: Optional[str] = typer.Option(None, "--title-zh", help=N_("Short Chinese title.")),
    quote: str = typer.Option(..., "--quote", help=N_("Verbatim words of the minutes that locate the action.")),
    party: List[str] = typer.Option(..., "--party", autocompletion=_complete_party, help=N_("A party; repeat for several.")),
    section: int = typer.Option(..., "--section", help=N_("Section of the minutes (0 = preamble).")),
    meeting: str = typer.Option("SM23", "--meeting", help=N_("Meeting id under 'meetings:' in commitments.yaml.")),
    crossing: List[str] = typer.Option([], "--crossing", "-c", autocompletion=_complete_crossing, help=N_("Crossing id; repeatable.")),
    kind: str = typer.Option("deliverable", "--kind", help=N_("deliverable (one-off) or continuing.")),
    due: Optional[str] = typer.Option(None, "--due", help=N_('Due date as the minutes give it: "2024", "2024-09", "15/9/2024".')),
    due_source: Optional[str] = typer.Option(None, "--due-source", help=N_("With --due: minutes (its own sentence) or programme.")),
    dry_run: bool = DRY_RUN_OPTION,
) -> None:
    from ..core.dates import parse_user
    from ..write.edit import NewCommitment, add_commitment
    from ..load.folder import find_data_dir
    from ..core.provinces import MINUTES_PARTIES

    parties: list[str] = []
    for name in party:
        parties.extend(MINUTES_PARTIES if name.strip().lower() in ("all", "tất cả", "cac ben", "các bên") else [name])
    new = NewCommitment(meeting=meeting, section=section, title_vi=title_vi, title_en=title_en, quote=quote,
                        parties=tuple(dict.fromkeys(parties)), crossings=tuple(crossing), kind=kind,
                        due=parse_user(due, "--due") if due else None, due_source=due_source, title_zh=title_zh)
    result = add_commitment(find_data_dir(STATE.data_dir), new, dry_run=dry_run, use_cache=STATE.use_cache)
    if not dry_run:
        print(result.record_id)
    _print_edit(result, dry_run)


@command(help=N_(
    "The recorded history, newest first: date, record, change, note, evidence.\n\n"
    "\b\nExamples:\n"
    "  bbtrack log\n"
    "  bbtrack log sm23-3-17\n"
    "  bbtrack log \"Ta Lung\" --since 2024\n"
    "  bbtrack log -p \"Cao Bằng\" --since 2025 --until 2025-06 --format json"
))
def log(
    record_id: Optional[str] = typer.Argument(None, metavar=N_("[ID]"), autocompletion=_complete_id,
                                              help=N_('One commitment or crossing, by id or name ("Ta Lung") [default: all].')),
    province: List[str] = typer.Option([], "--province", "-p", autocompletion=_complete_province,
                                       help=N_("Records of this province (a crossing: its own). Repeat for OR.")),
    crossing: List[str] = typer.Option([], "--crossing", "-c", autocompletion=_complete_crossing,
                                       help=N_("A crossing (id or name) and the commitments naming it. Repeat for OR.")),
    since: Optional[str] = typer.Option(None, "--since", help=N_('Only events on or after this date ("2024", "1/3/2025").')),
    until: Optional[str] = typer.Option(None, "--until", help=N_('Only events on or before this date ("2024-06").')),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help=N_("Show at most this many (the newest).")),
    format: str = FORMAT_OPTION,
    lang: Optional[str] = LANG_OPTION,
) -> None:
    from ..ops.changes import events
    from ..core.dates import parse_user
    from ..ops.query import crossing_keys, resolve_crossings, resolve_parties
    from ..views.render import FORMATS, render_events

    format = _fmt(format, FORMATS)
    lang_ = _lang(lang)
    start = parse_user(since, "--since") if since else None
    end = parse_user(until, "--until") if until else None
    parties = resolve_parties(province, provinces_only=True) if province else frozenset()
    ds = _load().dataset
    ids = resolve_crossings(crossing_keys(ds.crossings), crossing) if crossing else frozenset()
    found = events(ds, record_id, start, until=end, parties=parties, crossings=ids, limit=limit,
                   left_out=STATE.left_out)
    if not found:
        say_empty("events", {"": record_id, "since": since, "until": until, "province": province,
                             "crossing": crossing})
        if format in ("table", "markdown"):
            return
    render_events(found, format, sys.stdout, lang=lang_)


@command(help=N_(
    "What changed in the data between two git revisions, record by record.\n\n"
    "Keyed by id: records added or removed, field changes (old → new), and history entries appended. "
    "Paste `--format markdown` into a pull request.\n\n"
    "\b\nExamples:\n"
    "  bbtrack diff                      # HEAD vs your uncommitted edits\n"
    "  bbtrack diff main HEAD --format markdown\n"
    "  bbtrack diff HEAD~3 --format json"
))
def diff(
    rev_a: Optional[str] = typer.Argument(None, metavar=N_("[REV_A]"), help=N_("Old revision [default: HEAD].")),
    rev_b: Optional[str] = typer.Argument(None, metavar=N_("[REV_B]"), help=N_("New revision [default: the working tree].")),
    format: str = FORMAT_OPTION,
) -> None:
    from ..ops.changes import diff_revisions
    from ..load.folder import find_data_dir
    from ..views.render import FORMATS, render_diff

    format = _fmt(format, FORMATS)
    changes = diff_revisions(find_data_dir(STATE.data_dir), rev_a, rev_b)
    render_diff(changes, format, sys.stdout)


command(help=REPORT_HELP)(report)
status_app._pending = True  # `status amend` and `status remove` follow when the group is built

from .merging import register as _register_merging  # noqa: E402 - git-setup, merge-driver, resolve
_register_merging(command)

_GLOBAL_VALUE_OPTIONS = ("--data-dir", "-d", "--lang")  # the callback's options that take a value


def _app_for(args: list[str]) -> tuple[typer.Typer, list]:
    """The app with only what this command line needs, and the commands to list beside it.

    Typer turns every registered command into a Click command on each run,
    inspecting every parameter (~6 ms of start-up); the command on the line is
    enough. Without a command (`bbtrack --help`) the command list needs only
    names and help lines: Click commands made from those alone (`_listed`) give
    the same text. An unknown word or shell completion gets the whole app, so
    errors, suggestions and completion are unchanged.
    """
    import copy

    name = None
    words = iter(args)
    for word in words:
        if word in _GLOBAL_VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            name = word
            break
        elif word == "--":
            return app, []
    if any(key.endswith("_COMPLETE") for key in os.environ):
        return app, []
    lean = copy.copy(app)
    if name is None:
        lean.registered_commands = []
        lean.registered_groups = []
        for group in app.registered_groups:
            stand_in = copy.copy(group)
            stand_in.typer_instance = copy.copy(group.typer_instance)
            stand_in.typer_instance._pending = False  # listed by its own help only: no commands
            stand_in.typer_instance.registered_commands, stand_in.typer_instance.registered_groups = [], []
            lean.registered_groups.append(stand_in)
        return lean, [_listed(c) for c in app.registered_commands]
    lean.registered_commands = [c for c in app.registered_commands if _command_name(c) == name]
    lean.registered_groups = [g for g in app.registered_groups if g.name == name]
    return (lean, []) if lean.registered_commands or lean.registered_groups else (app, [])


def _command_name(info) -> str | None:
    return info.name or (typer.main.get_command_name(info.callback.__name__) if info.callback else None)


def _listed(info):
    """A command as a command list shows it: the Click command Typer would make (its class,
    name, help, hidden...), without the parameters, whose inspection is most of its cost."""
    import inspect

    return (info.cls or typer.core.TyperCommand)(
        name=_command_name(info), context_settings=info.context_settings,
        help=inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help),
        epilog=info.epilog, short_help=info.short_help, options_metavar=info.options_metavar,
        add_help_option=info.add_help_option, no_args_is_help=info.no_args_is_help, hidden=info.hidden,
        deprecated=info.deprecated, rich_markup_mode=None, rich_help_panel=info.rich_help_panel)


def main() -> None:
    """The console script for every command line `bbtrack.cli.entry` does not answer itself."""
    try:
        lean, listed = _app_for(sys.argv[1:])
        if not listed:
            lean()
            return
        group = typer.main.get_command(lean)
        group.commands = {**{command.name: command for command in listed}, **group.commands}  # Typer's order
        group()
    except KeyboardInterrupt as exc:
        sys.exit(exit_code_for(exc))
