"""The keys at the foot of each screen (KeyLine): the screen's shown bindings, one per action,
redrawn when they change (a screen pushed and popped, the focus moved), with no widget per key."""

from __future__ import annotations

from awsexplorer.ui.widgets.key_line import KeyLine

from .test_app import SIZE, offline


def _keys(app: object) -> str:
    return app.screen.query_one(KeyLine).render().plain  # type: ignore[attr-defined]


async def test_each_screen_shows_its_own_keys_and_they_come_back() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = _keys(app)
        assert ": Jump" in main and "q Quit" in main and "? Help" in main
        assert not app.screen.query_one(KeyLine).children  # drawn, not a widget per key
        await pilot.press("colon", *"findings", "enter")
        await pilot.pause()
        findings = _keys(app)
        assert findings != main and "esc" in findings.lower()
        await pilot.press("escape")
        await pilot.pause()
        assert _keys(app) == main
        await pilot.press("q")
