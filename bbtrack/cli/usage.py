"""Command-line mistakes in bbtrack's own words: one line, `bbtrack: error: …`, exit 2.

Click answers an unknown option or command, a missing argument or a value of
the wrong type with its usage block over several lines. bbtrack's contract
(README, docs/errors.md) is one line on stderr for every error, so the Typer
app's group class catches Click's usage errors and says them that way, with
Click's own "did you mean" kept and the command's `--help` as the next step.

Global options (`--data-dir`, `--no-cache`, `--lang`) belong before the
command for Click; people also type them after it (`bbtrack list --data-dir
x`). They are moved in front before Click parses the line.
"""

from __future__ import annotations

import sys
from typing import Any, Sequence

from .helptext import LocalisedGroup

# The callback's options: word -> takes a value.
GLOBAL_WORDS = {"--data-dir": True, "-d": True, "--no-cache": False, "--lang": True}


def hoist_globals(args: Sequence[str], commands_with_lang: frozenset[str] = frozenset()) -> list[str]:
    """`args` with the global options found after the command moved in front of it.

    `--lang` stays where it is after a command that has its own `--lang` (it means
    the same there). Nothing after `--` moves.
    """
    args = list(args)
    command_at = next((i for i, word in enumerate(args) if not word.startswith("-")
                       and (i == 0 or not GLOBAL_WORDS.get(args[i - 1], False))), None)
    if command_at is None:
        return args
    keep_lang = args[command_at] in commands_with_lang
    moved: list[str] = []
    rest: list[str] = []
    words = iter(args[command_at + 1:])
    for word in words:
        if word == "--":
            rest.append(word)
            rest.extend(words)
            break
        name = word.split("=", 1)[0]
        if name in GLOBAL_WORDS and not (name == "--lang" and keep_lang):
            moved.append(word)
            if GLOBAL_WORDS[name] and "=" not in word:
                value = next(words, None)
                if value is not None:
                    moved.append(value)
            continue
        rest.append(word)
    return [*args[:command_at], *moved, args[command_at], *rest]


def one_line(exc: Any) -> str:
    """Click's message, on one line, in the reader's language, with where to look next.

    The Click that Typer vendors writes its messages as plain English strings, so each is
    said again from the exception's kind and fields; the option names, values and
    suggestions it carries are kept as typed."""
    from ..core.i18n import _

    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "bbtrack"
    return _("{message} (see `{command} --help`)").format(message=_said(exc, ctx), command=path)


def _alternatives(words: Sequence[str]) -> str:
    from ..core.i18n import pgettext

    return pgettext("alternatives", " or ").join(words)


def _metavar(param: Any) -> str:
    """An argument as its help names it (`STATUS`, in the reader's language)."""
    from ..core.i18n import _

    name = (param.metavar or param.name or "") if param is not None else ""
    return _(name).strip("[].") if name else name


def _said(exc: Any, ctx: Any) -> str:
    import re

    from typer._click import exceptions as click

    from ..core.i18n import _, ngettext

    message = " ".join(exc.format_message().split())
    if isinstance(exc, click.NoSuchOption):
        possible = sorted(exc.possibilities or (), key=len, reverse=True)[:3]
        if possible:
            return _("no such option {option}; did you mean {near}?").format(
                option=exc.option_name, near=_alternatives(possible))
        return _("no such option {option}").format(option=exc.option_name)
    if isinstance(exc, click.BadOptionUsage):
        if "does not take a value" in message:
            return _("option {option} takes no value").format(option=exc.option_name)
        if "requires" in message:
            return _("option {option} needs a value").format(option=exc.option_name)
        return message
    if isinstance(exc, click.MissingParameter):
        param = exc.param
        if param is not None and param.param_type_name == "argument":
            return _("missing argument {name}").format(name=_metavar(param))
        if param is not None:
            return _("missing option {name}").format(name=" / ".join(param.opts))
        return message
    if isinstance(exc, click.BadParameter):
        option = " / ".join(exc.param.opts) if exc.param is not None and exc.param.param_type_name == "option" \
            else _metavar(exc.param)
        problem = " ".join(str(exc.message).split())
        found = re.fullmatch(r"(.+) is not in the range (.+?)\.?", problem)
        if found:
            problem = _("{value} is not in the range {range}").format(value=found[1], range=found[2])
        found = re.fullmatch(r"(.+) is not a valid (?:int|integer|int range|float|float range)\.?", problem)
        if found:
            problem = _("{value} is not a number").format(value=found[1])
        return _("invalid value for {option}: {problem}").format(option=option, problem=problem)
    found = re.fullmatch(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", message)
    if found:
        words = found[1].split()
        return ngettext("unexpected extra argument {words}", "unexpected extra arguments {words}",
                        len(words)).format(words=" ".join(words))
    found = re.fullmatch(r"(.*?)\.? Did you mean (.+)\?", message)  # Typer's suggestion for a command
    if found:
        near = [word.strip("'\"") for word in found[2].split(", ")]
        return _("{message}; did you mean {near}?").format(message=found[1].rstrip("."), near=_alternatives(near))
    return message


class Group(LocalisedGroup):
    """The app's group: Click's usage errors leave as bbtrack's one line, exit 2."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        from typer._click import exceptions as click_exceptions
        from typer.exceptions import Abort

        args = list(sys.argv[1:] if args is None else args)
        from .run import language_from_argv

        language_from_argv(args)
        with_lang = frozenset(name for name, command in self.commands.items()
                              if any("--lang" in getattr(p, "opts", ()) for p in command.params))
        args = hoist_globals(args, with_lang)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name or "bbtrack", complete_var, standalone_mode=False, **extra)
        except click_exceptions.NoArgsIsHelpError as exc:
            exc.show()  # `bbtrack` alone: the help, as Click gives it
            sys.exit(exc.exit_code)
        except click_exceptions.ClickException as exc:
            from .run import error

            error(one_line(exc))
            sys.exit(2 if isinstance(exc, click_exceptions.UsageError) else exc.exit_code)
        except Abort:  # Typer's, which its vendored Click raises for Ctrl-C (it has none of its own)
            from ..core.i18n import _
            from .run import err

            err(_("interrupted"))
            sys.exit(130)
        sys.exit(result if isinstance(result, int) else 0)
