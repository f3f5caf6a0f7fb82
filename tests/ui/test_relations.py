"""Uses / Used by in the detail pane, `u` (the whole list, `/` filters, Enter jumps in any
region, Backspace or Esc comes back) and `:flow`, driven with Pilot; SVG snapshots at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.model import Account, Finding, RegionScan, RegionStatus, ScanResult, Severity
from awsexplorer.model import kinds as k
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.screens.flow import FlowScreen
from awsexplorer.ui.screens.used_by import UsedByScreen
from tests.model.test_relationships import A, R, res

SMALL = Path(__file__).parent / "fixtures" / "small-account.json"
GROUP = f"arn:aws:ec2:eu-west-1:{A}:security-group/sg-0a1b2c3d4e5f60051"
BASTION = f"arn:aws:ec2:eu-west-1:{A}:instance/i-0a1b2c3d4e5f60061"
SIZE = (80, 24)


def wired() -> ScanResult:
    """A zone (global) aliasing a load balancer (eu-west-1) that forwards to an instance; a
    queue feeding a function through a mapping, the queue without a dead-letter queue."""
    lb = res(k.LOAD_BALANCER, "front", dns_name="front-1.eu-west-1.elb.amazonaws.com")
    zone = res(
        k.HOSTED_ZONE,
        "Z1",
        arn="arn:aws:route53:::hostedzone/Z1",
        region="global",
        name="example.com.",
        records=[{"type": "A", "alias_target": "front-1.eu-west-1.elb.amazonaws.com."}],
    )
    instance = res(k.INSTANCE, "i-1", name="app")
    group = res(k.TARGET_GROUP, "app-tg", targets=[{"id": "i-1"}], load_balancers=[lb.arn])
    fn = res(k.FUNCTION, "worker", arn=f"arn:aws:lambda:{R}:{A}:function:worker", timeout=30)
    queue = res(k.QUEUE, "jobs", arn=f"arn:aws:sqs:{R}:{A}:jobs")
    mapping = res(
        k.EVENT_SOURCE_MAPPING,
        "m-1",
        name="jobs -> worker",
        links=[{"kind": "source", "arn": queue.arn}, {"kind": "invokes", "arn": fn.arn}],
    )
    finding = Finding(
        "sqs-no-dead-letter-queue", Severity.MEDIUM, queue.arn, R, "jobs has no DLQ", "fix"
    )
    return ScanResult(
        account=Account(A, None, "aws", f"arn:aws:iam::{A}:user/t"),
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:01:00Z",
        regions=[RegionScan(R, RegionStatus.OK), RegionScan("global", RegionStatus.OK)],
        resources=[lb, zone, instance, group, fn, queue, mapping],
        findings=[finding],
    )


@pytest.fixture
def wired_snapshot(tmp_path: Path) -> Path:
    return snapshot.write(wired(), tmp_path / "wired.json")


def _plain(renderable: object) -> str:
    console = Console(width=100, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


async def _settle(pilot: Pilot[int]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def _listed(app: AwsExplorerApp) -> str:
    listing = app.screen.query_one(OptionList)
    return "\n".join(
        _plain(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
    )


async def test_detail_pane_shows_uses_and_used_by_grouped_by_kind() -> None:
    app = make_app(AppOptions(snapshot=SMALL))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert app.state.relations_ready  # built by the worker, once
        index = app.state.relations()
        app.main.jump(GROUP)
        await pilot.pause()
        text = _plain(app.main.detail.renderable)
        assert "Uses (1)" in text and "vpc (1)" in text and "prod  vpc-0a1b2c3d4e5f60001" in text
        assert "Used by (1)" in text and "security-group (1)" in text
        assert "bastion  i-0a1b2c3d4e5f60061" in text
        assert app.state.relations() is index  # not rebuilt by showing it


async def test_u_lists_users_enter_jumps_backspace_and_esc_come_back() -> None:
    app = make_app(AppOptions(snapshot=SMALL))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.main.jump(GROUP)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, UsedByScreen)
        listed = _listed(app)
        assert "Used by · security-group (1)" in listed and "bastion" in listed
        assert "Uses · vpc (1)" in listed
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.cursor_ref is not None and app.main.cursor_ref.arn == BASTION
        await pilot.press("backspace")
        await pilot.pause()
        assert app.main.cursor_ref is not None and app.main.cursor_ref.arn == GROUP
        # Esc right after a jump comes back too
        await pilot.press("u", "enter")
        await pilot.pause()
        assert app.main.cursor_ref is not None and app.main.cursor_ref.arn == BASTION
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.cursor_ref is not None and app.main.cursor_ref.arn == GROUP


async def test_u_filters_with_slash() -> None:
    app = make_app(AppOptions(snapshot=SMALL))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.main.jump(GROUP)
        await pilot.press("u", "slash", *"vpc")
        await pilot.pause()
        listed = _listed(app)
        assert "Uses · vpc (1)" in listed and "bastion" not in listed
        await pilot.press("enter", "escape", "escape")  # done typing; clear; close
        await pilot.pause()
        assert not isinstance(app.screen, UsedByScreen)


async def test_enter_in_the_detail_pane_opens_the_list_and_jumps_across_regions(
    wired_snapshot: Path,
) -> None:
    app = make_app(AppOptions(snapshot=wired_snapshot))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.main.jump("arn:aws:route53:::hostedzone/Z1")
        app.main.detail.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UsedByScreen)
        await pilot.press("enter")  # the load balancer, in eu-west-1
        await pilot.pause()
        ref = app.main.cursor_ref
        assert ref is not None and ref.region == R and ref.type == k.LOAD_BALANCER


async def test_flow_shows_both_ways_with_the_warning_inline(wired_snapshot: Path) -> None:
    app = make_app(AppOptions(snapshot=wired_snapshot))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.main.jump(f"arn:aws:sqs:{R}:{A}:jobs")
        await pilot.press("colon", *"flow", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FlowScreen)
        listed = _listed(app)
        assert "Upstream: who sends requests or events to it\n\n  nothing\n\nDownstream" in listed
        assert "→ source  jobs -> worker" in listed
        assert "→ invokes  worker" in listed
        await pilot.press("down", "enter")  # the function, two hops away
        await pilot.pause()
        ref = app.main.cursor_ref
        assert ref is not None and ref.type == k.FUNCTION


async def test_u_on_a_non_resource_says_so() -> None:
    app = make_app(AppOptions(snapshot=SMALL))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.main.show_account()
        await pilot.press("u")
        await pilot.pause()
        assert not isinstance(app.screen, UsedByScreen)


class TestSnapshots:
    def test_used_by_list(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[int]) -> None:
            await _settle(pilot)
            pilot.app.main.jump(GROUP)  # type: ignore[attr-defined]
            await pilot.press("u")
            await _settle(pilot)

        app = make_app(AppOptions(snapshot=SMALL))
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_flow(self, snap_compare, wired_snapshot: Path) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[int]) -> None:
            await _settle(pilot)
            pilot.app.main.jump(f"arn:aws:sqs:{R}:{A}:jobs")  # type: ignore[attr-defined]
            await pilot.press("colon", *"flow", "enter")
            await _settle(pilot)

        app = make_app(AppOptions(snapshot=wired_snapshot))
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_a_long_list_is_cut_and_the_filter_reaches_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from awsexplorer.ui.screens import used_by

    monkeypatch.setattr(used_by, "MAX_SHOWN", 1)
    app = make_app(AppOptions(snapshot=SMALL))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.main.jump(GROUP)
        await pilot.press("u")
        await pilot.pause()
        listed = _listed(app)
        assert "… 1 more: type / to narrow" in listed and "bastion" in listed
        assert "prod" not in listed  # what it uses comes after what uses it
        await pilot.press("slash", *"vpc")
        await pilot.pause()
        listed = _listed(app)
        assert "prod  vpc-0a1b2c3d4e5f60001" in listed and "more" not in listed


def test_hostile_kinds_and_names_are_shown_as_written_and_inert() -> None:
    from rich.console import Group

    from awsexplorer.ui.relations_detail import relations_block
    from awsexplorer.ui.state import ExplorerState

    evil = "[bold red]x[/]\x1b]52;c;aGk=\x07\u202e"
    target = res(k.QUEUE, "q", arn=f"arn:aws:sqs:{R}:{A}:q", name=evil)
    source = res(k.FUNCTION, "f", name=evil, links=[{"kind": evil, "arn": target.arn}])
    state = ExplorerState()
    state.load(
        ScanResult(
            account=Account(A, None, "aws", f"arn:aws:iam::{A}:user/t"),
            started_at="2026-01-01T00:00:00Z",
            finished_at="2026-01-01T00:01:00Z",
            regions=[RegionScan(R, RegionStatus.OK)],
            resources=[source, target],
        )
    )
    text = _plain(Group(*relations_block(state, source)))
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "[bold red]x[/]" in text  # markup shown as written, never applied
    assert "Uses (1)" in text and "Used by (0)" in text


async def test_a_click_on_an_entry_jumps_from_both_lists(wired_snapshot: Path) -> None:
    """Both lists share their pick body (ui/screens/pick_list.py): an option selected by the
    list itself (a click, OptionList.OptionSelected, handled by the base's `@on`) jumps as
    Enter does, on the `u` list and on the `:flow` list."""
    app = make_app(AppOptions(snapshot=wired_snapshot))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        queue = f"arn:aws:sqs:{R}:{A}:jobs"
        app.main.jump(queue)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, UsedByScreen)
        listing = app.screen.query_one(OptionList)
        assert listing.highlighted is not None
        picked = listing.get_option_at_index(listing.highlighted)
        assert picked.id is not None
        await pilot.click(OptionList, offset=(4, listing.highlighted))
        await pilot.pause()
        assert not isinstance(app.screen, UsedByScreen)
        ref = app.main.cursor_ref
        assert ref is not None and ref.arn == UsedByScreen.arn_of(picked.id)
        assert ref.type == k.EVENT_SOURCE_MAPPING
        app.main.jump(queue)
        await pilot.press("colon", *"flow", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FlowScreen)
        listing = app.screen.query_one(OptionList)
        invokes = next(  # the function, two hops downstream
            i
            for i in range(listing.option_count)
            if "→ invokes  worker" in _plain(listing.get_option_at_index(i).prompt)
        )
        listing.highlighted = invokes
        listing.action_select()  # what a click or the list's own Enter does
        await pilot.pause()
        assert not isinstance(app.screen, FlowScreen)
        ref = app.main.cursor_ref
        assert ref is not None and ref.type == k.FUNCTION
