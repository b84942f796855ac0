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

# How an option word's value is taken: appended, kept (the last one wins, as in Click),
# an int, an int ≥ 1, or a flag without a value.
MANY, MANY_INT, ONE, INT, POSITIVE, FLAG = "many", "many-int", "one", "int", "positive", "flag"
_FORMAT = "1"  # of the table file: bump when `_derive` changes what it writes


def _table_path() -> str | None:
    """Where the option table of this app's source is kept; None if the app cannot be found."""
    from .. import __version__

    here = os.path.dirname(__file__)
    try:
        st = os.stat(os.path.join(here, "app.py"))
    except OSError:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "bbtrack", f"cli-{_FORMAT}-{__version__}-{st.st_size}-{st.st_mtime_ns}.txt")


def load_table() -> tuple[dict, dict, dict, dict] | None:
    """(global option words, list option words, defaults of list's options, env vars of global options):
    words map to (name, how). None until `remember` has written them for this app."""
    path = _table_path()
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    global_words: dict = {}
    list_words: dict = {}
    defaults: dict = {}
    envvars: dict = {}
    try:
        for line in text.splitlines():
            kind, *fields = line.split("\t")
            if kind == "global":
                global_words[fields[0]] = (fields[1], fields[2])
            elif kind == "list":
                list_words[fields[0]] = (fields[1], fields[2])
            elif kind == "default":
                defaults[fields[0]] = _decode(fields[1])
            elif kind == "env":
                envvars[fields[0]] = fields[1]
            elif kind != "end":
                return None
    except (IndexError, ValueError):
        return None
    return (global_words, list_words, defaults, envvars) if text.endswith("end\n") else None


def _encode(value) -> str:
    if value is None or isinstance(value, bool):
        return {None: "none", True: "true", False: "false"}[value]
    if isinstance(value, (list, tuple)) and not value:
        return "list"
    if isinstance(value, int):
        return f"i:{value}"
    if isinstance(value, str) and "\t" not in value and "\n" not in value:
        return f"s:{value}"
    raise ValueError(f"no encoding for default {value!r}")


def _decode(text: str):
    if text in ("none", "true", "false", "list"):
        return {"none": None, "true": True, "false": False, "list": []}[text]
    if text.startswith("i:"):
        return int(text[2:])
    if text.startswith("s:"):
        return text[2:]
    raise ValueError(text)


def _kind(param) -> str | None:
    """How the fast path takes this Click option's value; None: not a way it knows (Typer then answers)."""
    type_name = type(param.type).__name__
    if param.is_flag:
        return FLAG if not param.secondary_opts and param.default is False else None
    if param.nargs != 1:
        return None
    if param.multiple:
        return {"IntParamType": MANY_INT, "StringParamType": MANY}.get(type_name)
    if type_name == "IntRange":
        bounds = (param.type.min, param.type.min_open, param.type.max)
        return POSITIVE if bounds == (1, False, None) else None
    return {"IntParamType": INT, "StringParamType": ONE, "TyperPath": ONE}.get(type_name)


def _derive(group, command) -> str:
    """The table file's text for Click's `group` (global options) and its `list` command."""
    lines = []
    for where, params in (("global", group.params), ("list", command.params)):
        for param in params:
            if param.param_type_name != "option":
                if where == "list":
                    raise ValueError("list takes an argument: the fast path does not know how")
                continue
            if param.is_eager or not param.expose_value:  # --help, --version, completion: Typer's
                continue
            how = _kind(param)
            if how is None:
                continue  # a line with these words goes to Typer
            if where == "list":
                lines.append(f"default\t{param.name}\t{_encode(param.default)}")
            elif param.default not in (None, False):
                continue  # a global default the fast path would have to know: let Typer answer
            for word in [*param.opts, *param.secondary_opts]:
                lines.append(f"{where}\t{word}\t{param.name}\t{how}")
            for var in ([param.envvar] if isinstance(param.envvar, str) else param.envvar or []):
                if where == "global":
                    lines.append(f"env\t{param.name}\t{var}")
    return "\n".join([*lines, "end"]) + "\n"


def remember() -> None:
    """Write the option table of the `list` command Typer is running (see the module's doc).

    Called from the Typer command; never fails the command it is called from."""
    try:
        try:
            from typer._click.globals import get_current_context  # typer 0.28 ships its own click
        except ImportError:
            from click import get_current_context
        context = get_current_context()
        path = _table_path()
        if path is None or context.parent is None or os.path.exists(path):
            return
        text = _derive(context.parent.command, context.command)
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - a read-only cache folder, an option it cannot encode: Typer answers
        return


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
    if set(global_options) - {"data_dir", "no_cache"}:
        return None  # a global option the app has and this function does not apply: Typer's
    data_dir = global_options.get("data_dir")
    STATE.data_dir = str(Path(data_dir)) if data_dir else None  # as Typer's Path option spells it
    STATE.use_cache = not global_options.get("no_cache", False)
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
    from .run import STATE

    STATE.collector_paused = True
    code = run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from .app import main as typer_main

    typer_main()
