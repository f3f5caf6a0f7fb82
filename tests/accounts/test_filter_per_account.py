"""`/` narrows the account nodes of a snapshot of several accounts too: only the accounts where
the filter shows something, each with the count of what it shows, and under each only its
matching regions, types and resources. Before, every account node kept its whole count (a
1,000,000-resource snapshot filtered to 22 resources still said 20000 on each of 50 accounts)
and opened onto everything it held."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from awsexplorer.ui.screens import main as main_module
from awsexplorer.ui.screens.main import MainScreen
from awsexplorer.ui.widgets.resource_tree import ResourceTree

from .test_accounts_ui import SIZE, app, settle

pytestmark = pytest.mark.ui


def _accounts(tree: ResourceTree) -> list[Any]:
    return [n for n in tree.root.children if n.data and n.data.kind == "member-account"]


def _opened(tree: ResourceTree, node: Any) -> list[str]:
    """Every resource ARN under an account node, each level loaded."""
    found = []
    tree._load_member_level(node)
    for region in node.children:
        tree._load_member_level(region)
        for kind in region.children:
            tree._load_member_level(kind)
            found += [leaf.data.arn for leaf in kind.children if leaf.data.kind == "resource"]
    return found


@pytest.mark.parametrize("in_worker", [False, True])
@pytest.mark.parametrize("text", ["bastion", "root", "vpc"])
async def test_a_filter_narrows_each_account_node(
    text: str, in_worker: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "FILTER_IN_WORKER", 0 if in_worker else 10**9)
    async with app().run_test(size=SIZE) as pilot:
        for _ in range(100):
            if pilot.app.state.search_ready:
                break
            await pilot.pause(0.05)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        tree = screen.tree
        unfiltered = {n.data.service: n.label.plain for n in _accounts(tree)}
        matched = pilot.app.state.matching(text)
        per_account = Counter(r.account_id for r in matched)
        assert len(per_account) < len(unfiltered)  # the fixture leaves an account out
        await pilot.press("slash", *text, "enter")
        for _ in range(100):
            if tree.filter_text == text:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        nodes = _accounts(tree)
        assert [n.data.service for n in nodes] == [a for a in unfiltered if a in per_account]
        for node in nodes:
            account = node.data.service
            assert f"  {per_account[account]}" in node.label.plain, node.label.plain
            assert sorted(_opened(tree, node)) == sorted(
                r.arn for r in matched if r.account_id == account
            )
        assert tree.root.label.plain.split()[2] == str(len(matched))
        await pilot.press("escape")  # and back: every account, with its whole count
        await settle(pilot)
        assert {n.data.service: n.label.plain for n in _accounts(tree)} == unfiltered
