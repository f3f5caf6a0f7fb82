"""Save SVG screenshots of the app, on the embedded demo account, into screenshots/.

    python scripts/screenshots.py [--out screenshots] [--size 100x30]

The app takes them of itself (App.save_screenshot) while driven by Pilot, exactly as a user
would drive it: scan, jump with `:`, open the views. No credentials or network needed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from textual.pilot import Pilot

from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.widgets.command_bar import CommandBar

SCAN_TIMEOUT = 300.0


async def wait_until_scanned(app: AwsExplorerApp, pilot: Pilot[int]) -> None:
    deadline = time.monotonic() + SCAN_TIMEOUT
    while app.busy or app.state.finished_at is None:
        if time.monotonic() > deadline:
            raise SystemExit("the demo scan did not finish in time")
        await pilot.pause(0.2)
    await pilot.pause(0.5)


async def jump(app: AwsExplorerApp, pilot: Pilot[int], text: str) -> None:
    await pilot.press("colon", *text)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause(0.3)


async def shoot(app: AwsExplorerApp, pilot: Pilot[int], out: Path, name: str) -> None:
    app.clear_notifications()
    for bar in app.screen.query(CommandBar):
        bar.input.cursor_blink = False
    await pilot.pause(0.3)
    path = app.save_screenshot(f"{name}.svg", str(out))
    print(f"saved {path}")


async def take(out: Path, size: tuple[int, int]) -> None:
    app = make_app(AppOptions(demo=True))
    assert isinstance(app, AwsExplorerApp)
    async with app.run_test(size=size) as pilot:
        await wait_until_scanned(app, pilot)
        main = app.main
        main.tree.reveal_region("eu-west-1")
        await pilot.press("enter", "enter")  # close, then reopen: the region with its services
        await pilot.pause(0.3)
        await shoot(app, pilot, out, "tree")

        await jump(app, pilot, "prod-public-a")
        await shoot(app, pilot, out, "detail-public-subnet")

        await jump(app, pilot, "prod-bastion")
        await shoot(app, pilot, out, "detail-instance")

        await pilot.press("colon", *"load-test")
        await pilot.pause(0.3)
        await shoot(app, pilot, out, "jump")
        await pilot.press("enter")
        await pilot.pause(0.3)

        await pilot.press("ctrl+z")
        await pilot.pause(0.3)
        await shoot(app, pilot, out, "attention-only")
        await pilot.press("ctrl+z")

        for view in ("vpc", "iam", "findings", "errors"):
            await pilot.press("colon", *view, "enter")
            await pilot.pause(0.5)
            await shoot(app, pilot, out, view)
            await pilot.press("escape")
            await pilot.pause(0.3)
        await pilot.press("q")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "screenshots")
    parser.add_argument("--size", default="100x30", help="terminal WIDTHxHEIGHT (default 100x30)")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(take(args.out, (width, height)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
