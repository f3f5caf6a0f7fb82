"""How long the policy evaluator's questions take on a large synthetic account: every check
(`awsexplorer.checks.evaluate`), the identity checks alone, and the IAM view's rows with their
admin marker. No network: the resources are built in memory, as the IAM collector writes them.

    python benchmarks/policy_bench.py [--users 2000] [--roles 2000] [--runs 3] [--dump FILE]

The account: 2,000 users and 2,000 roles holding AWS-managed-like documents (AdministratorAccess
`*` on `*`; a ReadOnlyAccess-like list of ~1,000 `svc:Get*`/`List*`/`Describe*` patterns;
PowerUserAccess's NotAction iam:*/organizations:*; `*` with a partial Deny; Allows only under a
condition), permission boundaries, 30 groups whose policies many users share, and an inline
policy of its own for most principals. Every principal holds its own copy of each document, as
after reading a snapshot, so nothing is shared by identity.

`--dump FILE` writes every finding and every row's admin marker as JSON, to compare verdicts
before and after a change (`--compare FILE` checks against such a file).

Targets (issue 19's evaluator): the identity checks on 4,000 principals within 1 s, the IAM
view's rows within 0.5 s.
"""

from __future__ import annotations

import argparse
import copy
import gc
import gzip
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from awsexplorer.model import Account, RegionScan, RegionStatus, Resource, ScanResult

ACCOUNT_ID = "123456789012"
NOW = "2026-06-01T12:00:00Z"
CATALOGUE = Path(__file__).parent.parent / "awsexplorer" / "model" / "iam_actions.json.gz"
GROUPS = 30


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(action: Any, resource_: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource_, **extra}


def _deny(action: Any, resource_: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource_, **extra}


def managed_documents() -> dict[str, dict[str, Any]]:
    """AWS-managed-like documents, by name."""
    services = sorted(json.loads(gzip.decompress(CATALOGUE.read_bytes())))
    read_only = [f"{s}:{verb}*" for s in services for verb in ("Get", "List", "Describe")]
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return {
        "AdministratorAccess": _policy(_allow("*")),
        "ReadOnlyAccess": _policy(_allow(read_only[:1000])),
        "PowerUserAccess": _policy(
            {
                "Effect": "Allow",
                "NotAction": ["iam:*", "organizations:*", "account:*"],
                "Resource": "*",
            },
            _allow(
                [
                    "iam:CreateServiceLinkedRole",
                    "iam:ListRoles",
                    "organizations:DescribeOrganization",
                ]
            ),
        ),
        "AdminButNoIam": _policy(_allow("*"), _deny(["iam:*", "sts:AssumeRole"])),
        "AdminDenyDeletes": _policy(
            _allow("*"), _deny(["s3:DeleteBucket", "ec2:TerminateInstances", "rds:Delete*"])
        ),
        "AdminWithMfa": _policy(_allow("*", Condition=mfa)),
        "S3FullAccess": _policy(_allow(["s3:*", "s3-object-lambda:*"])),
        "DynamoFullAccess": _policy(
            _allow(["dynamodb:*", "dax:*", "application-autoscaling:*", "cloudwatch:*"])
        ),
        "KmsGlob": _policy(_allow("kms:**")),
        "LambdaBasicExecution": _policy(
            _allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])
        ),
        "EC2ConditionalManage": _policy(
            _allow("ec2:*", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),
            _deny("ec2:*Vpc*", Condition={"Bool": {"aws:ViaAWSService": "false"}}),
        ),
        "DenyOutsideRegions": _policy(
            {
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*", "support:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
            }
        ),
    }


def boundaries() -> dict[str, dict[str, Any]]:
    return {
        "DeveloperBoundary": _policy(
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
        ),
        "ServiceBoundary": _policy(
            _allow(["s3:*", "dynamodb:*", "sqs:*", "sns:*", "logs:*", "kms:Decrypt"])
        ),
    }


def _attached(name: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "arn": f"arn:aws:iam::aws:policy/{name}", "document": copy.deepcopy(doc)}


