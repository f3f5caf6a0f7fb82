"""A big estate's internet exposure is worked out by a worker, not on the UI thread (issue 17: at
1,000,000 resources the first detail of an instance would freeze the screen ~12 s). Past
EXPOSURE_IN_PLACE resources the detail says it is being worked out, the app's worker computes
it once, and the detail then shows the same verdicts an estate computed in place shows. Here the
threshold is patched to 0 so the test's small estate (test_exposed.py's) takes the worker path."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.ui import details
from awsexplorer.ui import state as state_module
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.state import ExplorerState, NodeRef

from .test_exposed import estate, plain

pytestmark = pytest.mark.ui

REACHABLE = "Reachable from the internet: tcp/8080 via alb-web (listener 443)"
WORKING = "being worked out for every resource"


def said(state: ExplorerState, rid: str) -> str:
    arn = next(r.arn for r in state.resources() if r.id == rid)
    return " ".join(plain(details.describe(state, NodeRef("resource", arn=arn)), 200).split())


def test_in_place_for_a_small_estate() -> None:
    state = ExplorerState()
    asked: list[int] = []
    state.on_exposure_wanted = lambda: asked.append(1)
    state.load(estate())
    assert REACHABLE in said(state, "i-0app")
    assert asked == []  # small: no worker asked for


def test_a_big_estate_asks_once_then_shows_what_the_worker_computed(monkeypatch: Any) -> None:
    from awsexplorer.model.exposure import exposure_of

    monkeypatch.setattr(state_module, "EXPOSURE_IN_PLACE", 0)
    state = ExplorerState()
    asked: list[int] = []
    state.on_exposure_wanted = lambda: asked.append(1)
    state.load(estate())
    assert WORKING in said(state, "i-0app") and REACHABLE not in said(state, "i-0app")
    assert asked == [1]  # asked once, however many details ask
    version, resources = state.exposure_input()
    computed = exposure_of(list(resources))
    state.load(estate())  # the resources changed meanwhile: that result is not kept
    assert not state.set_exposure(computed, version)
    assert WORKING in said(state, "i-0app") and asked == [1, 1]
    version, resources = state.exposure_input()
    assert state.set_exposure(exposure_of(list(resources)), version)
    assert REACHABLE in said(state, "i-0app")
    assert "Not reachable from the internet: tcp/443" in said(state, "i-0web")


def test_a_failed_worker_is_said_with_its_reason(monkeypatch: Any) -> None:
    monkeypatch.setattr(state_module, "EXPOSURE_IN_PLACE", 0)
    state = ExplorerState()
    state.on_exposure_wanted = lambda: None
    state.load(estate())
    said(state, "i-0app")
    version, _resources = state.exposure_input()
    assert state.exposure_failed("MemoryError: \x1b[31mred", version)
    text = said(state, "i-0app")
    assert "could not be worked out: MemoryError:" in text and WORKING not in text
    assert "\x1b" not in text  # inert: the reason cannot colour the terminal


async def test_the_app_works_it_out_off_the_ui_thread(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(state_module, "EXPOSURE_IN_PLACE", 0)
    path = snapshot.write(estate(), tmp_path / "exposed.json")
    app = make_app(AppOptions(snapshot=path))
    assert isinstance(app, AwsExplorerApp)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        arn = next(r.arn for r in app.state.resources() if r.id == "i-0app")
        app.main.jump(arn)
        await pilot.pause()
        deadline = time.monotonic() + 30
        while REACHABLE not in " ".join(plain(app.main.detail.renderable, 200).split()):
            assert time.monotonic() < deadline, "the exposure worker never delivered"
            await pilot.pause(0.05)
        assert app.state.exposure() is not None
        assert [w.name for w in app.workers if w.name == "exposure"] in ([], ["exposure"])
