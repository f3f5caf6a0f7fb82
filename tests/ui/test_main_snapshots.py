"""Snapshots (SVG) of the main screen on the fixed fixture account, at 80x24.

Deterministic: the data is a fixed snapshot file (sorted), nothing on these screens reads the
clock, toasts are cleared before the shot and the prompt's cursor does not blink.
Update with `pytest tests/ui/test_main_snapshots.py --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions

FIXTURE = Path(__file__).parent / "fixtures" / "small-account.json"
BASTION = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b2c3d4e5f60061"
SIZE = (80, 24)


def app():  # type: ignore[no-untyped-def]
    return make_app(AppOptions(snapshot=FIXTURE))


async def settle(pilot: Pilot[int]) -> None:
    await pilot.pause()
    pilot.app.clear_notifications()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


class TestMainScreen:
    def test_account_overview(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app(), terminal_size=SIZE, run_before=settle)

    def test_public_instance_detail(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[int]) -> None:
            await pilot.pause()
            pilot.app.main.jump(BASTION)
            await settle(pilot)

        assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)

    def test_attention_only(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[int]) -> None:
            await pilot.press("ctrl+z")
            await settle(pilot)

        assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)

    def test_jump_prompt_shows_the_region(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[int]) -> None:
            await pilot.press("colon", *"work")
            await settle(pilot)

        assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)

    def test_help(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[int]) -> None:
            await pilot.press("question_mark")
            await settle(pilot)

        assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)
