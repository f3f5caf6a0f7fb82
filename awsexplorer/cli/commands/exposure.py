"""`awsexplorer exposure SNAPSHOT [REF] [--port N]`: what the internet can reach, and how.

Without REF: every reachable (resource, protocol, ports, IP version), admin and database ports
first. With REF (an id, ARN or name): that resource's verdicts, reachable or not, including those
through a load balancer and, for a load balancer, those of its targets. docs/exposure.md is the
contract of the JSON. Exit status: 0 when something is listed, 1 when nothing is, 2 on a usage
error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAME = "exposure"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="what the internet can reach in a saved snapshot, and by which path",
        description=(
            "For every instance, network interface, public database and internet-facing load "
            "balancer of a snapshot: the protocols and ports the internet can reach, each with "
            "its path (route, network ACL in and out, security group, address, listener). "
            "With REF, that resource's verdicts, unreachable ones with the hop that blocks them."
        ),
    )
    parser.add_argument("snapshot", type=Path, metavar="SNAPSHOT", help="the snapshot file")
    parser.add_argument(
        "ref", nargs="?", metavar="REF", help="a resource's id, ARN or name (default: all)"
    )
    parser.add_argument("--port", type=int, metavar="N", help="only verdicts covering this port")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="what to print on standard output (default: %(default)s)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    # A reader that leaves (`| head`) is handled once, by cli.main.
    from awsexplorer import snapshot
    from awsexplorer.errors import UserError
    from awsexplorer.inert import json_text
    from awsexplorer.model.exposure import exposure_of

    if args.port is not None and not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is not a port (0-65535).")
    result = snapshot.read(args.snapshot)
    exposure = exposure_of(result.resources)
    notes: list[str] = []
    if args.ref is None:
        verdicts = exposure.reachable()
        for arn, texts in sorted(exposure.notes.items()):
            notes.extend(f"{arn}: {text}" for text in texts)
    else:
        matches = [r for r in result.resources if args.ref in (r.id, r.arn, r.name)]
        if not matches:
            raise UserError(
                f"no resource {args.ref!r} in {args.snapshot}: give an id, ARN or name; "
                f"`awsexplorer exposure {args.snapshot}` lists the exposed ones, "
                f"`awsexplorer --snapshot {args.snapshot}` browses them all."
            )
        if len(matches) > 1:
            exact = [r for r in matches if args.ref in (r.id, r.arn)]
            if len(exact) != 1:
                shown = ", ".join(f"{r.type} {r.id} ({r.region})" for r in matches[:5])
                raise UserError(
                    f"{args.ref!r} names {len(matches)} resources ({shown}): give an ARN."
                )
            matches = exact
        target = matches[0]
        verdicts = exposure.about(target.arn)
        notes = [f"{target.arn}: {text}" for text in exposure.notes.get(target.arn, [])]
    if args.port is not None:
        verdicts = [v for v in verdicts if v.covers(args.port)]
    if args.format == "json":
        sys.stdout.write(json_text([v.to_dict() for v in verdicts], indent=1) + "\n")
    else:
        from awsexplorer.model.accounts import account_names

        accounts = account_names(result)
        write_text(verdicts, notes, bool(args.ref), accounts)
    return 0 if verdicts else 1


def write_text(
    verdicts: list[Any], notes: list[str], with_ref: bool, accounts: dict[str, str] | None = None
) -> None:
    """`accounts`: account id -> name, when the snapshot holds several: each line names the
    account before the region, as the TUI's `:exposed` does."""
    from awsexplorer.inert import account_cell, inert

    out = sys.stdout
    if not verdicts:
        what = "no verdict for this resource" if with_ref else "nothing reachable from the internet"
        out.write(f"{what}\n")
    for verdict in verdicts:
        state = "REACHABLE" if verdict.reachable else "blocked"
        via = f" via {verdict.via}" if verdict.via else ""
        name = f" ({inert(verdict.name, limit=40)})" if verdict.name != verdict.resource_id else ""
        account = account_cell(accounts, verdict.account_id)
        out.write(
            f"{state:9} {inert(verdict.port_text):16} IPv{verdict.ip_version} "
            f"{inert(verdict.resource_type)} {inert(verdict.resource_id)}{name} "
            f"{account}{inert(verdict.region)} {inert(verdict.address or '-')}{inert(via)}\n"
        )
        for hop in verdict.path:
            out.write(
                f"    {hop.layer:15} {inert(hop.id or '-', limit=48):24} {hop.verdict:5} "
                f"{inert(hop.rule)}\n"
            )
    for note in notes:
        out.write(f"note: {inert(note)}\n")
