"""Identity checks on literal fixtures: root, users, keys, policies, password policy, CloudTrail."""

from __future__ import annotations

from check_fixtures import (
    ROOT_ARN,
    allow,
    days_ago,
    error,
    flagged,
    group,
    messages,
    policy,
    resource,
    role,
    root,
    run,
    scan,
    user,
)

from awsexplorer.config import Settings

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def key(kid: str, *, created: float, used: float | None, status: str = "Active") -> dict:
    return {
        "id": kid,
        "status": status,
        "created": days_ago(created),
        "last_used": None if used is None else days_ago(used),
        "last_used_service": None,
        "last_used_region": None,
    }


# -- root ---------------------------------------------------------------------------------------


def test_root_without_mfa_is_reported_on_the_root_arn() -> None:
    findings, outcome = run("iam-root-mfa-disabled", scan(root(mfa_enabled=False)))
    assert outcome.status == "evaluated"
    assert [(f.resource, f.region, f.severity.value) for f in findings] == [
        (ROOT_ARN, "global", "critical")
    ]
    assert "no MFA" in findings[0].message


def test_root_with_mfa_passes() -> None:
    assert flagged("iam-root-mfa-disabled", scan(root(mfa_enabled=True))) == []


def test_root_mfa_unknown_is_not_evaluated_with_the_failed_calls() -> None:
    result = scan(
        root(mfa_enabled=None),
        errors=(error("global", "iam", "GetAccountSummary"),),
    )
    findings, outcome = run("iam-root-mfa-disabled", result)
    assert findings == []
    assert outcome.status == "not-evaluated"
    assert "iam:GetAccountSummary failed in global (AccessDenied)" in (outcome.reason or "")


def test_no_iam_data_at_all_is_not_evaluated() -> None:
    result = scan(errors=(error("global", "iam", "GetAccountAuthorizationDetails"),))
    for check_id in ("iam-root-mfa-disabled", "iam-admin-access", "iam-user-console-no-mfa"):
        findings, outcome = run(check_id, result)
        assert findings == [] and outcome.status == "not-evaluated", check_id
        assert "GetAccountAuthorizationDetails" in (outcome.reason or "")


def test_root_access_keys() -> None:
    assert flagged("iam-root-access-keys", scan(root(access_keys_present=True))) == ["root"]
    assert flagged("iam-root-access-keys", scan(root(access_keys_present=False))) == []
    _, outcome = run("iam-root-access-keys", scan(root(access_keys_present=None)))
    assert outcome.status == "not-evaluated"


# -- users ----------------------------------------------------------------------------------------


def test_console_user_without_mfa() -> None:
    result = scan(
        root(),
        user("alice", console_access=True, mfa_enabled=False),
        user("bob", console_access=True, mfa_enabled=True),
        user("ci", console_access=False, mfa_enabled=False),
    )
    assert flagged("iam-user-console-no-mfa", result) == ["alice"]
    assert messages("iam-user-console-no-mfa", result) == [
        "user alice can sign in to the console with no MFA device"
    ]


def test_console_user_unknown_mfa_is_not_evaluated() -> None:
    result = scan(root(), user("alice", console_access=True, mfa_enabled=None))
    findings, outcome = run("iam-user-console-no-mfa", result)
    assert findings == [] and outcome.status == "not-evaluated"


def test_key_never_used_and_old_is_unused() -> None:
    result = scan(root(), user("old", access_keys=[key("AKIAOLD", created=200, used=None)]))
    assert flagged("iam-access-key-unused", result) == ["old"]
    assert "AKIAOLD was never used (200 days old)" in messages("iam-access-key-unused", result)[0]


def test_key_created_yesterday_and_not_yet_used_is_not_stale() -> None:
    result = scan(root(), user("new", access_keys=[key("AKIANEW", created=1, used=None)]))
    assert flagged("iam-access-key-unused", result) == []
    assert flagged("iam-access-key-not-rotated", result) == []


def test_key_last_used_long_ago_is_unused_but_recent_use_is_fine() -> None:
    result = scan(
        root(),
        user("idle", access_keys=[key("AKIAIDLE", created=300, used=120)]),
        user("busy", access_keys=[key("AKIABUSY", created=60, used=2)]),
        user("off", access_keys=[key("AKIAOFF", created=300, used=None, status="Inactive")]),
    )
    assert flagged("iam-access-key-unused", result) == ["idle"]


