"""Finding English where a Vietnamese or Chinese reader should see none.

A word counts as English when it is an ASCII word, not touching any other
letter (so the "th" of "thể" is not one), that occurs in the English side of the
catalogue or in the list of common English words below, and is not one of the
things a reader may see in any language: URLs, ids, codes, option and command
words, file names, environment variables, and the few names and acronyms that
every language writes the same way.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Always code, whatever the language: stripped before words are looked at.
_CODE = [
    re.compile(r"https?://\S+|www\.\S+"),                   # links
    re.compile(r"[\w./-]+\.(?:ya?ml|md|txt|json|csv|html|docx|xlsx|pdf|po|mo|lock)\b"),  # files
    re.compile(r"(?<![\w/])(?:/|\./|\.\./|~/)[\w./-]+"),    # paths
    re.compile(r"\b(?:[a-z0-9-]+\.)+(?:vn|cn|com|org|net|gov|int|info)(?![a-z])"),  # a link's site, its note number after
    re.compile(r"`[^`\n]*`"),                               # `bbtrack check`
    re.compile(r"(?<![\w-])--entry\s+\S+"),                 # --entry last: a value typed as it is
    re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*"),             # --data-dir, -p
    re.compile(r"\bbbtrack(?:\s+[a-z][\w-]*)*"),            # bbtrack status set
    re.compile(r"\b[A-Z]{2,}\d*(?:-\d+)+\b"),               # SM23-3-17
    re.compile(r"\b[a-z0-9]+(?:[-_][a-z0-9+]+)+\b"),        # huu-nghi, in_progress, road-1119-1120
    re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"),       # BBTRACK_LANG
    re.compile(r"\b[0-9a-f]{7,40}\b"),                      # commit hashes
]
# Written the same in every language the tool speaks: names, formats, acronyms, codes.
NEUTRAL = {
    "bbtrack", "yaml", "git", "json", "csv", "xlsx", "docx", "html", "markdown", "excel", "word", "pdf",
    "utf", "bom", "url", "urls", "id", "ids", "head", "main", "vi", "en", "zh", "lang", "rich", "pager",
    "less", "cat", "sm", "km", "sm23", "https", "http", "www", "typer", "click", "python", "taskwarrior",
    "chromium", "libreoffice", "playwright", "lc_all", "unicode", "nfc", "nfd", "csp", "a4", "gacc",
    "tin", "can", "ban", "con", "hai", "cho", "theo",  # Vietnamese words typed without marks
    "giang", "ninh", "quang", "lang", "son", "cao", "tuyen", "phong", "mong", "cai", "chi", "lung", "lan",
    "ubnd", "byte", "bytes",
}
# Codes a user types (a status, a kind, a --group or --format value): allowed as typed, in lower
# case; "Done" or "Province" in a Vietnamese or Chinese line is a word left untranslated.
CODES = {
    "open", "ongoing", "done", "dropped", "planned", "approved", "accepted", "upgraded", "opened",
    "continuing", "oneoff", "deliverable", "province", "party", "section", "kind", "terminal", "minutes",
    "programme", "table", "text", "weak", "pilot",
}
COMMON = set("""
about after again against all also and any are because been before being below between both but
by can cannot could did does doing done down during each error errors exit few file files for from
further had has have having here how into invalid its itself just last least made many may missing
more most must need needs new next not nothing now only other our out over own same see shall should
show shows since some such than that the their them then there these they this those through too
under until updated use used uses using very warning was were what when where which while who why will
with without would you your record records date dates status note notes evidence found line lines
given unknown already changed change changes nothing written write wrote read reads
""".split())


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Words of the English side of the catalogue and common English, less the neutral ones."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import i18n as catalogue_tool  # tools/i18n.py
    finally:
        sys.path.pop(0)
    words = set(COMMON)
    for message in catalogue_tool.extract():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            for word in _words(_strip(text)):
                if len(word) >= 4:
                    words.add(word.lower())
    return frozenset(words - NEUTRAL)


def _strip(text: str) -> str:
    for pattern in _CODE:
        text = pattern.sub(" ", text)
    return text


def _words(text: str) -> list[str]:
    return re.findall(r"(?<![^\W\d_])[A-Za-z]{3,}(?![^\W\d_])", text)


def english_in(text: str, allowed: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The English words of `text` (each once, in order)."""
    known = english_words()
    seen: dict[str, None] = {}
    for word in _words(_strip(text)):
        lower = word.lower()
        if lower in known and lower not in allowed and lower not in NEUTRAL and word not in CODES:
            seen.setdefault(word, None)
    return list(seen)
