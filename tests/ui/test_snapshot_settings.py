"""Issue 11: a verdict is computed once, with the user's settings, and every view shows that one
answer. A snapshot records the settings its findings were judged with; opened with other
settings (`--stale-days 30` on a scan judged at 90), the TUI and `awsexplorer findings` judge it
again with the user's and say so, so the findings and the IAM view agree. A snapshot without
`settings` is read as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from awsexplorer import snapshot
from awsexplorer.checks import analyse, judged_with, rejudge
from awsexplorer.cli import main, make_app
from awsexplorer.config import AppOptions, Settings
from awsexplorer.model import (
    Account,
    CheckSettings,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
)
from awsexplorer.ui.screens.findings import FindingsScreen
from awsexplorer.ui.screens.iam import IamScreen

ACCOUNT = Account("123456789012", None, "aws", "arn:aws:iam::123456789012:user/me")
UNUSED = "iam-principal-unused"


def user(name: str, last_used: str) -> Resource:
    return Resource(
        arn=f"arn:aws:iam::123456789012:user/{name}",
        type="iam:user",
        id=name,
        name=name,
        region="global",
        attributes={
            "created": "2024-01-01T00:00:00Z",
            "last_used_known": True,
            "last_used": last_used,
            "access_keys": [],
        },
    )


def account() -> ScanResult:
    """As of 2025-06-01: "forty-five" unused for 45 days (dormant at 30, not at 90), "idle" for
    200 days (dormant at both), "busy" used yesterday."""
    return ScanResult(
        account=ACCOUNT,
        started_at="2025-06-01T11:59:00Z",
        finished_at="2025-06-01T12:00:00Z",
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
            user("forty-five", "2025-04-17T12:00:00Z"),
            user("idle", "2024-11-13T12:00:00Z"),
            user("busy", "2025-05-31T12:00:00Z"),
        ],
    )


def scanned_at_90(tmp_path: Path, *, record: bool = True) -> Path:
    """The snapshot `awsexplorer scan --stale-days 90` writes; without `record`, as one written
    before the settings were recorded (the key left out of the file)."""
    result = analyse(account(), Settings(stale_days=90))
    path = snapshot.write(result, tmp_path / "scan.json")
    if not record:
        document = json.loads(path.read_text())
        del document["settings"]
        path.write_text(json.dumps(document))
    return path


def unused(findings: list[Finding]) -> set[str]:
    """The users flagged unused, by name."""
    return {f.resource.rsplit("/", 1)[-1] for f in findings if f.check == UNUSED}


@pytest.fixture(autouse=True)
def no_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWSEXPLORER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


# -- the snapshot records the settings ------------------------------------------------------------


def test_the_scan_records_its_settings_and_the_snapshot_keeps_them(tmp_path: Path) -> None:
    settings = Settings(
        stale_days=45, required_tags=("Team",), disabled_checks=frozenset({"ec2-nat-gateway-cost"})
    )
    result = analyse(account(), settings)
    assert result.settings == CheckSettings(45, ("Team",), ("ec2-nat-gateway-cost",))
    path = snapshot.write(result, tmp_path / "scan.json")
    assert json.loads(path.read_text())["settings"] == {
        "stale_days": 45,
        "required_tags": ["Team"],
        "disabled_checks": ["ec2-nat-gateway-cost"],
    }
    assert snapshot.read(path).settings == result.settings


def test_a_snapshot_without_settings_reads_as_before(tmp_path: Path) -> None:
    path = scanned_at_90(tmp_path, record=False)
    document = json.loads(path.read_text())
    assert document["version"] == 2 and "settings" not in document
    read = snapshot.read(path)
    assert read.settings is None
    assert rejudge(read, Settings(stale_days=30)) is None  # nothing to compare with: as stored
    assert unused(read.findings) == {"idle"}


@pytest.mark.parametrize(
    ("settings", "wrong"),
    [
        ("ninety", "'settings' is a string, not an object"),
        ({"required_tags": []}, "the field 'settings.stale_days' is missing"),
        ({"stale_days": "90"}, "'settings.stale_days' is a string, not a number"),
        ({"stale_days": 0}, "'settings.stale_days' is less than 1"),
        ({"stale_days": 90, "required_tags": [1]}, "'settings.required_tags' has an item"),
        ({"stale_days": 90, "disabled_checks": "x"}, "'settings.disabled_checks' is a string"),
    ],
)
def test_damaged_settings_are_a_one_line_error(
    tmp_path: Path, settings: object, wrong: str
) -> None:
    path = scanned_at_90(tmp_path)
    document = json.loads(path.read_text())
    document["settings"] = settings
    path.write_text(json.dumps(document))
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.read(path)
    assert wrong in caught.value.message


# -- re-judging ---------------------------------------------------------------------------------


def test_the_same_settings_keep_the_stored_findings(tmp_path: Path) -> None:
    read = snapshot.read(scanned_at_90(tmp_path))
    stored = list(read.findings)
    # Required tags compare as the checks read them: case-insensitive, in any order.
    same = Settings(stale_days=90, required_tags=("OWNER", "project", "environment"))
    assert rejudge(read, same) is None
    assert read.findings == stored


def test_other_settings_rejudge_and_say_what_differed(tmp_path: Path) -> None:
    read = snapshot.read(scanned_at_90(tmp_path))
    mine = Settings(stale_days=30, required_tags=("team",), disabled_checks=frozenset({UNUSED}))
    note = rejudge(read, mine)
    assert note == (
        "re-judged with your settings: stale_days 30 (the scan used 90); "
        "required_tags team (the scan used project,environment,owner); "
        f"disabled_checks {UNUSED} (the scan used none)"
    )
    assert read.settings == judged_with(mine)
    assert unused(read.findings) == set()  # disabled now
    assert any(c.id == UNUSED and c.reason == "disabled in settings" for c in read.checks)


# -- the CLI ----------------------------------------------------------------------------------


def findings_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[set[str], str]:
    assert main(["findings", *argv, "--format", "json"]) == 0
    out, err = capsys.readouterr()
    return unused([Finding.from_dict(f) for f in json.loads(out)["findings"]]), err


def test_cli_findings_rejudge_with_the_users_stale_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(scanned_at_90(tmp_path))
    flagged, err = findings_json(capsys, path, "--stale-days", "30")
    assert flagged == {"forty-five", "idle"}
    assert err.strip().splitlines() == [
        "awsexplorer: re-judged with your settings: stale_days 30 (the scan used 90)"
    ]
    flagged, err = findings_json(capsys, path, "--stale-days", "90")
    assert (flagged, err) == ({"idle"}, "")  # the stored findings, nothing said
    flagged, err = findings_json(capsys, path)  # the default is 90 too
    assert (flagged, err) == ({"idle"}, "")


def test_cli_findings_of_a_snapshot_without_settings_are_as_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(scanned_at_90(tmp_path, record=False))
    assert findings_json(capsys, path, "--stale-days", "30") == ({"idle"}, "")
    assert findings_json(capsys, path, "--stale-days", "30", "--recheck")[0] == {
        "forty-five",
        "idle",
    }


def test_cli_note_is_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The recorded required tags come from the file: an escape sequence in one never reaches
    the terminal."""
    path = scanned_at_90(tmp_path)
    document = json.loads(path.read_text())
    document["settings"]["required_tags"] = ["\x1b]0;owned\x07team"]
    path.write_text(json.dumps(document))
    _, err = findings_json(capsys, str(path))
    assert "re-judged with your settings: required_tags" in err
    assert "\x1b" not in err and "\x07" not in err


