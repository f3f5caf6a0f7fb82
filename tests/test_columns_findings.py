"""model.findings.findings_from_dicts: what [Finding.from_dict(d) for d in items] gives, the same
errors included, made a field at a time (snapshot.from_document reads every finding so)."""

from __future__ import annotations

from typing import Any

import pytest

from awsexplorer.model.findings import Finding, Scope, Severity, findings_from_dicts

ROOT = "arn:aws:iam::123456789012:root"
ITEMS: list[dict[str, Any]] = [
    {
        "check": "s3-public",
        "severity": "high",
        "resource": "arn:aws:s3:::b",
        "region": "us-east-1",
        "message": "m",
        "remediation": "r",
        "scope": "resource",
        "account_id": "123456789012",
    },
    # Written before findings carried their scope: an account-wide one on the root ARN.
    {"check": "iam-no-mfa", "severity": "critical", "resource": ROOT, "region": "global",
     "message": "m", "remediation": "r"},
    {"check": "iam-root-keys", "severity": "low", "resource": ROOT, "region": "global",
     "message": "m"},  # no remediation, the root user's own
    {"check": "c", "severity": "info", "resource": "x", "region": "r", "message": "",
     "remediation": None, "scope": "account", "account_id": None},
]  # fmt: skip


def test_the_same_findings() -> None:
    made = findings_from_dicts(ITEMS)
    assert made == [Finding.from_dict(item) for item in ITEMS]
    assert [f.scope for f in made] == [Scope.RESOURCE, Scope.ACCOUNT, Scope.RESOURCE, Scope.ACCOUNT]
    # Absent or null: no remediation (a null was read as the word "None", shown as "Fix: None").
    assert made[2].remediation == "" and made[3].remediation == ""
    assert all(type(f.severity) is Severity and type(f.scope) is Scope for f in made)
    assert hash(made[0]) == hash(Finding.from_dict(ITEMS[0]))
    with pytest.raises(AttributeError):
        made[0].check = "other"  # type: ignore[misc]  # still frozen
    assert findings_from_dicts([]) == []


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("scope", "nobody", ValueError),
        ("scope", ["x"], TypeError),
        ("severity", "dire", ValueError),
    ],
)
def test_the_same_errors(field: str, value: Any, error: type[Exception]) -> None:
    items = [dict(item) for item in ITEMS]
    items[1][field] = value
    with pytest.raises(error):
        Finding.from_dict(items[1])
    with pytest.raises(error):
        findings_from_dicts(items)
