"""`t` on a resource marked against a baseline asks CloudTrail about the window between the two
scans, not the last 90 days: the window's arithmetic (model/history.between_scans), the fetcher
sending it as StartTime/EndTime (and caching per window), and the app end to end.

The fetcher and the app go to the local CloudTrail stub on 127.0.0.1 (moto has no LookupEvents;
see cloudtrail_stub.py): it records the StartTime/EndTime each request carried and, as CloudTrail
does, serves only the events inside them. The app's scan goes to moto; the baseline is that scan
saved with one security group's tags changed, one queue that is gone since, and a finishing time
three hours earlier."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cloudtrail_stub import CloudTrailStub, event
from textual.pilot import Pilot
from textual.widgets import Static

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions, ScanConfig
from awsexplorer.model import Resource
from awsexplorer.model.activity import parse_time
from awsexplorer.model.history import (
    LOOKBACK_DAYS,
    TimeWindow,
    between_scans,
)
from awsexplorer.scan.history import open_fetcher
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.screens.history import HistoryScreen
from awsexplorer.ui.screens.main import MainScreen

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


# -- the window (pure) ------------------------------------------------------------------------


def test_between_scans_is_old_finish_minus_the_margin_to_new_finish() -> None:
    old, new = "2024-05-30T08:15:42Z", "2024-06-01T11:02:05Z"
    found = between_scans(old, new, NOW)
    assert found == TimeWindow(
        datetime(2024, 5, 30, 8, 10, 42, tzinfo=UTC),  # five minutes before the old scan's end
        datetime(2024, 6, 1, 11, 2, 5, tzinfo=UTC),
        "between the two scans (2024-05-30 08:15 → 2024-06-01 11:02 UTC)",
    )
    # Aware datetimes and other offsets are the same moments, in UTC.
    same = between_scans(
        datetime(2024, 5, 30, 10, 15, 42, tzinfo=UTC) - timedelta(hours=2),
        "2024-06-01T13:02:05+02:00",
        NOW,
    )
    assert same is not None and (same.start, same.end) == (found.start, found.end)
    assert same.end.tzinfo is UTC
    # A baseline newer than the scan: the same window; the label keeps old → new as given.
    reverse = between_scans(new, old, NOW)
    assert reverse is not None and (reverse.start, reverse.end) == (found.start, found.end)
    assert "(2024-06-01 11:02 → 2024-05-30 08:15 UTC)" in reverse.label
    # No margin asked: exactly the two finishes.
    exact = between_scans(old, new, NOW, margin=timedelta(0))
    assert exact is not None and exact.start == datetime(2024, 5, 30, 8, 15, 42, tzinfo=UTC)


def test_between_scans_without_a_finish_or_beyond_cloudtrails_90_days() -> None:
    # A scan without a finishing time (interrupted) or an unreadable one: no window (the caller
    # then asks the usual last 90 days).
    assert between_scans(None, "2024-06-01T11:00:00Z", NOW) is None
    assert between_scans("2024-05-01T00:00:00Z", "", NOW) is None
    assert between_scans("not a time", "2024-06-01T11:00:00Z", NOW) is None
    # The start is never before what CloudTrail keeps.
    oldest = NOW - timedelta(days=LOOKBACK_DAYS)
    clamped = between_scans("2023-01-01T00:00:00Z", "2024-06-01T11:00:00Z", NOW)
    assert clamped is not None and clamped.start == oldest
    assert "2023-01-01 00:00 → 2024-06-01 11:00" in clamped.label
    # Both scans older than that: nothing CloudTrail could answer, said plainly.
    with pytest.raises(ValueError, match="more than 90 days ago"):
        between_scans("2023-01-01T00:00:00Z", "2023-02-01T00:00:00Z", NOW)


# -- the fetcher, against the stub ------------------------------------------------------------


def _config(stub: CloudTrailStub) -> ScanConfig:
    return ScanConfig(
        endpoint_url=stub.url, access_key="testing", secret_key="testing", call_timeout=30
    )


@pytest.mark.moto
def test_the_fetcher_sends_the_window_and_caches_per_window(cloudtrail: CloudTrailStub) -> None:
    now = time.time()
    old = datetime.fromtimestamp(int(now) - 3 * 3600, UTC)
    new = datetime.fromtimestamp(int(now) - 3600, UTC)
    span = between_scans(old, new, datetime.now(UTC))
    assert span is not None
    cloudtrail.events = [
        event("before", "ModifyInstanceAttribute", old.timestamp() - 3600),
        event("margin", "ModifyInstanceAttribute", old.timestamp() - 120),
        event("inside", "StopInstances", old.timestamp() + 3600),
        event("after", "StartInstances", new.timestamp() + 1800),
    ]

    async def go() -> tuple[list[str], list[str], list[str], int]:
        async with open_fetcher(_config(cloudtrail)) as fetcher:
            between = (span.start, span.end)
            first = [
                e.event_id
                async for page in fetcher.resource("eu-west-1", ("i-0123",), 24, between=between)
                for e in page
            ]
            sent = fetcher.requests
            again = [
                e.event_id
                async for page in fetcher.resource("eu-west-1", ("i-0123",), 24, between=between)
                for e in page
            ]
            assert fetcher.requests == sent  # the same window: from the session's cache
            hours = [
                e.event_id
                async for page in fetcher.resource("eu-west-1", ("i-0123",), 24)
                for e in page
            ]
            return first, again, hours, sent

    first, again, hours, sent = asyncio.run(go())
    window_requests = cloudtrail.requests[:sent]
    assert sent == 1 and len(window_requests) == 1
    # StartTime five minutes before the old scan's finish, EndTime the new scan's finish.
    assert window_requests[0].start == old.timestamp() - 300
    assert window_requests[0].end == new.timestamp()
    assert first == again == ["inside", "margin"]
    # The last 24 hours is another lookup (the cache key holds the window): new requests (two
    # pages of the stub's two), ending now, and they see every event.
    last_day, next_page = cloudtrail.requests[sent:]
    assert next_page.token == "2" and (next_page.start, next_page.end) == (
        last_day.start,
        last_day.end,
    )
    assert last_day.end is not None and last_day.start is not None
    assert abs(last_day.end - now) < 60 and abs(last_day.end - last_day.start - 86400) < 1
    assert hours == ["after", "inside", "margin", "before"]
    # A window that ends before it starts is refused before anything is sent.
    with pytest.raises(ValueError, match="ends before it starts"):

        async def backwards() -> None:
            async with open_fetcher(_config(cloudtrail)) as fetcher:
                async for _ in fetcher.resource("eu-west-1", ("i-0123",), 24, between=(new, old)):
                    pass

        asyncio.run(backwards())
    assert len(cloudtrail.requests) == sent + 2


# -- the app: `t` on a changed, a removed and an unchanged resource ---------------------------


async def _wait_for(pilot: Pilot[int], condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


async def _history(pilot: Pilot[int], app: AwsExplorerApp) -> HistoryScreen:
    await _wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    await _wait_for(pilot, lambda: not screen.fetching)
    return screen


@pytest.mark.moto
@pytest.mark.ui
async def test_t_on_a_changed_resource_asks_between_the_two_scans(
    aws: Callable[..., Any],
    cloudtrail: CloudTrailStub,
    scan_config: Callable[..., ScanConfig],
    tmp_path: Path,
) -> None:
    ec2 = aws("ec2", "eu-west-1")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    app = make_app(AppOptions(config=scan_config(regions=("eu-west-1",))))
    assert isinstance(app, AwsExplorerApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait_for(pilot, lambda: not app.busy and app.state.finished_at is not None)
        assert app._scan_config is not None
        app._scan_config = replace(app._scan_config, endpoint_url=cloudtrail.url)
        result = app.state.result()
        new = parse_time(result.finished_at)
        assert new is not None
        old = new.replace(microsecond=0) - timedelta(hours=3)
        sg = next(r for r in result.resources if r.id == group)
        vpc_arn = next(r.arn for r in result.resources if r.id == vpc)
        queue = Resource(
            f"arn:aws:sqs:eu-west-1:{result.account.id}:gone-queue",
            "sqs:queue",
            "gone-queue",
            "gone-queue",
            "eu-west-1",
        )
        baseline = replace(
            result,
            finished_at=old.isoformat().replace("+00:00", "Z"),
            resources=[
                replace(r, tags={"owner": "team-a"}) if r.arn == sg.arn else r
                for r in result.resources
            ]
            + [queue],
        )
        path = snapshot.write(baseline, tmp_path / "before.json")
        app.action_baseline(str(path))
        await pilot.pause()
        assert app.state.mark(sg.arn) == "~" and app.state.mark(queue.arn) == "-"
        assert app.state.mark(vpc_arn) is None
        cloudtrail.events = [
            event("before", "CreateTags", old.timestamp() - 3600,
                  resource=("AWS::EC2::SecurityGroup", group)),
            event("margin", "DeleteTags", old.timestamp() - 60,
                  resource=("AWS::EC2::SecurityGroup", group)),
            event("inside", "AuthorizeSecurityGroupIngress", old.timestamp() + 3600,
                  resource=("AWS::EC2::SecurityGroup", group)),
            event("gone", "DeleteQueue", old.timestamp() + 7200,
                  resource=("AWS::SQS::Queue", "gone-queue")),
            event("vpc", "CreateVpc", old.timestamp() - 7200, resource=("AWS::EC2::VPC", vpc)),
        ]  # fmt: skip

        # `t` on the changed group: exactly [old finish - 5 min, new finish].
        app.main.jump(sg.arn)
        await pilot.pause()
        await pilot.press("t")
        screen = await _history(pilot, app)
        (asked,) = cloudtrail.requests
        assert asked.attributes == [{"AttributeKey": "ResourceName", "AttributeValue": group}]
        assert asked.start == old.timestamp() - 300
        assert asked.end == new.timestamp()
        assert [e.event_id for e in screen.rows] == ["inside", "margin"]
        span = f"between the two scans ({old:%Y-%m-%d %H:%M} → {new:%Y-%m-%d %H:%M} UTC)"
        assert screen.title_text().endswith(span)
        assert "last" not in screen.title_text()
        # At 80 columns the title's end is cut: the status line leads with the window.
        status = str(screen.query_one("#history-status", Static).render())
        assert status.startswith(f"{span} · 2 events"), status
        assert len(f"{span} · 2 events") <= 78
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)

        # The removed queue (shown dimmed in the tree) has history too, in the same window.
        app.action_history(queue.arn)
        screen = await _history(pilot, app)
        gone = cloudtrail.requests[1:]
        assert [r.attributes[0]["AttributeValue"] for r in gone] == ["gone-queue", queue.arn]
        assert all((r.start, r.end) == (asked.start, asked.end) for r in gone)
        assert [e.event_id for e in screen.rows] == ["gone"]
        assert screen.title_text().endswith(span)
        await pilot.press("escape")

        # An unchanged resource: the usual last 90 days, ending now.
        sent = len(cloudtrail.requests)
        app.main.jump(vpc_arn)
        await pilot.pause()
        await pilot.press("t")
        screen = await _history(pilot, app)
        (usual,) = cloudtrail.requests[sent:]
        assert usual.start is not None and usual.end is not None
        assert abs(usual.end - usual.start - LOOKBACK_DAYS * 86400) < 1
        assert abs(usual.end - time.time()) < 120
        assert [e.event_id for e in screen.rows] == ["vpc"]
        assert screen.title_text().endswith("last 90 days")
