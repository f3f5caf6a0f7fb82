"""`t` and `:changes` in the app, through Pilot. The scan goes to moto; moto has no
LookupEvents, so once the scan is done the app's scan config is pointed at the local CloudTrail
stub (another endpoint_url on 127.0.0.1, nothing else changed): the history then goes through the
app's own path (a worker, the scanner's session and guarded clients) to the stub. Offline, `t`
says there is no history instead of failing."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cloudtrail_stub import CloudTrailStub, event
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions, ScanConfig
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.screens.help import HelpScreen
from awsexplorer.ui.screens.history import EventScreen, HistoryScreen
from awsexplorer.ui.screens.main import MainScreen

pytestmark = [pytest.mark.moto, pytest.mark.ui]

SIZE = (100, 30)


async def scanned(pilot: Pilot[int], app: AwsExplorerApp, stub: CloudTrailStub) -> None:
    """The scan (moto) done; CloudTrail from now on at the stub's endpoint."""
    await wait_for(pilot, lambda: not app.busy and app.state.finished_at is not None)
    assert app._scan_config is not None
    app._scan_config = replace(app._scan_config, endpoint_url=stub.url)


async def wait_for(pilot: Pilot[int], condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def _seed(aws: Callable[..., Any]) -> tuple[str, str]:
    ec2 = aws("ec2", "eu-west-1")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    return vpc, str(group)


@pytest.fixture
def app_on_stub(
    aws: Callable[..., Any],
    cloudtrail: CloudTrailStub,
    scan_config: Callable[..., ScanConfig],
) -> tuple[AwsExplorerApp, CloudTrailStub, str]:
    _, group = _seed(aws)
    now = time.time()
    cloudtrail.events = [
        event("w1", "AuthorizeSecurityGroupIngress", now - 7200,
              resource=("AWS::EC2::SecurityGroup", group)),
        event("r1", "DescribeSecurityGroups", now - 60, read_only=True,
              resource=("AWS::EC2::SecurityGroup", group)),
        event("w2", "RevokeSecurityGroupIngress", now - 30,
              resource=("AWS::EC2::SecurityGroup", group),
              user_agent="\x1b]0;owned\x07[b]not markup[/b]"),
        event("q1", "DeleteQueue", now - 10, resource=("AWS::SQS::Queue", "gone-queue")),
    ]  # fmt: skip
    cloudtrail.throttle_first = 1
    config = scan_config(regions=("eu-west-1",))
    app = make_app(AppOptions(config=config))
    assert isinstance(app, AwsExplorerApp)
    return app, cloudtrail, group


async def test_t_on_a_resource_streams_its_changes_then_reads_then_json(
    app_on_stub: tuple[AwsExplorerApp, CloudTrailStub, str],
) -> None:
    app, stub, group = app_on_stub
    async with app.run_test(size=SIZE) as pilot:
        await scanned(pilot, app, stub)
        arn = next(r.arn for r in app.state.result().resources if r.id == group)
        app.main.jump(arn)
        await pilot.pause()
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await wait_for(pilot, lambda: not screen.fetching)
        # What the terminal shows is the table, not a loading cover left over (Textual's
        # `loading` on a Screen stayed drawn after it was turned off: an endless spinner).
        await pilot.pause()
        shown = {type(w).__name__ for w in screen._compositor.visible_widgets}
        assert "DataTable" in shown and "LoadingIndicator" not in shown
        # Throttled once, retried; asked in the resource's region, by its id.
        lookups = [r for r in stub.requests if r.target.endswith("LookupEvents")]
        assert lookups[0].throttled and not lookups[-1].throttled
        assert {r.region for r in lookups} == {"eu-west-1"}
        assert lookups[0].attributes[0]["AttributeValue"] == group
        # Changes only, newest first; `a` adds the read.
        assert [e.event_id for e in screen.rows] == ["w2", "w1"]
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        assert "1 reads hidden" in str(screen.query_one("#history-status", Static).render())
        await pilot.press("a")
        assert [e.event_id for e in screen.rows] == ["w2", "r1", "w1"]
        await pilot.press("a")
        # Enter: the whole event, its hostile agent escaped, never markup.
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventScreen))
        shown = app.screen
        assert isinstance(shown, EventScreen)
        assert json.loads(shown.text)["eventID"] == "w2"
        assert "\x1b" not in shown.text and "\\u001b" in shown.text
        assert "[b]not markup[/b]" in str(shown.query_one("#event-json", Static).render())
        # `/` searches it.
        await pilot.press("slash", *"sourceip", "enter")
        assert shown.match_lines
        assert "1 lines match" in shown.title_text()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "escape", "escape")
        assert isinstance(app.screen, HistoryScreen)
        # Opened again: from the session's cache, no new request.
        sent = len(stub.requests)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        again = app.screen
        assert isinstance(again, HistoryScreen)
        await wait_for(pilot, lambda: not again.fetching)
        assert [e.event_id for e in again.rows] == ["w2", "w1"]
        assert len(stub.requests) == sent


async def test_changes_lists_the_regions_changes_linked_to_the_scan(
    app_on_stub: tuple[AwsExplorerApp, CloudTrailStub, str],
) -> None:
    app, stub, group = app_on_stub
    async with app.run_test(size=SIZE) as pilot:
        await scanned(pilot, app, stub)
        arn = next(r.arn for r in app.state.result().resources if r.id == group)
        app.main.jump(arn)
        await pilot.pause()
        await pilot.press("colon", *"changes 48", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await wait_for(pilot, lambda: not screen.fetching)
        assert screen.query_spec.mode == "changes" and screen.query_spec.hours == 48
        lookups = [r for r in stub.requests if r.target.endswith("LookupEvents")]
        assert lookups[-1].attributes == [{"AttributeKey": "ReadOnly", "AttributeValue": "false"}]
        assert [e.event_id for e in screen.rows] == ["q1", "w2", "w1"]
        # The deleted queue is not in the scan: Enter shows its JSON. The group is: Enter jumps.
        await pilot.press("enter")
        assert isinstance(app.screen, EventScreen)
        await pilot.press("escape")
        # Each step waits for the last to land: in one loaded CI run (4 workers on 2 cores) the
        # jump never came after `escape`, `down`, `enter` sent together (keys sent while the
        # event screen was still closing are the likely loss).
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("down")
        await wait_for(pilot, lambda: screen.table.cursor_row == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause()
        assert app.main.cursor_ref is not None and app.main.cursor_ref.arn == arn


async def test_offline_t_says_there_is_no_history(tmp_path: Path) -> None:
    from awsexplorer import snapshot
    from awsexplorer.model import Account, Resource, ScanResult

    result = ScanResult(
        account=Account("123456789012", None, "aws", "arn:aws:iam::123456789012:user/me"),
        started_at="2024-05-01T00:00:00Z",
        finished_at="2024-05-01T00:01:00Z",
        regions=[],
        resources=[
            Resource("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1", "ec2:vpc", "vpc-1",
                     "vpc-1", "eu-west-1")
        ],
    )  # fmt: skip
    path = snapshot.write(result, tmp_path / "scan.json")
    app = make_app(AppOptions(config=ScanConfig(), snapshot=path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app, AwsExplorerApp)
        app.main.jump(result.resources[0].arn)
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        said = [n.message for n in app._notifications]
        assert any("no CloudTrail history offline" in m for m in said), said
        assert app._history is None  # nothing was asked of AWS
