"""`--stale-days` moves the findings and the IAM screen together: dormant principals and stale keys
are one verdict (model/activity.py) that the checks and the IAM view both read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from awsexplorer import snapshot
from awsexplorer.checks import evaluate
from awsexplorer.cli import main, make_app
from awsexplorer.config import AppOptions, Settings
from awsexplorer.model import Account, RegionScan, RegionStatus, Resource, ScanResult
from awsexplorer.model.activity import scan_time
from awsexplorer.ui.screens.iam import IamScreen
from awsexplorer.ui.views.iam import build_iam_rows

ACCOUNT = Account(
    id="123456789012",
    alias=None,
    partition="aws",
    caller_arn="arn:aws:iam::123456789012:user/me",
)
FINISHED = "2025-06-01T12:00:00Z"


def user(name: str, **attributes: object) -> Resource:
    return Resource(
        arn=f"arn:aws:iam::123456789012:user/{name}",
        type="iam:user",
        id=name,
        name=name,
        region="global",
        attributes={"created": "2024-01-01T00:00:00Z", "last_used_known": True, **attributes},
    )


def account() -> ScanResult:
    """Two users 60 days idle (stale at 30 days, not at 90), one idle 200 days, one busy."""
    key60 = {"id": "AKIA60", "status": "Active", "created": "2025-04-02T12:00:00Z"}
    return ScanResult(
        account=ACCOUNT,
        started_at="2025-06-01T11:59:00Z",
        finished_at=FINISHED,
        regions=[RegionScan("global", RegionStatus.OK)],
        resources=[
            Resource(
                arn="arn:aws:iam::123456789012:root",
                type="iam:root",
                id="root",
                name="root",
                region="global",
                attributes={"credential_report_status": "ok"},
            ),
            user("sixty", last_used="2025-04-02T12:00:00Z", access_keys=[key60]),
            user("sixty-too", last_used="2025-04-01T12:00:00Z", access_keys=[]),
            user("idle", last_used="2024-11-13T12:00:00Z", access_keys=[]),
            user("busy", last_used="2025-05-31T12:00:00Z", access_keys=[]),
        ],
    )


def flagged(result: ScanResult, check: str) -> set[str]:
    return {f.resource.rsplit("/", 1)[-1] for f in result.findings if f.check == check}


def judged(result: ScanResult, stale_days: int) -> ScanResult:
    result.findings, result.checks = evaluate(result, Settings(stale_days=stale_days))
    return result


@pytest.mark.parametrize(
    ("stale_days", "dormant", "stale_keys"),
    [(30, {"sixty", "sixty-too", "idle"}, {"sixty"}), (90, {"idle"}, set())],
)
def test_the_iam_view_and_the_checks_give_the_same_verdicts(
    stale_days: int, dormant: set[str], stale_keys: set[str]
) -> None:
    result = judged(account(), stale_days)
    rows = build_iam_rows(result, scan_time(result), stale_days)
    assert {r.name for r in rows if r.dormant} == dormant
    assert flagged(result, "iam-principal-unused") == dormant
    assert {r.name for r in rows if r.stale_keys} == stale_keys
    assert flagged(result, "iam-access-key-not-rotated") == stale_keys
    assert {r.stale_days for r in rows} == {stale_days}


def test_the_cli_findings_follow_stale_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWSEXPLORER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path = snapshot.write(judged(account(), 90), tmp_path / "scan.json")
    found = {}
    for days in (30, 90):
        argv = ["findings", str(path), "--recheck", "--stale-days", str(days), "--format", "json"]
        assert main(argv) == 0
        document = json.loads(capsys.readouterr().out)
        found[days] = {
            f["resource"].rsplit("/", 1)[-1]
            for f in document["findings"]
            if f["check"] == "iam-principal-unused"
        }
    assert found == {30: {"sixty", "sixty-too", "idle"}, 90: {"idle"}}


async def test_the_iam_screen_reads_the_apps_stale_days(tmp_path: Path) -> None:
    path = snapshot.write(judged(account(), 30), tmp_path / "scan.json")
    options = AppOptions(snapshot=path, settings=Settings(stale_days=30))
    app = make_app(options)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.action_show_view("iam")  # type: ignore[attr-defined]
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IamScreen)
        assert {r.name for r in screen.rows if r.dormant} == {"sixty", "sixty-too", "idle"}
        assert "3 dormant" in screen.title_text()
