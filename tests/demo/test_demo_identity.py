"""IAM of the demo account, with the activity dates set on moto's backend."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

Aws = Callable[..., Any]


def _ago(moment: datetime) -> timedelta:
    return datetime.now(UTC) - moment


def _close(moment: datetime, expected: timedelta) -> bool:
    # The seed ran a little earlier in this process: allow for it.
    return abs(_ago(moment) - expected) < timedelta(minutes=30)


def test_users_groups_and_mfa(demo_aws: Aws) -> None:
    iam = demo_aws("iam")
    users = {u["UserName"]: u for u in iam.list_users()["Users"]}
    assert set(users) == {"alice", "bob", "ci-deploy", "legacy-reporting"}
    assert _close(users["alice"]["PasswordLastUsed"], timedelta(days=2))
    assert _close(users["bob"]["PasswordLastUsed"], timedelta(days=10))
    assert "PasswordLastUsed" not in users["legacy-reporting"]
    assert _close(users["legacy-reporting"]["CreateDate"], timedelta(days=400))
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"]
    assert not iam.list_mfa_devices(UserName="bob")["MFADevices"]
    iam.get_login_profile(UserName="bob")  # bob has a console password
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == [
        "admins"
    ]
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountMFAEnabled"] == 0
    assert summary["AccountAccessKeysPresent"] == 0
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 8 and "PasswordReusePrevention" not in policy
    assert iam.list_account_aliases()["AccountAliases"] == ["acme-demo"]


def test_access_keys_last_used(demo_aws: Aws) -> None:
    iam = demo_aws("iam")
    (deploy_key,) = iam.list_access_keys(UserName="ci-deploy")["AccessKeyMetadata"]
    (old_key,) = iam.list_access_keys(UserName="legacy-reporting")["AccessKeyMetadata"]
    assert _close(deploy_key["CreateDate"], timedelta(days=30))
    assert _close(old_key["CreateDate"], timedelta(days=400))
    used = iam.get_access_key_last_used(AccessKeyId=deploy_key["AccessKeyId"])["AccessKeyLastUsed"]
    assert _close(used["LastUsedDate"], timedelta(hours=3))
    assert (used["ServiceName"], used["Region"]) == ("s3", "eu-west-1")
    never = iam.get_access_key_last_used(AccessKeyId=old_key["AccessKeyId"])["AccessKeyLastUsed"]
    assert "LastUsedDate" not in never


def test_roles_last_used_and_policies(demo_aws: Aws) -> None:
    iam = demo_aws("iam")
    details = iam.get_account_authorization_details(Filter=["Role"])["RoleDetailList"]
    roles = {r["RoleName"]: r for r in details}
    assert set(roles) == {
        "orders-api-lambda",
        "app-assets-reader",
        "data-pipeline",
        "old-migration",
        # demo/mistakes_edges.py: the stream-fed functions' roles
        "orders-stream-sync",
        "orders-events-archiver",
    }
    old = roles["old-migration"]["RoleLastUsed"]
    assert _close(old["LastUsedDate"], timedelta(days=200)) and old["Region"] == "us-east-1"
    assert _close(roles["old-migration"]["CreateDate"], timedelta(days=420))
    recent = roles["orders-api-lambda"]["RoleLastUsed"]
    assert _close(recent["LastUsedDate"], timedelta(hours=1)) and recent["Region"] == "eu-west-1"

    def statements(role: str) -> list[dict[str, Any]]:
        (policy,) = roles[role]["RolePolicyList"]
        return list(policy["PolicyDocument"]["Statement"])

    assert statements("data-pipeline") == [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
    (reader,) = statements("app-assets-reader")
    assert all("acme-prod-assets" in r for r in reader["Resource"])


def test_credential_report_carries_the_dates(demo_aws: Aws) -> None:
    iam = demo_aws("iam")
    iam.generate_credential_report()
    for _ in range(20):
        try:
            content = iam.get_credential_report()["Content"]
            break
        except iam.exceptions.CredentialReportNotReadyException:
            time.sleep(0.1)
    rows = {r["user"]: r for r in csv.DictReader(io.StringIO(content.decode()))}
    assert rows["bob"]["password_enabled"] == "true" and rows["bob"]["mfa_active"] == "false"
    assert rows["alice"]["mfa_active"] == "true"
    assert rows["legacy-reporting"]["access_key_1_last_used_date"] == "N/A"
    assert rows["ci-deploy"]["access_key_1_last_used_date"] not in ("N/A", "")
