"""The valid part of a folder with problems: what read commands answer from.

One mistyped status (in the middle of a merge, say) must not stop every
`list`, `show` and `report`. A problem that is not fatal sits inside one
record; that record is left out and the others are answered from. Writes
never use this (they refuse a folder with any error), and `check` reports
every problem.

A problem belongs to the record whose first line is the nearest at or
before the problem's line in the same file. Records the parser already left
out (`LoadResult.skipped`) count as boundaries too, so a problem inside one of
them is never pinned on the valid record before it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.model import Dataset


@dataclass(frozen=True)
class Partial:
    """The records a read can stand on, and what was left out."""

    dataset: Dataset
    left_out: tuple[str, ...]  # ids of the records left out
    unnamed: int  # records left out without a readable id
    problems: int  # errors in the folder (warnings not counted)


def skip(skipped: list | None, walker: Any, node: Any) -> None:
    """The loader left out the record at `node`: where it starts, and its id when one is readable."""
    if skipped is not None:
        ids = [v.value for k, v in node.value if k.value == "id" and v.id == "scalar"] if node.id == "mapping" else []
        skipped.append((walker.src(node), ids[0] if ids else None))


def valid_part(result: Any) -> Partial:
    """The dataset of `result` (a `loader.LoadResult`, not imported: the loader imports this module)
    without the records its errors are in. Call only when not fatal."""
    ds = result.dataset
    errors = result.errors
    bounds: dict[str, list[tuple[int, object]]] = {}
    for record in (*ds.commitments, *ds.crossings, *ds.meetings):
        if record.source is not None and record.source.line:
            bounds.setdefault(record.source.file, []).append((record.source.line, record))
    for where, _ in result.skipped:
        bounds.setdefault(where.file, []).append((where.line, None))
    for spans in bounds.values():
        spans.sort(key=lambda span: span[0])
    broken: set[int] = set()
    for problem in errors:
        spans = bounds.get(problem.source.file)
        if not spans or not problem.source.line:
            continue
        at = bisect.bisect_right([line for line, _ in spans], problem.source.line) - 1
        if at >= 0 and spans[at][1] is not None:
            broken.add(id(spans[at][1]))
    commitments = tuple(c for c in ds.commitments if id(c) not in broken)
    crossings = tuple(x for x in ds.crossings if id(x) not in broken)
    named = [r.id for r in (*ds.commitments, *ds.crossings) if id(r) in broken]
    named += [str(ident) for _, ident in result.skipped if ident is not None]
    return Partial(replace(ds, commitments=commitments, crossings=crossings), tuple(dict.fromkeys(named)),
                   sum(ident is None for _, ident in result.skipped), len(errors))
