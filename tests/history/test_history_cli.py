"""`awsexplorer history` against the local CloudTrail stub (moto has no LookupEvents; the stub
speaks CloudTrail's JSON protocol on 127.0.0.1, reached through --endpoint-url and the same
client path): the JSON contract, the text, the reads flag, hostile strings kept inert, exit
codes 0/1/2."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from cloudtrail_stub import CloudTrailStub, event

from awsexplorer.cli import main

pytestmark = pytest.mark.moto  # a server on 127.0.0.1 (the stub)

KEYS = {
    "time", "event_name", "event_source", "user", "source_ip", "user_agent", "error_code",
    "read_only", "event_id", "region", "resources",
}  # fmt: skip


@pytest.fixture
def recorded(cloudtrail: CloudTrailStub, monkeypatch: pytest.MonkeyPatch) -> CloudTrailStub:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    now = time.time()
    cloudtrail.events = [
        event("e1", "StopInstances", now - 3600),
        event("e2", "DescribeInstances", now - 60, read_only=True),
        event(
            "e3",
            "TerminateInstances",
            now - 30,
            user_agent="\x1b[31mevil\x1b]0;owned\x07 [b]markup[/b]",
            error_code="Client.UnauthorizedOperation",
        ),
        event("r1", "AttachRolePolicy", now - 10, resource=("AWS::IAM::Role", "deploy"),
              source="iam.amazonaws.com", region="us-east-1"),
    ]  # fmt: skip
    return cloudtrail


def _run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(["history", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_the_contract_newest_first_changes_only(
    recorded: CloudTrailStub, capsys: Any
) -> None:
    code, out, _ = _run(
        capsys, "i-0123", "--region", "eu-west-1", "--endpoint-url", recorded.url,
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    rows = json.loads(out)
    assert [r["event_id"] for r in rows] == ["e3", "e1"]
    assert all(set(r) == KEYS for r in rows)
    assert rows[0]["error_code"] == "Client.UnauthorizedOperation"
    assert rows[0]["user"] == "role/Admin (session alice@example.com)"
    assert rows[0]["resources"] == [{"type": "AWS::EC2::Instance", "name": "i-0123"}]
    assert "\x1b" not in out and "\x07" not in out  # escaped by json_text
    assert {r.region for r in recorded.requests} == {"eu-west-1"}


def test_all_adds_the_reads(recorded: CloudTrailStub, capsys: Any) -> None:
    code, out, _ = _run(
        capsys, "i-0123", "--region", "eu-west-1", "--endpoint-url", recorded.url,
        "--format", "json", "--all",
    )  # fmt: skip
    assert code == 0
    assert [r["event_id"] for r in json.loads(out)] == ["e3", "e2", "e1"]


def test_text_is_one_row_per_event_and_inert(recorded: CloudTrailStub, capsys: Any) -> None:
    code, out, _ = _run(capsys, "i-0123", "--region", "eu-west-1", "--endpoint-url", recorded.url)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("history of i-0123 in eu-west-1") and "2 of 3 events" in lines[0]
    assert "TerminateInstances" in lines[1] and "FAILED Client.UnauthorizedOperation" in lines[1]
    assert "StopInstances" in lines[3] and " cli " in lines[3]
    assert "\x1b" not in out and "\x07" not in out and "␛" in out


def test_an_iam_arn_is_asked_in_us_east_1(recorded: CloudTrailStub, capsys: Any) -> None:
    code, out, _ = _run(
        capsys, "arn:aws:iam::123456789012:role/deploy", "--region", "eu-west-1",
        "--endpoint-url", recorded.url, "--format", "json",
    )  # fmt: skip
    assert code == 0 and [r["event_id"] for r in json.loads(out)] == ["r1"]
    assert {r.region for r in recorded.requests} == {"us-east-1"}


def test_another_accounts_arn_is_refused_with_the_fix(
    recorded: CloudTrailStub, capsys: Any
) -> None:
    """CloudTrail answers for the credentials' own account: asked about another account's
    resource it would say "no events", so the command says whose credentials these are."""
    code, out, err = _run(
        capsys, "arn:aws:iam::111122223333:role/deploy", "--endpoint-url", recorded.url
    )
    assert code == 2 and out == ""
    assert "account 111122223333" in err and "account 123456789012's" in err
    assert "--profile" in err
    assert not [r for r in recorded.requests if r.target.endswith("LookupEvents")]


def test_nothing_found_is_exit_1(recorded: CloudTrailStub, capsys: Any) -> None:
    code, out, _ = _run(capsys, "i-none", "--region", "eu-west-1", "--endpoint-url", recorded.url)
    assert code == 1 and "0 of 0 events" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("i-1", "--hours", "0"), "--hours 0"),
        (("i-1", "--hours", "9999"), "90 days"),
        (("i-1", "--region", "eu-west-1,us-east-1"), "one region"),
        (("i-1", "--demo"), "no CloudTrail history"),
    ],
)
def test_usage_errors_are_exit_2_with_the_fix(
    capsys: Any, args: tuple[str, ...], says: str
) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2 and out == ""
    assert says in err


def test_a_refusal_is_exit_2_naming_the_permission(recorded: CloudTrailStub, capsys: Any) -> None:
    def denied(headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        return 400, {"__type": "AccessDeniedException", "message": "no"}

    recorded.answer = denied  # type: ignore[method-assign]
    code, _, err = _run(capsys, "i-1", "--region", "eu-west-1", "--endpoint-url", recorded.url)
    assert code == 2 and "cloudtrail:LookupEvents" in err
