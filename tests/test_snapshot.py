"""The snapshot file: round trip, atomic private writes, and one-line errors for bad files."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot
from awsexplorer.model import (
    Account,
    CallError,
    CheckResult,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)


def _result() -> ScanResult:
    return ScanResult(
        account=Account("123456789012", "acme-prod", "aws", "arn:aws:iam::123456789012:user/me"),
        started_at="2026-11-27T10:00:00Z",
        finished_at="2026-11-27T10:00:09Z",
        regions=[
            RegionScan("global", RegionStatus.OK),
            RegionScan(
                "eu-west-1",
                RegionStatus.PARTIAL,
                [CallError("eu-west-1", "ec2", "DescribeVolumes", "AccessDenied", "no")],
            ),
            RegionScan("ap-east-1", RegionStatus.NOT_ENABLED, reason="opt-in region"),
        ],
        resources=[
            Resource(
                arn="arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1",
                type="ec2:vpc",
                id="vpc-1",
                name="prod",
                region="eu-west-1",
                vpc_id="vpc-1",
                tags={"Name": "prod"},
                attributes={"CidrBlock": "10.0.0.0/16", "flow_logs": []},
            )
        ],
        findings=[
            Finding(
                "ec2-vpc-flow-logs-disabled",
                Severity.LOW,
                "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1",
                "eu-west-1",
                "vpc-1 has no flow logs",
                "aws ec2 create-flow-logs ...",
            )
        ],
        checks=[CheckResult("ec2-ebs-unencrypted", "not-evaluated", "DescribeVolumes denied")],
    )


def test_round_trip_is_lossless(tmp_path: Path) -> None:
    original = _result()
    path = snapshot.write(original, tmp_path / "scan.json")
    loaded = snapshot.read(path)
    assert snapshot.to_dict(loaded) == snapshot.to_dict(original)
    assert loaded.region("eu-west-1").errors[0].region == "eu-west-1"  # type: ignore[union-attr]


def test_document_shape_matches_the_documented_format(tmp_path: Path) -> None:
    data = json.loads(snapshot.dumps(_result()))
    assert data["format"] == "awsexplorer.snapshot" and data["version"] == 1
    assert set(data) >= {"account", "started_at", "finished_at", "regions", "resources", "findings"}
    assert data["regions"][0] == {
        "name": "ap-east-1",
        "status": "not-enabled",
        "errors": [],
        "reason": "opt-in region",
    }
    assert set(data["resources"][0]) == {
        "arn",
        "type",
        "id",
        "name",
        "region",
        "vpc_id",
        "subnet_id",
        "tags",
        "attributes",
    }
    assert data["checks"] == [
        {"id": "ec2-ebs-unencrypted", "status": "not-evaluated", "reason": "DescribeVolumes denied"}
    ]


def test_written_privately_and_atomically(tmp_path: Path) -> None:
    path = snapshot.write(_result(), tmp_path / "nested" / "scan.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["scan.json"]  # no temp file left


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path, monkeypatch: Any) -> None:
    path = snapshot.write(_result(), tmp_path / "scan.json")
    before = path.read_text()
    monkeypatch.setattr(snapshot, "dumps", lambda _r: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        snapshot.write(_result(), path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["scan.json"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is not valid JSON (line 1"),
        ('{"hello": 1}', "is not an awsexplorer snapshot"),
        ('{"format": "awsexplorer.snapshot", "version": 99}', "is snapshot version 99"),
        ('{"format": "awsexplorer.snapshot", "version": 1, "account": {}}', "is damaged"),
        ("", "is not valid JSON"),
    ],
)
def test_bad_files_fail_with_one_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.read(path)
    assert expected in str(caught.value)
    assert "\n" not in caught.value.message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(snapshot.SnapshotError, match="no such file"):
        snapshot.read(tmp_path / "absent.json")
    with pytest.raises(snapshot.SnapshotError, match="is a directory"):
        snapshot.read(tmp_path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "scan.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(snapshot.SnapshotError, match="not a text file"):
        snapshot.read(path)


def test_a_missing_field_is_named_with_a_hint(tmp_path: Path) -> None:
    data = json.loads(snapshot.dumps(_result()))
    del data["account"]
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(data))
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.read(path)
    assert "the field 'account' is missing" in caught.value.message
    assert caught.value.hint and "awsexplorer scan --output" in caught.value.hint
