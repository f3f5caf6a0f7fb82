"""The command line's parser: the TUI's options and every sub-command's (cli/commands/).

Built on every start, `--help` included: from argparse and light modules only (config_flags,
the command modules' add_parser), never the model, the config's dataclasses or Textual
(tests/test_cli.py proves it)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

from awsexplorer import __version__
from awsexplorer.config_flags import DEFAULT_CALL_TIMEOUT
from awsexplorer.config_flags import add_arguments as add_settings_arguments

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# The target options' heading: "what to scan", but for a TARGETED command that scans nothing
# (history reads one account's CloudTrail in one region). A command may name its own heading
# (TARGET_TITLE); these are the ones given here.
TARGET_TITLE = "what to scan"
TARGET_TITLES = {"history": "which account and region"}


def _add_target_options(
    parser: argparse.ArgumentParser,
    *,
    sub: bool = False,
    helps: Mapping[str, str] | None = None,
    title: str = TARGET_TITLE,
) -> None:
    """The target options. `helps`: a command's own help for some of them (a TARGETED
    command's TARGET_HELP; argparse.SUPPRESS hides one it takes only to refuse)."""
    # On a sub-command the defaults are suppressed, so `awsexplorer --profile p scan` and
    # `awsexplorer scan --profile p` mean the same (argparse would reset the first to None).
    default: object = argparse.SUPPRESS if sub else None
    target = _Group(parser.add_argument_group(title), helps or {})
    target.add_argument(
        "--profile",
        action=_Profiles,
        default=default,
        help="AWS profile (default: botocore's credential chain); `scan` takes several "
        "(repeat it): one account each",
    )
    target.add_argument(
        "--region",
        action="append",
        default=default,
        metavar="REGION",
        help="scan only this region (repeat, or comma-separate); default: every enabled region",
    )
    target.add_argument(
        "--endpoint-url",
        default=default,
        metavar="URL",
        help="send every call to this endpoint (LocalStack, moto); also AWS_ENDPOINT_URL",
    )
    target.add_argument(
        "--call-timeout",
        type=_seconds,
        default=default,
        metavar="SECONDS",
        help="give up on one API call after this long, every retry included "
        f"(default: {DEFAULT_CALL_TIMEOUT:g})",
    )
    target.add_argument(
        "--cost",
        action="store_true",
        default=argparse.SUPPRESS if sub else False,
        help="also read the last 30 days' spend per region and service from Cost Explorer: one "
        "GetCostAndUsage call, which AWS bills at USD 0.01 per call (off by default)",
    )
    target.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if sub else False,
        help="scan the built-in demo account (an in-process moto server; no credentials needed); "
        "with --org, its Organization of four accounts",
    )


class _Group:
    """An argument group that takes a command's own help for an option."""

    def __init__(self, group: Any, helps: Mapping[str, str]) -> None:
        self._group = group
        self._helps = helps

    def add_argument(self, flag: str, **kwargs: Any) -> None:
        kwargs["help"] = self._helps.get(flag, kwargs["help"])
        self._group.add_argument(flag, **kwargs)


class _Profiles(argparse.Action):
    """--profile, repeatable: `profiles` keeps every one given, `profile` the first (what a
    command of one account uses)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        profiles = [*(getattr(namespace, "profiles", None) or []), str(values)]
        namespace.profiles = profiles
        namespace.profile = profiles[0]


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < 86400:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}")
    return seconds


class _Unread:
    """Stands in for a sub-command's parser that this run will not read: takes every call
    (add_argument, add_argument_group, ...) and every attribute set, and does nothing."""

    def __getattr__(self, name: str) -> Any:
        return self._ignore

    def _ignore(self, *args: object, **kwargs: object) -> _Unread:
        return self


class _Listed:
    """The sub-parsers action for a command this run does not name: the command is registered
    (its name, help and description: `awsexplorer --help` lists it, a wrong name is told the
    choices) but its options are not built (`_Unread`)."""

    def __init__(self, subparsers: Any) -> None:
        self._subparsers = subparsers

    def add_parser(self, name: str, **kwargs: Any) -> _Unread:
        self._subparsers.add_parser(name, **kwargs)
        return _Unread()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `argv`, the one that parses those arguments: a sub-command they do
    not name (argparse takes one only as a whole word) is listed without its options, which
    were most of building the parser (~20 M instructions of the TUI's first frame and of every
    `--help`, issue 18)."""
    named = None if argv is None else frozenset(argv)
    parser = argparse.ArgumentParser(
        prog="awsexplorer",
        # No abbreviations at the top: `findings --account X` must reach the sub-command, not
        # be taken for an ambiguous prefix of the TUI's --accounts / --account-color.
        allow_abbrev=False,
        description=(
            "See a whole AWS account at once: every enabled region, the VPC topology, IAM "
            "principals and warnings. Read-only: it never changes anything in the account."
        ),
        epilog="`awsexplorer COMMAND --help` shows a command's options. Try `awsexplorer --demo`.",
    )
    parser.add_argument("--version", action="version", version=f"awsexplorer {__version__}")
    _add_target_options(parser)
    parser.add_argument(
        "--snapshot",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="open a saved scan offline; several files or a folder of them open merged "
        "(shards, one file per account)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="OLD",
        help="mark the tree against an earlier snapshot: + added, ~ changed, - removed",
    )
    parser.add_argument(
        "--account-color", metavar="COLOR", help="colour of the account band (name or #rrggbb)"
    )
    many = parser.add_argument_group(
        "many accounts",
        "Scan several accounts live in one view: --profile twice or more, --all-profiles, or "
        "--org --role NAME (as `awsexplorer scan` takes them).",
    )
    many.add_argument("--all-profiles", action="store_true", help="every profile in the config")
    many.add_argument(
        "--org", action="store_true", help="every ACTIVE account of the Organization, via --role"
    )
    many.add_argument("--role", metavar="NAME", help="with --org: the role to assume in each")
    many.add_argument("--external-id", metavar="ID", help="with --org: the role's external id")
    many.add_argument(
        "--accounts", action="append", metavar="ID,...", help="with --org: only these"
    )
    many.add_argument("--exclude", action="append", metavar="ID,...", help="with --org: not these")
    add_settings_arguments(parser)
    parser.add_argument(
        "--log-file", type=Path, metavar="FILE", help="write a debug log (botocore included) here"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    from awsexplorer.cli.commands import COMMANDS

    for command in COMMANDS:
        if named is not None and command.NAME not in named:
            command.add_parser(_Listed(commands))
            continue
        sub = command.add_parser(commands)
        if getattr(command, "TARGETED", False):
            title = getattr(command, "TARGET_TITLE", None) or TARGET_TITLES.get(
                command.NAME, TARGET_TITLE
            )
            _add_target_options(
                sub, sub=True, helps=getattr(command, "TARGET_HELP", None), title=title
            )
    return parser
