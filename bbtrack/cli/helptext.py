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
import re
import sys
from typing import Any, Iterator

import typer._click._compat
import typer._click._textwrap
import typer._click.formatting
import typer.core
from typer._click._textwrap import TextWrapper
from typer.core import TyperCommand, TyperGroup

from ..core.i18n import N_, _, current, pgettext

# Click's and Typer's words that reach a reader, for the catalogue (`tools/i18n.py`).
CLICK_WORDS = (
    N_("Usage: "), N_("Show this message and exit."), N_("[OPTIONS]"), N_("COMMAND [ARGS]..."),
    N_("Arguments"), N_("Options"), N_("Commands"), N_("default: {default}"), N_("env var: {var}"),
    N_("required"), N_("(dynamic)"), N_("Aborted!"), N_("Missing command."), N_("No such command {name!r}."),
    # Typer's own options for shell completion (typer/completion.py), shown in `bbtrack --help`.
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_("Install completion for the specified shell."),
    N_("Show completion for the specified shell, to copy it or customize the installation."),
)
# The metavars Click derives from an option's type: shown as `--limit <int>` in help.
TYPE_METAVARS = (N_("<str>"), N_("<int>"), N_("<path>"), N_("<int range>"))

typer.core._ = _  # Typer's section titles and [default: …] notes, in the reader's language

# Pieces of help text a line may not be broken inside: a `code span` (what to type, spaces and
# all), a run of Latin letters and marks, one CJK character (Chinese breaks between any two),
# with the punctuation that may not start or end a line kept on the right side.
_CJK_PIECES = (r"[（「『“]*(?:`[^`]*`|[\u2e80-\u9fff\uf900-\ufaff]|[^\s`\u2e80-\u9fff\uf900-\ufaff（「『“，。、；：！？）」』”]+)"
               r"[，。、；：！？）」』”\])}.,;:!?]*|\s+|.")
# What those pieces reduce to in text with no character from U+2E80 on (Vietnamese, English),
# found by `_plain_pieces` without compiling it (tests/test_i18n.py holds the two together):
# compiling the CJK ranges costs ~3 ms, which every Vietnamese `--help` would pay.
_PLAIN_PIECES = r"“*(?:`[^`]*`|[^\s`“”]+)[”\])}.,;:!?]*|\s+|."


def _pieces(text: str) -> list[str]:
    if text and max(text) >= "\u2e80":
        return re.findall(_CJK_PIECES, text)
    return _plain_pieces(text)


_CLOSERS = frozenset("”])}.,;:!?")


def _plain_pieces(text: str) -> list[str]:
    """`re.findall(_PLAIN_PIECES, text)`, without compiling the pattern (~2 M instructions,
    more than the rest of a Vietnamese `--help` makes of its help texts)."""
    pieces: list[str] = []
    at, size = 0, len(text)
    while at < size:
        end = at
        while end < size and text[end] == "“":
            end += 1
        found = False
        if end < size:
            char = text[end]
            if char == "`":
                close = text.find("`", end + 1)
                if close >= 0:
                    end, found = close + 1, True
            elif not char.isspace() and char not in "“”":
                end, found = end + 1, True
                while end < size and not text[end].isspace() and text[end] not in "`“”":
                    end += 1
        if found:
            while end < size and text[end] in _CLOSERS:
                end += 1
        elif text[at].isspace():
            end = at + 1
            while end < size and text[end].isspace():
                end += 1
        else:
            end = at + 1
        pieces.append(text[at:end])
        at = end
    return pieces


# The high bytes (UTF-16) of the characters below U+1100, where no wide character is assigned,
# and of U+1E00–U+1EFF, the Vietnamese letters with two marks (`Ệ`), which are narrow too.
_NARROW_BLOCKS = bytes(range(0x11)) + b"\x1e"


def _narrow(text: str) -> bool:
    """Every character of `text` takes one column: Vietnamese and English help is measured by
    its length, without looking at a character in Python."""
    # (`max(text)` would make a string of each character to compare it: slower than this.)
    return text.isascii() or not text.encode("utf-16", "surrogatepass")[_HIGH_BYTES].translate(None, _NARROW_BLOCKS)


