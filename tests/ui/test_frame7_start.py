"""Start-up, session 7 (issue 18: the first frame <= 0.35 s, `--help` <= 0.1 s).

- The parser builds whole only the sub-command its arguments name; every `--help` and every
  parse stays what the whole parser gives.
- The cyclic garbage collector sleeps from cli.main until the first frame (start_up.py), and is
  back on for every command and after main returns.
- The first frame waits neither for the `/` `:` bar's module, model.activity nor the scan events'
  module, and starts no search-index worker (the tree's extra sync used to).
- The header repaints nothing when nothing changed; the detail is rendered once per width.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console, Group
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual.visual import Visual, visualize
from textual.widgets import Static

from awsexplorer import start_up
from awsexplorer.cli import main
from awsexplorer.cli.commands import COMMANDS
from awsexplorer.cli.parser import build_parser
from awsexplorer.config import AppOptions
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.state import NodeRef
from awsexplorer.ui.widgets.account_header import AccountHeader
from awsexplorer.ui.widgets.detail_pane import DetailBody, DetailLines

from .test_frame_start import FIXTURE, no_config
from .test_issue10_behaviour import settle

SIZE = (80, 24)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(commands.choices)


def _options(parser: argparse.ArgumentParser) -> list[tuple[object, ...]]:
    return [
        (tuple(a.option_strings), a.dest, a.nargs, a.default, a.help, a.metavar, a.required)
        for a in parser._actions
    ]


# -- the parser -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [c.NAME for c in COMMANDS])
def test_the_named_command_is_built_whole_and_the_others_only_listed(command: str) -> None:
    whole = build_parser()
    lazy = build_parser([command, "--help"])
    assert lazy.format_help() == whole.format_help()  # the top: every command, its help
    built = _subparsers(lazy)
    assert list(built) == list(_subparsers(whole))
    assert _options(built[command]) == _options(_subparsers(whole)[command])
    assert built[command].format_help() == _subparsers(whole)[command].format_help()
    others = [name for name in built if name != command]
    assert others and all(_options(built[name])[0][0] == ("-h", "--help") for name in others)
    assert all(len(built[name]._actions) == 1 for name in others)  # only -h: never read


@pytest.mark.parametrize(
    "argv",
    [
        ["--snapshot", "a.json", "--account-color", "red"],
        ["--profile", "p", "scan", "--region", "eu-west-1", "--format", "json"],
        ["findings", "x.json", "--severity", "high"],
        ["--snapshot", "scan"],  # a file named like a command: built whole, parsed the same
        ["diff", "a.json", "b.json"],
    ],
)
def test_a_parse_is_the_whole_parsers(argv: list[str]) -> None:
    assert vars(build_parser(argv).parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_a_wrong_command_is_told_every_choice(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        main(["nosuch"])
    lazy = capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["nosuch"])
    assert lazy == capsys.readouterr().err and "invalid choice: 'nosuch'" in lazy


# -- the collector ----------------------------------------------------------------------------


def test_a_command_runs_with_the_collector_on_and_main_leaves_it_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    command = next(c for c in COMMANDS if c.NAME == "merge")
    monkeypatch.setattr(command, "run", lambda args: seen.append(gc.isenabled()) or 0)
    assert gc.isenabled()
    assert main(["merge", "a.json", "-o", "b.json"]) == 0
    assert seen == [True] and gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--help"])  # leaves through SystemExit: on again all the same
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    try:
        start_up.pause()
        start_up.resume()
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_the_tui_turns_the_collector_back_on_after_its_first_frame() -> None:
    start_up.pause()
    try:
        assert not gc.isenabled()
        app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert gc.isenabled()
            assert "123456789012" in app.main.header.query_one("#band", Static).content.plain
    finally:
        start_up.resume()
    assert gc.isenabled()


# -- the first frame, in a fresh interpreter ----------------------------------------------------

PROBE = """
import gc, os, sys, threading
from textual.app import App

ACCOUNT = {account!r}
original_display = App._display
original_run = App.run