# -- the TUI ----------------------------------------------------------------------------------


async def views(path: Path, settings: Settings) -> tuple[set[str], set[str], list[str]]:
    """What the findings view flags unused, what the IAM view calls dormant, and the toasts."""
    app = make_app(AppOptions(snapshot=path, settings=settings))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        toasts = [str(n.message) for n in app._notifications]
        app.action_show_view("findings")  # type: ignore[attr-defined]
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FindingsScreen)
        flagged = {
            row.arn.rsplit("/", 1)[-1] for row in screen.full_view.findings if row.check == UNUSED
        }
        app.action_show_view("iam")  # type: ignore[attr-defined]
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IamScreen)
        dormant = {r.name for r in screen.rows if r.dormant}
    return flagged, dormant, toasts


@pytest.mark.ui  # runs the app (through views())
async def test_tui_rejudges_a_snapshot_with_the_users_stale_days(tmp_path: Path) -> None:
    flagged, dormant, toasts = await views(scanned_at_90(tmp_path), Settings(stale_days=30))
    assert flagged == dormant == {"forty-five", "idle"}
    assert "Re-judged with your settings: stale_days 30 (the scan used 90)." in toasts


@pytest.mark.ui  # runs the app (through views())
async def test_tui_keeps_the_stored_findings_when_the_settings_agree(tmp_path: Path) -> None:
    flagged, dormant, toasts = await views(scanned_at_90(tmp_path), Settings(stale_days=90))
    assert flagged == dormant == {"idle"}
    assert not any("judged" in t for t in toasts)


@pytest.mark.ui  # runs the app (through views())
async def test_tui_opens_a_snapshot_without_settings_as_before(tmp_path: Path) -> None:
    path = scanned_at_90(tmp_path, record=False)
    flagged, dormant, toasts = await views(path, Settings(stale_days=30))
    assert flagged == {"idle"}  # the stored findings, as before this change
    assert dormant == {"forty-five", "idle"}  # the view with the user's settings, as before
    assert not any("judged" in t for t in toasts)


def test_a_snapshot_saved_from_the_tui_keeps_the_settings(tmp_path: Path) -> None:
    """`s` in the TUI writes state.result(): the settings the findings were judged with go too."""
    from awsexplorer.ui.state import ExplorerState

    state = ExplorerState()
    state.load(analyse(account(), Settings(stale_days=30)))
    assert state.result().settings == CheckSettings(30, ("project", "environment", "owner"))
    assert state.unanalysed_result().settings is None  # cleared with the findings it goes with
