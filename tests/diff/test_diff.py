"""model/diff.py and `awsexplorer diff` on literal scans (tests/diff/literal.py)."""

from __future__ import annotations

import json
from pathlib import Path

import literal
import pytest

from awsexplorer import snapshot
from awsexplorer.cli import main
from awsexplorer.model import Resource
from awsexplorer.model.diff import (
    VOLATILE,
    changes_by_arn,
    compare,
    diff,
    is_consequential,
    is_volatile,
    readable_lines,
)


def _summaries(found: object) -> dict[str, list[str]]:
    return {c.arn: [x.summary for x in c.changes] for c in found.changed}  # type: ignore[attr-defined]


def test_the_issues_changes_read_as_a_person_says_them() -> None:
    found = diff(literal.old_scan(), literal.new_scan())
    assert [r.arn for r in found.added] == [literal.BUCKET]
    assert [r.arn for r in found.removed] == [literal.QUEUE]
    assert _summaries(found) == {
        literal.INSTANCE: [
            "State.Code: 16 → 80",
            "State.Name: running → stopped",
            "state: running → stopped",
            "subnet_public: false → true",
        ],
        literal.TABLE: ["route 0.0.0.0/0 → igw-1 added"],
        literal.SG: ["inbound tcp/22 from 0.0.0.0/0 added"],
        # The free IP count moved too: volatile, not a change.
        literal.SUBNET: ["now public (route 0.0.0.0/0 → igw-1 added to rtb-4)"],
    }
    instance = next(c for c in found.changed if c.arn == literal.INSTANCE)
    assert readable_lines(instance) == [
        "state: running → stopped",
        "subnet_public: false → true",
        "also 2 AWS API field(s): State.Code, State.Name",
    ]
    assert changes_by_arn(found) == {
        literal.BUCKET: "+",
        literal.QUEUE: "-",
        literal.INSTANCE: "~",
        literal.TABLE: "~",
        literal.SG: "~",
        literal.SUBNET: "~",
    }


def test_findings_match_by_check_and_resource_when_the_message_moved() -> None:
    found = diff(literal.old_scan(), literal.new_scan())
    assert [(f.check, f.resource) for f in found.new_findings] == [
        ("ec2-sg-open-admin-port", literal.SG)
    ]
    assert [(f.check, f.resource) for f in found.resolved_findings] == [
        ("sqs-no-dead-letter-queue", literal.QUEUE)
    ]


def test_volatile_values_count_only_when_asked() -> None:
    found = diff(literal.old_scan(), literal.new_scan(), include_volatile=True)
    assert "AvailableIpAddressCount: 250 → 249" in _summaries(found)[literal.SUBNET]


def test_same_scan_twice_is_no_change() -> None:
    found = diff(literal.old_scan(), literal.old_scan())
    assert found.empty
    assert found.to_dict() == {
        "added": [],
        "removed": [],
        "changed": [],
        "findings": {"new": [], "resolved": []},
    }


@pytest.mark.parametrize(
    ("rtype", "path", "volatile"),
    [
        ("ec2:subnet", "attributes.AvailableIpAddressCount", True),
        ("ec2:subnet", "attributes.available_ips", True),
        ("ec2:subnet", "attributes.cidr", False),
        ("iam:user", "attributes.last_used", True),
        ("iam:user", "attributes.last_used_detail.when", True),
        ("iam:user", "attributes.access_keys[0].last_used", True),
        ("iam:user", "attributes.access_keys[0].status", False),
        ("iam:role", "attributes.RoleLastUsed.LastUsedDate", True),
        ("dynamodb:table", "attributes.ItemCount", True),
        ("dynamodb:table", "attributes.billing_mode", False),
        ("sqs:queue", "attributes.ApproximateNumberOfMessages", True),
        ("cloudwatch:alarm", "attributes.StateUpdatedTimestamp", True),
        ("cloudwatch:alarm", "attributes.state", False),
        ("ec2:instance", "attributes.state", False),
        ("ec2:instance", "attributes.AvailableIpAddressCount", False),  # a subnet's counter
        ("ec2:instance", "tags.last_used", False),  # tags are the owner's, never volatile
    ],
)
def test_the_volatile_rule(rtype: str, path: str, volatile: bool) -> None:
    assert is_volatile(rtype, path) is volatile


def test_the_volatile_rule_is_one_table() -> None:
    assert all(isinstance(t, str) and p.startswith("attributes.") for t, p in VOLATILE)
    assert is_consequential("ec2:instance", "attributes.subnet_public")
    assert not is_consequential("ec2:subnet", "attributes.public")


def test_a_consequence_alone_is_no_change() -> None:
    old = Resource("a", "ec2:network-interface", "eni-1", "eni-1", "r", attributes={})
    new = Resource("a", "ec2:network-interface", "eni-1", "eni-1", "r", attributes={})
    old.attributes["subnet_public"], new.attributes["subnet_public"] = False, True
    assert compare(old, new) == []
    assert [c.summary for c in compare(old, new, include_volatile=True)] == [
        "subnet_public: false → true"
    ]


def _sg(inbound: list[dict[str, object]], outbound: list[dict[str, object]]) -> Resource:
    return Resource(
        "arn:sg",
        "ec2:security-group",
        "sg-1",
        "db",
        "r",
        attributes={"IpPermissions": inbound, "IpPermissionsEgress": outbound},
    )


