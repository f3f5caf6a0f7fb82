"""`awsexplorer findings SNAPSHOT`: text, JSON and CSV from a saved snapshot; --severity;
--recheck with settings; --list-checks; clear errors. No network: the snapshot is literal."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from check_fixtures import ROOT_ARN, resource, root, scan

from awsexplorer import snapshot
from awsexplorer.checks import all_checks, evaluate
from awsexplorer.cli import main


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWSEXPLORER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    group = resource(
        "ec2:security-group",
        "sg-open",
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    volume = resource("ec2:volume", "vol-idle", state="available", encrypted=True, tags={})
    result = scan(root(mfa_enabled=False), group, volume)
    result.findings, result.checks = evaluate(result)
    return snapshot.write(result, tmp_path / "scan.json")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_findings_and_check_statuses(saved: Path, capsys: Any) -> None:
    code, out, _ = _run(capsys, "findings", str(saved), "--format", "json")
    assert code == 0
    document = json.loads(out)
    checks = {f["check"]: f for f in document["findings"]}
    assert checks["iam-root-mfa-disabled"]["resource"] == ROOT_ARN
    assert checks["ec2-sg-open-admin-port"]["message"] == (
        "sg-open allows 0.0.0.0/0 on tcp/22; not reachable today: nothing in the snapshot uses "
        "this group"
    )
    assert set(checks["ec2-sg-open-admin-port"]) == {
        "check",
        "severity",
        "resource",
        "region",
        "message",
        "remediation",
        "scope",  # findings carry their scope (issue 11)
        "account_id",  # and their account (issue 17, snapshot version 2)
    }
    assert checks["ec2-sg-open-admin-port"]["scope"] == "resource"
    statuses = {c["id"]: c["status"] for c in document["checks"]}
    assert len(statuses) == len(all_checks()) and statuses["ec2-sg-open-admin-port"] == "evaluated"


def test_severity_filter_keeps_that_severity_and_worse(saved: Path, capsys: Any) -> None:
    code, out, _ = _run(capsys, "findings", str(saved), "--format", "json", "--severity", "high")
    assert code == 0
    severities = {f["severity"] for f in json.loads(out)["findings"]}
    assert severities == {"critical", "high"}


def test_severity_is_read_whatever_its_case(saved: Path, capsys: Any) -> None:
    """`--severity HIGH` names the same severity as `high`, not an unknown one."""
    _, lower, _ = _run(capsys, "findings", str(saved), "--format", "json", "--severity", "high")
    code, upper, _ = _run(capsys, "findings", str(saved), "--format", "json", "--severity", "HIGH")
    assert code == 0 and json.loads(upper)["findings"] == json.loads(lower)["findings"]
    assert json.loads(upper)["findings"]


def test_csv(saved: Path, capsys: Any) -> None:
    code, out, _ = _run(capsys, "findings", str(saved), "--format", "csv", "--severity", "critical")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["check"], r["resource"]) for r in rows] == [("iam-root-mfa-disabled", ROOT_ARN)]
    assert list(rows[0]) == [
        "severity",
        "check",
        "resource",
        "region",
        "message",
        "remediation",
        "account_id",  # the account each finding is about (snapshot version 2)
    ]
    assert rows[0]["account_id"] == "123456789012"


def test_text_groups_by_severity(saved: Path, capsys: Any) -> None:
    code, out, _ = _run(capsys, "findings", str(saved))
    assert code == 0
    assert out.index("CRITICAL (1)") < out.index("HIGH (") < out.index("LOW (")
    assert "account 123456789012" in out and "sg-open" in out and "vol-idle" in out
    assert "findings (" in out


def test_recheck_applies_new_settings(saved: Path, capsys: Any) -> None:
    _, before, _ = _run(capsys, "findings", str(saved), "--format", "json")
    assert "tag-missing-required" in {f["check"] for f in json.loads(before)["findings"]}
    _, after, _ = _run(
        capsys, "findings", str(saved), "--format", "json", "--recheck", "--required-tags", ""
    )
    document = json.loads(after)
    assert "tag-missing-required" not in {f["check"] for f in document["findings"]}
    status = next(c for c in document["checks"] if c["id"] == "tag-missing-required")
    assert status["status"] == "not-evaluated"


def test_list_checks(capsys: Any) -> None:
    code, out, _ = _run(capsys, "findings", "--list-checks")
    assert code == 0
    assert len(out.strip().splitlines()) == len(all_checks())
    assert out.startswith("iam-root-mfa-disabled")


def test_missing_or_corrupt_snapshot_is_a_one_line_error(tmp_path: Path, capsys: Any) -> None:
    code, _, err = _run(capsys, "findings", str(tmp_path / "nope.json"))
    assert code == 2 and "no such file" in err and "Traceback" not in err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = _run(capsys, "findings", str(bad))
    assert code == 2 and "not valid JSON" in err
    code, _, err = _run(capsys, "findings")
    assert code == 2 and "Which snapshot?" in err


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_a_device_or_pipe_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    """Before: /dev/zero died with MemoryError after eating the memory, a FIFO waited forever.
    A child process, so that the old behaviour fails the test instead of hanging it."""
    if kind == "fifo":
        path = tmp_path / "scan.json"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    child = subprocess.run(
        [sys.executable, "-m", "awsexplorer", "findings", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 2
    first, hint = child.stderr.strip().splitlines()
    kind_name = "named pipe (FIFO)" if kind == "fifo" else "character device"
    assert first == f"awsexplorer: {path} is a {kind_name}, not a snapshot file."
    assert hint.startswith("  hint:")
