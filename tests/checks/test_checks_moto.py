"""Issue 5's "done when", end to end on a moto server: `awsexplorer scan --endpoint-url` over an
account seeded with every pitfall and a clean look-alike beside each (verify_account.py) reports
every pitfall on the right resource, nothing else, with every check evaluated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from verify_account import EXPECTED, REGIONS, seed

from awsexplorer.checks.registry import check_ids
from awsexplorer.cli import main


def keys(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    by_arn = {r["arn"]: r for r in document["resources"]}
    root_arn = f"arn:aws:iam::{document['account']['id']}:root"
    found = []
    for finding in document["findings"]:
        resource = by_arn.get(finding["resource"])
        if finding["resource"] == root_arn:
            name = "root"
        elif resource and resource["attributes"].get("IsDefault"):
            name = "default-vpc"
        else:
            name = resource["name"] if resource else finding["resource"]
        found.append((finding["check"], finding["region"], name))
    return found


def test_scan_reports_every_pitfall_and_no_look_alike(
    aws: Callable[..., Any],
    moto_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(aws)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    output = tmp_path / "scan.json"
    argv = ["scan", "--endpoint-url", moto_url, "--region", ",".join(REGIONS)]
    code = main([*argv, "--output", str(output), "--format", "text"])
    out, err = capsys.readouterr()
    assert code == 0, err
    document = json.loads(output.read_text())

    found = keys(document)
    assert sorted(set(found)) == sorted(EXPECTED)
    assert len(found) == len(EXPECTED) + 1  # untagged-box: the instance and its volume
    # Only the spend check waits for --cost (never called without it: it costs the account).
    assert [c["id"] for c in document["checks"] if c["status"] != "evaluated"] == [
        "region-spend-unexplained"
    ]
    assert sorted(c["id"] for c in document["checks"]) == sorted(check_ids())

    # The text summary ends with the findings, worst first.
    # (No info any more: a NAT gateway in use is a low note, an idle one medium, issue 13.)
    assert out.index("CRITICAL (2)") < out.index("HIGH (") < out.index("LOW (")
    assert "ssh-world" in out and "ec2-sg-open-admin-port" in out
    # + issue 13's policy checks: five buckets accept plain HTTP (medium), the trail's bucket
    # has no lifecycle rule (low).
    # + issue 13's edges and wiring: the idle NAT medium and the used one low (were info), no
    # S3 endpoint in core-vpc and six resources no alarm watches (low).
    assert "62 findings (2 critical, 13 high, 19 medium, 28 low)." in out


def test_settings_flags_reach_the_scan(
    aws: Callable[..., Any],
    moto_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # No seeding: an empty account still has account-level findings and a default VPC.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "c.toml"
    config.write_text('disabled_checks = ["iam-root-mfa-disabled"]\n')
    argv = ["scan", "--endpoint-url", moto_url, "--region", "us-east-1", "--format", "json"]
    code = main([*argv, "--config", str(config), "--disable-check", "billing-alarm-missing"])
    out, err = capsys.readouterr()
    assert code == 0, err
    document = json.loads(out)
    checks = {c["id"]: c for c in document["checks"]}
    for disabled in ("iam-root-mfa-disabled", "billing-alarm-missing"):
        assert checks[disabled] == {
            "id": disabled,
            "status": "not-evaluated",
            "reason": "disabled in settings",
        }
    assert {f["check"] for f in document["findings"]} == {
        "cloudtrail-multi-region-missing",
        "iam-password-policy-weak",
    }

    # A bad setting stops before scanning, with a one-line error.
    code = main([*argv, "--stale-days", "0"])
    _, err = capsys.readouterr()
    assert code == 2 and "stale_days must be at least 1" in err and "Traceback" not in err
