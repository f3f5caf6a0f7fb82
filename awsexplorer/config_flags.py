"""The settings' command-line flags and the defaults they name, for config.py.

Apart from config.py so that the command line's parser (and `awsexplorer --help`) is built
without config.py's dataclasses: argparse and this module, nothing else. config.py re-exports
every name here; import them from there.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# One API call, every retry included (seconds; --call-timeout).
DEFAULT_CALL_TIMEOUT = 40.0
DEFAULT_REQUIRED_TAGS: tuple[str, ...] = ("project", "environment", "owner")
DEFAULT_STALE_DAYS = 90
CONFIG_ENV = "AWSEXPLORER_CONFIG"


def add_arguments(parser: argparse.ArgumentParser, *, sub: bool = False) -> None:
    """The settings flags, in their own help group. Unset flags read as None ("not given").

    On a sub-command (`sub=True`) their defaults are suppressed, so that the same flag given
    before the sub-command (`awsexplorer --stale-days 30 scan`) is not reset by argparse."""
    default: object = argparse.SUPPRESS if sub else None
    group = parser.add_argument_group("warnings (checks)")
    group.add_argument(
        "--config",
        default=default,
        type=Path,
        metavar="FILE",
        help=f"settings file (TOML); default: ${CONFIG_ENV} or ~/.config/awsexplorer/config.toml",
    )
    group.add_argument(
        "--disable-check",
        default=default,
        action="append",
        metavar="ID",
        help="do not run this check (repeat, or comma-separate)",
    )
    group.add_argument(
        "--required-tags",
        default=default,
        metavar="KEYS",
        help="comma-separated tag keys every resource must carry "
        f"(default: {','.join(DEFAULT_REQUIRED_TAGS)}; '' disables the tag check's keys)",
    )
    group.add_argument(
        "--stale-days",
        default=default,
        type=int,
        metavar="DAYS",
        help=(
            f"days after which keys and principals count as unused (default: {DEFAULT_STALE_DAYS})"
        ),
    )
    group.add_argument(
        "--production-pattern",
        default=default,
        metavar="REGEX",
        help="accounts whose alias or name matches this (any case) are marked PROD "
        "(default: 'prod' as a part of the name)",
    )