def display(self, screen, renderable):
    if renderable is not None and hasattr(renderable, "render_segments"):
        if ACCOUNT in renderable.render_segments(self.console):
            workers = sorted(t.name for t in threading.enumerate() if "search" in t.name)
            sys.stderr.write(repr((sorted(sys.modules), gc.isenabled(), workers)))
            sys.stderr.flush()
            os._exit(0)
    return original_display(self, screen, renderable)


def run(self, **kwargs):
    return original_run(self, headless=True, size=(80, 24))


App._display = display
App.run = run
from awsexplorer.cli import main
main(["--snapshot", {snapshot!r}])
"""


def test_the_first_frame_waits_for_no_bar_no_activity_model_and_no_index_worker(
    tmp_path: Path,
) -> None:
    account = json.loads(FIXTURE.read_text())["account"]["id"]
    run = subprocess.run(
        [sys.executable, "-c", PROBE.format(account=account, snapshot=str(FIXTURE))],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=no_config(tmp_path),
    )
    modules, collecting, workers = eval(run.stderr)  # our own probe's repr
    assert "awsexplorer.ui.screens.main" in modules and "awsexplorer.start_up" in modules
    assert "awsexplorer.ui.widgets.command_bar" not in modules  # mounted after the frame
    assert "awsexplorer.model.activity" not in modules
    assert "awsexplorer.scan.events" not in modules  # a snapshot applies no scan event
    assert "awsexplorer.ui.scanning" not in modules
    assert "concurrent.futures.thread" not in modules  # no worker thread started yet
    assert workers == []
    assert collecting is False  # paused through start-up; back on after (test above)


# -- the header and the detail --------------------------------------------------------------


async def test_the_header_repaints_only_what_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = app.main.query_one(AccountHeader)
        updates: list[object] = []
        original = Static.update

        def update(self: Static, *args: Any, **kwargs: Any) -> None:
            updates.append(self.id)
            original(self, *args, **kwargs)

        monkeypatch.setattr(Static, "update", update)
        header.refresh_header()
        assert updates == []
        app.state.scanning = True  # the status line changes: both lines are put up again
        header.refresh_header()
        assert updates == ["band", "status"]
        assert "Scanning" in header.query_one("#status", Static).content.plain
        app.state.scanning = False


async def test_detail_lines_are_textuals_own_and_rendered_once_per_width() -> None:
    """DetailLines gives the lines Textual's own wrapping of the renderable (RichVisual) gives,
    with the body's style; measured and painted from one render per width."""
    renders: list[int] = []

    class Counted:
        def __rich_console__(self, console: Console, options: Any) -> Any:
            renders.append(options.max_width)
            table = Table.grid(padding=(0, 1))
            table.add_column(style="bold", no_wrap=True)
            table.add_column(overflow="fold")
            table.add_row("account", "123456789012 " * 4)
            yield Group(Text("Account", style="bold"), table)

    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        body = app.main.detail.query_one(DetailBody)
        style = body.visual_style

        def strips(visual: Visual, width: int) -> list[list[Segment]]:
            return [list(strip) for strip in Visual.to_strips(body, visual, width, None, style)]

        once = DetailLines(body, Counted())
        textuals = visualize(body, Counted())
        assert once.get_height(body.styles, 40) == textuals.get_height(body.styles, 40) == 3
        assert strips(once, 40) == strips(textuals, 40)
        assert renders == [40, 40, 40]  # `once`: one render, then kept; Textual's: each
        assert strips(once, 60) == strips(textuals, 60) and renders[3:] == [60, 60]
        assert strips(once, 60) and renders[5:] == []