# Each character's high byte in Python's UTF-16 (after the byte-order mark, in this machine's
# order): "utf-16" is one of the encodings Python writes without looking up a codec module.
_HIGH_BYTES = slice(3, None, 2) if sys.byteorder == "little" else slice(2, None, 2)


def _width(text: str) -> int:
    if _narrow(text):
        return len(text)
    from unicodedata import east_asian_width  # Chinese help only

    return len(text) + sum(east_asian_width(ch) in "WF" for ch in text if ch >= "\u1100")


def _term_len(text: str) -> int:
    """Click's `term_len`: the columns of `text` without its colour codes, a CJK character two."""
    return _width(_strip_ansi("", text))


_strip_ansi = typer._click._compat._ansi_re.sub


class TranslatedWrapper(TextWrapper):
    """Click's wrapper, for Vietnamese and Chinese help: never breaks a `code span` (a reader
    copies it whole), breaks Chinese between characters, and counts a CJK character as two
    columns, as the terminal shows it. English help keeps Click's own wrapping."""

    def wrap(self, text: str) -> list[str]:
        if current() == "en":
            return super().wrap(text)
        narrow = _narrow(text)  # then each piece's width is its length
        if narrow and "`" not in text and "“" not in text and "”" not in text:
            return self._fill(text.split())  # words, each after a space: what _pieces finds in such text
        return self._wrap_pieces(_pieces(text), narrow)

    def _wrap_pieces(self, pieces: list[str], narrow: bool) -> list[str]:
        lines: list[str] = []
        line, used, space = self.initial_indent, _width(self.initial_indent), False
        empty = True
        for piece in pieces:
            if piece.isspace():
                space = not empty
                continue
            gap = " " if space else ""
            size = len(piece) if narrow else _width(piece)
            if not empty and used + len(gap) + size > self.width:
                lines.append(line)
                line, used, gap = self.subsequent_indent, _width(self.subsequent_indent), ""
            line, used, space, empty = line + gap + piece, used + len(gap) + size, False, False
        if not empty:
            lines.append(line)
        return lines

    def _fill(self, words: list[str]) -> list[str]:
        """`wrap` of narrow words with a space between each two: the same lines, per word only."""
        if not words:
            return []
        lines: list[str] = []
        line, used, limit = self.initial_indent + words[0], _width(self.initial_indent) + len(words[0]), self.width
        for word in words[1:]:
            size = len(word)
            if used + 1 + size > limit:
                lines.append(line)
                line, used = self.subsequent_indent + word, _width(self.subsequent_indent) + size
            else:
                line, used = f"{line} {word}", used + 1 + size
        lines.append(line)
        return lines


def _heading(self: Any, heading: str) -> None:
    self.write(f"{'':>{self.current_indent}}" + pgettext("heading", "{heading}:").format(heading=heading) + "\n")


typer._click._textwrap.TextWrapper = TranslatedWrapper  # what typer._click.formatting.wrap_text uses
# Columns line up by the width a terminal gives each character (a CJK one takes two), and a
# section's title ends as its language ends one (Chinese: a full-width colon).
typer._click.formatting.term_len = _term_len
typer._click.formatting.HelpFormatter.write_heading = _heading


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
        if param.metavar is None and param.param_type_name == "option" and not param.is_flag:
            derived = param.make_metavar(ctx)  # `<str>`: Click's word for the type
            if _(derived) != derived:
                saved.append((param, "metavar", None))
                param.metavar = _(derived)
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
            text = self.help or ""  # type: ignore[attr-defined]
            first = text.split("\n\n", 1)[0]
            if not self.short_help and "。" in first:  # type: ignore[attr-defined]
                # Chinese has no spaces for Click to cut at: its first sentence, whole.
                return first.split("。", 1)[0] + "。"
            return super().get_short_help_str(limit)  # type: ignore[misc]
        finally:
            self.short_help, self.help = saved  # type: ignore[attr-defined]


class Command(Localised, TyperCommand):
    pass


class LocalisedGroup(Localised, TyperGroup):
    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """In a translated help the commands are listed as typed (`bbtrack status set`): their
        words stay English, and written whole they read as what to type, not as prose."""
        if current() == "en":
            return super().format_commands(ctx, formatter)
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        commands = [(f"{ctx.command_path} {name}", command) for name, command in commands
                    if command is not None and not command.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _command in commands)
            with formatter.section(_("Commands")):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])
