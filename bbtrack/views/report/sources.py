"""The report's sources as numbered notes: on paper a link shows its site's name, and the
full address is listed once, under its number, at the end (HTML print and Word alike)."""

from __future__ import annotations

from .model import Report, evidence_of, is_web_url
from .text import Label, TEXT

TITLE = Label("report", TEXT.english["sources"])


def source_numbers(r: Report) -> dict[str, int]:
    """Each linkable address numbered once, in the order the report first shows it."""
    numbers: dict[str, int] = {}

    def add(urls) -> None:
        for url in urls:
            if is_web_url(url):
                numbers.setdefault(url, len(numbers) + 1)

    for e in r.events:
        add(e.entry.evidence)
    for block in r.blocks:
        for _, records in block.sections:
            for c in records:
                add(evidence_of(c))
    return numbers
