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


def run(args: argparse.Namespace) -> int:
    from awsexplorer.scan.collectors import required_actions

    # Identity and region discovery are made by the runner, not by a collector.
    actions = sorted(
        {
            *required_actions(),
            "sts:GetCallerIdentity",
            "iam:ListAccountAliases",
            "ec2:DescribeRegions",
        }
    )
    if args.format == "list":
        print("\n".join(actions))
    else:
        print(json.dumps(policy(actions), indent=2))
    return 0
