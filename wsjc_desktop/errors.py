"""The two kinds of error: what the user caused (shown in Chinese) and everything else (a bug)."""

from __future__ import annotations


class UserError(Exception):
    """Bad input, a missing record, a locked file: shown to the user, nothing is written.

    ``field`` names the offending field (its code name) so a form can put the message
    beside the right input; ``message`` is the Chinese text shown to the user.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFoundError(UserError):
    """The record asked for does not exist (or is in the recycle bin)."""


class DuplicateError(UserError):
    """The record would duplicate one already present."""


class SchemaTooNewError(UserError):
    """The file was written by a newer program version than this one."""
