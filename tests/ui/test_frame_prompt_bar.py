"""Issue 18: the `/` and `:` bar is mounted after the first frame (it is hidden until opened),
yet keys behave as before: a `:` or `/` pressed before it is mounted waits for the mount, and the
keys typed after it still land in the bar, in order (issue 10's type-ahead)."""

from __future__ import annotations

from pathlib import Path

import pytest

from awsexplorer.config import AppOptions
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.screens.findings import FindingsScreen
from awsexplorer.ui.screens.main import MainScreen
from awsexplorer.ui.widgets.command_bar import CommandBar
from awsexplorer.ui.widgets.key_line import KeyLine

from .test_issue10_behaviour import burst, settle

FIXTURE = Path(__file__).parent / "fixtures" / "screens" / "account.json"
SIZE = (80, 24)


def offline_app() -> AwsExplorerApp:
    return AwsExplorerApp(AppOptions(snapshot=FIXTURE))


def assert_nothing_else_happened(app: AwsExplorerApp, workdir: Path) -> None:
    """No file saved, no quit: the letters typed after `:` or `/` ran no hotkey."""
    assert list(workdir.iterdir()) == []
    assert app.return_value is None and app.is_running


async def test_the_bar_is_mounted_after_the_first_frame_above_the_footer() -> None:
    app = offline_app()
    frames: list[bool] = []
    original = MainScreen._after_first_frame

    def after_first_frame(screen: MainScreen) -> None:
        frames.append(bool(screen.query(CommandBar)))  # not there when the frame was painted
        original(screen)

    MainScreen._after_first_frame = after_first_frame  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert frames == [False]
            children = list(app.main.children)
            bar = app.main.query_one(CommandBar)
            assert children.index(bar) == children.index(app.main.query_one(KeyLine)) - 1
            assert bar.is_mounted and not bar.is_open and bar.id == "prompt-bar"
    finally:
        MainScreen._after_first_frame = original  # type: ignore[method-assign]


@pytest.mark.parametrize("keys", [(":", *"findings", "enter"), ("/", *"web")])
async def test_a_burst_before_the_bar_is_mounted_lands_in_it(
    keys: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # The first frame's after-refresh never mounts the bar: the key has to.
    monkeypatch.setattr(MainScreen, "_after_first_frame", lambda screen: None)
    app = offline_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.main.query(CommandBar)
        burst(app, *keys)
        await settle(pilot)
        if keys[0] == ":":
            assert isinstance(app.screen, FindingsScreen)
        else:
            bar = app.main.prompt_bar
            assert bar.is_open and bar.input.value == "web"
            assert app.main.focused is bar.input
        assert len(app.main.query(CommandBar)) == 1
        assert_nothing_else_happened(app, tmp_path)
