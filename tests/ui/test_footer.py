"""KeyFooter: Textual's Footer recomposed once per batch of binding changes (a screen pushed
asked for six recomposes of every footer key; the last one is what shows)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from awsexplorer.ui.widgets.footer import KeyFooter
from tests.ui.test_main_snapshots import BASTION, SIZE, app


def _keys(screen: Any) -> list[str]:
    return [key.description for key in screen.query(FooterKey)]


async def test_a_pushed_screen_recomposes_its_footer_once_and_shows_its_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    done: list[str] = []
    changed, recompose = KeyFooter.bindings_changed, KeyFooter.recompose

    def counting_changed(self: KeyFooter, screen: Any) -> None:
        asked.append(type(screen).__name__)
        changed(self, screen)

    async def counting_recompose(self: KeyFooter) -> None:
        done.append(type(self.screen).__name__)
        await recompose(self)

    monkeypatch.setattr(KeyFooter, "bindings_changed", counting_changed)
    monkeypatch.setattr(KeyFooter, "recompose", counting_recompose)
    explorer = app()
    async with explorer.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer.main.jump(BASTION)  # type: ignore[attr-defined]
        await pilot.pause()
        asked.clear()
        done.clear()
        await pilot.press("u")
        for _ in range(4):
            await pilot.pause()
        screen = explorer.screen
        assert type(screen).__name__ == "UsedByScreen"
        # Textual asked the new screen's footer several times; it recomposed fewer times
        assert asked.count("UsedByScreen") > done.count("UsedByScreen") >= 1
        # and shows what the screen binds, as Textual's own footer would
        shown = [
            binding.description
            for (_, binding, _enabled, _tip) in screen.active_bindings.values()
            if binding.show
        ]
        assert _keys(screen) and set(_keys(screen)) == set(shown)
