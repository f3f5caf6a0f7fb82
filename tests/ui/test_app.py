"""The main screen, driven by keyboard at 80x24 on a fixed snapshot (no AWS, no network)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions, ScanConfig
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.messages import JumpTo
from awsexplorer.ui.screens.help import HelpScreen
from awsexplorer.ui.screens.main import MainScreen
from awsexplorer.ui.screens.save_snapshot import SaveSnapshotScreen
from awsexplorer.ui.screens.scan_error import ScanErrorScreen
from awsexplorer.ui.state import NodeRef

FIXTURE = Path(__file__).parent / "fixtures" / "small-account.json"
SIZE = (80, 24)
ACCOUNT = "123456789012"
BASTION = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0a1b2c3d4e5f60061"
STRAY = f"arn:aws:ec2:ap-southeast-2:{ACCOUNT}:instance/i-0c1b2c3d4e5f60091"
PUBLIC_SUBNET = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:subnet/subnet-0a1b2c3d4e5f60011"


def offline(path: Path = FIXTURE, **options: object) -> AwsExplorerApp:
    app = make_app(AppOptions(snapshot=path, **options))  # type: ignore[arg-type]
    assert isinstance(app, AwsExplorerApp)
    return app


def top_labels(app: AwsExplorerApp) -> list[str]:
    return [str(node.label).split("  ")[0] for node in app.main.tree.root.children]


def cursor(app: AwsExplorerApp) -> NodeRef | None:
    node = app.main.tree.cursor_node
    return node.data if node is not None else None


def detail_text(app: AwsExplorerApp) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, color_system=None)
    console.print(app.main.detail.renderable)
    return console.export_text()


async def wait_for(pilot: Pilot[int], condition: Callable[[], bool], timeout: float = 20) -> None:
    """Let the app run until `condition` holds (a scan in a worker thread takes a moment)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.05)


def notices(app: AwsExplorerApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_snapshot_opens_offline_with_every_region_marked() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        # Offline: no scan worker, no AWS (the search and relationship indexes may be building).
        assert not [w for w in app.workers if w.group == "scan"]
        assert {w.group for w in app.workers} <= {"relations", "search-index"}
        assert top_labels(app) == [
            "Global",
            "ap-southeast-2",
            "eu-north-1",
            "eu-west-1",
            "sa-east-1",
            "us-east-1",
            "Not enabled (1): opt-in regions, not scanned",
        ]
        labels = {str(n.label) for n in app.main.tree.root.children}
        assert any("failed: AuthFailure" in label for label in labels)
        assert any(label.startswith("eu-north-1  empty") for label in labels)
        header = app.main.header
        assert "123456789012  acme-prod  profile prod" in header.band_text().plain
        assert "1 region failed" in header.status_line().plain


async def test_keyboard_navigation_and_lazy_resources() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.main.tree
        assert cursor(app) == NodeRef("account")
        await pilot.press("j", "j", "j", "j")  # Global, ap-southeast-2, eu-north-1, eu-west-1
        assert cursor(app) == NodeRef("region", region="eu-west-1")
        assert "partial" in detail_text(app) and "DescribeFlowLogs" in detail_text(app)
        await pilot.press("enter", "j", "enter", "j")  # open eu-west-1, open ec2, to elastic-ip
        ref = cursor(app)
        assert ref is not None and ref.kind == "type" and ref.type == "ec2:elastic-ip"
        for _ in range(4):  # elastic-ip, instance, internet-gateway, natgateway -> security-group
            await pilot.press("j")
        type_node = tree.cursor_node
        assert type_node is not None and type_node.data.type == "ec2:security-group"
        assert len(type_node.children) == 0  # resources are built only on expand
        await pilot.press("l")
        await pilot.pause()
        assert [c.data.arn for c in type_node.children] == [
            f"arn:aws:ec2:eu-west-1:{ACCOUNT}:security-group/sg-0a1b2c3d4e5f60051"
        ]
        await pilot.press("j")
        assert "SSH (22) is open to the whole internet" in detail_text(app)
        assert str(tree.cursor_node.label).startswith("! ")  # severity marker beside it
        await pilot.press("k", "h")
        assert not type_node.is_expanded


async def test_filter_narrows_the_tree_and_escape_restores_it() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"platform", "enter")  # a tag value
        await pilot.pause()
        assert app.main.tree.filter_text == "platform"
        assert top_labels(app) == ["eu-west-1"]
        shown = [
            leaf.data.arn
            for node in app.main.tree._groups.values()
            for leaf in node.children
            if leaf.data and leaf.data.kind == "resource"
        ]
        assert shown == [BASTION]
        assert app.focused is app.main.tree
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.tree.filter_text == ""
        assert "us-east-1" in top_labels(app)


