"""Sub-commands. Each module has `NAME`, `add_parser(subparsers)` and `run(args) -> int`;
`TARGETED = True` gives it the --profile/--region/--endpoint-url/--demo options."""

from __future__ import annotations

from types import ModuleType

from awsexplorer.commands import findings, permissions, scan

COMMANDS: tuple[ModuleType, ...] = (scan, findings, permissions)


def by_name(name: str) -> ModuleType:
    return next(c for c in COMMANDS if name == c.NAME)
