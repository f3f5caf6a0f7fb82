"""A rebuild of the tree (each account of a big snapshot coming in, a filter, `:account`) puts
the cursor back on its node before the frame that shows the new tree. Put back after that frame
(as it was), the cursor's move scrolled the tree and painted it a second time in the same key's
turn: at 1,000,000 resources, 14-28 ms more on the key pressed as every account came in."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.strip import Strip

from awsexplorer.config import AppOptions
from awsexplorer.ui.app import AwsExplorerApp

from .test_frame_start import FIXTURE
from .test_issue10_behaviour import settle

pytestmark = pytest.mark.ui

SIZE = (80, 24)


async def test_a_rebuild_paints_the_tree_once_already_on_the_cursors_node(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.main.tree
        tree.focus()
        # Open every node, walking down the tree, then put the cursor on the last resource: the
        # tree is scrolled.
        for _ in range(3):  # a level's children come with its expansion's message
            tree.root.expand_all()
            await settle(pilot)
        await settle(pilot)
        lines = [line.node for line in tree._tree_lines]
        last = next(n for n in reversed(lines) if n.data is not None and n.data.kind == "resource")
        tree.move_cursor(last)
        tree.scroll_to_node(last, animate=False)
        await settle(pilot)
        before = tree.scroll_offset.y
        assert before > 0, "the tree should be scrolled for this test"

        painted: list[tuple[int, int, object]] = []
        render_lines = tree.render_lines

        def recorded(crop: Region) -> list[Strip]:
            node = tree.cursor_node
            painted.append((tree.scroll_offset.y, tree.cursor_line, node.data if node else None))
            return render_lines(crop)

        monkeypatch.setattr(tree, "render_lines", recorded)
        # What a new version of the resources does (the accounts of a snapshot read so far,
        # then all of them): the tree built again, its regions closed, so the cursor goes back
        # to its region's node, higher up, and the tree scrolls.
        tree.rebuild()
        await settle(pilot)
        node = tree.cursor_node
        assert node is not None and node.data is not None and node.data.kind == "region"
        final = (tree.scroll_offset.y, tree.cursor_line, node.data)
        assert final[0] != before
        assert painted, "the rebuilt tree was never painted"
        assert set(painted) == {final}, painted  # one paint, never the tree before the cursor