async def test_filter_in_the_detail_pane_searches_the_json() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.jump(BASTION)
        await pilot.pause()
        await pilot.press("tab")
        assert app.focused is app.main.detail
        await pilot.press("slash", *"t3.micro", "enter")
        await pilot.pause()
        text = detail_text(app)
        assert '"InstanceType": "t3.micro"' in text and "PublicIpAddress" not in text
        assert app.main.tree.filter_text == ""  # the tree is untouched


async def test_j_and_k_scroll_the_detail_pane_when_it_has_focus() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.jump(BASTION)
        await pilot.pause()
        await pilot.press("tab")
        detail = app.main.detail
        assert detail is app.focused and detail.max_scroll_y > 2
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert detail.scroll_target_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert detail.scroll_target_y == 2


async def test_colon_jumps_to_a_resource_in_a_far_region_by_name() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"forgotten")
        await pilot.pause()
        options = app.main.prompt_bar.query_one("OptionList")
        assert "ap-southeast-2" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert cursor(app) == NodeRef(
            "resource", region="ap-southeast-2", type="ec2:instance", arn=STRAY
        )
        assert any("is in ap-southeast-2" in m for m in notices(app))
        assert re.search(r"region +ap-southeast-2", detail_text(app))


async def test_colon_commands_switch_views_and_regions() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"region us-east-1", "enter")
        await pilot.pause()
        assert cursor(app) == NodeRef("region", region="us-east-1")
        await pilot.press("colon", *"vpc", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "VpcScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("colon", *"nothing-like-this", "enter")
        await pilot.pause()
        assert any("No command or resource matches" in m for m in notices(app))


async def test_a_jump_from_another_view_lands_in_the_tree() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "ErrorLogScreen"
        app.screen.post_message(JumpTo(PUBLIC_SUBNET))
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert cursor(app) is not None and cursor(app).arn == PUBLIC_SUBNET
        text = detail_text(app)
        assert "PUBLIC" in text and "sends 0.0.0.0/0 to internet gateway" in text


async def test_attention_only_hides_everything_without_a_warning() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.main.tree.attention_only
        # failed and partial regions need attention too; quiet regions go
        assert top_labels(app) == ["Global", "eu-west-1", "sa-east-1"]
        eu = app.main.tree._regions["eu-west-1"]
        services = [str(n.label).split("  ")[0] for n in eu.children]
        assert services == ["ec2"]
        types = [str(n.label).split("  ")[0] for n in eu.children[0].children]
        assert types == ["elastic-ip", "security-group", "volume"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "us-east-1" in top_labels(app)


async def test_copy_puts_the_arn_on_the_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    app = offline()
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        app.main.jump(STRAY)
        await pilot.pause()
        await pilot.press("c")
        assert copied == [ACCOUNT, STRAY]


async def test_save_then_reopen_offline(tmp_path: Path) -> None:
    target = tmp_path / "saved" / "acme.json"
    target.parent.mkdir()  # the app saves into existing folders only
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveSnapshotScreen)
        field = app.screen.query_one("#save-path")
        assert field.value.startswith(f"awsexplorer-{ACCOUNT}-")
        field.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert any(str(target) in m for m in notices(app))
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert snapshot.to_dict(snapshot.read(target)) == snapshot.to_dict(snapshot.read(FIXTURE))

    reopened = offline(target)
    async with reopened.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reopened.state.resource_total == 17
        assert "eu-west-1" in top_labels(reopened)


async def test_save_failure_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.save_snapshot(str(blocker / "x.json"))  # a file where a directory should be
        await pilot.pause()
        assert any("Not saved" in m and "not a folder" in m for m in notices(app))


async def test_rescan_is_refused_offline() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        assert any("saved snapshot" in m for m in notices(app))
        assert not [w for w in app.workers if w.group == "scan"]


async def test_help_lists_the_keys_and_closes() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_command_palette_finds_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"forgotten")
        await pilot.pause(0.6)  # the palette searches in the background
        await pilot.press("down", "enter")
        await pilot.pause()
        assert cursor(app) is not None and cursor(app).arn == STRAY


async def test_quit_returns_zero() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
    assert app.return_value == 0


async def test_a_damaged_snapshot_gets_a_clear_screen(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    app = offline(broken)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ScanErrorScreen)
        assert "not valid JSON" in app.screen.message
        await pilot.press("q")
    assert app.return_value == 2


async def test_unknown_profile_opens_the_error_screen_with_the_fix() -> None:
    app = make_app(AppOptions(config=ScanConfig(profile="no-such-profile")))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ScanErrorScreen))
        screen = app.screen
        assert isinstance(screen, ScanErrorScreen)
        assert "Unknown AWS profile 'no-such-profile'" in screen.message
        assert screen.hint and "aws configure" in screen.hint
        await pilot.press("q")
    assert app.return_value == 2
    # The CLI prints this after the screen is gone, so the shell keeps a trace of it.
    assert app.startup_error and "Unknown AWS profile 'no-such-profile'" in app.startup_error
    assert "hint: " in app.startup_error


