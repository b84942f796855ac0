"""The `bbtrack` console script: a plain `list` without Typer, the rest with it.

Importing Typer costs ~40 ms, most of what a piped `bbtrack list --province X`
takes on the shipped data (docs/performance.md measures both ways). The
commonest command line is therefore answered here: global options, then
`list` and its options in the simple forms people type (`--province X`,
`-p X`, `--province=X`, `--overdue`). Anything else — help, an unknown or
misspelled word, a value that looks like an option, an attached short value
(`-pX`), `--`, shell completion — goes to the Typer app untouched, which gives
the usual help, errors and suggestions.

The command line is defined once, by the Typer app (`cli/app.py`). The option
words this module knows are derived from the Click command Typer builds for
`list` (`remember`, called when Typer runs `list`), and kept in the user's
cache folder under a key of the app's source: until Typer has run `list` once
for this version of the app, every command line goes to Typer.
"""

from __future__ import annotations

import gc
import os
import sys

TYPE_CHECKING = False  # typing itself sets off collections before main() can pause them
if TYPE_CHECKING:
    from typing import Sequence

from .optiontable import FLAG, MANY, MANY_INT, ONE, POSITIVE, load_table


class _Decline(Exception):
    """This command line is for the Typer app."""


def parse(argv: Sequence[str]) -> tuple[dict, dict] | None:
    """(global options, list options) of a command line this module answers; None otherwise.
    The list options hold every option of the command, given or defaulted."""
    if any(key.endswith("_COMPLETE") for key in os.environ):
        return None
    try:
        command = list(argv).index("list")
    except ValueError:
        return None
    table = load_table()
    if table is None:
        return None
    global_words, list_words, defaults, envvars = table
    try:
        options = _options(argv[:command], global_words)
        for name, var in envvars.items():
            if name not in options and os.environ.get(var):
                options[name] = os.environ[var]  # empty counts as unset, as in Click
        return options, {**defaults, **_options(argv[command + 1:], list_words)}
    except _Decline:
        return None


def _options(words: Sequence[str], table: dict[str, tuple[str, str]]) -> dict:
    values: dict = {}
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        name, attached = (word.split("=", 1) if word.startswith("--") and "=" in word else (word, None))
        if name not in table:
            raise _Decline  # a value without an option, a typo, --help, --: Typer says what it is
        key, how = table[name]
        if how == FLAG:
            if attached is not None:
                raise _Decline
            values[key] = True
            continue
        if attached is None:
            if index == len(words):
                raise _Decline
            attached = words[index]
            index += 1
        if not attached or attached.startswith("-"):
            raise _Decline  # "", or `--grep -x`: rare; Typer decides what it means
        values[key] = _value(attached, how, values.get(key))
    return values


def _value(text: str, how: str, before):
    if how == ONE:
        return text
    if how == MANY:
        return [*(before or []), text]
    try:
        number = int(text)
    except ValueError:
        raise _Decline from None
    if how == MANY_INT:
        return [*(before or []), number]
    if how == POSITIVE and number < 1:
        raise _Decline
    return number


def run(argv: Sequence[str]) -> int | None:
    """Answer `argv` without Typer: the exit code, or None when the Typer app must."""
    parsed = parse(argv)
    if parsed is None:
        return None
    from pathlib import Path

    from .run import STATE, exit_code_for, list_commitments, start_work

    global_options, list_options = parsed
    if set(global_options) - {"data_dir", "no_cache", "lang"}:
        return None  # a global option the app has and this function does not apply: Typer's
    data_dir = global_options.get("data_dir")
    STATE.data_dir = str(Path(data_dir)) if data_dir else None  # as Typer's Path option spells it
    STATE.use_cache = not global_options.get("no_cache", False)
    STATE.lang = global_options.get("lang")
    start_work()
    try:
        list_commitments(**list_options)
        sys.stdout.flush()
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the CLI edge: every error leaves as one line
        return exit_code_for(exc)
    return 0


def main() -> None:
    """Console-script entry point."""
    # Start-up (importing Typer, building its command, parsing argv) creates
    # tens of thousands of objects that live as long as the process, and the
    # cyclic collector walks them again and again as they arrive: ~30
    # collections, 3–5 ms of a 60 ms `--help`, finding no garbage. It is
    # paused until the command starts (`run.start_work`), not for good:
    # encoding JSON with an indent, for one, makes a cycle per record.
    gc.disable()
    from .run import STATE, language_from_argv

    STATE.collector_paused = True
    language_from_argv(sys.argv[1:])
    code = run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from .app import main as typer_main

    typer_main()
