"""What `:exposed` and the path view (`p`) share: the one exposure result they show and how they
wait for it. In the app it is the result ExplorerState keeps for the resources on screen,
worked out by the app's worker past EXPOSURE_IN_PLACE resources (~9 s of CPU at 1,000,000),
never here on the UI thread; the views say it is being worked out and fill in once it is in.
"""

from __future__ import annotations

from typing import Any

from textual.timer import Timer

from awsexplorer.inert import inert
from awsexplorer.model import ScanResult
from awsexplorer.model.exposure import Exposure, exposure_of
from awsexplorer.ui.exposure_detail import state_exposure
from awsexplorer.ui.screens.scan_view import ScanViewScreen
from awsexplorer.ui.state import UNTIL_READ, UNTIL_SCANNED, ExplorerState
from awsexplorer.ui.views.common import index_by_arn
from awsexplorer.ui.views.exposed import Lookup

SCANNING = f"Worked out {UNTIL_SCANNED}: what the internet can reach, and how."
READING = f"Worked out {UNTIL_READ}: what the internet can reach, and how."
NOT_YET = (SCANNING, READING)  # everything is not in yet: a scan, or a snapshot being read
WORKING = "Being worked out for every resource… (shown when ready)"


def _state(app: Any) -> ExplorerState | None:
    state = getattr(app, "state", None)
    return state if isinstance(state, ExplorerState) else None


def kept_exposure(app: Any, result: ScanResult) -> tuple[Exposure | None, str]:
    """The exposure `:exposed` and the path view show, or None and what to say instead.

    In the app, the one result ExplorerState keeps for the resources on screen (the screens
    are given state.result()): computed in place up to EXPOSURE_IN_PLACE resources, past that
    by the app's worker, never here on the UI thread. Without the app's state (a screen shown
    on its own), the scan's own, computed in place as before."""
    if result.finished_at is None:
        return None, SCANNING
    state = _state(app)
    if state is None:
        return exposure_of(result.resources), ""
    exposure = state_exposure(state)
    if exposure is not None:
        return exposure, ""
    if state.scanning:
        return None, READING if state.reading else SCANNING
    if state.exposure_error is not None:
        return None, f"Could not be worked out: {inert(state.exposure_error, limit=300)}"
    return None, WORKING


class WaitsForExposure(ScanViewScreen):
    """A view of the exposure: while the app's worker works it out, checks a few times a second
    whether it is in (a look at the state, nothing computed) and rebuilds once it is."""

    _waiting: Timer | None = None

    def wait_for_exposure(self, waiting: str) -> None:
        """Called by rebuild with what kept_exposure said."""
        if waiting == WORKING and self._waiting is None:
            self._waiting = self.set_interval(0.2, self._exposure_in)
        elif waiting != WORKING and self._waiting is not None:
            self._waiting.stop()
            self._waiting = None

    def _exposure_in(self) -> None:
        if kept_exposure(self.app, self.result)[1] != WORKING:
            self.rebuild()


def lookup_for(app: Any, result: ScanResult) -> Lookup:
    """ARN -> resource: the app state's own index (not a dict of every resource of the scan,
    1,000,000 entries, made per rebuild), or the scan's when there is no app state."""
    state = _state(app)
    return state.get if state is not None else index_by_arn(result.resources).get
