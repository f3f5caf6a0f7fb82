"""Scan events are folded into the state as they come, but the screen is repainted at most once
per REFRESH_INTERVAL (issue 12: the demo's ~1,700 events came in ~900 batches, each a repaint of
the whole tree and detail pane). No scanner here: the events are handed to the app's own
_queue_event, one batch at a time, as the scan worker would."""

from __future__ import annotations

from pathlib import Path

import pytest

from awsexplorer.config import AppOptions
from awsexplorer.model import Account, RegionStatus
from awsexplorer.scan.events import RegionProgress, ScanStarted
from awsexplorer.ui import app as app_module
from awsexplorer.ui.app import AwsExplorerApp

REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2"]
STEPS = 40  # progress events per region, each in a batch of its own
ACCOUNT = Account("123456789012", None, "aws", "arn:aws:iam::123456789012:user/me")


class QuietApp(AwsExplorerApp):
    """The app without its scan worker: the test is the scanner."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))  # not beside this file

    def start_scan(self, regions: tuple[str, ...] = ()) -> None:
        self.state.scanning = True


async def test_many_batches_make_one_repaint_per_interval_and_the_last_shows_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An interval no test run reaches: every batch after the first falls within it.
    monkeypatch.setattr(app_module, "REFRESH_INTERVAL", 3600.0)
    app = QuietApp(AppOptions())
    async with app.run_test(size=(80, 24)) as pilot:
        main = app.main
        repaints: list[set[str]] = []
        original = main.refresh_regions

        def spy(regions: set[str]) -> None:
            repaints.append(set(regions))
            original(regions)

        main.refresh_regions = spy  # type: ignore[method-assign]
        app._queue_event(ScanStarted(ACCOUNT, REGIONS, [], None))
        await pilot.pause()
        assert len(repaints) == 1  # the first batch shows at once
        batches = 1
        for step in range(1, STEPS + 1):
            for region in REGIONS:
                app._queue_event(
                    RegionProgress(region, RegionStatus.SCANNING, step, STEPS, resources=0)
                )
                await pilot.pause()  # delivered and applied: a batch of its own
                batches += 1
        assert batches == 1 + STEPS * len(REGIONS)
        # Every event is in the state at once, but the screen waits for the interval.
        assert all(app.state.regions[r].done == STEPS for r in REGIONS)
        assert len(repaints) == 1
        assert app._refresh_timer is not None  # the repaint that will show them is due
        labels = [str(n.label) for n in main.tree.root.children]
        assert not any(f"{STEPS}/{STEPS}" in label for label in labels)

        app._flush_refresh()  # the interval is over (or the scan finished): one repaint
        await pilot.pause()
        assert len(repaints) == 2
        assert repaints[1] == set(REGIONS)
        assert app._refresh_timer is None
        labels = [str(n.label) for n in main.tree.root.children]
        assert sum(f"scanning {STEPS}/{STEPS}" in label for label in labels) == len(REGIONS)


async def test_a_batch_after_the_interval_shows_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "REFRESH_INTERVAL", 0.0)  # every batch is past it
    app = QuietApp(AppOptions())
    async with app.run_test(size=(80, 24)) as pilot:
        main = app.main
        count = 0
        original = main.refresh_regions

        def spy(regions: set[str]) -> None:
            nonlocal count
            count += 1
            original(regions)

        main.refresh_regions = spy  # type: ignore[method-assign]
        app._queue_event(ScanStarted(ACCOUNT, REGIONS, [], None))
        await pilot.pause()
        for step in range(1, 6):
            app._queue_event(RegionProgress("eu-west-1", RegionStatus.SCANNING, step, 5, 0))
            await pilot.pause()
        assert count == 6
        assert app._refresh_timer is None
        label = str(main.tree._regions["eu-west-1"].label)
        assert "scanning 5/5" in label
