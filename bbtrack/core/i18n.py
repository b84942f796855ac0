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

    Opening one indexes the originals with no Python loop over the ~700 messages (one cost
    more than a `--help` looks up): they lie end to end in the file, each ending in a NUL, in
    the order of the table, so one `split` gives them in order, {piece: its number}. A plural
    message's original, "singular\0plural", is two pieces: an entry is at most that many
    places before its piece (`_extra`), and a lookup checks the few it could be.
    """

    def __init__(self, data: bytes) -> None:
        if sys.byteorder != "little" or len(data) < 28 or data[:4] != b"\xde\x12\x04\x95" or data[4:8] != bytes(4):
            raise ValueError("not a catalogue this reader reads")
        entries, originals, translations = (int.from_bytes(data[at:at + 4], "little") for at in (8, 12, 16))
        view = memoryview(data)
        self._keys = view[originals:originals + 8 * entries].cast("I")  # size, offset, size, offset, …
        self._values = view[translations:translations + 8 * entries].cast("I")
        if not entries or len(self._keys) != 2 * entries or len(self._values) != 2 * entries:
            raise ValueError("truncated catalogue")
        self._data = data
        self._found: dict[str, str | None] = {}
        self._found_plural: dict[str, str | None] = {}
        first, end = self._keys[1], self._keys[-1] + self._keys[-2]
        if end - first == sum(self._keys[0::2]) + entries - 1:  # end to end, no gap
            pieces = data[first:end].split(b"\x00")
            self._index, self._extra = dict(zip(pieces, range(1, len(pieces) + 1))), len(pieces) - entries
        else:
            self._index, self._extra = self._index_by_offsets(), 0
        header = (self._translate("", False) or "").lower()  # a catalogue's header is the translation of ""
        if "charset=utf-8" not in header or "nplurals=1;" not in header.replace(" ", ""):
            raise ValueError("a catalogue with plural forms or another charset")

    def _index_by_offsets(self) -> dict[bytes, int]:
        """{original up to its first NUL: entry + 1}, from each original's own offset."""
        keys, data = self._keys, self._data
        return {data[keys[at + 1]:keys[at + 1] + keys[at]].split(b"\x00", 1)[0]: at // 2 + 1
                for at in range(0, len(keys), 2)}

    def _value(self, entry: int) -> bytes:
        size, offset = self._values[2 * entry], self._values[2 * entry + 1]
        return self._data[offset:offset + size]

    def _lookup(self, key: str, plural: bool = False) -> str | None:
        """The translation of `key` (`plural`: only of a plural message whose singular it is)."""
        found = self._found_plural if plural else self._found
        if key not in found:
            found[key] = self._translate(key, plural)
        return found[key]

    def _translate(self, key: str, plural: bool) -> str | None:
        encoded = key.encode("utf-8", "surrogatepass")
        piece = self._index.get(encoded)
        if piece is None:
            return None
        keys, data, size = self._keys, self._data, len(encoded)
        for entry in range(min(piece, len(keys) // 2) - 1, max(piece - 2 - self._extra, -1), -1):
            length, offset = keys[2 * entry], keys[2 * entry + 1]
            if data.startswith(encoded, offset) and (length == size or (length > size and data[offset + size] == 0)):
                if length == size:
                    return None if plural else self._value(entry).decode("utf-8")
                # A plural message, found by its singular (by `gettext` too, as the standard
                # library's): one plural form (checked), the first is every n's.
                return self._value(entry).decode("utf-8").split("\x00", 1)[0]
        if self._extra:
            # Not where the file's order puts it: a plural part, or originals in another order.
            self._index, self._extra = self._index_by_offsets(), 0
            return self._translate(key, plural)
        return None

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
        return found


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
