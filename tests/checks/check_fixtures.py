"""Literal fixtures for the checks: resources and scan results built by hand, no network.

The scan "finished" at NOW, so ages are exact: `days_ago(100)` is 100 days before the scan.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from awsexplorer.checks.api import CheckContext
from awsexplorer.checks.evaluation import run_check
from awsexplorer.checks.registry import REGISTRY, all_checks
from awsexplorer.config import Settings
from awsexplorer.model import (
    Account,
    CallError,
    CheckResult,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
)
from awsexplorer.model.activity import scan_time

ACCOUNT_ID = "123456789012"
ACCOUNT = Account(ACCOUNT_ID, None, "aws", f"arn:aws:iam::{ACCOUNT_ID}:user/auditor")
ROOT_ARN = f"arn:aws:iam::{ACCOUNT_ID}:root"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
REGIONS = ("us-east-1", "eu-west-1")
TAGS = {"project": "shop", "environment": "prod", "owner": "team-a"}


def days_ago(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat().replace("+00:00", "Z")


def resource(
    rtype: str,
    rid: str,
    region: str = "eu-west-1",
    *,
    vpc_id: str | None = None,
    subnet_id: str | None = None,
    tags: dict[str, str] | None = None,
    name: str | None = None,
    **attributes: Any,
) -> Resource:
    service, kind = rtype.split(":", 1)
    where = "" if region == "global" else region
    return Resource(
        arn=f"arn:aws:{service}:{where}:{ACCOUNT_ID}:{kind}/{rid}",
        type=rtype,
        id=rid,
        name=name or rid,
        region=region,
        vpc_id=vpc_id,
        subnet_id=subnet_id,
        tags=dict(TAGS if tags is None else tags),
        attributes=attributes,
    )


def root(**attributes: Any) -> Resource:
    base: dict[str, Any] = {
        "mfa_enabled": True,
        "access_keys_present": False,
        "access_keys": [],
        "password_policy_status": "set",
        "password_policy": {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24},
        "credential_report_status": "ok",
    }
    base.update(attributes)
    item = resource("iam:root", "root", "global", **base)
    item.arn = ROOT_ARN
    return item


def user(name: str, **attributes: Any) -> Resource:
    base: dict[str, Any] = {
        "created": days_ago(400),
        "last_used": days_ago(1),
        "last_used_known": True,
        "console_access": False,
        "mfa_enabled": False,
        "access_keys": [],
        "groups": [],
        "attached_policies": [],
        "inline_policies": [],
        "path": "/",
    }
    base.update(attributes)
    item = resource("iam:user", name, "global", **base)
    item.arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"
    return item


def role(name: str, **attributes: Any) -> Resource:
    base: dict[str, Any] = {
        "created": days_ago(400),
        "last_used": days_ago(1),
        "last_used_known": True,
        "attached_policies": [],
        "inline_policies": [],
        "trust_policy": {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ]
        },
        "path": "/",
    }
    base.update(attributes)
    item = resource("iam:role", name, "global", **base)
    item.arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"
    return item


def group(name: str, **attributes: Any) -> Resource:
    base: dict[str, Any] = {"members": [], "attached_policies": [], "inline_policies": []}
    base.update(attributes)
    item = resource("iam:group", name, "global", **base)
    item.arn = f"arn:aws:iam::{ACCOUNT_ID}:group/{name}"
    return item


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource_: Any = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource_}


def error(region: str, service: str, operation: str, code: str = "AccessDenied") -> CallError:
    return CallError(region, service, operation, code, f"{code} for {operation}")


def scan(
    *resources: Resource,
    errors: tuple[CallError, ...] = (),
    failed: tuple[str, ...] = (),
    regions: tuple[str, ...] = REGIONS,
) -> ScanResult:
    scans = [RegionScan("global", RegionStatus.OK)]
    for name in regions:
        status = RegionStatus.FAILED if name in failed else RegionStatus.OK
        reason = "AuthFailure: not allowed" if name in failed else None
        scans.append(RegionScan(name, status, [], reason))
    by_name = {r.name: r for r in scans}
    for e in errors:
        by_name[e.region].errors.append(e)
        if by_name[e.region].status is RegionStatus.OK:
            by_name[e.region].status = RegionStatus.PARTIAL
    stamp = NOW.isoformat().replace("+00:00", "Z")
    return ScanResult(ACCOUNT, stamp, stamp, scans, list(resources))


def run(
    check_id: str, result: ScanResult, settings: Settings | None = None
) -> tuple[list[Finding], CheckResult]:
    all_checks()  # registers every check module
    ctx = CheckContext(result, settings or Settings(), scan_time(result))
    return run_check(REGISTRY[check_id], ctx)


def flagged(check_id: str, result: ScanResult, settings: Settings | None = None) -> list[str]:
    """The ids of the resources a check flags (the ARN's last part), after asserting that the
    check was fully evaluated."""
    findings, outcome = run(check_id, result, settings)
    assert outcome.status == "evaluated", outcome
    return [f.resource.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for f in findings]


def messages(check_id: str, result: ScanResult, settings: Settings | None = None) -> list[str]:
    findings, _ = run(check_id, result, settings)
    return [f.message for f in findings]
