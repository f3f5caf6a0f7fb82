"""`awsexplorer whois SNAPSHOT ADDRESS`: whose address (IP, CIDR or DNS name) is this?

Reads the snapshot offline and answers from model/whois.py: every owner in any region, each with
the network interface or Route 53 record it was found through; for an address nobody holds, the
VPCs and subnets whose CIDR contains it (kind `contains`). docs/whois.md is the contract of the
JSON. Exit status: 0 when something is listed, 1 when nothing is, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAME = "whois"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="whose address is this: an IP, CIDR or DNS name -> its owner in a saved snapshot",
        description=(
            "The owner of an IPv4/IPv6 address (private, public or Elastic IP), a CIDR or a DNS "
            "name, in any region of a snapshot: through the network interface that holds the "
            "address (instance, NAT gateway, load balancer, Lambda, RDS, VPC endpoint...), or "
            "the resource a name belongs to (load balancer, CloudFront, API Gateway, RDS "
            "endpoint, Route 53 records followed inside the account). An address nobody holds "
            "gives the VPCs and subnets that contain it; outside them, nothing (exit 1)."
        ),
    )
    parser.add_argument("snapshot", type=Path, metavar="SNAPSHOT", help="the snapshot file")
    parser.add_argument(
        "address",
        metavar="ADDRESS",
        help="an IP address (10.0.1.5, 2600:1f18::1), a CIDR (10.0.0.0/16) or a DNS name",
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
    from awsexplorer import snapshot
    from awsexplorer.errors import UserError
    from awsexplorer.inert import json_text
    from awsexplorer.model.whois import MAX_ANSWERS, NotAnAddress, WhoisIndex, parse

    try:
        query = parse(args.address)
    except NotAnAddress as error:
        raise UserError(
            f"{error}: try `awsexplorer whois {args.snapshot} 10.0.1.5` "
            "(an IP, a CIDR such as 10.0.0.0/16, or a DNS name)."
        ) from None
    result = snapshot.read(args.snapshot)
    index = WhoisIndex.build(result.resources)
    owners = index.lookup(query)
    if index.cut(owners):
        sys.stderr.write(
            f"awsexplorer: the answer is cut at {MAX_ANSWERS} addresses and {MAX_ANSWERS} "
            "VPCs/subnets, in address order: ask a narrower CIDR for the rest.\n"
        )
    if args.format == "json":
        sys.stdout.write(json_text([o.to_dict() for o in owners], indent=1) + "\n")
    else:
        from awsexplorer.model.accounts import account_names

        names = {r.arn: r for r in result.resources}
        accounts = account_names(result)
        write_text(query.text, owners, names, accounts)
    return 0 if owners else 1


def write_text(
    asked: str,
    owners: list[Any],
    resources: dict[str, Any],
    accounts: dict[str, str] | None = None,
) -> None:
    """`accounts`: account id -> name, when the snapshot holds several: each owner's account
    is named before its region (two accounts' VPCs may use the same addresses)."""
    from awsexplorer.inert import account_cell, inert

    out = sys.stdout
    if not owners:
        out.write(
            f"{inert(asked)}: no owner, and not in this account's address space "
            "(no VPC or subnet contains it)\n"
        )
        return
    for owner in owners:
        resource = resources.get(owner.arn)
        name = ""
        if resource is not None and resource.name != resource.id:
            name = f" ({inert(resource.name, limit=40)})"
        what = (
            f"{inert(resource.type)} {inert(resource.id)}"
            if resource is not None
            else inert(owner.arn)
        )
        via = f" via {inert(owner.via)}" if owner.via else ""
        account = account_cell(accounts, resource.account_id if resource is not None else None)
        out.write(
            f"{inert(owner.address, limit=60)}  {owner.kind:14} {what}{name} "
            f"{account}{inert(owner.region)}{via}\n"
        )
