"""`awsexplorer history REF`: what CloudTrail recorded about one resource, newest first.

REF is a resource's id or name (asked as CloudTrail's ResourceName in --region, else the
profile's region) or its ARN (asked in the ARN's region, a global service's in us-east-1, by the
ARN and by its resource id). Mutating events only unless --all. docs/history.md is the contract
of the JSON. Exit status: 0 when something is listed, 1 when nothing is, 2 on a usage or
credential error.
"""

from __future__ import annotations

import argparse
import sys

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAME = "history"
TARGETED = True
# The target options as history reads them (cli/parser.py): one profile, one region. --cost and
# --demo are taken only to say why they cannot be (argparse.SUPPRESS: not in the help).
TARGET_HELP = {
    "--profile": "AWS profile (default: botocore's credential chain)",
    "--region": "the region to look in (default: the profile's; an ARN is looked up in its own)",
    "--cost": argparse.SUPPRESS,
    "--demo": argparse.SUPPRESS,
}
# --hours when not given: all CloudTrail keeps, its 90 days (model.history.MAX_HOURS, the most
# parse_hours accepts; tests/commands/test_left_help.py holds the two equal). A string, as the
# user would type it: run() reads the default and a given value alike.
DEFAULT_HOURS = str(90 * 24)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="what CloudTrail recorded about a resource (who changed what, when)",
        description=(
            "CloudTrail's event history (LookupEvents, the last 90 days at most) for one "
            "resource, newest first: time, event, who (user, or role and session), source IP, "
            "user agent, error code. Only events that change something, unless --all. "
            "Exit codes: 0 events listed, 1 none, 2 usage or credential error."
        ),
    )
    parser.add_argument("ref", metavar="REF", help="the resource's id, ARN or name")
    parser.add_argument(
        "--hours",
        metavar="N",
        default=DEFAULT_HOURS,
        help="how far back to look, in hours: at most CloudTrail's 90 days (default: "
        "%(default)s, all of them)",
    )
    parser.add_argument(
        "--all", action="store_true", help="read-only events too (Describe, List, Get...)"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="what to print on standard output (default: %(default)s)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    # A reader that leaves (`| head`) is handled once, by cli.main.
    from awsexplorer.config import scan_config_from_args
    from awsexplorer.errors import UserError
    from awsexplorer.inert import inert, json_text
    from awsexplorer.model.history import parse_hours, shown, target_for_ref

    if getattr(args, "demo", False):
        raise UserError(
            "The demo account has no CloudTrail history (its local server does not record one).",
            "Run it against an account: awsexplorer history REF --profile NAME.",
        )
    if getattr(args, "cost", False):
        raise UserError(
            "history reads CloudTrail; --cost (Cost Explorer's spend) is for a scan.",
            "Leave out --cost, or run it with `awsexplorer scan --cost`.",
        )
    try:
        if not args.hours.strip():  # parse_hours would read "" as its own default (24)
            raise ValueError("give a number of hours")
        hours = parse_hours(args.hours)
    except ValueError as exc:
        raise UserError(f"--hours {inert(args.hours, limit=40)}: {exc}.") from None
    config = scan_config_from_args(args)
    if len(config.regions) > 1:
        raise UserError(
            f"history looks in one region; --region names {len(config.regions)}.",
            "Give one: --region eu-west-1.",
        )
    if not args.ref.strip():
        raise UserError("REF is empty.", "Give a resource's id, name or ARN.")
    region = config.regions[0] if config.regions else None
    if region is None and not args.ref.startswith("arn:"):
        from awsexplorer.scan.session import home_region, make_session

        region = home_region(make_session(config), config)
    target = target_for_ref(args.ref, region)
    import asyncio  # loaded when history runs, not for every command's start

    from awsexplorer.model.resource import arn_account

    account = arn_account(args.ref.strip())
    events = asyncio.run(_fetch(config, target.region, target.names, hours, account))
    rows = shown(events, include_reads=args.all)
    if args.format == "json":
        sys.stdout.write(json_text([e.to_dict() for e in rows], indent=1) + "\n")
    else:
        write_text(rows, target.label, target.region, hours, args.all, len(events))
    return 0 if rows else 1


async def _fetch(
    config: Any, region: str, names: tuple[str, ...], hours: float, account: str = ""
) -> list[Any]:
    """The events; `account` (the ARN's): refused, with the fix, when the credentials are of
    another account (its CloudTrail would answer "no events" for a resource it never held)."""
    from awsexplorer.errors import UserError
    from awsexplorer.scan.history import HistoryError, as_user_error, open_fetcher

    found: list[Any] = []
    try:
        async with open_fetcher(config) as fetcher:
            caller = await fetcher.caller_account(region) if account else None
            if caller is not None and caller != account:
                raise UserError(
                    f"The resource is in account {account}, and these credentials are account "
                    f"{caller}'s: CloudTrail answers for its own account only.",
                    f"Run it with credentials of account {account}: --profile NAME.",
                )
            async for page in fetcher.resource(region, names, hours):
                found.extend(page)
    except HistoryError as exc:
        raise as_user_error(exc) from None
    return found


def write_text(
    rows: list[Any], label: str, region: str, hours: float, with_reads: bool, fetched: int
) -> None:
    from datetime import UTC, datetime

    from awsexplorer.inert import inert
    from awsexplorer.model.history import age

    out = sys.stdout
    now = datetime.now(UTC)
    which = "every event" if with_reads else "changes only (--all: reads too)"
    out.write(
        f"history of {inert(label, limit=200)} in {inert(region)}, last {hours:g} h, {which}: "
        f"{len(rows)} of {fetched} event{'s' if fetched != 1 else ''}\n"
    )
    for event in rows:
        failed = f"  FAILED {inert(event.error_code, limit=60)}" if event.error_code else ""
        out.write(
            f"{event.time:%Y-%m-%d %H:%M:%S}Z {age(event.time, now):>5} ago  "
            f"{inert(event.event_name, limit=60):28} {inert(event.user, limit=60):32} "
            f"{event.agent_kind:7} {inert(event.source_ip, limit=45) or '-'}{failed}\n"
        )
        touched = ", ".join(inert(n, limit=80) for n in event.touches()[:3])
        if touched:
            out.write(f"    on {touched}  ({inert(event.user_agent, limit=80) or 'no agent'})\n")
