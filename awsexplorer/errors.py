"""Errors meant for a person: one line saying what is wrong and one saying what to do."""

from __future__ import annotations

# The process's exit codes (the CLI's and its sub-commands').
EXIT_OK = 0
EXIT_USAGE = 2
EXIT_PARTIAL = 3  # some calls or regions could not be read
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """Bad input or set-up (credentials, profile, region, file). Shown without a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nHint: {self.hint}"