async def test_no_credentials_suggests_the_demo() -> None:
    app = make_app(AppOptions(config=ScanConfig(home_region="us-east-1")))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ScanErrorScreen))
        screen = app.screen
        assert isinstance(screen, ScanErrorScreen)
        assert "credentials" in screen.message.lower()
        assert screen.hint and "--demo" in screen.hint


async def test_a_bad_account_colour_falls_back_with_a_notice() -> None:
    app = offline(account_color="not-a-colour")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("is not a colour" in m for m in notices(app))
    chosen = offline(account_color="#ff0000")
    async with chosen.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert chosen.main.header.band_colour.hex.lower() == "#ff0000"


async def test_the_detail_pane_follows_a_burst_of_moves_with_its_last_node() -> None:
    """A held j repaints the detail at most every FOLLOW_INTERVAL, and ends on the cursor."""
    from awsexplorer.ui.widgets import detail_pane

    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = app.main.detail
        await pilot.press("j")  # after a pause: shown at once
        assert detail.ref == cursor(app)
        painted: list[NodeRef | None] = []
        real = detail.refresh_detail

        def counting() -> None:
            painted.append(detail.ref)
            real()

        detail.refresh_detail = counting  # type: ignore[method-assign]
        for _ in range(6):
            detail.follow(NodeRef("region", region="eu-north-1"))
        detail.follow(NodeRef("region", region="us-east-1"))
        assert len(painted) <= 1  # the burst did not repaint once per move
        await pilot.pause(detail_pane.FOLLOW_INTERVAL * 3)
        assert painted[-1] == NodeRef("region", region="us-east-1")
        assert "us-east-1" in detail_text(app)


async def test_a_repaint_for_new_data_does_not_hold_the_next_move_back() -> None:
    """The scan's events (or a snapshot's accounts coming in) repaint the detail; the cursor's
    next move is still shown at once, not FOLLOW_INTERVAL later (a key queued behind them
    waited for it)."""
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = app.main.detail
        app.main.refresh_all()  # as each scan event does
        detail.follow(NodeRef("region", region="us-east-1"))
        assert detail.ref == NodeRef("region", region="us-east-1")  # now, not after a timer
        assert detail._follow_timer is None


async def test_a_loaded_snapshot_is_kept_out_of_the_collectors_sight() -> None:
    """Full collections must not walk a big scan on every few keys (benchmarks/ui_bench.py)."""
    import gc

    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert gc.isenabled()  # paused only while loading
        assert gc.get_freeze_count() > 0
        resource = app.state.get(BASTION)
        assert resource is not None and not any(resource is o for o in gc.get_objects())


async def test_the_detail_pane_keeps_its_height_in_step_with_what_it_shows() -> None:
    """It skips the screen layout when a new node's detail is as tall as the last one's: the
    pane must still be exactly as tall as what it shows, at its width, after every move."""
    from textual.widgets import Static

    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.main.tree
        tree.reveal(BASTION)  # resources of one type: details of the same height, mostly
        await pilot.pause()
        body = app.main.detail.query_one("#detail-body", Static)
        layouts: list[bool] = []
        update = body.update

        def recording(content: object = "", *, layout: bool = True) -> None:
            layouts.append(layout)
            update(content, layout=layout)  # type: ignore[arg-type]

        body.update = recording  # type: ignore[method-assign]
        seen: set[NodeRef | None] = set()
        for key in ["k"] * 4 + ["j"] * 8 + ["g"] + ["j"] * 8:
            await pilot.press(key)
            await pilot.pause()
            if key == "g":
                app.main.detail.refresh_detail()  # as scan progress does: the same node again
                await pilot.pause()
            assert app.main.detail.ref == cursor(app)
            width = body.size.width
            with app._context():
                wanted = body.visual.get_height(body.styles, width)
            assert body.size.height == wanted, (cursor(app), body.size, wanted)
            seen.add(cursor(app))
        assert len(seen) > 10
        assert False in layouts and True in layouts  # both paths were taken


async def test_a_jump_that_clears_the_filter_stays_on_the_resource() -> None:
    """The jump rebuilds the tree to clear the filter, and the rebuild's deferred restore of the
    old cursor used to run after the jump had moved it: the cursor went back (seen in CI as `t`
    and `:changes` acting on the account node after a jump)."""
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"bastion", "enter")
        await pilot.pause()
        assert app.main.tree.filter_text
        assert app.main.tree._resource_node(STRAY, load=True) is None  # the filter hides it
        assert app.main.jump(STRAY)
        for _ in range(5):
            await pilot.pause()
            assert cursor(app) == NodeRef(
                "resource", region="ap-southeast-2", type="ec2:instance", arn=STRAY
            )
        assert any("Filters cleared" in m for m in notices(app))
