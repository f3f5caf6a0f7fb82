"""Messages that cross screens. Widget-owned messages live in their widget."""

from __future__ import annotations

from textual.message import Message


class JumpTo(Message):
    """Show this resource in the main tree (posted by search, findings, VPC and IAM screens)."""

    def __init__(self, arn: str) -> None:
        super().__init__()
        self.arn = arn


class ShowAccount(Message):
    """Show the account node (an account-wide warning was picked: it is the account's)."""
