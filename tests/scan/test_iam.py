"""The IAM collector against the in-process moto server.

moto has no API for past dates, so tests set last-used times and account-summary flags directly on
moto's backend objects (the server runs in this process). Denied calls are simulated with a
botocore event handler on the scanner's own IAM client: it raises AccessDenied for one operation
before the request is sent, which is exactly what the scanner sees when IAM refuses it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam.models import AccessKeyLastUsed, iam_backends

from awsexplorer.model import ScanResult
from awsexplorer.model.principals import ReportKey
from awsexplorer.scan.collectors import all_collectors, iam
from awsexplorer.scan.runner import Scanner
from awsexplorer.scan.session import ClientPool

ADMIN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
S3_ALL = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
}
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def backend() -> Any:
    return iam_backends[DEFAULT_ACCOUNT_ID]["aws"]


def at(day: int, month: int = 3, hour: int = 10) -> datetime:
    return datetime(2024, month, day, hour, 30, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    # moto answers STARTED to the first GenerateCredentialReport: don't wait half a second.
    monkeypatch.setattr(iam, "REPORT_FIRST_DELAY", 0.01)


@pytest.fixture
def scan_iam(scan_config: Callable[..., Any]) -> Callable[[], ScanResult]:
    """Only the IAM collector, one region: the test is about IAM, and stays fast."""
    only = [c for c in all_collectors() if c.service == "iam"]

    def run() -> ScanResult:
        config = scan_config(regions=("us-east-1",))
        return asyncio.run(Scanner(config, collectors=only).run())

    return run


@pytest.fixture
def iam_hook(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[str, Callable[..., Any]], None]]:
    """Register a botocore event handler on the scanner's IAM clients, as they are created."""
    hooks: list[tuple[str, Callable[..., Any]]] = []
    original = ClientPool.get

    async def get(self: ClientPool, service: str, region: str) -> Any:
        client = await original(self, service, region)
        if service == "iam":
            for event, handler in hooks:
                client.meta.events.register(event, handler, unique_id=f"test-{event}")
        return client

    monkeypatch.setattr(ClientPool, "get", get)
    yield lambda event, handler: hooks.append((event, handler))


@pytest.fixture
def deny(iam_hook: Callable[[str, Callable[..., Any]], None]) -> Callable[[str], None]:
    """deny("GetCredentialReport"): IAM answers AccessDenied to that operation."""

    def refuse(operation: str) -> None:
        def handler(**_: Any) -> None:
            error = {"Code": "AccessDenied", "Message": f"not authorized to perform {operation}"}
            raise ClientError({"Error": error}, operation)

        iam_hook(f"before-call.iam.{operation}", handler)

    return refuse


def by_id(result: ScanResult, rtype: str) -> dict[str, Any]:
    return {r.id: r for r in result.resources if r.type == rtype}


