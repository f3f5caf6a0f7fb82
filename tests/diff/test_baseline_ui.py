"""--baseline and :baseline in the app (Pilot, 80x24): the tree marked + ~ -, rolled up to types
and regions, removed resources shown dimmed where they were, the detail pane of a changed
resource saying what changed, and :changes listing the diff."""

from __future__ import annotations

from pathlib import Path

import literal

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.state import NodeRef


def _app(tmp_path: Path, baseline: bool = True) -> AwsExplorerApp:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    snapshot.write(literal.old_scan(), old)
    snapshot.write(literal.new_scan(), new)
    options = AppOptions(
        snapshot=new,
        baseline=old if baseline else None,
        baseline_loaded=snapshot.read(old) if baseline else None,
    )
    app = make_app(options)
    assert isinstance(app, AwsExplorerApp)
    return app


def _label(app: AwsExplorerApp, ref: NodeRef) -> str:
    node = app.main.tree.node_for(ref)
    assert node is not None
    return str(node.label)


async def test_baseline_marks_the_tree_and_the_detail(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tree = app.main.tree
        region = _label(app, NodeRef("region", region=literal.REGION))
        assert region.endswith("+1 ~4 -1")
        assert _label(app, NodeRef("type", region=literal.REGION, type="sqs:queue")).endswith(
            "queue  0  -1"
        )
        assert tree.reveal(literal.INSTANCE)
        await pilot.pause()
        assert _label(app, NodeRef("resource", arn=literal.INSTANCE)).startswith("~ ")
        detail = app.main.detail.renderable
        from rich.console import Console

        console = Console(width=60, record=True)
        console.print(detail)
        text = console.export_text()
        assert "Changed since old.json (4)" in text
        assert "~ state: running → stopped" in text
        # The removed queue, dimmed where it was, and its detail says so.
        assert tree.reveal(literal.QUEUE)
        await pilot.pause()
        assert _label(app, NodeRef("resource", arn=literal.QUEUE)).startswith("- orders  removed")
        console = Console(width=60, record=True)
        console.print(app.main.detail.renderable)
        assert "Removed: in old.json, not in this scan." in console.export_text()


async def test_changes_lists_the_diff_and_baseline_off_clears(tmp_path: Path) -> None:
    from textual.widgets import OptionList

    from awsexplorer.ui.screens.baseline import BaselineChangesScreen

    app = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.main.run_command("changes", is_command=True)
        await pilot.pause()
        assert isinstance(app.screen, BaselineChangesScreen)
        listing = app.screen.query_one(OptionList)
        texts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert any("inbound tcp/22 from 0.0.0.0/0 added" in t for t in texts)
        assert any("now public (route 0.0.0.0/0 → igw-1 added to rtb-4)" in t for t in texts)
        await pilot.press("escape")
        await pilot.pause()
        app.main.run_command("baseline off", is_command=True)
        await pilot.pause()
        assert app.state.changes is None
        assert not _label(app, NodeRef("region", region=literal.REGION)).endswith("-1")


async def test_baseline_command_loads_a_snapshot(tmp_path: Path) -> None:
    app = _app(tmp_path, baseline=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.state.baseline is None
        app.main.run_command(f"baseline {tmp_path / 'old.json'}", is_command=True)
        await pilot.pause()
        assert app.state.changes is not None
        assert _label(app, NodeRef("region", region=literal.REGION)).endswith("+1 ~4 -1")
