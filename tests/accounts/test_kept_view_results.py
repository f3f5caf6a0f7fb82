"""`:account NAME` keeps every account's view so that `:account all` comes back to it at once.
A result worked out for that view on a worker (its internet exposure, its relationship index)
that came in while another account was shown was dropped: back on every account, the view said
"being worked out" for ever (it had asked already, so it never asked again). Now a result for
the kept view is kept in it. EXPOSURE_IN_PLACE is patched to 0 so that this small snapshot
takes the worker path that a big one takes."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from awsexplorer.config import AppOptions
from awsexplorer.model import exposure as exposure_module
from awsexplorer.model import relationships as relationships_module
from awsexplorer.ui import state as state_module
from awsexplorer.ui.app import AwsExplorerApp

pytestmark = pytest.mark.ui

THREE = Path(__file__).parent / "fixtures" / "three-accounts.json"
SIZE = (80, 24)


class Held:
    """A worker's computation, held until released."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, resources: Any, pause: Any = None) -> Any:
        self.calls += 1
        self.release.wait(30)
        return self.real(resources, pause=pause)


def running(app: AwsExplorerApp, group: str) -> bool:
    return any(w.group == group and w.is_running for w in app.workers)


async def show_one_account(app: AwsExplorerApp, pilot: Pilot[int]) -> str:
    """`:account ID` of the first account read; returns its id."""
    account = next(a for a in app.state.member_accounts if a.status.value != "failed")
    app.main.run_command(f"account {account.id}", is_command=True)
    await pilot.pause(0.3)
    return account.id


async def until(pilot: Pilot[int], done: Any, what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, what
        await pilot.pause(0.05)


async def test_an_exposure_worked_out_while_another_account_is_shown_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(state_module, "EXPOSURE_IN_PLACE", 0)
    held = Held(exposure_module.exposure_of)
    monkeypatch.setattr(exposure_module, "exposure_of", held)
    app = AwsExplorerApp(AppOptions(snapshot=THREE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        state = app.state
        delivered: list[int] = []  # the versions the worker's results were for
        keep = state.set_exposure

        def set_exposure(exposure: Any, version: int) -> bool:
            delivered.append(version)
            return keep(exposure, version)

        monkeypatch.setattr(state, "set_exposure", set_exposure)
        every = state.resources_version
        assert state.exposure() is None  # every account's: asked of the worker, held
        await until(pilot, lambda: held.calls == 1, "the worker never started")
        account = await show_one_account(app, pilot)
        assert state.resources_version != every
        held.release.set()  # every account's result comes in while one account is shown
        await until(pilot, lambda: every in delivered, "every account's result never came")
        assert state.account_view == account
        app.main.run_command("account all", is_command=True)
        await pilot.pause(0.3)
        assert state.resources_version == every
        await until(pilot, lambda: state.exposure() is not None, "every account's exposure lost")


async def test_a_relationship_index_built_while_another_account_is_shown_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held = Held(relationships_module.build)
    monkeypatch.setattr(relationships_module, "build", held)
    app = AwsExplorerApp(AppOptions(snapshot=THREE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        state = app.state
        await until(pilot, lambda: held.calls == 1, "the relationship worker never started")
        assert not state.relations_ready
        account = await show_one_account(app, pilot)
        held.release.set()
        await until(pilot, lambda: not running(app, "relations"), "the worker never ended")
        assert state.account_view == account  # it came in while one account was shown
        app.main.run_command("account all", is_command=True)
        await until(pilot, lambda: state.relations_ready, "every account's relationships lost")
