"""model/history.py, pure: LookupEvents items (literal, as CloudTrail returns them) as rows, who
did it, with what, the read-only filter, the lookup targets and the JSON contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from awsexplorer.model.history import (
    MAX_HOURS,
    age,
    agent_kind,
    history_region,
    linked,
    parse_event,
    parse_hours,
    shown,
    target_for,
    target_for_ref,
    window,
)

ROLE_SESSION = {
    "type": "AssumedRole",
    "principalId": "AROAEXAMPLE:alice@example.com",
    "arn": "arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com",
    "accountId": "123456789012",
    "sessionContext": {
        "sessionIssuer": {"type": "Role", "userName": "Admin"},
        "attributes": {"creationDate": "2024-05-01T10:00:00Z", "mfaAuthenticated": "false"},
    },
}

# A recorded item: AuthorizeSecurityGroupIngress by a role session from the CLI, denied.
AUTHORIZE = {
    "EventId": "5f1c7a1e-0000-4000-8000-000000000001",
    "EventName": "AuthorizeSecurityGroupIngress",
    "ReadOnly": "false",
    "EventTime": datetime(2024, 5, 1, 12, 3, 4, tzinfo=UTC),
    "EventSource": "ec2.amazonaws.com",
    "Username": "alice@example.com",
    "Resources": [{"ResourceType": "AWS::EC2::SecurityGroup", "ResourceName": "sg-0abc"}],
    "CloudTrailEvent": json.dumps(
        {
            "eventVersion": "1.09",
            "userIdentity": ROLE_SESSION,
            "eventTime": "2024-05-01T12:03:04Z",
            "eventSource": "ec2.amazonaws.com",
            "eventName": "AuthorizeSecurityGroupIngress",
            "awsRegion": "eu-west-1",
            "sourceIPAddress": "198.51.100.7",
            "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.ubuntu",
            "errorCode": "Client.UnauthorizedOperation",
            "readOnly": False,
            "eventID": "5f1c7a1e-0000-4000-8000-000000000001",
        }
    ),
}


def test_a_recorded_event_becomes_a_row() -> None:
    row = parse_event(AUTHORIZE, "eu-west-1")
    assert row.time == datetime(2024, 5, 1, 12, 3, 4, tzinfo=UTC)
    assert row.user == "role/Admin (session alice@example.com)"
    assert row.agent_kind == "cli"
    assert row.error_code == "Client.UnauthorizedOperation"
    assert row.read_only is False
    assert row.touches() == ["sg-0abc"]
    assert row.to_dict() == {
        "time": "2024-05-01T12:03:04Z",
        "event_name": "AuthorizeSecurityGroupIngress",
        "event_source": "ec2.amazonaws.com",
        "user": "role/Admin (session alice@example.com)",
        "source_ip": "198.51.100.7",
        "user_agent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.ubuntu",
        "error_code": "Client.UnauthorizedOperation",
        "read_only": False,
        "event_id": "5f1c7a1e-0000-4000-8000-000000000001",
        "region": "eu-west-1",
        "resources": [{"type": "AWS::EC2::SecurityGroup", "name": "sg-0abc"}],
    }
    assert row.document()["userIdentity"]["type"] == "AssumedRole"


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        ({"type": "IAMUser", "userName": "bob", "arn": "arn:aws:iam::1:user/bob"}, "bob"),
        ({"type": "Root", "arn": "arn:aws:iam::1:root"}, "root"),
        (ROLE_SESSION, "role/Admin (session alice@example.com)"),
        (
            {"type": "AWSService", "invokedBy": "autoscaling.amazonaws.com"},
            "service autoscaling.amazonaws.com",
        ),
        ({"type": "AWSAccount", "accountId": "999988887777"}, "account 999988887777"),
        (
            {"type": "FederatedUser", "arn": "arn:aws:sts::1:federated-user/carol"},
            "federated carol",
        ),
        (None, "alice@example.com"),
    ],
)
def test_who_comes_from_user_identity(identity: Any, expected: str) -> None:
    document = {"eventName": "StopInstances", "readOnly": False}
    if identity is not None:
        document["userIdentity"] = identity
    item = {**AUTHORIZE, "CloudTrailEvent": json.dumps(document)}
    assert parse_event(item).user == expected


@pytest.mark.parametrize(
    ("agent", "identity", "ip", "kind"),
    [
        ("aws-cli/2.15.0 Python/3.11.6 Linux/6.1", None, "198.51.100.7", "cli"),
        ("Boto3/1.34.1 md/Botocore#1.34.1 ua/2.0 os/linux", None, "198.51.100.7", "sdk"),
        (
            "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io)",
            None,
            "1.2.3.4",
            "sdk",
        ),
        ("aws-sdk-go-v2/1.25.0 os/linux lang/go#1.22", None, "1.2.3.4", "sdk"),
        ("console.amazonaws.com", None, "203.0.113.9", "console"),
        ("Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0", None, "203.0.113.9", "console"),
        ("autoscaling.amazonaws.com", None, "autoscaling.amazonaws.com", "service"),
        ("AWS Internal", None, "AWS Internal", "service"),
        ("", {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}, "", "service"),
        ("curl/8.5.0", None, "1.2.3.4", "other"),
    ],
)
def test_user_agents_are_classified(agent: str, identity: Any, ip: str, kind: str) -> None:
    assert agent_kind(agent, identity, ip) == kind


def test_a_console_session_counts_as_console_whatever_its_agent() -> None:
    identity = {
        **ROLE_SESSION,
        "sessionContext": {"attributes": {"sessionCredentialFromConsole": "true"}},
    }
    assert agent_kind("S3Console/0.4, aws-internal/3", identity, "1.2.3.4") == "console"


def test_odd_items_never_raise() -> None:
    for item in (
        {},
        {"CloudTrailEvent": "{not json"},
        {"CloudTrailEvent": "[1, 2]", "EventTime": "yesterday", "Resources": [None, 3]},
        {"CloudTrailEvent": json.dumps({"userIdentity": "text", "readOnly": "maybe"})},
    ):
        row = parse_event(item, "eu-west-1")
        assert row.region == "eu-west-1"
        assert row.time == datetime.fromtimestamp(0, UTC)


def test_read_only_comes_from_the_document_then_the_envelope_then_the_name() -> None:
    doc_says = {**AUTHORIZE, "ReadOnly": "true"}  # the document's False wins
    assert parse_event(doc_says).read_only is False
    envelope = {"EventName": "StopInstances", "ReadOnly": "true", "CloudTrailEvent": "{}"}
    assert parse_event(envelope).read_only is True
    by_name = {"EventName": "DescribeInstances", "CloudTrailEvent": "{}"}
    assert parse_event(by_name).read_only is True
    login = {"EventName": "ConsoleLogin", "CloudTrailEvent": "{}"}
    assert parse_event(login).read_only is False


def _row(event_id: str, minutes: int, read_only: bool) -> Any:
    when = datetime(2024, 5, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    document = json.dumps({"readOnly": read_only, "eventName": "X"})
    item = {"EventId": event_id, "EventTime": when, "CloudTrailEvent": document}
    return parse_event(item)


def test_shown_is_newest_first_once_each_and_reads_only_when_asked() -> None:
    rows = [_row("a", 1, False), _row("b", 3, True), _row("c", 2, False), _row("a", 1, False)]
    assert [r.event_id for r in shown(rows, include_reads=False)] == ["c", "a"]
    assert [r.event_id for r in shown(rows, include_reads=True)] == ["b", "c", "a"]


def test_global_services_are_asked_in_us_east_1() -> None:
    role = target_for("iam:role", "deploy", "arn:aws:iam::123456789012:role/deploy", "global")
    assert role.region == "us-east-1"
    assert role.names == ("deploy", "arn:aws:iam::123456789012:role/deploy")
    assert history_region("global") == "us-east-1"
    assert history_region("eu-west-1", "route53") == "us-east-1"
    instance = target_for(
        "ec2:instance", "i-0123", "arn:aws:ec2:eu-west-1:1:instance/i-0123", "eu-west-1"
    )
    assert (instance.region, instance.names) == ("eu-west-1", ("i-0123",))
    bucket = target_for("s3:bucket", "logs", "arn:aws:s3:::logs", "eu-central-1")
    assert (bucket.region, bucket.names) == ("eu-central-1", ("logs",))


def test_account_wide_settings_have_nothing_to_look_up() -> None:
    target = target_for("ec2:ebs-defaults", "ebs-defaults", "arn:x", "eu-west-1")
    assert target.names == () and ":changes" in target.reason


def test_a_typed_ref_is_asked_where_it_lives() -> None:
    role = target_for_ref("arn:aws:iam::123456789012:role/deploy", "eu-west-1")
    assert role.region == "us-east-1"
    assert role.names == ("deploy", "arn:aws:iam::123456789012:role/deploy")
    lb = target_for_ref(
        "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/50dc6c495c0c9188", None
    )
    assert lb.region == "eu-west-1" and lb.names[0] == "50dc6c495c0c9188"
    assert target_for_ref("i-0123", "ap-south-1").names == ("i-0123",)
    assert target_for_ref("i-0123", None).region == "us-east-1"


def test_hours_window_and_age() -> None:
    assert parse_hours("") == 24 and parse_hours("48h") == 48
    for bad in ("0", "-3", "lots", str(MAX_HOURS + 1)):
        with pytest.raises(ValueError):
            parse_hours(bad)
    now = datetime(2024, 5, 10, tzinfo=UTC)
    assert window(10**6, now)[0] == now - timedelta(days=90)
    assert age(now - timedelta(minutes=5), now) == "5m"
    assert age(now - timedelta(hours=30), now) == "30h"
    assert age(now - timedelta(days=4), now) == "4d"
    assert age(now + timedelta(seconds=30), now) == "+30s"


def test_an_event_links_to_the_first_resource_the_scan_holds() -> None:
    row = parse_event(AUTHORIZE)
    assert linked(row, {"sg-0abc": "arn:aws:ec2:eu-west-1:1:security-group/sg-0abc"}) == (
        "arn:aws:ec2:eu-west-1:1:security-group/sg-0abc"
    )
    assert linked(row, {}) is None
