"""`awsexplorer whois SNAPSHOT ADDRESS`: the JSON contract of docs/whois.md, the exit codes, inert
text, and a version 1 snapshot still answered. No network: the snapshots are literal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot
from awsexplorer.cli import main
from awsexplorer.model import Account, RegionScan, RegionStatus, ScanResult, kinds
from tests.hostile import leaks
from tests.model.test_whois import ALB, INSTANCE, NAMED, SUBNET, VPC, res

HOSTILE = "web\x1b]52;c;aGk=\x07\u202e[bold]x[/bold]"
KEYS = ["address", "arn", "via", "kind", "region"]


def write(tmp_path: Path, resources: list[Any]) -> Path:
    result = ScanResult(
        account=Account("123456789012", None, "aws", "arn:aws:iam::123456789012:user/t"),
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:01:00Z",
        regions=[RegionScan("eu-west-1", RegionStatus.OK)],
        resources=resources,
    )
    return snapshot.write(result, tmp_path / "s.json")


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return write(tmp_path, NAMED)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["whois", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_exactly_a_list_of_owners(saved: Path, capsys: Any) -> None:
    code, out, _ = run(capsys, str(saved), "10.0.1.10", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data == [
        {
            "address": "10.0.1.10",
            "arn": INSTANCE.arn,
            "via": "eni-inst",
            "kind": "private-ip",
            "region": "eu-west-1",
        }
    ]
    assert all(list(item) == KEYS for item in data)


def test_json_for_a_name_a_record_and_an_unheld_address(saved: Path, capsys: Any) -> None:
    _, out, _ = run(capsys, str(saved), "web-1234.eu-west-1.elb.amazonaws.com", "--format", "json")
    assert [(d["arn"], d["via"], d["kind"]) for d in json.loads(out)] == [
        (ALB.arn, None, "dns-name")
    ]
    _, out, _ = run(capsys, str(saved), "api.example.com.", "--format", "json")
    assert [(d["arn"], d["via"], d["kind"]) for d in json.loads(out)] == [
        (ALB.arn, "Z123/api.example.com/A", "route53-record")
    ]
    code, out, _ = run(capsys, str(saved), "10.0.1.200", "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {"address": "10.0.0.0/16", "arn": VPC.arn, "via": None, "kind": "contains",
         "region": "eu-west-1"},
        {"address": "10.0.1.0/24", "arn": SUBNET.arn, "via": None, "kind": "contains",
         "region": "eu-west-1"},
    ]  # fmt: skip


def test_nothing_found_exits_1_with_an_empty_list(saved: Path, capsys: Any) -> None:
    code, out, _ = run(capsys, str(saved), "8.8.8.8", "--format", "json")
    assert (code, json.loads(out)) == (1, [])
    code, out, _ = run(capsys, str(saved), "8.8.8.8")
    assert code == 1 and "not in this account's address space" in out


@pytest.mark.parametrize("bad", ["not an address", "10.0.1", "10.0.0.0/40", ""])
def test_not_an_address_is_a_usage_error_on_one_line(saved: Path, capsys: Any, bad: str) -> None:
    code, out, err = run(capsys, str(saved), bad)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "not" in lines[0] and "try `awsexplorer whois" in lines[0]


def test_a_missing_snapshot_is_a_usage_error(tmp_path: Path, capsys: Any) -> None:
    code, _, err = run(capsys, str(tmp_path / "none.json"), "10.0.0.1")
    assert code == 2 and err.strip()


def test_hostile_strings_stay_inert(tmp_path: Path, capsys: Any) -> None:
    """Names and record names are anyone's to write: the text and JSON never carry them raw."""
    host = res(kinds.INSTANCE, "i-h", name=HOSTILE, private_ip="10.0.1.10")
    zone = res(
        kinds.HOSTED_ZONE,
        "Z9",
        "global",
        arn="arn:aws:route53:::hostedzone/Z9",
        name=HOSTILE,
        records=[
            {"name": "evil.example.com.", "type": "CNAME", "values": [HOSTILE]},
        ],
    )
    path = write(tmp_path, [VPC, SUBNET, host, zone])
    for argv in (("10.0.1.10",), ("evil.example.com",), ("10.0.1.10", "--format", "json")):
        code, out, _ = run(capsys, str(path), *argv)
        assert code == 0
        assert not leaks(out), (argv, leaks(out))
    _, out, _ = run(capsys, str(path), "10.0.1.10")
    assert "i-h" in out


def test_a_version_1_snapshot_still_answers(tmp_path: Path, capsys: Any) -> None:
    """A file written before snapshot v2 (one account), with the ENI's raw fields only."""
    eni = {
        "arn": "arn:aws:ec2:eu-west-1:123456789012:network-interface/eni-old",
        "type": kinds.NETWORK_INTERFACE,
        "id": "eni-old",
        "name": "eni-old",
        "region": "eu-west-1",
        "vpc_id": "vpc-1",
        "subnet_id": "subnet-a",
        "tags": {},
        "attributes": {
            "Description": "Primary network interface",
            "PrivateIpAddress": "10.0.1.44",
            "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.44"}],
            "Attachment": {"InstanceId": "i-1"},
            "attached_to": "i-1",
        },
    }
    document = {
        "format": "awsexplorer.snapshot",
        "version": 1,
        "account": {"id": "123456789012", "alias": None, "partition": "aws", "caller_arn": None},
        "profile": None,
        "started_at": "2025-01-01T00:00:00Z",
        "finished_at": "2025-01-01T00:01:00Z",
        "regions": [{"name": "eu-west-1", "status": "ok", "errors": []}],
        "resources": [INSTANCE.to_dict() | {"account_id": None}, eni],
    }
    for item in document["resources"]:
        item.pop("account_id", None)
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run(capsys, str(path), "10.0.1.44", "--format", "json")
    assert code == 0, err
    assert [(d["arn"], d["via"]) for d in json.loads(out)] == [(INSTANCE.arn, "eni-old")]
