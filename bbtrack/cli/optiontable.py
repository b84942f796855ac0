"""`list`'s option words, derived from the Click command Typer builds for it.

The console script answers a plain `list` without importing Typer
(`cli/entry.py`); the words it knows come from here, so that the command line
is defined once, by the Typer app. When Typer runs `list` (its callback calls
`run.start_work(typer=True)`), `remember` writes
the table of that command's options (words, how each takes its value,
defaults) to the user's cache folder, under a key of the app's source; the
entry reads it back in ~0.1 ms. An app changed since (another size or mtime
of `app.py`) has no table yet, and its command lines go to Typer until it
has run `list` once.
"""

from __future__ import annotations

import os

# How an option word's value is taken: appended, kept (the last one wins, as in Click),
# an int, an int ≥ 1, or a flag without a value.
MANY, MANY_INT, ONE, INT, POSITIVE, FLAG = "many", "many-int", "one", "int", "positive", "flag"
_FORMAT = "1"  # of the table file: bump when `_derive` changes what it writes


def _table_path() -> str | None:
    """Where the option table of this app's source is kept; None if the app cannot be found."""
    from .. import __version__

    here = os.path.dirname(__file__)
    try:  # the commands, and the option objects several of them share
        stats = [os.stat(os.path.join(here, name)) for name in ("app.py", "options.py")]
    except OSError:
        return None
    key = "-".join(f"{st.st_size}-{st.st_mtime_ns}" for st in stats)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "bbtrack", f"cli-{_FORMAT}-{__version__}-{key}.txt")


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
    """Write the option table of the `list` command Typer is about to run (see the module's doc).

    Called from the Typer app's callback; never fails the command it is called from."""
    try:
        try:
            from typer._click.globals import get_current_context  # typer 0.28 ships its own click
        except ImportError:
            from click import get_current_context
        context = get_current_context()
        path = _table_path()
        if path is None or context.invoked_subcommand != "list" or os.path.exists(path):
            return
        text = _derive(context.command, context.command.commands["list"])
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - a read-only cache folder, an option it cannot encode: Typer answers
        return
