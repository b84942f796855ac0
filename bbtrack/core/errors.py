"""Errors: a condition that stops a command, and the exit code it leaves with.

Core code never prints or exits. Bad user data is reported as `Problem`
values (`bbtrack.core.problems`: collected, never raised); a condition that stops
a command is a `BbtrackError` subclass carrying its exit code. The CLI edge
turns either into one line on stderr. This module is imported by every
command, `--help` included, so it defines no dataclass (creating one costs
~1 ms of start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .problems import Source

# Exit codes, documented in docs/errors.md (and README "Errors and exit codes").
EXIT_OK = 0
EXIT_DATA = 1  # data problems found (check) or a record/value the user named does not exist
EXIT_USAGE = 2  # bad arguments, or input so broken it cannot be used
EXIT_CONFLICT = 3  # the file changed under us / locked: nothing written, retry


class BbtrackError(Exception):
    """Base of every error a user may see; `exit_code` says how the CLI exits."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, source: Source | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class UsageError(BbtrackError):
    """The command line asks for something impossible (bad date, unknown status...)."""

    exit_code = EXIT_USAGE


class NotFoundError(BbtrackError):
    """A record, file or revision the user named does not exist."""

    exit_code = EXIT_DATA


class NoRecordError(NotFoundError):
    """The editor found no record with the id asked for: the caller names the nearest ids."""


class DataError(BbtrackError):
    """A data file cannot be used at all (unreadable, not YAML, wrong shape)."""

    exit_code = EXIT_USAGE


class EditRefused(BbtrackError):
    """The file has a shape the splicing editor will not touch safely."""

    exit_code = EXIT_DATA


class ConflictError(BbtrackError):
    """The file changed between read and write, or another writer holds the lock."""

    exit_code = EXIT_CONFLICT
