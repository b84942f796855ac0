"""The ladder's rows: each passage or road under its own gate, each pair named once.

Apart from `model` so every format (and a template) asks one place how a row is
placed and named.
"""

from __future__ import annotations

from typing import Protocol

from ...core.model import Crossing
from ..render import kind_label, pair_zh
from .text import TEXT


class Report(Protocol):
    """What the ladder needs of `model.Report`: its rows, in order, and the reader's language."""

    crossings: tuple[Crossing, ...]

    @property
    def lang(self) -> str: ...


def nested(crossings: tuple[Crossing, ...]) -> tuple[Crossing, ...]:
    """Each crossing followed by its passages and roads (`parent`), at any depth, in the data's
    order otherwise: the ladder's "↳" rows sit under their own parent. A passage whose parent is
    not shown (another province's scope) stands as a row of its own."""
    shown = {x.id for x in crossings}
    children: dict[str, list[Crossing]] = {}
    for x in crossings:
        if x.parent in shown and x.parent != x.id:
            children.setdefault(x.parent, []).append(x)
    ordered: list[Crossing] = []
    placed: set[str] = set()

    def visit(x: Crossing) -> None:
        if x.id in placed:  # a parent cycle in hand-edited data: each row once all the same
            return
        placed.add(x.id)
        ordered.append(x)
        for child in children.get(x.id, ()):
            visit(child)

    for x in crossings:
        if x.parent not in shown or x.parent == x.id:
            visit(x)
    for x in crossings:  # rows caught in a cycle, so reached from no root
        visit(x)
    return tuple(ordered)


def crossing_depth(x: Crossing, r: Report) -> int:
    by_id = {c.id: c for c in r.crossings}
    depth, seen = 0, {x.id}
    while x.parent in by_id and x.parent not in seen:
        x = by_id[x.parent]
        seen.add(x.id)
        depth += 1
    return depth


def crossing_name(x: Crossing, r: Report) -> str:
    """The ladder row's name, "↳ " marking a passage under the row of its parent. A road named
    by its gate pair ("Hữu Nghị – Hữu Nghị Quan" for the 1119–1120 road) is named by its kind and
    markers instead: the pair is its parent's row, shown once."""
    depth = crossing_depth(x, r)
    by_id = {c.id: c for c in r.crossings}
    name = pair_zh(x) if r.lang == "zh" else x.pair
    parent = by_id.get(x.parent) if depth else None
    # A road of its parent's pair (same partner gate) that has a name only in Vietnamese
    # ("đường … qua khu vực mốc 1119-1120"): an English or Chinese reader gets its kind and
    # markers in their language, which the data does say, rather than the Vietnamese words.
    unnamed = r.lang != "vi" and x.markers and not x.name_zh and x.partner_vi == parent.partner_vi \
        if parent is not None else False
    if parent is not None and (parent.pair == x.pair or unnamed):
        space = "" if r.lang == "zh" else " "
        markers = (space + TEXT[r.lang]["via_markers"].format(markers=x.markers)) if x.markers else ""
        name = kind_label(x.kind, r.lang) + markers
    return ("  " * (depth - 1) + "↳ " if depth else "") + name
