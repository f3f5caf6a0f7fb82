"""`awsexplorer permissions`: the least-privilege IAM policy the scan needs, from the collectors."""

from __future__ import annotations

import argparse
import json
from typing import Any

NAME = "permissions"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="print the read-only IAM policy awsexplorer needs",
        description=(
            "Print an IAM policy that allows exactly the calls awsexplorer makes. Every one of "
            "them reads; none changes anything. (AWS's managed ReadOnlyAccess also covers them.)"
        ),
    )
    parser.add_argument(
        "--format", choices=("json", "list"), default="json", help="a policy document or a list"
    )
    return parser


def policy(actions: list[str]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AwsExplorerReadOnly", "Effect": "Allow", "Action": actions, "Resource": "*"}
        ],
    }


def all_actions() -> list[str]:
    """The IAM action of every declared call (model/calls.py) that awsexplorer makes: the
    runner's own, each collector's, and those made on request (CloudTrail history)."""
    from awsexplorer.model.calls import ON_DEMAND_CALLS, RUNNER_CALLS
    from awsexplorer.scan.collectors import all_collectors

    calls = [
        *RUNNER_CALLS,
        *(call for c in all_collectors() for call in c.calls),
        *ON_DEMAND_CALLS,
    ]
    return sorted({call.action for call in calls})


def render_markdown() -> str:
    """docs/permissions.md, generated from the collectors (a test keeps the file current)."""
    from awsexplorer.model.calls import ON_DEMAND_CALLS, RUNNER_CALLS
    from awsexplorer.scan.collectors import all_collectors

    on_request = ", ".join(f"`{a}`" for a in dict.fromkeys(c.action for c in ON_DEMAND_CALLS))
    runner_actions = dict.fromkeys(call.action for call in RUNNER_CALLS)

    lines = [
        "# Permissions",
        "",
        "awsexplorer only reads. Every AWS client it creates carries a guard",
        "(`awsexplorer/scan/guard.py`) that refuses any operation outside a read-only allowlist",
        "before anything is sent. This is the least-privilege policy for a full scan, generated",
        "from the calls each collector declares (`awsexplorer permissions` prints it as",
        "JSON). AWS's managed `ReadOnlyAccess` policy covers all of it. A call you are not",
        "allowed to make is recorded as an error on its region, and the checks that needed it",
        "are reported as not evaluated, never as passed. A resource's CloudTrail history",
        "(`t`, `:changes`, `awsexplorer history`) also needs `cloudtrail:LookupEvents`.",
        "",
        "```json",
        json.dumps(policy(all_actions()), indent=2),
        "```",
        "",
        "## Who calls what",
        "",
        "| collector | scope | IAM actions | resource types |",
        "| --- | --- | --- | --- |",
        "| (runner) | once | " + ", ".join(f"`{a}`" for a in runner_actions) + " | |",
    ]
    for c in all_collectors():
        actions = ", ".join(f"`{a}`" for a in c.actions)
        types = ", ".join(f"`{t}`" for t in c.types)
        lines.append(f"| `{c.name}` | {c.scope.value} | {actions} | {types} |")
    lines.append(f"| (history) | on request | {on_request} | |")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    actions = all_actions()
    if args.format == "list":
        print("\n".join(actions))
    else:
        print(json.dumps(policy(actions), indent=2))
    return 0
