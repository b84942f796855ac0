"""What a person typed, matched to the word they meant, or the closest words offered.

People type ids in lower case and without the zero padding (`sm23-3-9`),
statuses and stages in Vietnamese (`đang thực hiện`), and make typos (`doen`,
`aproved`). Every lookup folds case, diacritics and Unicode form first
(`text.fold`); what still matches nothing is refused with the closest valid
words, found by difflib on the folded text.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from .errors import UsageError
from .i18n import _, current, pgettext
from .text import fold

# Compiled when an id is first looked up (`re` caches it): every `list` imports this module,
# most never look an id up, and compiling costs ~1 M instructions.
_COMMITMENT_ID = r"^\s*([A-Za-z][A-Za-z0-9]*)-0*(\d+)-0*(\d+)\s*$"


def commitment_id(text: str) -> str | None:
    """The canonical commitment id for `sm23-3-9`, `SM23-03-009`…: `SM23-3-09`; None if not of that form."""
    match = re.match(_COMMITMENT_ID, text)
    if not match:
        return None
    meeting, section, number = match.groups()
    return f"{meeting.upper()}-{int(section)}-{int(number):02d}"


def distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from `a` to `b`: `doen` is 1 from `done`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]


def closest(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The choices nearest to `word`, compared folded; the choices as given, best first.

    Nearest by edits (a swapped pair counts one: `SM23-3-41` finds `SM23-3-14`), then by
    difflib's likeness; only the choices as near as the best are offered, at most `n`."""
    import difflib  # only on the way to an error message

    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(fold(choice), choice)
    key = fold(word)
    limit = max(2, len(key) // 3)
    scored = []
    for candidate in by_key:
        edits = distance(key, candidate)
        likeness = difflib.SequenceMatcher(None, key, candidate).ratio()
        if edits <= limit or likeness >= cutoff:
            scored.append((edits, -likeness, candidate))
    scored.sort()
    best = scored[0][0] if scored else 0
    return [by_key[c] for edits, _, c in scored[:n] if edits == best]


def listed(words: Iterable[str]) -> str:
    """"a, b, c" as the reader's language separates a list ("a、b、c" in Chinese)."""
    return pgettext("list separator", ", ").join(words)


def either(words: Iterable[str]) -> str:
    """"a, b or c" in the reader's language."""
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return _("{words} or {last}").format(words=listed(words[:-1]), last=words[-1])


def hint(near: Iterable[str]) -> str:
    """The clause "; did you mean X or Y?" for `near`, or "" when there is none."""
    near = list(near)
    return _("; did you mean {near}?").format(near=either(near)) if near else ""


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """"; did you mean X or Y?" for the closest choices, or ""."""
    return hint(closest(word, choices, n))


def noun(what: str) -> str:
    """The name of what was asked for (`status`, `--due`…) in the reader's language; an option as typed."""
    nouns = {
        "status": pgettext("what", "status"),
        "stage": pgettext("what", "stage"),
        "kind": pgettext("what", "kind"),
        "crossing kind": pgettext("what", "crossing kind"),
        "sort key": pgettext("what", "sort key"),
        "grouping": pgettext("what", "grouping"),
        "format": pgettext("what", "format"),
        "date": pgettext("what", "date"),
        "province": pgettext("what", "province"),
        "party": pgettext("what", "party"),
        "language": pgettext("what", "language"),
        "commitment": pgettext("what", "commitment"),
        "crossing": pgettext("what", "crossing"),
        "meeting": pgettext("what", "meeting"),
        "history entry": pgettext("what", "history entry"),
        "the file": pgettext("what", "the file"),
        "commitments": pgettext("what", "commitments"),
        "crossings": pgettext("what", "crossings"),
        "confidence": pgettext("what", "confidence"),
        "due_source": pgettext("what", "due source"),
    }
    return nouns.get(what, what)


def shown(words: Iterable[str], labels: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Codes as a reader of another language knows them: their labels, which are typed as well as the codes."""
    names = labels.get(current()) if current() != "en" else None
    return [names.get(word, word) for word in words] if names else list(words)


def unknown(what: str, value: str, near: Iterable[str], allowed: Iterable[str]) -> UsageError:
    """The error for a word that is none of `allowed`, naming the nearest."""
    return UsageError(_("unknown {what} {value!r}{hint} (one of {allowed})").format(
        what=noun(what), value=value, hint=hint(near), allowed=listed(allowed)))


def choose(value: str, allowed: Iterable[str], what: str) -> str:
    """An option value from a fixed list, in any case (`--format JSON`); UsageError naming the closest."""
    allowed = tuple(allowed)
    key = value.strip().lower()
    if key in allowed:
        return key
    raise unknown(what, value, closest(value, allowed), allowed)


def word_of(value: str, vocabulary: Iterable[str], labels: Mapping[str, Mapping[str, str]], what: str) -> str:
    """A status or stage however typed: `in_progress`, `In Progress`, `in-progress`, or a label in any
    language (`đang thực hiện`, `dang thuc hien`). UsageError with the closest words otherwise."""
    vocabulary = tuple(vocabulary)
    folded = fold(value)
    for spelling in (folded, folded.replace(" ", "_"), folded.replace(" ", "-"),
                     folded.replace("-", "_"), folded.replace("_", "-")):
        if spelling in vocabulary:
            return spelling
    by_label = {fold(label): word for names in labels.values() for word, label in names.items()}
    spaced = " ".join(folded.replace("_", " ").replace("-", " ").split())  # dang_thuc_hien
    if spaced in by_label:
        return by_label[spaced]
    near = closest(value, [*vocabulary, *by_label])
    words = list(dict.fromkeys(by_label.get(fold(n), n) for n in near))
    raise unknown(what, value, shown(words, labels), shown(vocabulary, labels))


def status_of(value: str) -> str:
    from .vocab import STATUS_ALIASES, STATUS_LABELS, STATUSES

    # Labels once shown are still understood when typed ("chưa triển khai" is `open`).
    aliases = {"old": {status: label for label, status in STATUS_ALIASES.items()}}
    return word_of(value, STATUSES, {**STATUS_LABELS, **aliases}, "status")


def stage_of(value: str) -> str:
    from .vocab import STAGE_LABELS, STAGES

    return word_of(value, STAGES, STAGE_LABELS, "stage")
