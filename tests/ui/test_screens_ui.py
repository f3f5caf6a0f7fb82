"""The VPC, IAM, findings and error-log screens, driven by keyboard at 80x24 (Pilot), and
their snapshots. A tiny host app pushes each screen over a fixed account (fixtures/screens)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, OptionList, Static, Tree

from awsexplorer import snapshot
from awsexplorer.model import RegionScan, RegionStatus, Resource, ScanResult
from awsexplorer.ui.messages import JumpTo
from awsexplorer.ui.screens.error_log import ErrorLogScreen
from awsexplorer.ui.screens.findings import FindingsScreen
from awsexplorer.ui.screens.iam import IamScreen
from awsexplorer.ui.screens.scan_view import ScanViewScreen
from awsexplorer.ui.screens.vpc import VpcScreen

FIXTURE = Path(__file__).parent / "fixtures" / "screens" / "account.json"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SIZE = (80, 24)
ARN = "arn:aws:ec2:eu-west-1:123456789012"
ROOT = "arn:aws:iam::123456789012:root"


def account() -> ScanResult:
    return snapshot.read(FIXTURE)


class Host(App[None]):
    """Stands in for the main app: pushes one screen and records the JumpTo messages."""

    def __init__(self, screen: type[ScanViewScreen], result: ScanResult | None = None) -> None:
        super().__init__()
        self.screen_class = screen
        self.result = result or account()
        self.jumps: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("main tree", id="main")

    def on_mount(self) -> None:
        self.push_screen(self.screen_class(self.result, now=NOW))

    def on_jump_to(self, message: JumpTo) -> None:
        self.jumps.append(message.arn)


def detail_text(app: App, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


# -- every screen ---------------------------------------------------------------------------------


@pytest.mark.parametrize("screen", [VpcScreen, IamScreen, FindingsScreen, ErrorLogScreen])
async def test_each_screen_opens_and_esc_goes_back(screen: type[ScanViewScreen]) -> None:
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, screen)
        assert "acme-prod" in str(app.screen.query_one("#view-title", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ScanViewScreen)
        assert app.jumps == []


@pytest.mark.parametrize("screen", [VpcScreen, IamScreen, FindingsScreen, ErrorLogScreen])
async def test_each_screen_copes_with_an_empty_scan_in_progress(
    screen: type[ScanViewScreen],
) -> None:
    empty = replace(
        account(),
        finished_at=None,
        resources=[],
        findings=[],
        checks=[],
        regions=[RegionScan("eu-west-1", RegionStatus.SCANNING)],
    )
    app = Host(screen, empty)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "k", "enter")
        await pilot.pause()
        assert app.jumps == []
        title = str(app.screen.query_one("#view-title", Static).render())
        assert "scanning" in title


# -- VPC ------------------------------------------------------------------------------------------


async def test_vpc_enter_jumps_to_the_highlighted_resource() -> None:
    app = Host(VpcScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(Tree)
        assert tree.cursor_node.data.arn == f"{ARN}:vpc/vpc-0prod"
        # VPC, egress, igw, nat, eu-west-1a, public-a, then the bastion.
        await pilot.press(*"jjjjj")
        assert "0.0.0.0/0 -> igw-0prod in rtb-0public" in detail_text(app, "#vpc-detail")
        await pilot.press("j")
        assert tree.cursor_node.data.arn == f"{ARN}:instance/i-0bastion"
        assert "internet-facing: a public address in a public subnet" in detail_text(
            app, "#vpc-detail"
        )
        await pilot.press("enter")
        await pilot.pause()
        assert app.jumps == [f"{ARN}:instance/i-0bastion"]
        assert not isinstance(app.screen, VpcScreen)


async def test_vpc_space_folds_and_enter_on_a_group_folds_instead_of_jumping() -> None:
    app = Host(VpcScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(Tree)
        await pilot.press("j")  # the egress group
        egress = tree.cursor_node
        assert egress.data.arn is None and egress.is_expanded
        await pilot.press("enter")
        assert not egress.is_expanded
        await pilot.press("space")
        assert egress.is_expanded
        await pilot.press("k", "space")
        assert not tree.cursor_node.is_expanded
        assert app.jumps == []
        assert isinstance(app.screen, VpcScreen)


async def test_vpc_update_result_keeps_cursor_and_folding() -> None:
    app = Host(VpcScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        tree = screen.query_one(Tree)
        await pilot.press("j", "space", "j")  # fold egress, move to eu-west-1a
        assert tree.cursor_node.data.key.endswith("eu-west-1a")
        newer = account()
        newer.resources.append(
            Resource(
                arn=f"{ARN}:instance/i-0new",
                type="ec2:instance",
                id="i-0new",
                name="new",
                region="eu-west-1",
                vpc_id="vpc-0prod",
                subnet_id="subnet-0pria",
            )
        )
        screen.update_result(newer)
        await pilot.pause()
        assert tree.cursor_node.data.key.endswith("eu-west-1a")
        egress = tree.root.children[0].children[0]
        assert not egress.is_expanded
        arns = [n.data.arn for n in tree.root.children[0].children[1].children[1].children]
        assert f"{ARN}:instance/i-0new" in arns


async def test_vpc_big_account_folds_subnets_and_fills_them_on_unfold() -> None:
    from awsexplorer.ui.screens.vpc import EAGER_RESOURCES

    big = account()
    big.resources += [
        Resource(
            arn=f"{ARN}:instance/i-{n:05d}",
            type="ec2:instance",
            id=f"i-{n:05d}",
            name=f"worker-{n:05d}",
            region="eu-west-1",
            vpc_id="vpc-0prod",
            subnet_id="subnet-0pria",
        )
        for n in range(EAGER_RESOURCES)
    ]
    app = Host(VpcScreen, big)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(Tree)
        zone_a = tree.root.children[0].children[1]
        private_a = zone_a.children[1]
        assert private_a.data.key.endswith("subnet/subnet-0pria")
        assert not private_a.is_expanded and not private_a.children  # not built yet
        tree.move_cursor(private_a)
        await pilot.press("space")
        await pilot.pause()
        assert private_a.is_expanded
        assert len(private_a.children) == EAGER_RESOURCES + 1  # app-1 and the workers


# -- IAM ------------------------------------------------------------------------------------------


def first_column(table: DataTable) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_iam_sorts_by_column_keys_and_jumps() -> None:
    app = Host(IamScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert first_column(table) == [
            "root",
            "alice",
            "bob",
            "ci-deploy",
            "app-role",
            "old-migration",
            "admins",
        ]
        await pilot.press("3")  # last used: never and oldest first
        assert first_column(table)[:3] == ["bob", "old-migration", "ci-deploy"]
        assert "by last used" in str(app.screen.query_one("#view-title", Static).render())
        await pilot.press("3")  # again: reversed
        assert first_column(table)[0] == "app-role"
        await pilot.press("1")
        assert first_column(table)[:2] == ["admins", "alice"]
        await pilot.press("s")  # next column: kind
        assert first_column(table)[0] == "root"
        await pilot.press("j", "j")
        assert "bob" in detail_text(app, "#iam-detail")
        assert "dormant" in detail_text(app, "#iam-detail")
        await pilot.press("enter")
        await pilot.pause()
        assert app.jumps == ["arn:aws:iam::123456789012:user/bob"]


async def test_iam_sort_keeps_the_highlighted_principal() -> None:
    app = Host(IamScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j")  # alice
        await pilot.press("6")  # by warnings
        table = app.screen.query_one(DataTable)
        assert first_column(table)[table.cursor_row] == "alice"


# -- findings -------------------------------------------------------------------------------------


def option_ids(app: App) -> list[str | None]:
    return [o.id for o in app.screen.query_one(OptionList).options]


async def test_findings_grouped_worst_first_and_enter_jumps() -> None:
    app = Host(FindingsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        headers = [str(o.prompt) for o in options.options if o.disabled]
        assert headers == [
            "── CRITICAL (1)",
            "── HIGH (4)",
            "── MEDIUM (3)",
            "── LOW (1)",
            "── INFO (1)",
            "── NOT EVALUATED (2)",
        ]
        assert "Fix iam-root-mfa-disabled." in detail_text(app, "#findings-detail")
        await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        assert app.jumps == [f"{ARN}:security-group/sg-0ssh"]


async def test_findings_filter_by_typing_and_severity() -> None:
    app = Host(FindingsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert isinstance(app.screen.focused, Input)
        await pilot.press(*"bob s")  # "s" is typed, not a severity step
        assert app.screen.query_one(Input).value == "bob s"
        assert app.screen.min_severity is None
        assert option_ids(app) == [None, "finding:0"]  # the HIGH header and bob's warning
        await pilot.press("enter")  # done filtering: back in the list
        assert isinstance(app.screen.focused, OptionList)
        await pilot.press("enter")
        await pilot.pause()
        assert app.jumps == ["arn:aws:iam::123456789012:user/bob"]


async def test_findings_severity_steps_and_esc_from_the_filter() -> None:
    app = Host(FindingsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")  # critical only
        assert len([i for i in option_ids(app) if i and i.startswith("finding")]) == 1
        assert "showing critical+" in str(app.screen.query_one("#view-title", Static).render())
        await pilot.press("s")  # high and worse
        assert len([i for i in option_ids(app) if i and i.startswith("finding")]) == 5
        await pilot.press("slash", *"nothing-matches")
        assert app.screen.query_one("#findings-empty", Static).display
        await pilot.press("escape")  # leaves the filter, keeps the screen
        assert isinstance(app.screen, FindingsScreen)
        assert isinstance(app.screen.focused, OptionList)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FindingsScreen)


async def test_findings_unchecked_rows_explain_and_do_not_jump() -> None:
    app = Host(FindingsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"denied", "enter")
        assert option_ids(app) == [
            None,
            "unchecked:billing-alarm-missing",
            "unchecked:rds-publicly-accessible",
        ]
        assert "could not be read" in detail_text(app, "#findings-detail")
        await pilot.press("enter")
        await pilot.pause()
        assert app.jumps == []
        assert isinstance(app.screen, FindingsScreen)


async def test_findings_show_the_worst_first_and_say_how_many_more(monkeypatch) -> None:
    import awsexplorer.ui.screens.findings as findings_screen

    monkeypatch.setattr(findings_screen, "MAX_SHOWN", 3)
    app = Host(FindingsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        prompts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert "… 7 more, less severe: type / to filter or s for severity" in prompts
        assert prompts[:2] == ["── CRITICAL (1)", prompts[1]] and "root" in prompts[1]
        assert "── HIGH (4)" in prompts  # the group says how many it holds in all
        await pilot.press("slash", *"vol-0loose")
        assert any(
            "scratch (vol-0loose)" in p
            for p in (str(o.prompt) for o in app.screen.query_one(OptionList).options)
        )


async def test_findings_says_when_there_are_none() -> None:
    app = Host(FindingsScreen, replace(account(), findings=[], checks=[]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        empty = detail_text(app, "#findings-empty")
        assert "have not been evaluated" in empty


# -- error log ------------------------------------------------------------------------------------


async def test_error_log_lists_regions_and_calls_with_details() -> None:
    app = Host(ErrorLogScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        regions = app.screen.query_one("#log-regions", DataTable)
        calls = app.screen.query_one("#log-calls", DataTable)
        assert first_column(regions) == ["ap-southeast-2", "us-east-1"]
        assert [str(calls.get_row_at(i)[3]) for i in range(calls.row_count)] == [
            "AuthFailure",
            "AccessDenied",
            "AccessDenied",
        ]
        assert "AuthFailure" in detail_text(app, "#log-detail")
        await pilot.press("tab", "j", "j")
        assert "not authorized to perform: rds:DescribeDBInstances" in detail_text(
            app, "#log-detail"
        )


async def test_error_log_builds_its_view_once_per_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    """The title counts the view the rows show, not one built again for it (the title built
    the whole log a second time at each rebuild)."""
    from awsexplorer.ui.screens import error_log

    built = []
    build = error_log.build_error_log

    def counted(result: ScanResult) -> error_log.ErrorLogView:
        built.append(result)
        return build(result)

    monkeypatch.setattr(error_log, "build_error_log", counted)
    app = Host(ErrorLogScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        opened = len(built)  # the title composed, then the first rebuild
        assert opened == 2
        screen = app.screen
        assert isinstance(screen, ErrorLogScreen)
        screen.rebuild()
        assert len(built) == opened + 1
        title = str(screen.query_one("#view-title", Static).render())
        assert "2 region(s), 3 call(s)" in title


async def test_error_log_says_clearly_when_there_were_none() -> None:
    clean = replace(
        account(),
        regions=[
            RegionScan("eu-west-1", RegionStatus.OK),
            RegionScan("me-south-1", RegionStatus.NOT_ENABLED),
        ],
    )
    app = Host(ErrorLogScreen, clean)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = detail_text(app, "#log-clean")
        assert "No errors" in text and "every call in every scanned region succeeded" in text
        assert "me-south-1" in text
        assert not app.screen.query_one("#log-calls", DataTable).display


# -- snapshots (80x24, fixed clock) ---------------------------------------------------------------


class TestSnapshots:
    def test_vpc(self, snap_compare) -> None:
        assert snap_compare(Host(VpcScreen), terminal_size=SIZE, press=["j"] * 5)

    def test_iam(self, snap_compare) -> None:
        assert snap_compare(Host(IamScreen), terminal_size=SIZE, press=["3"])

    def test_findings(self, snap_compare) -> None:
        assert snap_compare(Host(FindingsScreen), terminal_size=SIZE)

    def test_error_log(self, snap_compare) -> None:
        assert snap_compare(Host(ErrorLogScreen), terminal_size=SIZE)


async def test_updates_while_scanning_are_shown_at_once_then_coalesced() -> None:
    full = account()
    principals = [r for r in full.resources if r.type.startswith("iam:")]
    scanning = replace(full, finished_at=None, resources=[], findings=[])
    app = Host(IamScreen, scanning)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(DataTable)
        assert table.row_count == 0
        screen.update_result(replace(scanning, resources=principals[:2]))
        assert table.row_count == 2  # the first update is shown at once
        screen.update_result(replace(scanning, resources=principals[:3]))
        screen.update_result(replace(full, resources=principals))
        assert table.row_count == 2  # later ones wait for the interval...
        await pilot.pause(screen.REBUILD_INTERVAL + 0.2)
        assert table.row_count == len(principals)  # ...and the newest one wins
        assert "scanning" not in str(screen.query_one("#view-title", Static).render())
