"""The reader's language, and every message bbtrack prints to a person in it.

Messages are written in English in the code and marked: `_()` for a sentence,
`pgettext(context, …)` for a label whose English word could mean two things
(the status "done", the column "status"), `ngettext` for counts, `N_()` for a
string defined before the language is known (option help, label tables), to be
translated where it is shown. Babel extracts them into `bbtrack/locale/bbtrack.pot`;
each language has one catalogue, `bbtrack/locale/<lang>/LC_MESSAGES/bbtrack.po`,
compiled to the `.mo` read at run time (`Compiled`; Babel is a development tool
only). `tools/i18n.py` extracts, updates, compiles
and checks; `tests/test_i18n.py` fails when a message is missing from a
catalogue, or a translation drops one of its `{placeholders}`.

English is the source language, so it needs no catalogue. Placeholders are
named (`{id}`), filled with `str.format` after translation, so a translator
may move them.

The language is chosen once per command (`choose`): `--lang`, then
`BBTRACK_LANG`, then the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), then
Vietnamese. Functions that are given a language (`lang=`) use it; the others
use the one chosen for the command (`set_language`).
"""

from __future__ import annotations

import os
import sys
from itertools import accumulate, compress
from typing import Mapping

LANGS = ("vi", "en", "zh")
DEFAULT = "vi"
DOMAIN = "bbtrack"
LOCALE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "locale")

_current = DEFAULT
_catalogues: dict[str, object] = {}


class _English:
    """The source language: every message is its own translation."""

    @staticmethod
    def gettext(message: str) -> str:
        return message

    @staticmethod
    def pgettext(context: str, message: str) -> str:
        return message

    @staticmethod
    def ngettext(singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


def catalogue(lang: str | None = None):
    """The translations of `lang` (default: the command's language), loaded once."""
    lang = lang or _current
    found = _catalogues.get(lang)
    if found is None:
        if lang == "en":
            found = _English()
        else:
            path = os.path.join(LOCALE_DIR, lang, "LC_MESSAGES", f"{DOMAIN}.mo")
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                # A broken install: English rather than no message at all. The test
                # suite fails when a catalogue is missing, so this is never shipped.
                found = _English()
            else:
                found = _read_mo(data)
        _catalogues[lang] = found
    return found


class Compiled:
    """A compiled catalogue (`.mo`) kept as bytes; a message is decoded when it is asked for.

    The standard library's `gettext.GNUTranslations` decodes every message and parses the
    header when it opens a catalogue: with the import of `gettext` and `locale`, ~3 ms of
    every Vietnamese or Chinese command, most of what a warm `list` costs beyond Python's
    start. This reads the same file for the case bbtrack ships (UTF-8, one plural form,
    little-endian, written by Babel), and `_read_mo` hands anything else to gettext.
    tests/test_i18n.py holds the two to the same answer for every message.

    Opening one builds a single index, {original's bytes: position}, in C loops only (one
    `split` of the originals, which the file keeps end to end, each ending in a NUL): a
    Python loop over the ~700 messages cost more than a `--help` looks up (~60 of them).
    """

    def __init__(self, data: bytes) -> None:
        if sys.byteorder != "little" or len(data) < 28 or data[:4] != b"\xde\x12\x04\x95" or data[4:8] != bytes(4):
            raise ValueError("not a catalogue this reader reads")
        count, originals, translations = (int.from_bytes(data[at:at + 4], "little") for at in (8, 12, 16))
        view = memoryview(data)
        keys = view[originals:originals + 8 * count].cast("I").tolist()  # length, offset, length, …
        values = view[translations:translations + 8 * count].cast("I").tolist()
        if not count or len(keys) != 2 * count or len(values) != 2 * count:
            raise ValueError("truncated catalogue")
        self._data = data
        self._key_sizes, self._values = keys[0::2], values
        starts = keys[1::2]
        first, last = min(starts), max(starts)
        # Each piece between NULs, by where it starts; a piece that starts no original (the
        # plural part of "singular\0plural") finds no position and is left out (`compress`).
        pieces = data[first:last + keys[2 * starts.index(last)]].split(b"\x00")
        at = accumulate(map((1).__add__, map(len, pieces)), initial=first)
        positions = list(map(dict(zip(starts, range(1, count + 1))).get, at))  # 1-based: 0 is falsy
        self._index = dict(compress(zip(pieces, positions), positions))
        if len(self._index) != count:
            raise ValueError("originals not laid out end to end")
        header = self._value(0).lower()
        if b"charset=utf-8" not in header or b"nplurals=1;" not in header.replace(b" ", b""):
            raise ValueError("a catalogue with plural forms or another charset")

    def _value(self, position: int) -> bytes:
        size, offset = self._values[2 * position], self._values[2 * position + 1]
        return self._data[offset:offset + size]

    def _lookup(self, key: str, plural: bool = False) -> str | None:
        """The translation of `key` (`plural`: of the plural message whose singular it is)."""
        encoded = key.encode("utf-8", "surrogatepass")
        position = self._index.get(encoded)
        if position is None:
            return None
        position -= 1
        # A plural message is indexed by its singular, which is not its whole original.
        if (self._key_sizes[position] != len(encoded)) != plural:
            return None
        return self._value(position).decode("utf-8")

    def gettext(self, message: str) -> str:
        found = self._lookup(message)
        return message if found is None else found

    def pgettext(self, context: str, message: str) -> str:
        found = self._lookup(f"{context}\x04{message}")
        return message if found is None else found

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._lookup(singular, plural=True)
        if found is None:
            return singular if n == 1 else plural
        return found.split("\x00", 1)[0]  # one plural form (checked above): the first is every n's


def _read_mo(data: bytes):
    try:
        return Compiled(data)
    except ValueError:
        import gettext
        import io

        return gettext.GNUTranslations(io.BytesIO(data))


def _(message: str, lang: str | None = None) -> str:
    """`message` in the reader's language (or in `lang`)."""
    return catalogue(lang).gettext(message)


def pgettext(context: str, message: str, lang: str | None = None) -> str:
    return catalogue(lang).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    return catalogue(lang).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks `message` for the catalogue without translating it yet."""
    return message


def current() -> str:
    return _current


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGS:
        raise ValueError(lang)
    _current = lang


def from_locale(environ: Mapping[str, str]) -> str | None:
    """The language of a POSIX locale (`vi_VN.UTF-8`, `zh_CN.UTF-8`, `en_GB`), if bbtrack has it.
    The first variable set decides, as in POSIX: LC_ALL, then LC_MESSAGES, then LANG."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            code = value.split(".", 1)[0].split("_", 1)[0].split("-", 1)[0].lower()
            return code if code in LANGS else None
    return None


def choose(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The command's language: `--lang`, BBTRACK_LANG, the locale, Vietnamese.

    An unknown word given on purpose (`--lang` or BBTRACK_LANG) raises ValueError with the
    word, for the caller to name the nearest language; an unknown locale falls back quietly."""
    environ = os.environ if environ is None else environ
    for given in (explicit, environ.get("BBTRACK_LANG")):
        if given:
            word = given.strip().lower().replace("_", "-")
            word = {"zh-cn": "zh", "zh-hans": "zh", "cn": "zh", "vn": "vi"}.get(word, word)
            if word not in LANGS:
                raise ValueError(given)
            return word
    return from_locale(environ) or DEFAULT
