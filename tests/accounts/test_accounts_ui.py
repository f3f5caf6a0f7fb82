"""The TUI on a snapshot of three accounts (one failed): account nodes above the regions,
`:account NAME` narrowing every view, Enter on an account node, and an 80x24 SVG snapshot.
A snapshot of one account keeps today's tree (tests/ui/test_main_snapshots.py, unchanged)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.ui.widgets.resource_tree import ResourceTree

FIXTURE = Path(__file__).parent / "fixtures" / "three-accounts.json"
SIZE = (80, 24)
STAGING = "222233334444"


def app():  # type: ignore[no-untyped-def]
    return make_app(AppOptions(snapshot=FIXTURE))


async def settle(pilot: Pilot[int]) -> None:
    await pilot.pause()
    pilot.app.clear_notifications()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def _labels(tree: ResourceTree) -> list[str]:
    return [node.label.plain for node in tree.root.children]


async def test_three_accounts_open_as_one_view() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = pilot.app.screen.query_one(ResourceTree)
        assert tree.root.label.plain.startswith("3 accounts")
        labels = _labels(tree)
        accounts = [n for n in tree.root.children if n.data and n.data.kind == "member-account"]
        assert [n.data.service for n in accounts] == ["123456789012", STAGING, "555566667777"]
        assert "acme-prod" in labels[0] and "partial" in labels[0]
        assert "Staging" in labels[1] and "ok" in labels[1]
        assert "failed" in labels[2] and "\x1b" not in labels[2]  # a hostile name, inert
        # The regions of every account follow the account nodes.
        regions = [n.data.region for n in tree.root.children if n.data and n.data.kind == "region"]
        assert "eu-central-1" in regions and "eu-west-1" in regions
        header = pilot.app.screen.query_one("#band").render()
        assert "3 accounts" in str(header) and "1 failed" in str(header)


async def test_account_command_narrows_every_view_and_all_brings_them_back() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        state = pilot.app.state
        every = state.resource_total
        pilot.app.main.run_command("account staging", is_command=True)
        await pilot.pause()
        assert state.account_view == STAGING and state.account.id == STAGING
        assert {r.account_id for r in state.resources()} == {STAGING}
        assert {f.account_id for f in state.findings} == {STAGING}
        tree = pilot.app.screen.query_one(ResourceTree)
        assert not any(n.data and n.data.kind == "member-account" for n in tree.root.children)
        assert tree.root.label.plain.startswith("Account 222233334444")
        # The findings view covers that account only, and its title names it.
        pilot.app.main.run_command("findings", is_command=True)
        await pilot.pause()
        assert all(f.account_id == STAGING for f in pilot.app.state.findings)
        assert pilot.app.screen.title_text().startswith("Findings · Staging")
        await pilot.press("escape")
        await pilot.pause()
        pilot.app.main.run_command("account all", is_command=True)
        await pilot.pause()
        assert state.account_view is None and state.resource_total == every
        # Every account's findings again, and the title says so (it named the first account).
        pilot.app.main.run_command("findings", is_command=True)
        await pilot.pause()
        assert pilot.app.screen.title_text().startswith("Findings · 3 accounts · ")
        await pilot.press("escape")
        await pilot.pause()
        pilot.app.main.run_command("account nobody", is_command=True)
        await pilot.pause()
        assert state.account_view is None  # unknown: a warning, nothing changes


async def test_enter_on_an_account_node_shows_only_that_account() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = pilot.app.screen.query_one(ResourceTree)
        tree.focus()
        node = next(n for n in tree.root.children if n.data and n.data.service == STAGING)
        tree.move_cursor(node)
        await pilot.pause()
        detail = str(pilot.app.main.detail.ref)
        assert STAGING in detail
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.state.account_view == STAGING


class TestThreeAccountsScreens:
    def test_overview(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(app(), terminal_size=SIZE, run_before=settle)

    def test_account_expanded(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        """Account -> region -> type -> resource, with the keys a user has (→ and ↓)."""

        async def run_before(pilot: Pilot[int]) -> None:
            await pilot.pause()
            tree = pilot.app.screen.query_one(ResourceTree)
            tree.focus()
            node = next(n for n in tree.root.children if n.data and n.data.service == STAGING)
            tree.move_cursor(node)
            await pilot.press("right", "down", "down", "right", "down", "right")
            await settle(pilot)

        assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)

    def test_failed_account_detail(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[int]) -> None:
            await pilot.pause()
            tree = pilot.app.screen.query_one(ResourceTree)
            tree.focus()
            node = next(
                n for n in tree.root.children if n.data and n.data.service == "555566667777"
            )
            tree.move_cursor(node)
            await settle(pilot)

        assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)


async def test_an_account_node_expands_to_its_regions_types_and_resources() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = pilot.app.screen.query_one(ResourceTree)
        node = next(n for n in tree.root.children if n.data and n.data.service == STAGING)
        node.expand()
        await pilot.pause()
        regions = {c.data.region: c for c in node.children if c.data}
        assert set(regions) == {"global", "eu-central-1"}  # its own regions, not the others'
        central = regions["eu-central-1"]
        # Built level by level as they open (an account of 20,000 resources stays quick).
        assert not central.children and central.allow_expand
        central.expand()
        await pilot.pause()
        types = {c.data.type: c for c in central.children if c.data}
        assert set(types) == {"ec2:vpc", "ec2:subnet"}
        assert not types["ec2:vpc"].children
        types["ec2:vpc"].expand()
        await pilot.pause()
        leaves = [c.data.arn for c in types["ec2:vpc"].children if c.data]
        assert leaves == [f"arn:aws:ec2:eu-central-1:{STAGING}:vpc/vpc-0staging"]
        # A resource under its account opens its ordinary detail.
        tree.focus()
        tree.move_cursor(types["ec2:vpc"].children[0])
        await pilot.pause()
        assert pilot.app.main.detail.ref.arn == leaves[0]
        # The failed account has nothing to expand.
        failed = next(n for n in tree.root.children if n.data and n.data.service == "555566667777")
        assert not failed.allow_expand


def test_the_findings_view_names_each_findings_account() -> None:
    from awsexplorer import snapshot
    from awsexplorer.ui.views.findings import build_findings_view

    view = build_findings_view(snapshot.read(FIXTURE))
    places = {row.region.split()[0] for row in view.findings}
    assert places == {"acme-prod", "Staging"}
    assert view.filtered("staging").findings  # `/staging` narrows to that account's warnings
    assert all(row.region.startswith("Staging") for row in view.filtered("staging").findings)


async def test_jump_suggestions_name_their_account_and_offer_the_accounts() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = pilot.app.main
        vpc = [s for s in main.suggest("vpc-0staging") if not s.is_command]
        assert vpc and vpc[0].prompt.plain.endswith("Staging")
        offered = [s.value for s in main.suggest("account st")]
        assert offered == [f"account {STAGING}"]
        main.run_command(offered[0], is_command=True)
        await pilot.pause()
        assert pilot.app.state.account_view == STAGING


async def test_what_uses_what_is_built_for_a_narrowed_view_and_kept_for_every_account(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """Above relations_detail.BUILD_IN_PLACE resources the detail says "Working out what uses
    what…" until a worker has built the index: `:account NAME` starts one for that account
    (it said so for ever before), and `:account all` brings back the one built for every
    account, with no second build."""
    from awsexplorer.ui import relations_detail

    monkeypatch.setattr(relations_detail, "BUILD_IN_PLACE", 0)  # every estate: by the worker
    async with app().run_test(size=SIZE) as pilot:
        state = pilot.app.state
        for _ in range(50):
            await pilot.pause(0.02)
            if state.relations_ready:
                break
        assert state.relations_ready
        every = state.relations()
        pilot.app.main.run_command("account staging", is_command=True)
        for _ in range(50):
            await pilot.pause(0.02)
            if state.relations_ready:
                break
        assert state.relations_ready and state.account_view == STAGING
        asked = set(pilot.app._relations_asked)  # the versions a worker was started for
        assert len(asked) == 2
        pilot.app.main.run_command("account all", is_command=True)
        await pilot.pause()
        assert state.relations_ready and state.relations() is every
        assert pilot.app._relations_asked == asked


async def test_a_rebuild_keeps_the_accounts_open_and_the_cursor_under_them() -> None:
    """The tree is built anew as accounts come in (a live scan, a large snapshot shown as it
    is read): what was open under an account stays open, and the cursor where it was; before,
    the account closed and the cursor went to the region of the same name above all accounts."""
    async with app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = pilot.app.screen.query_one(ResourceTree)
        tree.focus()
        account = next(n for n in tree.root.children if n.data and n.data.service == STAGING)
        account.expand()
        await pilot.pause()
        central = next(c for c in account.children if c.data and c.data.region == "eu-central-1")
        central.expand()
        await pilot.pause()
        vpcs = next(c for c in central.children if c.data and c.data.type == "ec2:vpc")
        vpcs.expand()
        await pilot.pause()
        for where in (vpcs.children[0], vpcs, central):
            ref = where.data
            tree.move_cursor(where)
            await pilot.pause()
            tree.rebuild()
            await pilot.pause()
            await pilot.pause()
            assert tree.cursor_node is not None and tree.cursor_node.data == ref
            again = next(n for n in tree.root.children if n.data and n.data.service == STAGING)
            assert again.is_expanded and again is not account  # built anew, and open
            opened = [c.data.region for c in again.children if c.is_expanded and c.data]
            assert opened == ["eu-central-1"]


async def test_a_rebuild_highlights_no_node_but_the_cursors_own() -> None:
    """A rebuild (each showing of a big snapshot's accounts) highlighted the root on the way:
    Textual clamps the cursor's -1 to line 0. The detail then drew the root's overview (all
    the accounts) and the cursor's node again, and the next key's detail waited its turn."""
    from textual.widgets import Tree

    async with app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = pilot.app.screen.query_one(ResourceTree)
        tree.focus()
        await pilot.press("j")  # the first account
        await pilot.pause(0.1)
        ref = tree.cursor_node.data if tree.cursor_node is not None else None
        assert ref is not None and ref.kind == "member-account"
        highlighted = []
        post = tree.post_message

        def noting(message):  # type: ignore[no-untyped-def]
            if isinstance(message, Tree.NodeHighlighted):
                highlighted.append(message.node.data)
            return post(message)

        tree.post_message = noting  # type: ignore[method-assign]
        tree.rebuild()
        await pilot.pause()
        assert highlighted == [ref]
        assert pilot.app.main.detail.ref == ref


async def test_a_rebuild_of_a_tree_without_a_cursor_puts_it_on_the_top() -> None:
    """The cursor is taken off the old tree without Textual's clamp (above); a tree that had
    no cursor still gets the top's, as the clamp gave it."""
    from textual.widgets import Tree

    async with app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = pilot.app.screen.query_one(ResourceTree)
        tree.set_reactive(Tree.cursor_line, -1)
        tree._cursor_node = None
        tree.rebuild()
        await pilot.pause()
        assert tree.cursor_line == 0 and tree.cursor_node is tree.root


async def test_account_command_puts_the_cursor_on_top_and_the_detail_follows_it_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`:account NAME` rebuilt the tree with the cursor put back where it was, then moved it to
    the top: the detail then followed the node left behind, and the top again after the follow
    interval (in the next key's turn, at 1,000,000 resources 40-90 ms of it). Now the cursor
    goes to the top only, with the tree scrolled to it, and the detail is only the top's."""
    from awsexplorer.ui.state import NodeRef
    from awsexplorer.ui.widgets import detail_pane

    # Every move of the cursor followed at once, as on a big snapshot, where the command's
    # own work outlasts the follow interval before the tree's messages are handled.
    monkeypatch.setattr(detail_pane, "FOLLOW_INTERVAL", 0)

    async with app().run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        main = pilot.app.main
        tree = main.tree
        tree.focus()
        # A region below the accounts: the tree is taller than its pane at 80x12.
        last = next(n for n in tree.root.children if n.data and n.data.region == "us-east-1")
        tree.move_cursor(last)
        tree.scroll_to_node(last, animate=False)
        await pilot.pause(0.2)
        assert tree.scroll_offset.y > 0 and main.detail.ref == last.data
        made: list[NodeRef | None] = []
        refresh = main.detail.refresh_detail

        def counted() -> None:
            made.append(main.detail.ref)
            refresh()

        main.detail.refresh_detail = counted  # type: ignore[method-assign]
        for command in (f"account {STAGING}", "account all"):
            made.clear()
            main.run_command(command, is_command=True)
            await pilot.pause(0.2)  # a follow of the cursor would be made by now
            assert tree.cursor_line == 0 and tree.scroll_offset.y == 0, command
            # The top's detail only (made again when the view's relationship index comes in).
            assert made[0] == NodeRef("account") and set(made) == {made[0]}, (command, made)
