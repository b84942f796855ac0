"""Where a record or a finding lives, and what is wrong there.

Records carry their `Source` (file, line, column) so that every message can
name the place; validation returns `Problem` values, all collected, never
raised (`bbtrack.core.errors` holds what stops a command).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """Where something lives: file, 1-based line and column (0 = unknown)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        if not self.col:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about the data, never raised: validation collects them."""

    source: Source
    code: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.source}: {self.code} {self.message}"