def test_staleness_threshold_is_a_setting() -> None:
    result = scan(root(), user("idle", access_keys=[key("AKIA1", created=300, used=40)]))
    assert flagged("iam-access-key-unused", result) == []
    assert flagged("iam-access-key-unused", result, Settings(stale_days=30)) == ["idle"]


def test_key_not_rotated() -> None:
    result = scan(
        root(),
        user("old", access_keys=[key("AKIAOLD", created=91, used=1)]),
        user("fresh", access_keys=[key("AKIAFRESH", created=89, used=1)]),
        user("inactive", access_keys=[key("AKIAX", created=900, used=None, status="Inactive")]),
    )
    assert flagged("iam-access-key-not-rotated", result) == ["old"]


def test_keys_not_read_make_key_checks_not_evaluated() -> None:
    result = scan(root(), user("u", access_keys=None))
    for check_id in ("iam-access-key-unused", "iam-access-key-not-rotated"):
        _, outcome = run(check_id, result)
        assert outcome.status == "not-evaluated", check_id


def test_principal_unused() -> None:
    result = scan(
        root(),
        user("contractor", created=days_ago(200), last_used=None),
        user("former", created=days_ago(400), last_used=days_ago(100)),
        user("active", created=days_ago(400), last_used=days_ago(3)),
        user("newcomer", created=days_ago(10), last_used=None),
        role("old-project", created=days_ago(365), last_used=None),
        role("lambda-role", created=days_ago(365), last_used=days_ago(1)),
        role(
            "AWSServiceRoleForSupport",
            created=days_ago(900),
            last_used=None,
            path="/aws-service-role/support.amazonaws.com/",
        ),
    )
    assert sorted(flagged("iam-principal-unused", result)) == [
        "contractor",
        "former",
        "old-project",
    ]


def test_principal_with_unknown_last_use_is_not_evaluated() -> None:
    result = scan(root(), user("who", created=days_ago(200), last_used=None, last_used_known=False))
    findings, outcome = run("iam-principal-unused", result)
    assert findings == [] and outcome.status == "not-evaluated"


# -- policies -------------------------------------------------------------------------------------


def test_admin_attached_directly_to_a_user() -> None:
    attached = [{"name": "AdministratorAccess", "arn": ADMIN_ARN, "document": None}]
    result = scan(root(), user("alice", attached_policies=attached))
    assert flagged("iam-admin-access", result) == ["alice"]


def test_admin_through_group_membership_is_reported_on_the_group_naming_members() -> None:
    admins = group(
        "admins",
        members=["alice", "bob"],
        attached_policies=[{"name": "AdministratorAccess", "arn": ADMIN_ARN, "document": None}],
    )
    result = scan(root(), admins, user("alice", groups=["admins"]), user("bob", groups=["admins"]))
    findings, outcome = run("iam-admin-access", result)
    assert outcome.status == "evaluated"
    assert [f.resource for f in findings] == [admins.arn]
    assert "members: alice, bob" in findings[0].message


def test_inline_star_star_is_admin_on_a_role() -> None:
    inline = [{"name": "everything", "document": policy(allow("*"))}]
    result = scan(root(), role("deployer", inline_policies=inline))
    assert flagged("iam-admin-access", result) == ["deployer"]
    assert "everything (inline)" in messages("iam-admin-access", result)[0]


def test_star_action_on_one_resource_or_deny_is_not_admin() -> None:
    scoped = [{"name": "scoped", "document": policy(allow("*", "arn:aws:s3:::bucket/*"))}]
    deny = [
        {"name": "deny", "document": policy({"Effect": "Deny", "Action": "*", "Resource": "*"})}
    ]
    result = scan(root(), role("scoped", inline_policies=scoped), user("u", inline_policies=deny))
    assert flagged("iam-admin-access", result) == []


