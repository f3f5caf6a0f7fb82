"""`:exposed` and the path view (`p`) on a big estate read the exposure ExplorerState keeps, which
the app's worker works out past EXPOSURE_IN_PLACE resources: they say it is being worked out
(never computing it on the UI thread: ~9 s of CPU at 1,000,000 resources), fill in by
themselves once the worker's result is in, and then show what an estate computed in place shows.
A failure is said with its reason, inert. The threshold is patched to 0 so that test_exposed's
small estate takes the worker path."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from awsexplorer.model import exposure as exposure_module
from awsexplorer.ui import state as state_module
from awsexplorer.ui.screens.exposed import ExposedScreen
from awsexplorer.ui.screens.exposure_path import PathScreen
from awsexplorer.ui.screens.exposure_wait import WORKING

from .test_exposed import SIZE, app_for, open_exposed, rows, saved, settle

__all__ = ["saved"]  # the fixture, used by name

pytestmark = pytest.mark.ui


class Held:
    """exposure_of, held until released, recording the threads it ran on."""

    def __init__(self, fail: bool = False) -> None:
        self.real = exposure_module.exposure_of
        self.release = threading.Event()
        self.threads: list[str] = []
        self.fail = fail

    def __call__(self, resources: Any, pause: Any = None) -> Any:
        self.threads.append(threading.current_thread().name)
        self.release.wait(30)
        if self.fail:
            raise MemoryError("\x1b[31mred [bold]not markup[/bold]")
        return self.real(resources, pause)


async def until(pilot: Pilot[int], done: Any, what: str) -> None:
    deadline = time.monotonic() + 30
    while not done():
        assert time.monotonic() < deadline, what
        await pilot.pause(0.05)


def empty_text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_exposed_and_path_wait_for_the_worker_then_fill_in(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_module, "EXPOSURE_IN_PLACE", 0)
    held = Held()
    monkeypatch.setattr(exposure_module, "exposure_of", held)
    async with app_for(saved).run_test(size=SIZE) as pilot:
        ui_thread = threading.current_thread().name
        screen = await open_exposed(pilot)
        assert screen.rows == [] and "being worked out" in screen.title_text()
        assert WORKING in empty_text(screen, "#exposed-empty")
        held.release.set()
        await until(pilot, lambda: screen.rows, "the view never filled in")
        await settle(pilot)
        assert rows(screen) == [
            ("tcp/22", "i-0bastion"),
            ("tcp/5432", "i-0pg"),
            ("tcp/443", "alb-web"),
            ("tcp/8080", "i-0app"),
            ("tcp/8443", "i-0reports"),
        ]
        assert "5 reachable on 5 resources" in screen.title_text()
        assert held.threads and ui_thread not in held.threads  # only the app's worker
        assert screen._waiting is None  # no longer looking


async def test_the_path_view_opened_first_waits_too(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_module, "EXPOSURE_IN_PLACE", 0)
    held = Held()
    monkeypatch.setattr(exposure_module, "exposure_of", held)
    async with app_for(saved).run_test(size=SIZE) as pilot:
        await settle(pilot)
        app1 = next(r for r in pilot.app.state.resources() if r.id == "i-0app")
        pilot.app.main.jump(app1.arn)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        path = pilot.app.screen
        assert isinstance(path, PathScreen)
        assert path.verdicts == []
        assert "being worked out for every resource" in empty_text(path, "#path-empty")
        held.release.set()
        await until(pilot, lambda: path.verdicts, "the path view never filled in")
        await settle(pilot)
        assert path.current is not None and path.current.port_text == "tcp/8080"
        assert "Reachable from the internet: tcp/8080 via alb-web (listener 443)" in (
            path.path_shown.plain
        )
        assert threading.current_thread().name not in held.threads


async def test_a_failed_worker_is_said_in_the_view_inert(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_module, "EXPOSURE_IN_PLACE", 0)
    held = Held(fail=True)
    held.release.set()
    monkeypatch.setattr(exposure_module, "exposure_of", held)
    async with app_for(saved).run_test(size=SIZE) as pilot:
        screen = await open_exposed(pilot)
        await until(
            pilot,
            lambda: "Could not be worked out" in empty_text(screen, "#exposed-empty"),
            "the failure was never said",
        )
        said = empty_text(screen, "#exposed-empty")
        assert "MemoryError" in said and "\x1b" not in said
        assert "[bold]not markup[/bold]" in said  # shown as typed, not parsed as markup
        assert "not known" in screen.title_text()
        assert isinstance(pilot.app.screen, ExposedScreen)