async def test_the_detail_is_rendered_once_for_its_layout_and_paint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        renders: list[int] = []
        original = Table.__rich_console__

        def counted(self: Table, console: Console, options: Any) -> Any:
            renders.append(options.max_width)
            return original(self, console, options)

        monkeypatch.setattr(Table, "__rich_console__", counted)
        app.state.scanning = True  # as a scan's progress does: the detail made again
        app.main.detail.refresh_detail()
        await settle(pilot)
        shown = len(renders)
        body = app.main.detail.query_one(DetailBody)
        console = Console(width=body.content_size.width, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(app.main.detail.renderable)  # the same detail, rendered once
        tables = len(renders) - shown
        assert tables >= 1 and shown == tables  # measured and painted: one render
        app.state.scanning = False


async def test_a_detail_of_another_height_lays_the_screen_out_once_and_keeps_the_scrollbar_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Textual lays the screen out again whenever a widget's virtual size changes; the detail's
    body and pane skip that second layout (it only painted everything again): a detail of
    another height costs one layout, not two. Each detail is still placed at its height, with
    the scrollbar when it is taller than the pane (at 80x24: 21 lines) and without it when not;
    the bar's coming and going keep Textual's own layouts."""
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen, pane = app.main, app.main.detail
        layouts: list[int] = []
        laid_out = screen._refresh_layout

        def counted(*args: Any, **kwargs: Any) -> None:
            layouts.append(1)
            laid_out(*args, **kwargs)

        monkeypatch.setattr(screen, "_refresh_layout", counted)

        def resource(kind: str) -> NodeRef:
            found = next(r for r in app.state.resources() if r.type == kind)
            return NodeRef("resource", found.region, None, found.type, found.arn)

        steps = [  # short, short, tall, tall, short: each another height
            NodeRef("account"),
            NodeRef("region", "global"),
            resource("ec2:instance"),
            resource("ec2:security-group"),
            NodeRef("account"),
        ]
        pane.show(steps[0])  # where the cursor starts
        await settle(pilot)
        heights: list[int] = []
        bars: list[bool] = []
        for ref in steps:
            layouts.clear()
            pane.show(ref)
            await settle(pilot)
            body = pane.query_one(DetailBody)
            assert body.measured is not None
            height = body.measured[1]
            assert body.size.height == height, ref  # placed at its new height
            room = pane.scrollable_content_region.height
            bar = height > room
            assert pane.show_vertical_scrollbar is bar, ref
            assert (pane.vertical_scrollbar in screen._compositor.full_map) is bar, ref
            assert pane.max_scroll_y == max(height - room, 0), ref
            if heights and bar is bars[-1]:  # after the start: one layout (it was two)
                assert len(layouts) == 1, (ref, layouts)
            elif heights:  # the bar came (3 layouts, as before) or went (2, as before)
                assert len(layouts) <= 3, (ref, layouts)
            heights.append(height)
            bars.append(bar)
        assert bars == [False, False, True, True, False], heights
        assert len(set(heights[1:])) == 4, heights  # each step another height


async def test_the_cursor_on_the_node_shown_does_not_make_its_detail_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A highlight of the node the detail shows (the tree rebuilt around the cursor, as each
    account of a big snapshot comes in) made the detail twice more in that key's turn; what
    changes a detail's content makes it again itself (refresh_detail). Another node is shown."""
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.main.detail
        made: list[object] = []
        refresh = pane.refresh_detail

        def counted() -> None:
            made.append(pane.ref)
            refresh()

        monkeypatch.setattr(pane, "refresh_detail", counted)
        shown = pane.ref
        app.main.tree.rebuild()  # the cursor stays on its node
        await settle(pilot)
        pane.follow(shown)
        await settle(pilot)
        assert made == []
        await pilot.press("j")  # another node: shown
        await settle(pilot)
        assert made and made[-1] == app.main.cursor_ref != shown


# -- the target options' heading (the lead's request, session 7) ------------------------------


def test_history_heads_its_target_options_for_what_they_are(capsys: Any) -> None:
    def headings(*argv: str) -> list[str]:
        with pytest.raises(SystemExit):
            main([*argv, "--help"])
        out = capsys.readouterr().out
        return [line for line in out.splitlines() if line in TARGET_HEADINGS]

    assert headings("history") == ["which account and region:"]  # it scans nothing
    assert headings("scan") == ["what to scan:"]
    assert headings() == ["what to scan:"]


TARGET_HEADINGS = ("what to scan:", "which account and region:")