def test_security_group_rules_each_peer_and_direction() -> None:
    every: dict[str, object] = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ranged: dict[str, object] = {
        "IpProtocol": "tcp",
        "FromPort": 5432,
        "ToPort": 5439,
        "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
        "UserIdGroupPairs": [{"GroupId": "sg-app"}],
    }
    udp6: dict[str, object] = {
        "IpProtocol": "udp",
        "FromPort": 53,
        "ToPort": 53,
        "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
    }
    old, new = _sg([ranged], [every]), _sg([udp6], [])
    assert [c.summary for c in compare(old, new)] == [
        "inbound udp/53 from ::/0 added",
        "inbound tcp/5432-5439 from 10.0.0.0/8 removed",
        "inbound tcp/5432-5439 from sg-app removed",
        "outbound all traffic to 0.0.0.0/0 removed",
    ]


def test_routes_target_and_state() -> None:
    old = Resource("arn:rtb", "ec2:route-table", "rtb-1", "rtb-1", "r")
    new = Resource("arn:rtb", "ec2:route-table", "rtb-1", "rtb-1", "r")
    old.attributes["Routes"] = [
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"},
        {"DestinationCidrBlock": "10.1.0.0/16", "VpcPeeringConnectionId": "pcx-1"},
    ]
    new.attributes["Routes"] = [
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-2", "State": "active"},
        {
            "DestinationCidrBlock": "10.1.0.0/16",
            "VpcPeeringConnectionId": "pcx-1",
            "State": "blackhole",
        },
    ]
    assert [c.summary for c in compare(old, new)] == [
        "route 0.0.0.0/0: target nat-1 → nat-2",
        "route 10.1.0.0/16 → pcx-1: active → blackhole",
    ]


def test_generic_changes_tags_name_and_lists() -> None:
    old = Resource("a", "sqs:queue", "q", "q", "r", tags={"owner": "a", "gone": "x"})
    new = Resource("a", "sqs:queue", "q", "queue", "r", tags={"owner": "b", "new": "y"})
    old.attributes = {"security_groups": ["sg-1", "sg-2"], "url": "u", "encryption": {"kms": "k"}}
    new.attributes = {"security_groups": ["sg-2", "sg-3"], "url": "u", "extra": 1}
    assert [c.summary for c in compare(old, new)] == [
        "name q → queue",
        "tag gone removed (was x)",
        "tag new added: y",
        "tag owner: a → b",
        'encryption removed (was {"kms":"k"})',
        "extra added: 1",
        "security_groups: sg-3 added, sg-1 removed",
    ]


# -- the command --------------------------------------------------------------------------------


@pytest.fixture
def snapshots(tmp_path: Path) -> tuple[str, str]:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    snapshot.write(literal.old_scan(), old)
    snapshot.write(literal.new_scan(), new)
    return str(old), str(new)


def test_cli_text_and_exit_codes(
    snapshots: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = snapshots
    assert main(["diff", old, new]) == 1  # a new high finding, --fail-on high by default
    out = capsys.readouterr().out
    assert "1 added, 1 removed, 4 changed; findings: 1 new, 1 resolved" in out
    assert "  ~ sg-0abc (web)  [ec2:security-group, eu-west-1]\n" in out
    assert "      inbound tcp/22 from 0.0.0.0/0 added\n" in out
    assert "      now public (route 0.0.0.0/0 → igw-1 added to rtb-4)\n" in out
    assert "(resource removed)" in out
    assert main(["diff", old, new, "--fail-on", "critical"]) == 0
    assert main(["diff", old, old]) == 0
    assert "No change." in capsys.readouterr().out
    assert main(["diff", new, old, "--fail-on", "info"]) == 1  # the queue's low finding is new


def test_cli_json_contract(snapshots: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = snapshots
    main(["diff", old, new, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"added", "removed", "changed", "findings"}
    assert data["added"] == [literal.BUCKET] and data["removed"] == [literal.QUEUE]
    sg = next(c for c in data["changed"] if c["arn"] == literal.SG)
    assert sg["changes"] == [
        {
            "path": "attributes.IpPermissions",
            "old": None,
            "new": {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "peer": {"CidrIp": "0.0.0.0/0"},
            },
            "summary": "inbound tcp/22 from 0.0.0.0/0 added",
        }
    ]
    assert set(data["findings"]) == {"new", "resolved"}
    assert data["findings"]["new"][0]["check"] == "ec2-sg-open-admin-port"
    assert set(data["findings"]["new"][0]) >= {"check", "severity", "resource", "message"}


def test_cli_usage_errors_exit_2(
    snapshots: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, _ = snapshots
    other = literal.new_scan()
    other.account = type(other.account)("999999999999", None, "aws", "arn")
    snapshot.write(other, tmp_path / "other.json")
    assert main(["diff", old, str(tmp_path / "other.json")]) == 2
    err = capsys.readouterr().err
    assert "diff two snapshots of the same account" in err
    assert err.count("\n") == 1
    assert main(["diff", old, str(tmp_path / "missing.json")]) == 2
    with pytest.raises(SystemExit) as stop:
        main(["diff", old])
    assert stop.value.code == 2


def test_cli_output_is_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = literal.old_scan(), literal.new_scan()
    for resource in new.resources:
        if resource.arn == literal.SG:
            resource.name = "web\x1b]52;c;evil\x07\u202e"
            resource.tags["k\x1b[2J"] = "v\x9b"
    snapshot.write(old, tmp_path / "o.json")
    snapshot.write(new, tmp_path / "n.json")
    main(["diff", str(tmp_path / "o.json"), str(tmp_path / "n.json")])
    text = capsys.readouterr().out
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
    assert "web␛]52;c;evil␇\\u202e" in text
    main(["diff", str(tmp_path / "o.json"), str(tmp_path / "n.json"), "--format", "json"])
    raw = capsys.readouterr().out
    assert "\x1b" not in raw and "\x9b" not in raw and "\u202e" not in raw
    assert any(
        c["path"] == "tags.k\x1b[2J" for item in json.loads(raw)["changed"] for c in item["changes"]
    )
