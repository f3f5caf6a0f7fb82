"""`/` on a large estate matches on a worker thread (MainScreen.FILTER_IN_WORKER: at 1,000,000
resources matching and grouping `/a` held the screen for ~0.6 s): the tree shows what the
same filter shows in place, and a match that comes back after the filter changed is dropped.
The threshold is set to 0 here, so the fixture's small estate takes the worker's path."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from textual.widgets import Input

from awsexplorer.ui.screens import main as main_module
from awsexplorer.ui.screens.main import MainScreen
from awsexplorer.ui.widgets.command_bar import CommandBar
from awsexplorer.ui.widgets.resource_tree import ResourceTree

from .test_issue10_behaviour import SIZE, filtered, offline_app, settle, tree_labels

pytestmark = pytest.mark.ui


async def _labels_after(text: str, *, in_worker: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(main_module, "FILTER_IN_WORKER", 0 if in_worker else 10**9)
    app = offline_app()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):  # the search index, built after the first frame
            if app.state.search_ready:
                break
            await pilot.pause(0.05)
        assert app.state.search_ready
        screen = await filtered(app, pilot, text)
        for _ in range(100):
            if screen.tree.filter_text == text:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        return tree_labels(screen)


async def test_the_worker_shows_what_the_filter_shows_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for text in ("bob", "app"):
        in_place = await _labels_after(text, in_worker=False, monkeypatch=monkeypatch)
        in_worker = await _labels_after(text, in_worker=True, monkeypatch=monkeypatch)
        assert in_worker == in_place, text
        assert len(in_place) >= 3


async def test_a_match_that_comes_back_after_esc_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(main_module, "FILTER_IN_WORKER", 0)
    release = threading.Event()
    asked: list[str] = []
    group = ResourceTree.grouped_matches

    def held(self: ResourceTree, text: str, attention: bool, index: Any = None) -> Any:
        asked.append(text)
        release.wait(10)
        return group(self, text, attention, index)

    monkeypatch.setattr(ResourceTree, "grouped_matches", held)
    app = offline_app()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            if app.state.search_ready:
                break
            await pilot.pause(0.05)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        whole = tree_labels(screen)
        await pilot.press("slash", *"bob", "enter")
        for _ in range(100):
            if asked:
                break
            await pilot.pause(0.05)
        assert asked == ["bob"]
        total = app.state.resource_total
        assert f"Filtering {total:,} resources…" in [n.message for n in app._notifications]
        await pilot.press("j", "k")  # keys are answered while it matches
        await pilot.press("slash")
        await settle(pilot)
        # The bar holds the filter on its way, as it holds one shown; Esc clears it.
        assert screen.query_one(CommandBar).query_one(Input).value == "bob"
        await pilot.press("escape")
        await settle(pilot)
        release.set()
        deadline = time.monotonic() + 5
        while any(w.name == "filter" and w.is_running for w in app.workers):
            assert time.monotonic() < deadline
            await pilot.pause(0.05)
        await settle(pilot)
        assert screen.tree.filter_text == ""
        assert tree_labels(screen) == whole
