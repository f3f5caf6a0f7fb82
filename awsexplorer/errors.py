"""Errors meant for a person: one line saying what is wrong and one saying what to do."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or set-up (credentials, profile, region, file). Shown without a traceback."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nHint: {self.hint}"