def _inline(n: int, kind: str) -> dict[str, Any]:
    """A principal's own policy: its bucket, table and queue, sometimes a whole service."""
    statements = [
        _allow(["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{kind}-bucket-{n}/*"),
        _allow("dynamodb:Query", f"arn:aws:dynamodb:eu-west-1:{ACCOUNT_ID}:table/{kind}-{n}"),
        _allow("sqs:SendMessage", f"arn:aws:sqs:eu-west-1:{ACCOUNT_ID}:{kind}-queue-{n}"),
    ]
    if n % 7 == 0:
        statements.append(_allow(["sns:*", "sqs:*"]))
    if n % 11 == 0:
        statements.append(_deny("sqs:DeleteQueue"))
    if n % 13 == 0:
        statements.append(
            _allow("secretsmanager:*", Condition={"StringEquals": {"aws:ResourceTag/team": "a"}})
        )
    return {"name": f"{kind}-inline-{n}", "document": _policy(*statements)}


# What the n-th principal holds, cycling through realistic mixes (mostly narrow, a few broad).
USER_MIXES = (
    ("ReadOnlyAccess",),
    ("LambdaBasicExecution",),
    ("ReadOnlyAccess", "S3FullAccess"),
    ("PowerUserAccess",),
    (),
    ("AdminButNoIam",),
    ("DynamoFullAccess", "KmsGlob"),
    ("AdminWithMfa",),
    ("EC2ConditionalManage", "DenyOutsideRegions"),
    ("AdministratorAccess",),
    ("AdminDenyDeletes",),
    ("ReadOnlyAccess",),
)
ROLE_MIXES = (
    ("LambdaBasicExecution",),
    ("LambdaBasicExecution", "S3FullAccess"),
    ("ReadOnlyAccess",),
    ("DynamoFullAccess",),
    ("PowerUserAccess",),
    ("AdministratorAccess",),
    ("AdminButNoIam", "DenyOutsideRegions"),
    ("KmsGlob", "LambdaBasicExecution"),
    ("AdminDenyDeletes",),
    ("EC2ConditionalManage",),
)
GROUP_MIXES = (
    ("ReadOnlyAccess",),
    ("PowerUserAccess",),
    ("AdministratorAccess",),
    ("S3FullAccess", "DenyOutsideRegions"),
    ("AdminButNoIam",),
    ("LambdaBasicExecution",),
)


def _iam(rtype: str, name: str, attributes: dict[str, Any]) -> Resource:
    kind = rtype.split(":")[1]
    return Resource(
        arn=f"arn:aws:iam::{ACCOUNT_ID}:{kind}/{name}",
        type=rtype,
        id=name,
        name=name,
        region="global",
        attributes=attributes,
    )


def synthetic_account(users: int, roles: int) -> ScanResult:
    docs = managed_documents()
    limits = boundaries()
    resources: list[Resource] = []
    root = _iam(
        "iam:root",
        "root",
        {
            "mfa_enabled": True,
            "access_keys_present": False,
            "access_keys": [],
            "password_policy_status": "set",
            "password_policy": {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24},
            "credential_report_status": "ok",
        },
    )
    root.arn = f"arn:aws:iam::{ACCOUNT_ID}:root"
    resources.append(root)
    members: dict[str, list[str]] = {f"group-{g:02d}": [] for g in range(GROUPS)}
    for n in range(users):
        name = f"user-{n:05d}"
        groups = [f"group-{(n * k) % GROUPS:02d}" for k in (1, 7)][: 1 + n % 2]
        for g in groups:
            members[g].append(name)
        limit = None
        if n % 5 == 0:
            which = "DeveloperBoundary" if n % 10 == 0 else "ServiceBoundary"
            limit = {
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:policy/{which}",
                "document": copy.deepcopy(limits[which]),
            }
        resources.append(
            _iam(
                "iam:user",
                name,
                {
                    "created": "2025-01-01T00:00:00Z",
                    "last_used": "2026-05-30T00:00:00Z",
                    "last_used_known": True,
                    "console_access": n % 3 == 0,
                    "mfa_enabled": n % 4 != 0,
                    "access_keys": [],
                    "groups": sorted(set(groups)),
                    "attached_policies": [
                        _attached(p, docs[p]) for p in USER_MIXES[n % len(USER_MIXES)]
                    ],
                    "inline_policies": [_inline(n, "user")] if n % 2 else [],
                    "permissions_boundary": limit,
                    "Path": "/",
                },
            )
        )
    for n in range(roles):
        name = f"role-{n:05d}"
        linked = n % 25 == 0
        limit = None
        if n % 6 == 0:
            limit = {
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:policy/ServiceBoundary",
                "document": copy.deepcopy(limits["ServiceBoundary"]),
            }
        resources.append(
            _iam(
                "iam:role",
                name,
                {
                    "created": "2025-01-01T00:00:00Z",
                    "last_used": "2026-05-30T00:00:00Z",
                    "last_used_known": True,
                    "attached_policies": [
                        _attached(p, docs[p]) for p in ROLE_MIXES[n % len(ROLE_MIXES)]
                    ],
                    "inline_policies": [_inline(n, "role")] if n % 4 else [],
                    "permissions_boundary": limit,
                    "trust_policy": _policy(
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ),
                    "Path": "/aws-service-role/" if linked else "/",
                    "path": "/aws-service-role/" if linked else "/",  # the normalised field
                },
            )
        )
    for g, (name, names) in enumerate(members.items()):
        resources.append(
            _iam(
                "iam:group",
                name,
                {
                    "members": sorted(names),
                    "attached_policies": [
                        _attached(p, docs[p]) for p in GROUP_MIXES[g % len(GROUP_MIXES)]
                    ],
                    "inline_policies": [],
                    "last_used": None,
                    "last_used_known": True,
                },
            )
        )
    return ScanResult(
        Account(ACCOUNT_ID, None, "aws", f"arn:aws:iam::{ACCOUNT_ID}:user/auditor"),
        NOW,
        NOW,
        [RegionScan("global", RegionStatus.OK), RegionScan("eu-west-1", RegionStatus.OK)],
        resources,
    )


IDENTITY_CHECKS = ("iam-admin-access", "iam-service-wildcard")


def _timed(fn: Any) -> tuple[float, float, Any]:
    gc.collect()
    start, start_cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - start, time.process_time() - start_cpu, value


def _fresh(result: ScanResult) -> ScanResult:
    # Each run starts from documents it has never seen, as a newly loaded snapshot would, and
    # with the evaluator's memos empty (the catalogue stays loaded, as in a running app).
    from awsexplorer.model import policy

    for name in ("_NORMALISED", "_COVERS", "_REACH", "_ANSWERS"):
        memo = getattr(policy, name, None)
        if isinstance(memo, dict):
            memo.clear()
    return copy.deepcopy(result)


def _run_identity(result: ScanResult) -> list[Any]:
    from awsexplorer.checks.api import CheckContext
    from awsexplorer.checks.evaluation import run_check
    from awsexplorer.checks.registry import REGISTRY, all_checks
    from awsexplorer.config import Settings

    all_checks()
    ctx = CheckContext(result, Settings(), time_of(result))
    return [run_check(REGISTRY[c], ctx) for c in IDENTITY_CHECKS]


def time_of(result: ScanResult) -> Any:
    from awsexplorer.model.activity import scan_time

    return scan_time(result)


def _rows(result: ScanResult) -> list[Any]:
    from awsexplorer.ui.views.iam import build_iam_rows

    return build_iam_rows(result, time_of(result))


def _report(label: str, figures: list[tuple[float, float]]) -> dict[str, float]:
    walls = [w for w, _ in figures]
    cpus = [c for _, c in figures]
    print(
        f"{label:38} wall min {min(walls):7.3f} s  median {statistics.median(walls):7.3f} s"
        f"   CPU min {min(cpus):7.3f} s  median {statistics.median(cpus):7.3f} s"
    )
    return {"wall_min": min(walls), "wall_median": statistics.median(walls), "cpu_min": min(cpus)}


def verdicts(result: ScanResult) -> dict[str, Any]:
    """Every finding and every IAM row's admin marker, comparable across versions."""
    from awsexplorer.checks import evaluate

    findings, checks = evaluate(result)
    result.findings, result.checks = findings, checks
    rows_checked = _rows(result)
    result.findings, result.checks = [], []
    rows_unchecked = _rows(result)
    return {
        "findings": sorted([f.check, f.resource, f.message] for f in findings),
        "checks": sorted([c.id, c.status, c.reason or ""] for c in checks),
        "admin_after_checks": sorted([r.arn, str(r.admin)] for r in rows_checked),
        "admin_before_checks": sorted([r.arn, str(r.admin)] for r in rows_unchecked),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--roles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="write findings and admin markers as JSON")
    parser.add_argument("--compare", type=Path, help="compare with a --dump file")
    parser.add_argument("--skip-all", action="store_true", help="skip evaluate() of every check")
    args = parser.parse_args()

    import awsexplorer

    print(f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}")
    print(f"awsexplorer from {Path(awsexplorer.__file__).parent}")
    base = synthetic_account(args.users, args.roles)
    kinds: dict[str, int] = {}
    for r in base.resources:
        kinds[r.type] = kinds.get(r.type, 0) + 1
    print(", ".join(f"{t} {n:,}" for t, n in sorted(kinds.items())))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    from awsexplorer.checks import evaluate

    timings: dict[str, list[tuple[float, float]]] = {
        "identity checks (admin, wildcard)": [],
        "IAM view rows, checks not run": [],
        "IAM view rows, after evaluate": [],
    }
    if not args.skip_all:
        timings["evaluate(), every check"] = []
    for _ in range(args.runs):
        fresh = _fresh(base)
        wall, cpu, _ = _timed(lambda fresh=fresh: _run_identity(fresh))
        timings["identity checks (admin, wildcard)"].append((wall, cpu))
        fresh = _fresh(base)
        wall, cpu, _ = _timed(lambda fresh=fresh: _rows(fresh))
        timings["IAM view rows, checks not run"].append((wall, cpu))
        fresh = _fresh(base)
        if not args.skip_all:
            wall, cpu, (found, checks) = _timed(lambda fresh=fresh: evaluate(fresh))
            timings["evaluate(), every check"].append((wall, cpu))
        else:
            found, checks = evaluate(fresh)
        fresh.findings, fresh.checks = found, checks
        wall, cpu, _ = _timed(lambda fresh=fresh: _rows(fresh))
        timings["IAM view rows, after evaluate"].append((wall, cpu))
    if args.runs:
        print(f"{args.runs} runs, each on a fresh copy of the account:")
        for label, figures in timings.items():
            _report(label, figures)
        measure_memory(base)
    if args.dump or args.compare:
        compare(base, args.dump, args.compare)


def measure_memory(base: ScanResult) -> None:
    from awsexplorer.checks import evaluate

    fresh = _fresh(base)
    tracemalloc.start()
    found, checks = evaluate(fresh)
    fresh.findings, fresh.checks = found, checks
    _rows(fresh)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak Python allocations during evaluate() + rows: {peak / 2**20:.1f} MiB")
    print(f"peak RSS of the process (account copies included): {rss:.0f} MiB")


def compare(base: ScanResult, dump: Path | None, against: Path | None) -> None:
    got = verdicts(_fresh(base))
    print(f"{len(got['findings'])} findings")
    if dump:
        dump.write_text(json.dumps(got, indent=1))
        print(f"verdicts written to {dump}")
    if against:
        want = json.loads(against.read_text())
        differ = [k for k in want if want[k] != got[k]]
        print("verdicts identical" if not differ else f"verdicts DIFFER: {differ}")
        if differ:
            sys.exit(1)


if __name__ == "__main__":
    main()
