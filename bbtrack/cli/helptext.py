"""`--help` in the reader's language, Click's own words included.

Help texts are written in English in `app.py` and marked with `N_()`: they are
defined when the module is imported, before the command line says which
language it wants. The command classes below translate them when help is
written, so one imported app answers in every language (as the tests run it).

Typer's own words ("Options", "default: …") go through `gettext` in
`typer.core`, which is pointed at bbtrack's catalogue. The Click that Typer
vendors writes its few words ("Usage: ", "Show this message and exit.") as
plain strings; they are translated here, where help is written.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import typer.core
from typer.core import TyperCommand, TyperGroup

from ..core.i18n import N_, _

# Click's and Typer's words that reach a reader, for the catalogue (`tools/i18n.py`).
CLICK_WORDS = (
    N_("Usage: "), N_("Show this message and exit."), N_("[OPTIONS]"), N_("COMMAND [ARGS]..."),
    N_("Arguments"), N_("Options"), N_("Commands"), N_("default: {default}"), N_("env var: {var}"),
    N_("required"), N_("(dynamic)"), N_("Aborted!"), N_("Missing command."), N_("No such command {name!r}."),
)

typer.core._ = _  # Typer's section titles and [default: …] notes, in the reader's language


def _tr(text: Any) -> Any:
    return _(text) if isinstance(text, str) and text else text


@contextlib.contextmanager
def translated(command: Any, ctx: Any) -> Iterator[None]:
    """`command`'s help, its parameters' help and metavars in the reader's language while help
    is written; the English originals (the catalogue's keys) are put back afterwards."""
    saved: list[tuple[Any, str, Any]] = []

    def swap(obj: Any, name: str) -> None:
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            saved.append((obj, name, value))
            setattr(obj, name, _(value))

    for name in ("help", "short_help", "epilog", "options_metavar", "subcommand_metavar"):
        swap(command, name)
    for param in command.get_params(ctx):
        swap(param, "help")
        swap(param, "metavar")
    try:
        yield
    finally:
        for obj, name, value in reversed(saved):
            setattr(obj, name, value)


class Localised:
    """Mixed into Typer's command and group classes: help written in the reader's language."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with translated(self, ctx):
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def get_short_help_str(self, limit: int = 45) -> str:
        saved = (self.short_help, self.help)  # type: ignore[attr-defined]
        self.short_help, self.help = _tr(self.short_help), _tr(self.help)  # type: ignore[attr-defined]
        try:
            return super().get_short_help_str(limit)  # type: ignore[misc]
        finally:
            self.short_help, self.help = saved  # type: ignore[attr-defined]


class Command(Localised, TyperCommand):
    pass


class LocalisedGroup(Localised, TyperGroup):
    pass
