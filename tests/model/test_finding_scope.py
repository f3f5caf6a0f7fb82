"""Findings carry their scope (resource or account), set once by the check registry, written to
the snapshot, and derived once on read from a snapshot written before the field existed."""

from __future__ import annotations

import json
from pathlib import Path

from awsexplorer import snapshot
from awsexplorer.checks import evaluate
from awsexplorer.model.findings import Finding, Scope, Severity
from tests.checks.check_fixtures import root, scan

ROOT_ARN = "arn:aws:iam::123456789012:root"


def test_the_registry_sets_the_scope_account_flag_for_the_account_and_root_flag_for_root() -> None:
    # No password policy, no trail, no billing alarm: account-wide; root without MFA: root's own.
    findings, _ = evaluate(
        scan(root(mfa_enabled=False, password_policy_status="none", password_policy=None))
    )
    scopes = {f.check: f.scope for f in findings if f.resource.endswith(":root")}
    assert scopes["iam-root-mfa-disabled"] is Scope.RESOURCE
    assert scopes["iam-password-policy-weak"] is Scope.ACCOUNT
    assert {s for c, s in scopes.items() if not c.startswith("iam-root-")} == {Scope.ACCOUNT}


def test_old_snapshots_read_with_the_same_scope_the_registry_now_sets(tmp_path: Path) -> None:
    result = scan(root(mfa_enabled=False, password_policy_status="none", password_policy=None))
    result.findings, result.checks = evaluate(result)
    assert {f.scope for f in result.findings} == {Scope.ACCOUNT, Scope.RESOURCE}
    path = snapshot.write(result, tmp_path / "scan.json")
    # The same snapshot as written before findings had a scope.
    document = json.loads(path.read_text(encoding="utf-8"))
    for finding in document["findings"]:
        del finding["scope"]
    path.write_text(json.dumps(document), encoding="utf-8")
    old = snapshot.read(path)
    assert [f.scope for f in old.findings] == [f.scope for f in result.findings]
    assert old.findings == result.findings


def test_the_scope_is_written_and_read_back() -> None:
    finding = Finding("x-y", Severity.LOW, ROOT_ARN, "global", "m", "r", Scope.ACCOUNT)
    data = finding.to_dict()
    assert data["scope"] == "account"
    assert Finding.from_dict(data) == finding
    # Written without it (a v1 snapshot from before): derived from the check and the ARN.
    del data["scope"]
    assert Finding.from_dict(data).scope is Scope.ACCOUNT
    assert Finding.from_dict({**data, "check": "iam-root-mfa-disabled"}).scope is Scope.RESOURCE
    other = {**data, "resource": "arn:aws:s3:::bucket"}
    assert Finding.from_dict(other).scope is Scope.RESOURCE


def test_worst_by_resource_keeps_the_most_severe_per_arn() -> None:
    from awsexplorer.model.findings import worst_by_resource

    def at(arn: str, severity: Severity) -> Finding:
        return Finding("x-y", severity, arn, "global", "m", "r")

    found = [at("a", Severity.LOW), at("b", Severity.MEDIUM), at("a", Severity.HIGH)]
    assert worst_by_resource(found) == {"a": Severity.HIGH, "b": Severity.MEDIUM}
