"""`awsexplorer permissions`: the least-privilege IAM policy the scan needs, from the collectors."""

from __future__ import annotations

import argparse

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
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
        "--format",
        choices=("json", "list"),
        default="json",
        help="json: an IAM policy document; list: one action a line (default: %(default)s)",
    )
    parser.add_argument(
        "--org",
        action="store_true",
        help="instead: what `scan --org --role NAME` needs in the scanning account (the "
        "Organization reads and sts:AssumeRole, the one call that is not a read), and the trust "
        "policy of the member role",
    )
    return parser


ROLE_PLACEHOLDER = "AwsExplorerReadOnly"
SCANNER_PLACEHOLDER = "111111111111"


def organization_policy(role: str = ROLE_PLACEHOLDER) -> dict[str, Any]:
    """The scanning (management or delegated administrator) account's side of --org."""
    from awsexplorer.model.calls import ACCOUNTS_CALLS, STS_ASSUME_ROLE

    reads = sorted({c.action for c in ACCOUNTS_CALLS if c is not STS_ASSUME_ROLE})
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AwsExplorerOrganization", "Effect": "Allow", "Action": reads, "Resource": "*"},
            {
                "Sid": "AwsExplorerAssumeMemberRole",
                "Effect": "Allow",
                "Action": STS_ASSUME_ROLE.action,
                "Resource": f"arn:aws:iam::*:role/{role}",
            },
        ],
    }


def member_trust_policy(scanner: str = SCANNER_PLACEHOLDER) -> dict[str, Any]:
    """The trust policy of the role in each member account (its permissions: the read-only
    policy above, or AWS's ReadOnlyAccess)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{scanner}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringLike": {"sts:RoleSessionName": "awsexplorer-*"}},
            }
        ],
    }


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
    import json

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
        "`ce:GetCostAndUsage` is called only with `--cost` (one request, which AWS bills at",
        "USD 0.01); without it nothing is sent to Cost Explorer.",
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
        # An opt-in collector (Cost Explorer) runs only when its flag is given.
        scope = f"{c.scope.value}, only with `--{c.opt_in}`" if c.opt_in else c.scope.value
        lines.append(f"| `{c.name}` | {scope} | {actions} | {types} |")
    lines.append(f"| (history) | on request | {on_request} | |")
    lines += [
        "",
        "## Many accounts (`scan --org --role NAME`)",
        "",
        "From the Organization's management account (or a delegated administrator),",
        "awsexplorer lists the accounts and their OU path, then assumes NAME in each member",
        "account with the session name `awsexplorer-<version>`. `sts:AssumeRole` is the one",
        "call that is not a read: it hands out temporary credentials for the read-only role and",
        "changes nothing in any account; the read-only guard allows it and nothing else of the",
        "kind. The scanning account needs (`awsexplorer permissions --org`):",
        "",
        "```json",
        json.dumps(organization_policy(), indent=2),
        "```",
        "",
        f"Each member account needs the role NAME (here `{ROLE_PLACEHOLDER}`) with the read-only",
        "policy above (or `ReadOnlyAccess`) and this trust policy, the scanning account in",
        f"place of `{SCANNER_PLACEHOLDER}` (add `sts:ExternalId` to the condition when you pass",
        "`--external-id`):",
        "",
        "```json",
        json.dumps(member_trust_policy(), indent=2),
        "```",
        "",
        "A member whose role cannot be assumed is shown as a failed account with AWS's error",
        "and this fix; the other accounts are scanned as usual.",
    ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    import json

    if args.org:
        document = {
            "scanning_account": organization_policy(),
            "member_role_trust": member_trust_policy(),
        }
        if args.format == "list":
            print("\n".join(organization_policy()["Statement"][0]["Action"] + ["sts:AssumeRole"]))
        else:
            print(json.dumps(document, indent=2))
        return 0
    actions = all_actions()
    if args.format == "list":
        print("\n".join(actions))
    else:
        print(json.dumps(policy(actions), indent=2))
    return 0
