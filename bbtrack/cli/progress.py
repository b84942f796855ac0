"""A sign of life on the terminal while a large data folder is parsed."""

from __future__ import annotations

from ..core.i18n import _


class Progress:
    """How far a parse is, on a terminal's stderr, once it has taken a second: a parse
    of 100k records takes tens of seconds, which without a sign looks like a hang."""

    def __init__(self, stream) -> None:
        import time

        self.clock = time.monotonic
        self.stream = stream
        self.started = self.clock()
        self.shown = 0.0
        self.count = 0

    def __call__(self, name: str, done: int, total: int) -> None:
        now = self.clock()
        self.count = max(self.count, total)
        if now - self.started >= 1.0 and now - self.shown >= 0.2:
            self.shown = now
            self.stream.write("\rbbtrack: " + _("reading {name}: {done} of {total} records").format(
                name=name, done=f"{done:,}", total=f"{total:,}"))
            self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\rbbtrack: " + _("read {count} records in {seconds} s").format(
                count=f"{self.count:,}", seconds=f"{self.clock() - self.started:.1f}") + "\n")
            self.stream.flush()
