"""Sub-commands. Each module has `NAME`, `add_parser(subparsers)` and `run(args) -> int`;
`TARGETED = True` gives it the --profile/--region/--endpoint-url/--demo options."""

from __future__ import annotations

import argparse

from awsexplorer.cli.commands import (
    diff,
    exposure,
    findings,
    history,
    merge,
    permissions,
    related,
    scan,
    whois,
)

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    class Command(Protocol):
        """What a sub-command module provides (mypy checks each module below against it)."""

        NAME: str

        def add_parser(self, subparsers: Any) -> argparse.ArgumentParser: ...

        def run(self, args: argparse.Namespace) -> int: ...


COMMANDS: tuple[Command, ...] = (
    scan,
    findings,
    permissions,
    exposure,
    history,
    diff,
    related,
    whois,
    merge,
)


def by_name(name: str) -> Command:
    return next(c for c in COMMANDS if name == c.NAME)
