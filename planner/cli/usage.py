"""The command's own input refused (a file missing, an option out of range) and the exit
statuses the commands answer with."""

from __future__ import annotations

EXIT_INVALID = 2  # the input was refused: one line on standard error, nothing written
EXIT_BROKEN = 1  # audit verify: the chain is broken


class UsageError(Exception):
    """A problem with the command's own input (file missing, unreadable...)."""
