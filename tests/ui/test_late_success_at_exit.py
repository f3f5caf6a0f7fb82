"""A worker's success that lands while the app is closing repaints nothing.

CI once failed with `NoMatches: ResourceTree` in `_refresh_main`: the analysis finished after
Textual had begun to shut down and had taken the main screen's widgets away, but before it
cleared the screen stack. The late call is made here at exactly that point, after each
screen is pruned, as Textual's `_close_all` does it."""

from __future__ import annotations

from typing import Any

import pytest

from .test_app import SIZE, offline, wait_for

pytestmark = pytest.mark.ui


async def test_a_late_refresh_after_the_screens_are_taken_away_is_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = offline()
    raised: list[BaseException] = []
    calls: list[str] = []
    prune = type(app)._prune

    async def prune_then_refresh(self: Any, *nodes: Any, parent: Any = None) -> Any:
        result = await prune(self, *nodes, parent=parent)
        calls.append("refresh")
        try:
            self._refresh_main()
            self._refresh_main({"us-east-1"})
        except Exception as error:  # what a worker's late success would have raised
            raised.append(error)
        return result

    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.main.is_mounted)
        monkeypatch.setattr(type(app), "_prune", prune_then_refresh)
        await pilot.press("q")
    assert calls, "the shutdown pruned no screen: this test no longer reaches the race"
    assert raised == []
