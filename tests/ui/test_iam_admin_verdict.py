"""The IAM view's admin marker is the iam-admin-access verdict (issue 11: computed once, in
model/principals.admin_answers, and shown everywhere), before and after the checks run."""

from __future__ import annotations

from typing import Any

from awsexplorer.checks import evaluate
from awsexplorer.model import Account, RegionScan, RegionStatus, Resource, ScanResult
from awsexplorer.model.activity import scan_time
from awsexplorer.model.principals import admin_answers
from awsexplorer.ui.views.iam import Admin, build_iam_rows

ACCOUNT = "123456789012"
NOW = "2026-06-01T12:00:00Z"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def principal(kind: str, name: str, **attributes: Any) -> Resource:
    base: dict[str, Any] = {
        "created": "2025-01-01T00:00:00Z",
        "last_used": "2026-05-30T00:00:00Z",
        "attached_policies": [],
        "inline_policies": [],
    }
    return Resource(
        arn=f"arn:aws:iam::{ACCOUNT}:{kind}/{name}",
        type=f"iam:{kind}",
        id=name,
        name=name,
        region="global",
        attributes={**base, **attributes},
    )


def account() -> ScanResult:
    root = principal("root", "root", mfa_enabled=True, access_keys_present=False)
    root.arn = f"arn:aws:iam::{ACCOUNT}:root"
    inline = [{"name": "all", "document": doc({"Effect": "Allow", "Action": "*", "Resource": "*"})}]
    not_iam = [
        {
            "name": "power",
            "document": doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        }
    ]
    no_iam = {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
    iam = {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}
    resources = [
        root,
        # Own `*` on `*`, but its group denies every IAM action: not admin (the check agrees).
        principal("user", "denied-by-group", inline_policies=inline, groups=["no-iam"]),
        # Every service but IAM itself, IAM from its group: admin, granted by its own policy too.
        principal("user", "admin-with-group", inline_policies=not_iam, groups=["iam-admins"]),
        principal("user", "member", groups=["iam-admins"]),
        principal("group", "no-iam", inline_policies=[{"name": "deny", "document": doc(no_iam)}]),
        principal("group", "iam-admins", inline_policies=[{"name": "iam", "document": doc(iam)}]),
    ]
    return ScanResult(
        Account(ACCOUNT, None, "aws", f"arn:aws:iam::{ACCOUNT}:user/auditor"),
        NOW,
        NOW,
        [RegionScan("global", RegionStatus.OK)],
        resources,
    )


def markers(result: ScanResult) -> dict[str, Admin]:
    return {r.name: r.admin for r in build_iam_rows(result, scan_time(result))}


def test_the_admin_marker_is_the_checks_verdict_before_and_after_they_run() -> None:
    result = account()
    before = markers(result)
    result.findings, result.checks = evaluate(result)
    flagged = {
        f.resource.rsplit("/", 1)[-1] for f in result.findings if f.check == "iam-admin-access"
    }
    after = markers(result)
    # The group's explicit Deny of iam:* wins over the user's own `*`: no finding, and the view
    # no longer says "yes" from the user's own policy alone.
    assert "denied-by-group" not in flagged
    assert before["denied-by-group"] is Admin.NO
    # Admin through its own policy together with its group's: flagged on the user, and the view
    # says so before the checks ran as well (it said "group").
    assert "admin-with-group" in flagged
    assert before["admin-with-group"] is Admin.YES
    assert before["member"] is Admin.NO  # iam:* alone is not admin
    assert before == after


def test_the_answers_are_computed_once_per_scan() -> None:
    result = account()
    first = admin_answers(result.resources)
    assert admin_answers(list(result.resources)) is first  # same principals: same answers
    changed = account()
    assert admin_answers(changed.resources) is not first
    assert first[result.resources[1].arn].admin is not None
    assert not first[result.resources[1].arn].admin.is_admin
