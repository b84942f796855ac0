"""Line-based three-way merge, and reading back the conflict markers git writes.

The record merge (`merge.py`) merges records by id; the text between records
(header comments, `schema:`, section headings) is merged line by line here,
as git itself would. `split_diff3` recovers the three versions from a file
git (or a forge, or an editor) left with diff3-style conflict markers, which
is how `bbtrack resolve` works without the index.
"""

from __future__ import annotations

import difflib
from typing import Iterator

from ..core.i18n import _
from ..core.errors import DataError
from ..core.problems import Source

MARK_OURS, MARK_BASE, MARK_SEP, MARK_THEIRS = "<" * 7, "|" * 7, "=" * 7, ">" * 7


def lines(text: str) -> list[str]:
    """`text` as lines that keep their "\\n" (only "\\n" ends a line, as in git)."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _sync_regions(base: list[str], a: list[str], b: list[str]) -> list[tuple[int, int, int, int, int, int]]:
    """Runs of base lines that both sides kept, with where they stand in each side."""
    a_blocks = difflib.SequenceMatcher(None, base, a, autojunk=False).get_matching_blocks()
    b_blocks = difflib.SequenceMatcher(None, base, b, autojunk=False).get_matching_blocks()
    regions = []
    ia = ib = 0
    while ia < len(a_blocks) and ib < len(b_blocks):
        a_base, a_at, a_len = a_blocks[ia]
        b_base, b_at, b_len = b_blocks[ib]
        low, high = max(a_base, b_base), min(a_base + a_len, b_base + b_len)
        if low < high:
            a_sub, b_sub = a_at + low - a_base, b_at + low - b_base
            regions.append((low, high, a_sub, a_sub + high - low, b_sub, b_sub + high - low))
        if a_base + a_len < b_base + b_len:
            ia += 1
        else:
            ib += 1
    regions.append((len(base), len(base), len(a), len(a), len(b), len(b)))
    return regions


def merge3(base: list[str], a: list[str], b: list[str]) -> Iterator[tuple[str, list[str], list[str], list[str]]]:
    """("ok", lines, [], []) for merged runs, ("conflict", a_lines, base_lines, b_lines) where both sides
    changed the same base lines differently (the diff3 algorithm)."""
    iz = ia = ib = 0
    for z_at, z_end, a_at, a_end, b_at, b_end in _sync_regions(base, a, b):
        a_part, b_part, z_part = a[ia:a_at], b[ib:b_at], base[iz:z_at]
        if a_part or b_part:
            if a_part == b_part or b_part == z_part:
                yield "ok", a_part, [], []
            elif a_part == z_part:
                yield "ok", b_part, [], []
            else:
                yield "conflict", a_part, z_part, b_part
        if z_end > z_at:
            yield "ok", base[z_at:z_end], [], []
        iz, ia, ib = z_end, a_end, b_end


def marker(kind: str, label: str, nl: str) -> str:
    return f"{kind} {label}{nl}" if label else f"{kind}{nl}"


def _marker_kind(line: str) -> str | None:
    head = line[:7]
    if head in (MARK_OURS, MARK_BASE, MARK_SEP, MARK_THEIRS) and (len(line) == 7 or line[7] in " \t\r\n"):
        if head == MARK_SEP and line.rstrip("\r\n") != MARK_SEP:
            return None
        return head
    return None


def has_markers(text: str) -> bool:
    return any(_marker_kind(line) == MARK_OURS for line in lines(text))


def split_diff3(text: str, filename: str) -> tuple[str, str, str]:
    """(base, ours, theirs) of a file left with diff3-style conflict markers.

    Outside the marked hunks the three are the text git already merged. A hunk
    without a base section (git's default "merge" style) cannot say what the
    common version was: that is refused, with the ways to get it.
    """
    out: dict[str, list[str]] = {"base": [], "ours": [], "theirs": []}
    state = None  # None outside a hunk, else which section we are in
    seen_base = False
    start_line = 0
    for number, line in enumerate(lines(text), 1):
        kind = _marker_kind(line)
        if state is None:
            if kind == MARK_OURS:
                state, seen_base, start_line = "ours", False, number
                continue
            if kind in (MARK_BASE, MARK_SEP, MARK_THEIRS):
                raise DataError(_("conflict marker {marker} outside a <<<<<<< block; fix the markers by hand").format(marker=kind),
                                Source(filename, number))
            for side in out.values():
                side.append(line)
            continue
        if kind == MARK_BASE and state == "ours":
            state, seen_base = "base", True
        elif kind == MARK_SEP and state in ("ours", "base"):
            if not seen_base:
                raise DataError(
                    _("this conflict has no base section (|||||||), so what both sides started from is unknown; "
                      "run `git checkout --conflict=diff3 -- FILE` (during the merge) or "
                      "`git config merge.conflictStyle diff3` before merging, then `bbtrack resolve` again"),
                    Source(filename, start_line))
            state = "theirs"
        elif kind == MARK_THEIRS and state == "theirs":
            state = None
        elif kind is not None:
            raise DataError(_("unexpected conflict marker {marker} (nested or out of order); resolve this one by hand").format(
                marker=kind),
                            Source(filename, number))
        else:
            out[state].append(line)
    if state is not None:
        raise DataError(_("a conflict block is not closed with >>>>>>>; fix the markers by hand"),
                        Source(filename, start_line))
    return "".join(out["base"]), "".join(out["ours"]), "".join(out["theirs"])
