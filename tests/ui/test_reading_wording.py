"""While a large snapshot is read (snapshot_opening), what needs every resource (the internet's
paths, exposure) says it waits for the snapshot to be read, not for a scan to finish."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource
from awsexplorer.ui.exposure_detail import exposure_block
from awsexplorer.ui.screens.exposure_wait import READING, SCANNING, kept_exposure
from awsexplorer.ui.state import ExplorerState

INSTANCE = Resource(
    arn="arn:aws:ec2:eu-west-1:123456789012:instance/i-1",
    type="ec2:instance",
    id="i-1",
    name="web",
    region="eu-west-1",
)


class _App:
    def __init__(self, state: ExplorerState) -> None:
        self.state = state


def _said(state: ExplorerState) -> tuple[str, str]:
    block = exposure_block(state, INSTANCE)
    result: Any = state.result()
    result.finished_at = "2026-12-03T00:00:00Z"  # a snapshot's: the state says what comes in
    return str(block[-1]), kept_exposure(_App(state), result)[1]


def test_a_scan_and_a_snapshot_being_read_say_what_they_wait_for() -> None:
    state = ExplorerState()
    state.scanning = True
    assert _said(state) == ("worked out when the scan finishes", SCANNING)
    state.reading = True
    assert _said(state) == ("worked out once the snapshot is read", READING)
    assert "once the snapshot is read" in READING