def test_service_wildcard_on_a_role() -> None:
    s3_full = {
        "name": "AmazonS3FullAccess",
        "arn": "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        "document": policy(allow(["s3:*", "s3-object-lambda:*"])),
    }
    one_bucket = {
        "name": "read-one-bucket",
        "document": policy(allow(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::reports/*")),
    }
    scoped_star = {"name": "scoped", "document": policy(allow("s3:*", "arn:aws:s3:::reports"))}
    result = scan(
        root(),
        role("app-role", attached_policies=[s3_full]),
        role("reporting", inline_policies=[one_bucket, scoped_star]),
        user("dev", inline_policies=[{"name": "ddb", "document": policy(allow("dynamodb:*"))}]),
    )
    assert sorted(flagged("iam-service-wildcard", result)) == ["app-role", "dev"]
    text = " ".join(messages("iam-service-wildcard", result))
    assert "s3:*" in text and "AmazonS3FullAccess" in text and "dynamodb:*" in text


def test_policies_not_read_make_policy_checks_not_evaluated() -> None:
    result = scan(
        root(),
        user("u", attached_policies=None, inline_policies=None),
        errors=(error("global", "iam", "GetAccountAuthorizationDetails"),),
    )
    for check_id in ("iam-admin-access", "iam-service-wildcard"):
        _, outcome = run(check_id, result)
        assert outcome.status == "not-evaluated", check_id


def test_password_policy() -> None:
    assert flagged("iam-password-policy-weak", scan(root(password_policy_status="none"))) == [
        "root"
    ]
    weak = root(password_policy={"MinimumPasswordLength": 8, "PasswordReusePrevention": 5})
    assert "minimum length 8" in messages("iam-password-policy-weak", scan(weak))[0]
    no_reuse = root(password_policy={"MinimumPasswordLength": 16})
    assert "no password reuse prevention" in messages("iam-password-policy-weak", scan(no_reuse))[0]
    assert flagged("iam-password-policy-weak", scan(root())) == []
    unknown = scan(
        root(password_policy_status="unknown", password_policy=None),
        errors=(error("global", "iam", "GetAccountPasswordPolicy"),),
    )
    assert run("iam-password-policy-weak", unknown)[1].status == "not-evaluated"


# -- CloudTrail -----------------------------------------------------------------------------------


def trail(name: str, region: str = "eu-west-1", **attributes: object) -> object:
    base = {"multi_region": True, "is_logging": True}
    base.update(attributes)
    return resource("cloudtrail:trail", name, region, **base)


def test_multi_region_logging_trail_passes() -> None:
    assert flagged("cloudtrail-multi-region-missing", scan(trail("org"))) == []


def test_no_trail_single_region_or_stopped_trail_is_reported_on_the_account() -> None:
    assert flagged("cloudtrail-multi-region-missing", scan()) == ["root"]
    result = scan(
        trail("local", multi_region=False), trail("stopped", "us-east-1", is_logging=False)
    )
    findings, _ = run("cloudtrail-multi-region-missing", result)
    assert [f.resource for f in findings] == [ROOT_ARN]
    assert "local (single-region, logging)" in findings[0].message
    assert "stopped (multi-region, not logging)" in findings[0].message


def test_trails_unreadable_is_not_evaluated_but_a_good_trail_elsewhere_decides() -> None:
    denied = (error("us-east-1", "cloudtrail", "DescribeTrails"),)
    assert run("cloudtrail-multi-region-missing", scan(errors=denied))[1].status == "not-evaluated"
    findings, outcome = run("cloudtrail-multi-region-missing", scan(trail("org"), errors=denied))
    assert findings == [] and outcome.status == "evaluated"
    failed_region = scan(failed=("eu-west-1",))
    assert run("cloudtrail-multi-region-missing", failed_region)[1].status == "not-evaluated"


def test_users_unlisted_when_details_and_report_both_failed() -> None:
    result = scan(
        root(credential_report_status="denied"),
        errors=(
            error("global", "iam", "GetAccountAuthorizationDetails"),
            error("global", "iam", "GetCredentialReport"),
        ),
    )
    for check_id in (
        "iam-user-console-no-mfa",
        "iam-access-key-unused",
        "iam-access-key-not-rotated",
        "iam-principal-unused",
    ):
        findings, outcome = run(check_id, result)
        assert findings == [] and outcome.status == "not-evaluated", check_id


def test_users_from_the_report_still_judged_when_details_failed() -> None:
    result = scan(
        root(),
        user("alice", console_access=True, mfa_enabled=False, attached_policies=None),
        errors=(error("global", "iam", "GetAccountAuthorizationDetails"),),
    )
    findings, outcome = run("iam-user-console-no-mfa", result)
    assert outcome.status == "evaluated" and len(findings) == 1
    # Roles come only from the authorization details: unused roles cannot be judged.
    assert run("iam-principal-unused", result)[1].status == "not-evaluated"