def seed_people(aws: Callable[..., Any]) -> dict[str, str]:
    """console-user (password used), key-user (key used), idle-user (never), two roles, a group."""
    client = aws("iam")
    for name in ("console-user", "key-user", "idle-user"):
        client.create_user(UserName=name)
    client.create_login_profile(UserName="console-user", Password="Secret-123!")
    client.create_login_profile(UserName="idle-user", Password="Secret-123!")
    key = client.create_access_key(UserName="key-user")["AccessKey"]["AccessKeyId"]
    idle_key = client.create_access_key(UserName="idle-user")["AccessKey"]["AccessKeyId"]
    client.create_role(RoleName="app-role", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    client.create_role(RoleName="unused-role", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    client.put_role_policy(RoleName="app-role", PolicyName="all", PolicyDocument=json.dumps(ADMIN))
    arn = client.create_policy(PolicyName="s3-all", PolicyDocument=json.dumps(S3_ALL))["Policy"][
        "Arn"
    ]
    client.create_group(GroupName="ops")
    client.attach_group_policy(GroupName="ops", PolicyArn=arn)
    client.add_user_to_group(GroupName="ops", UserName="console-user")
    client.add_user_to_group(GroupName="ops", UserName="key-user")
    client.create_group(GroupName="empty")

    iam_backend = backend()
    iam_backend.users["console-user"].password_last_used = at(5)
    iam_backend.access_keys[key].last_used = AccessKeyLastUsed(at(7), "s3", "eu-west-2")
    role = iam_backend.get_role("app-role")
    role.last_used, role.last_used_region = at(9), "ap-southeast-2"
    return {"key": key, "idle_key": idle_key, "policy": arn}


def test_users_roles_and_groups_with_last_used(
    aws: Callable[..., Any], scan_iam: Callable[[], ScanResult]
) -> None:
    seeded = seed_people(aws)
    result = scan_iam()
    assert result.errors == []
    users, roles, groups = (by_id(result, f"iam:{t}") for t in ("user", "role", "group"))
    assert sorted(users) == ["console-user", "idle-user", "key-user"]
    assert sorted(roles) == ["app-role", "unused-role"]
    assert sorted(groups) == ["empty", "ops"]
    assert all(r.region == "global" for r in result.resources)

    console = users["console-user"].attributes
    assert console["last_used"] == "2024-03-05T10:30:15Z"
    assert console["last_used_detail"] == {"kind": "console", "when": "2024-03-05T10:30:15Z"}
    assert console["console_access"] is True and console["mfa_enabled"] is False
    assert console["access_keys"] == [] and console["groups"] == ["ops"]

    key_user = users["key-user"].attributes
    assert key_user["last_used"] == "2024-03-07T10:30:15Z"
    assert key_user["last_used_detail"] == {
        "kind": "access-key",
        "when": "2024-03-07T10:30:15Z",
        "key_id": seeded["key"],
        "service": "s3",
        "region": "eu-west-2",
    }
    [key] = key_user["access_keys"]
    assert key["id"] == seeded["key"] and key["status"] == "Active"
    assert (key["last_used_region"], key["last_used_service"]) == ("eu-west-2", "s3")
    assert key_user["console_access"] is False

    idle = users["idle-user"].attributes
    assert idle["last_used"] is None and idle["last_used_detail"] is None
    assert idle["last_used_known"] is True  # null here means never, not "could not read"
    assert idle["access_keys"][0]["id"] == seeded["idle_key"]
    assert idle["access_keys"][0]["last_used"] is None
    assert idle["created"].endswith("Z")

    app = roles["app-role"].attributes
    assert app["last_used"] == "2024-03-09T10:30:15Z"
    assert app["last_used_region"] == "ap-southeast-2"
    assert app["trust_policy"] == EC2_TRUST
    assert app["inline_policies"] == [{"name": "all", "document": ADMIN}]
    assert roles["unused-role"].attributes["last_used"] is None
    assert roles["unused-role"].attributes["last_used_region"] is None

    ops = groups["ops"].attributes
    assert ops["members"] == ["console-user", "key-user"]
    assert ops["attached_policies"] == [
        {"name": "s3-all", "arn": seeded["policy"], "document": S3_ALL}
    ]
    assert ops["last_used"] == "2024-03-07T10:30:15Z"  # its most recent member's use
    assert ops["last_used_detail"]["member"] == "key-user"
    assert groups["empty"].attributes["last_used"] is None


def test_root_mfa_keys_and_password_policy(
    aws: Callable[..., Any], scan_iam: Callable[[], ScanResult]
) -> None:
    summary = backend().account_summary
    summary._account_mfa_enabled = 1
    summary._account_access_keys_present = 1
    result = scan_iam()
    root = by_id(result, "iam:root")["root"]
    assert root.arn == f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:root"
    assert root.region == "global"
    assert root.attributes["mfa_enabled"] is True
    assert root.attributes["mfa_type"] == "hardware"  # no virtual device is assigned to root
    assert root.attributes["access_keys_present"] is True
    # No password policy is a fact about the account, not a failed call.
    assert root.attributes["password_policy"] is None
    assert root.attributes["password_policy_status"] == "none"
    assert root.attributes["credential_report_status"] == "ok"
    assert root.attributes["credential_report_generated"] == "2015-02-02T20:02:02Z"
    assert result.errors == []


def test_root_without_mfa_and_with_a_password_policy(
    aws: Callable[..., Any], scan_iam: Callable[[], ScanResult]
) -> None:
    aws("iam").update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)
    root = by_id(scan_iam(), "iam:root")["root"].attributes
    assert root["mfa_enabled"] is False and root["mfa_type"] is None
    assert root["access_keys_present"] is False
    assert root["password_policy_status"] == "set"
    assert root["password_policy"]["MinimumPasswordLength"] == 14


def test_credential_report_is_polled_until_complete(
    aws: Callable[..., Any],
    scan_iam: Callable[[], ScanResult],
    iam_hook: Callable[[str, Callable[..., Any]], None],
) -> None:
    # moto answers STARTED to the first GenerateCredentialReport and COMPLETE afterwards.
    states: list[str] = []
    iam_hook(
        "after-call.iam.GenerateCredentialReport",
        lambda parsed, **_: states.append(parsed["State"]),
    )
    aws("iam").create_user(UserName="someone")
    result = scan_iam()
    assert states == ["STARTED", "COMPLETE"]
    assert by_id(result, "iam:root")["root"].attributes["credential_report_status"] == "ok"
    assert by_id(result, "iam:user")["someone"].attributes["last_used_known"] is True


def test_credential_report_that_never_completes_is_given_up(
    aws: Callable[..., Any],
    scan_iam: Callable[[], ScanResult],
    iam_hook: Callable[[str, Callable[..., Any]], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(iam, "REPORT_TIMEOUT", 0.1)

    def stuck(parsed: dict[str, Any], **_: Any) -> None:
        parsed["State"] = "INPROGRESS"

    iam_hook("after-call.iam.GenerateCredentialReport", stuck)
    seed_people(aws)
    result = scan_iam()
    [error] = result.errors
    assert (error.region, error.operation, error.code) == (
        "global",
        "GenerateCredentialReport",
        "TimeoutError",
    )
    assert result.region("global").status == "partial"
    users, roles = by_id(result, "iam:user"), by_id(result, "iam:role")
    # Unknown, not "never": the flag tells the two apart.
    assert users["console-user"].attributes["last_used"] is None
    assert users["console-user"].attributes["last_used_known"] is False
    assert roles["app-role"].attributes["last_used"] == "2024-03-09T10:30:15Z"
    root = by_id(result, "iam:root")["root"].attributes
    assert root["credential_report_status"] == "timeout"


def test_denied_credential_report_falls_back_to_per_user_calls(
    aws: Callable[..., Any], scan_iam: Callable[[], ScanResult], deny: Callable[[str], None]
) -> None:
    deny("GetCredentialReport")
    seeded = seed_people(aws)
    aws("iam").create_virtual_mfa_device(VirtualMFADeviceName="console-user")
    result = scan_iam()
    [error] = result.errors
    assert (error.operation, error.code) == ("GetCredentialReport", "AccessDenied")
    users = by_id(result, "iam:user")
    key_user = users["key-user"].attributes
    assert key_user["last_used"] == "2024-03-07T10:30:15Z"
    assert key_user["access_keys"][0]["id"] == seeded["key"]
    assert key_user["access_keys"][0]["last_used_region"] == "eu-west-2"
    assert key_user["last_used_known"] is True
    assert key_user["console_access"] is False
    assert users["console-user"].attributes["console_access"] is True
    assert users["idle-user"].attributes["mfa_enabled"] is False
    assert users["idle-user"].attributes["last_used"] is None
    root = by_id(result, "iam:root")["root"].attributes
    assert root["credential_report_status"] == "denied"
    assert root["last_used_known"] is False


def test_denied_authorization_details_still_shows_root_and_users(
    aws: Callable[..., Any], scan_iam: Callable[[], ScanResult], deny: Callable[[str], None]
) -> None:
    deny("GetAccountAuthorizationDetails")
    seed_people(aws)
    result = scan_iam()
    [error] = result.errors
    assert (error.operation, error.code) == ("GetAccountAuthorizationDetails", "AccessDenied")
    assert "root" in by_id(result, "iam:root")
    users = by_id(result, "iam:user")
    assert sorted(users) == ["console-user", "idle-user", "key-user"]
    # Policies could not be read: None, never an empty list that would read as "no policies".
    assert users["key-user"].attributes["attached_policies"] is None
    assert users["key-user"].attributes["last_used"] == "2024-03-07T10:30:15Z"
    assert by_id(result, "iam:role") == {}


def test_collector_names_its_actions() -> None:
    [collector] = [c for c in all_collectors() if c.service == "iam"]
    assert "iam:GetAccountAuthorizationDetails" in collector.actions
    assert "iam:GenerateCredentialReport" in collector.actions
    assert set(collector.types) == {"iam:root", "iam:user", "iam:role", "iam:group"}


def test_user_created_after_the_report_is_read_per_user(
    aws: Callable[..., Any],
    scan_iam: Callable[[], ScanResult],
    iam_hook: Callable[[str, Callable[..., Any]], None],
) -> None:
    # AWS reuses a report for up to four hours: a newer user is not in it yet.
    def drop_key_user(parsed: dict[str, Any], **_: Any) -> None:
        lines = parsed["Content"].decode().splitlines(keepends=True)
        parsed["Content"] = "".join(x for x in lines if not x.startswith("key-user,")).encode()

    iam_hook("after-call.iam.GetCredentialReport", drop_key_user)
    seed_people(aws)
    result = scan_iam()
    assert result.errors == []
    users = by_id(result, "iam:user")
    assert users["key-user"].attributes["last_used"] == "2024-03-07T10:30:15Z"
    assert users["key-user"].attributes["last_used_detail"]["region"] == "eu-west-2"
    assert users["key-user"].attributes["last_used_known"] is True
    assert users["console-user"].attributes["last_used"] == "2024-03-05T10:30:15Z"


def _slot(slot: int, rotated: str, used: str | None) -> ReportKey:
    return ReportKey(
        slot, True, rotated, used, "eu-west-1" if used else None, "s3" if used else None
    )


def test_report_key_slots_are_matched_to_key_ids_by_creation_time() -> None:
    listed = [
        {
            "AccessKeyId": "AKIANEW",
            "Status": "Active",
            "CreateDate": datetime(2024, 2, 1, tzinfo=UTC),
        },
        {
            "AccessKeyId": "AKIAOLD",
            "Status": "Inactive",
            "CreateDate": datetime(2023, 1, 1, tzinfo=UTC),
        },
    ]
    slots = [
        _slot(1, "2023-01-01T00:00:00Z", None),
        _slot(2, "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
    ]
    keys = {k["id"]: k for k in iam.merge_keys(listed, slots)}
    assert keys["AKIANEW"]["last_used"] == "2024-03-01T00:00:00Z"
    assert keys["AKIANEW"]["last_used_region"] == "eu-west-1"
    assert keys["AKIAOLD"]["last_used"] is None and keys["AKIAOLD"]["status"] == "Inactive"
    # Without ListAccessKeys the ids stay unknown, but the slots' use is kept.
    [unknown] = iam.merge_keys(None, slots[1:])
    assert unknown["id"] is None and unknown["last_used"] == "2024-03-01T00:00:00Z"


@pytest.mark.parametrize(
    "bad",
    [
        {"UserName": "bad\nuser"},  # splits its row in two
        {"UserName": "ok", "Path": "/a\nb/"},  # the path, in the ARN column
        {"UserName": '"quoted'},  # an open quote would swallow every row after it
    ],
    ids=["newline-name", "newline-path", "open-quote"],
)
def test_a_malformed_credential_report_row_is_skipped_and_the_rest_kept(
    aws: Callable[..., Any], scan_iam: Callable[[], ScanResult], bad: dict[str, str]
) -> None:
    # moto accepts control characters and quotes in IAM names and paths, and writes them into the
    # credential report unquoted (real IAM refuses them; a hostile or broken report is the same).
    seed_people(aws)
    client = aws("iam")
    client.create_user(**bad)
    client.create_user(UserName="zz-after")  # its row comes after the bad one
    client.create_login_profile(UserName="zz-after", Password="Secret-123!")
    backend().users["zz-after"].password_last_used = at(11)

    result = scan_iam()

    users = by_id(result, "iam:user")
    # Every principal is there: the good rows from the report, the bad one from
    # GetAccountAuthorizationDetails (its sign-in facts read with the per-user calls).
    expected = ["console-user", "idle-user", "key-user", "zz-after", bad["UserName"]]
    assert sorted(users) == sorted(expected)
    assert sorted(by_id(result, "iam:role")) == ["app-role", "unused-role"]
    assert sorted(by_id(result, "iam:group")) == ["empty", "ops"]
    assert by_id(result, "iam:root")
    # The rows around the bad one still come from the report.
    assert users["console-user"].attributes["last_used"] == "2024-03-05T10:30:15Z"
    assert users["zz-after"].attributes["last_used"] == "2024-03-11T10:30:15Z"
    assert users["zz-after"].attributes["last_used_known"] is True
    assert users[bad["UserName"]].attributes["last_used_known"] is True
    # One error, naming the problem (line numbers and why, never the row's text).
    [error] = result.errors
    assert (error.region, error.service, error.operation, error.code) == (
        "global",
        "iam",
        "GetCredentialReport",
        "MalformedReportRows",
    )
    assert "malformed line" in error.message and "credential report" in error.message
    assert "bad" not in error.message and "quoted" not in error.message


def test_a_well_formed_report_with_a_comma_in_a_quoted_name_is_read_whole() -> None:
    # IAM names may hold commas; the report quotes such fields: not a malformed row.
    report = (
        "user,arn,user_creation_time,password_enabled\r\n"
        "<root_account>,arn:aws:iam::123456789012:root,2024-01-01T00:00:00+00:00,not_supported\r\n"
        '"a,b","arn:aws:iam::123456789012:user/a,b",2024-01-02T00:00:00+00:00,true\r\n'
    )
    rows, skipped = iam.read_credential_report(report.encode())
    assert skipped == []
    assert sorted(rows) == ["<root_account>", "a,b"]
    assert rows["a,b"].password_enabled is True


def test_a_carriage_return_in_one_row_does_not_stop_the_report() -> None:
    # moto's XML parsing turns a CR in a name into LF, so this one is a recorded report: csv
    # refuses a bare CR in an unquoted field, which used to fail the whole IAM collector.
    report = (
        "user,arn,user_creation_time,password_enabled\n"
        "alice,arn:aws:iam::123456789012:user/alice,2024-01-01T00:00:00+00:00,true\n"
        "bad\ruser,arn:aws:iam::123456789012:user/bad\ruser,2024-01-01T00:00:00+00:00,false\n"
        "zed,arn:aws:iam::123456789012:user/zed,2024-01-03T00:00:00+00:00,false\n"
    )
    rows, skipped = iam.read_credential_report(report.encode())
    assert sorted(rows) == ["alice", "zed"]
    assert skipped == [(3, "not valid CSV")]
    problem = str(iam.MalformedReportRows(skipped))
    assert problem.startswith("skipped 1 malformed line of the credential report (line 3: not")
