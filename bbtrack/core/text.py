"""Text helpers: how people type Vietnamese, and what a terminal must never see."""

from __future__ import annotations

import os
import re
import unicodedata

# đ/Đ is a letter of its own, not d + a combining mark: NFD does not split it.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})

# C0/C1 controls (ESC starts ANSI/OSC sequences), DEL, and bidi overrides and
# isolates, which can make a line display in a different order than stored.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]"
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """A key for matching: no case, no diacritics, no normalisation form, one space.

    "LẠNG SƠN", "lang son", "Lạng Sơn" in NFD and "Lang  Son" all fold alike.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA_FOLDS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().translate(_EXTRA_FOLDS).split())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def collapse_ws(text: str) -> str:
    return " ".join(text.split())


def safe_text(text: str) -> str:
    """Text from the data made inert for a terminal: controls and bidi marks shown as
    visible escapes, newlines and tabs as spaces. Rich markup is handled by the
    renderer (it never parses data as markup)."""
    # Nothing _UNSAFE matches is printable, nor are newlines and tabs: most cells
    # leave here after one C-speed scan (a 75k-row table spent 0.1 s in the regex).
    if text.isprintable():
        return text
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def has_unsafe(text: str) -> bool:
    return bool(_UNSAFE.search(text))


def display_path(path: str | os.PathLike[str]) -> str:
    """Paths in messages and diffs: relative to the current folder when under it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # e.g. another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
