"""`awsexplorer related SNAPSHOT REF [--format text|json]`: what a resource uses and what uses it.

REF is an id, ARN or name. Read offline from the snapshot (model/relationships.py builds the
index). docs/relationships.md is the contract of the JSON:
`{"resource": ARN, "uses": [{"kind", "arn"}...], "used_by": [{"kind", "arn"}...]}`.
Exit status: 0 when something is listed, 1 when the resource has no relationship, 2 on a usage
error (an unknown or ambiguous REF, an unreadable snapshot).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAME = "related"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="what a resource in a saved snapshot uses, and what uses it",
        description=(
            "The relationships of one resource of a snapshot, both ways, each with its kind: "
            "what it uses (its security groups, subnets, role, key, targets...) and what uses "
            "it (for a security group, key or role: what breaks if it goes). Offline."
        ),
    )
    parser.add_argument("snapshot", type=Path, metavar="SNAPSHOT", help="the snapshot file")
    parser.add_argument("ref", metavar="REF", help="the resource's id, ARN or name")
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
    from awsexplorer.model.relationships import answer, build

    result = snapshot.read(args.snapshot)
    index = build(result.resources)
    matches = index.find(args.ref)
    if not matches:
        raise UserError(
            f"no resource {args.ref!r} in {args.snapshot}: give an id, ARN or name "
            f"(`awsexplorer --snapshot {args.snapshot}` browses them)."
        )
    if len(matches) > 1:
        accounts = len({r.account_id for r in matches}) > 1  # which account's, then
        shown = ", ".join(
            f"{r.type} {r.id} ({r.region}{f', account {r.account_id}' if accounts else ''})"
            for r in matches[:5]
        )
        raise UserError(f"{args.ref!r} names {len(matches)} resources ({shown}): give an ARN.")
    found = answer(index, matches[0])
    if args.format == "json":
        sys.stdout.write(json_text(found, indent=1) + "\n")
    else:
        write_text(found, index)
    return 0 if found["uses"] or found["used_by"] else 1


def write_text(found: dict[str, Any], index: Any) -> None:
    from awsexplorer.inert import inert

    out = sys.stdout
    resource = index.get(found["resource"])
    out.write(f"{inert(found['resource'])}")
    if resource is not None:
        out.write(f"  {inert(resource.type)} {inert(resource.region)}")
        if resource.name != resource.id:
            out.write(f" ({inert(resource.name, limit=60)})")
    out.write("\n")
    for title, items in (("uses", found["uses"]), ("used by", found["used_by"])):
        out.write(f"{title} ({len(items)}):\n")
        if not items:
            out.write("  nothing\n")
        for item in items:
            other = index.get(item["arn"])
            where = ""
            if other is not None:
                where = f"  {inert(other.region)}"
                if other.name not in (other.id, other.arn):
                    where += f" ({inert(other.name, limit=60)})"
            out.write(f"  {inert(item['kind'], limit=40):20} {inert(item['arn'])}{where}\n")
