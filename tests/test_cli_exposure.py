"""`awsexplorer exposure`: the contract of docs/exposure.md, exit codes, and inert output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from awsexplorer import snapshot
from awsexplorer.cli import main
from awsexplorer.model import Account, RegionScan, RegionStatus, ScanResult
from tests.model.test_exposure import WEB, instance, public_world

HOSTILE = "web\x1b]52;c;aGk=\x07\u202e"


def write(tmp_path: Path, *extra: object) -> Path:
    host = instance("i-web", "subnet-pub", ["sg-web"], "203.0.113.10")
    host.name = HOSTILE
    hidden = instance("i-dark", "subnet-pub", ["sg-web"], None)
    result = ScanResult(
        account=Account("123456789012", None, "aws", "arn:aws:iam::123456789012:user/t"),
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:01:00Z",
        regions=[RegionScan("eu-west-1", RegionStatus.OK)],
        resources=[*public_world(), WEB, host, hidden],
    )
    return snapshot.write(result, tmp_path / "s.json")


def test_all_exposed_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path)
    assert main(["exposure", str(path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out  # the hostile name is escaped
    data = json.loads(out)
    assert [(d["id"], d["protocol"], d["ports"], d["reachable"]) for d in data] == [
        ("i-web", "tcp", [22, 22], True),
        ("i-web", "tcp", [443, 443], True),
    ]
    assert data[0]["name"] == HOSTILE  # the data is exact once parsed
    assert [h["layer"] for h in data[0]["path"]] == [
        "address",
        "route",
        "nacl-in",
        "security-group",
        "nacl-out",
    ]


def test_text_is_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exposure", str(write(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "REACHABLE tcp/22" in out and "␛]52;c;aGk=␇" in out


def test_ref_lists_unreachable_verdicts_with_the_blocking_hop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path)
    assert main(["exposure", str(path), "i-dark", "--port", "22", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 1 and data[0]["reachable"] is False
    assert data[0]["path"] == [
        {"layer": "address", "id": "i-dark", "rule": "no public IPv4 address", "verdict": "none"}
    ]


def test_nothing_found_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path)
    assert main(["exposure", str(path), "--port", "3389"]) == 1
    assert "nothing reachable from the internet" in capsys.readouterr().out
    assert main(["exposure", str(path), "subnet-pub", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == []


def test_unknown_ref_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path)
    assert main(["exposure", str(path), "i-nope\x1b[2J"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and err.count("\n") == 1
    assert "no resource" in err and f"awsexplorer exposure {path}" in err
