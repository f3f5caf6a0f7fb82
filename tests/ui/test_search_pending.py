"""`:` and `/` typed while the search index worker is still building (the first seconds after
a big snapshot opens: ~10-30 s at 1,000,000 resources).

Each built an index of its own on the UI thread, next to the worker's: `:w` right after a
1,000,000-resource snapshot opened took 24 s. Now `:` lists the first matches it finds in a
short look and lists them again from the index when it is in; `/` says it waits, and filters
when the index is in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.ui import state as state_module
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.state import SearchIndex

pytestmark = pytest.mark.ui

FIXTURE = Path(__file__).parent / "fixtures" / "small-account.json"
SIZE = (80, 24)


def held_index(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The worker's SearchIndex waits for the event before it is made; the estate counts as
    big (INDEX_IN_PLACE: a search without an index would build one in place)."""
    release = threading.Event()
    built = SearchIndex.__init__

    def slow(self: SearchIndex, *args: object, **kwargs: object) -> None:
        if threading.current_thread() is not threading.main_thread():
            assert release.wait(30)
        built(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "__init__", slow)
    monkeypatch.setattr(state_module, "INDEX_IN_PLACE", 1)
    return release


def opened(path: Path = FIXTURE) -> AwsExplorerApp:
    app = make_app(AppOptions(snapshot=path))
    assert isinstance(app, AwsExplorerApp)
    return app


async def until(pilot: Pilot[int], done: Callable[[], bool]) -> None:
    """Pause until `done()` (the worker let go: at most 2 s)."""
    for _ in range(100):
        if done():
            return
        await pilot.pause(0.02)


async def test_colon_lists_first_matches_then_the_indexed_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = held_index(monkeypatch)
    app = opened()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        state = app.state
        assert state.search_pending
        await pilot.press("colon", *"forgotten")
        await pilot.pause()
        options = app.main.prompt_bar.query_one(OptionList)
        assert options.option_count >= 1
        assert "forgotten" in str(options.get_option_at_index(0).prompt)
        assert not state.search_ready  # none built on the UI thread
        release.set()
        await until(pilot, lambda: state.search_ready)
        await pilot.pause()
        assert state.search_ready and not state.search_pending
        assert "forgotten" in str(options.get_option_at_index(0).prompt)  # listed again
        await pilot.press("enter")
        await pilot.pause()
        node = app.main.tree.cursor_node
        assert node is not None and node.data is not None and "forgotten" in str(node.label)


async def test_a_filter_waits_for_the_index_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    release = held_index(monkeypatch)
    app = opened()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"forgotten")
        await pilot.pause(0.4)  # past the filter's typing pause
        tree = app.main.tree
        assert tree.filter_text == ""  # not applied yet
        assert any("Filtering when the search index" in n.message for n in app._notifications)
        assert not app.state.search_ready
        release.set()
        await until(pilot, lambda: bool(tree.filter_text))
        assert tree.filter_text == "forgotten" and app.state.search_ready


def test_a_failed_worker_lets_search_build_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """No index and no worker building one: the first search builds it (as before)."""
    monkeypatch.setattr(state_module, "INDEX_IN_PLACE", 1)
    from awsexplorer import snapshot
    from awsexplorer.ui.state import ExplorerState

    state = ExplorerState()
    state.load(snapshot.read(FIXTURE))
    state.search_building = state.resources_version
    found = state.search("forgotten")
    assert found and not state.search_ready  # the short look, while "building"
    state.search_building = None  # the worker failed
    assert state.search("forgotten") == found and state.search_ready


async def test_narrowing_and_back_never_leaves_search_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`:account NAME` while the index of every account is being built, then `:account all`:
    the view put back is searchable again once a worker is done (not waiting for ever for
    the one whose index was dropped while narrowed)."""
    release = held_index(monkeypatch)  # every worker's index waits until both views ran
    three = Path(__file__).parents[1] / "accounts" / "fixtures" / "three-accounts.json"
    app = opened(three)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        state = app.state
        assert state.search_pending
        app.main.run_command("account staging", is_command=True)
        await pilot.pause()
        app.main.run_command("account all", is_command=True)
        await pilot.pause()
        assert state.search_pending and not state.search_ready
        release.set()
        await until(pilot, lambda: state.search_ready)
        assert state.search_ready and not state.search_pending
        assert state.account_view is None
        assert {r.account_id for r in state.search("i-", limit=1000)} == {
            r.account_id for r in state.resources() if "i-" in r.id
        }


async def test_esc_drops_a_filter_waiting_for_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """`/forgotten⏎ Esc` while the index is built: the filter is not applied when the index
    comes in (it was, and filtered the tree Esc had cleared)."""
    release = held_index(monkeypatch)
    app = opened()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"forgotten", "enter")
        await pilot.pause(0.4)  # past the filter's typing pause: waiting for the index
        tree = app.main.tree
        assert tree.filter_text == ""
        await pilot.press("escape")
        await pilot.pause()
        release.set()
        await until(pilot, lambda: app.state.search_ready)
        await pilot.pause(0.2)
        assert app.state.search_ready and tree.filter_text == ""
