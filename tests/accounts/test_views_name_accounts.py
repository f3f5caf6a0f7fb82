"""The views of several accounts name each row's account (issue 17: "the VPC, IAM, findings and
error views all cover every account, with an account column or grouping"). The error log (`!`):
every place names its account, and an account none of whose regions could be read (a refused
role) is a line of its own with the AWS error and the fix, also when `:account NAME` narrows the
view to it. IAM: an Account column (the five roots of an Organization were five identical rows).
VPC: each VPC's account before its region, each account's VPCs together. The tree's
every-account regions: each resource leaf names its account. Whose address is this (`whois`, in
the TUI and the CLI): each owner's account, as two accounts' VPCs may use the same addresses.
One account's views keep their shape (tests/ui/test_screens_ui.py's snapshots)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.tree import TreeNode

from awsexplorer import snapshot
from awsexplorer.cli import main, make_app
from awsexplorer.config import AppOptions
from awsexplorer.model import AccountScan, RegionScan, RegionStatus
from awsexplorer.model import kinds as k
from awsexplorer.model.accounts import assemble
from awsexplorer.ui.screens.error_log import ErrorLogScreen
from awsexplorer.ui.screens.iam import IamScreen
from awsexplorer.ui.screens.whois import WhoisScreen
from awsexplorer.ui.state import NodeRef
from awsexplorer.ui.views.error_log import build_error_log
from awsexplorer.ui.views.iam import SortColumn, build_iam_rows
from awsexplorer.ui.views.vpc import build_vpc_tree, vpc_items
from awsexplorer.ui.widgets.key_line import KeyLine
from awsexplorer.ui.widgets.resource_tree import ResourceTree
from tests.accounts.cross_account import res

pytestmark = pytest.mark.ui

FIXTURE = Path(__file__).parent / "fixtures" / "three-accounts.json"
SIZE = (80, 24)
FAILED = "555566667777"  # its role could not be assumed; its name carries an escape
ALPHA, BETA = "111111111111", "222222222222"


def test_each_place_names_its_account_and_the_failed_account_comes_first() -> None:
    log = build_error_log(snapshot.read(FIXTURE))
    assert [(t.where, t.status) for t in log.regions] == [
        ("Sandbox\x1b[31m", RegionStatus.FAILED),  # inert when shown (the screen's cells)
        ("acme-prod sa-east-1", RegionStatus.FAILED),
        ("acme-prod eu-west-1", RegionStatus.PARTIAL),
    ]
    failed = log.regions[0]
    assert failed.account_id == FAILED and failed.region == ""
    assert "AccessDenied" in failed.reason and "Fix:" in failed.reason
    assert [log.where(e) for e in log.errors] == ["acme-prod eu-west-1", "acme-prod sa-east-1"]
    assert log.accounts == {
        "123456789012": "acme-prod",
        "222233334444": "Staging",
        FAILED: "Sandbox\x1b[31m",
    }


def _rows(table: DataTable[Text]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def _first_column(table: DataTable[Text]) -> str:
    return str(next(iter(table.columns.values())).label)


def _detail(app: object) -> str:
    return str(app.screen.query_one("#log-detail", Static).render())  # type: ignore[attr-defined]


async def _error_log(pilot: Any) -> tuple[ErrorLogScreen, DataTable[Text]]:
    """`!` pressed: the error log and its table of accounts and regions."""
    await pilot.press("exclamation_mark")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ErrorLogScreen)
    return screen, screen.query_one("#log-regions", DataTable)


async def test_the_error_log_names_accounts_and_shows_a_narrowed_failed_account() -> None:
    async with make_app(AppOptions(snapshot=FIXTURE)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen, regions = await _error_log(pilot)
        calls = screen.query_one("#log-calls", DataTable)
        assert _first_column(regions) == "Account, region"
        rows = _rows(regions)
        places = ["Sandbox␛[31m", "acme-prod sa-east-1", "acme-prod eu-west-1"]
        assert [r[0] for r in rows] == places
        assert rows[0][1] == "failed" and "AccessDenied" in rows[0][2]
        assert [r[0] for r in _rows(calls)] == ["acme-prod eu-west-1", "acme-prod sa-east-1"]
        # The failed account's line is the first the detail shows: the error and the fix.
        detail = _detail(pilot.app)
        assert f"(account {FAILED})" in detail and "Fix:" in detail and "\x1b" not in detail
        assert screen.title_text().endswith("3 place(s), 2 call(s)")
        await pilot.press("escape")
        await pilot.pause()
        # Narrowed to the failed account: the log says why nothing of it is shown (it said
        # "No errors" before: that account has no regions, so no failed calls).
        pilot.app.main.run_command(f"account {FAILED}", is_command=True)
        await pilot.pause()
        screen, regions = await _error_log(pilot)
        assert _first_column(regions) == "Account, region"
        assert [r[1] for r in _rows(regions)] == ["failed"]
        assert screen.title_text().endswith("1 place(s), 0 call(s)")
        assert not screen.view.clean
        assert "AccessDenied" in _detail(pilot.app)


def test_iam_rows_and_vpcs_name_their_account() -> None:
    result = snapshot.read(FIXTURE)
    rows = build_iam_rows(result)
    roots = [(r.name, r.account) for r in rows if r.kind == "root"]
    assert roots == [("root", "acme-prod"), ("root", "Staging")]
    vpcs = vpc_items(build_vpc_tree(result))
    # Each account's VPCs together, in the accounts' order (the idle default one is folded
    # into the group at the end, with its account too).
    assert [v.label.plain.split("  ")[0] for v in vpcs] == [
        "prod vpc-0a1b2c3d4e5f60001 acme-prod eu-west-1 10.0.0.0/16",
        "· vpc-0staging Staging eu-central-1 10.20.0.0/16",
        "default vpc-0b1b2c3d4e5f60001 acme-prod us-east-1 172.31.0.0/16 default",
    ]
    assert "(account 123456789012)" in vpcs[0].detail.plain
    group = next(i for i in build_vpc_tree(result) if i.key == "empty-default-vpcs")
    assert "acme-prod us-east-1" in group.detail.plain
    # One account: no account in the rows (the shape of a one-account scan is kept).
    one = snapshot.read(Path(__file__).parent / "fixtures" / "v1-one-account.json")
    assert {r.account for r in build_iam_rows(one)} == {""}
    assert all(" (account " not in v.detail.plain for v in vpc_items(build_vpc_tree(one)))


async def test_the_iam_view_has_an_account_column_that_sorts() -> None:
    async with make_app(AppOptions(snapshot=FIXTURE)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        pilot.app.main.run_command("iam", is_command=True)
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, IamScreen)
        table = screen.table
        assert [str(c.label) for c in table.columns.values()][:3] == ["Name", "Account", "Kind ▲"]
        assert "1-9 Sort" in str(screen.query_one(KeyLine).render())
        await pilot.press("2")  # sort by account
        await pilot.pause()
        assert screen.sort_column is SortColumn.ACCOUNT
        assert [r[1] for r in _rows(table)] == ["acme-prod", "acme-prod", "acme-prod", "Staging"]
        detail = str(screen.query_one("#iam-detail", Static).render())
        assert detail.startswith("root root in acme-prod")
        await pilot.press("9")  # the ninth column (Where) with several accounts
        await pilot.pause()
        assert screen.sort_column is SortColumn.WHERE


def _region_leaves(tree: ResourceTree) -> list[str]:
    """The resource leaves under the every-account regions (not under the account nodes)."""
    found: list[str] = []

    def walk(node: TreeNode[NodeRef]) -> None:
        if node.data is not None and node.data.kind == "resource":
            found.append(node.label.plain)
        for child in node.children:
            walk(child)

    for node in tree.root.children:
        if node.data is not None and node.data.kind == "region":
            walk(node)
    return found


async def test_every_account_regions_name_each_leafs_account() -> None:
    async with make_app(AppOptions(snapshot=FIXTURE)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+z")  # attention only: the regions open to their warnings
        await pilot.pause()
        tree = pilot.app.main.tree
        leaves = _region_leaves(tree)
        assert "!! root  acme-prod" in leaves
        assert "·  vpc-0staging  Staging" in leaves
        # One account shown (`:account`): its leaves as a one-account scan's.
        pilot.app.main.run_command("account staging", is_command=True)
        await pilot.pause()
        assert tree.attention_only
        assert _region_leaves(tree) == ["·  vpc-0staging"]


def _same_address_in_two_accounts(tmp_path: Path) -> Path:
    """Accounts alpha and beta, each an instance at 10.0.1.9 (one template, two accounts)."""
    resources = []
    for account in (ALPHA, BETA):
        instance = res(account, k.INSTANCE, f"i-{account[0] * 8}", private_ip="10.0.1.9")
        eni = res(
            account,
            k.NETWORK_INTERFACE,
            f"eni-{account[0] * 8}",
            private_ips=["10.0.1.9"],
            attached_to=instance.id,
        )
        resources += [instance, eni]
    scans = [
        AccountScan(id=account, alias=alias, regions=[RegionScan("eu-west-1", RegionStatus.OK)])
        for account, alias in ((ALPHA, "alpha"), (BETA, "beta"))
    ]
    when = "2026-12-01T00:00:00+00:00"
    result = assemble(scans, resources, [], started_at=when, finished_at=when)
    return snapshot.write(result, tmp_path / "two.json")


def test_whois_names_each_owners_account_in_the_cli(tmp_path: Path, capsys: Any) -> None:
    path = _same_address_in_two_accounts(tmp_path)
    assert main(["whois", str(path), "10.0.1.9"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[-4] for line in lines] == ["alpha", "beta"]


async def test_whois_names_each_owners_account_in_the_tui(tmp_path: Path) -> None:
    path = _same_address_in_two_accounts(tmp_path)
    async with make_app(AppOptions(snapshot=path)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        pilot.app.main.run_command("whois 10.0.1.9", is_command=True)
        for _ in range(50):  # the index is built by a worker
            await pilot.pause(0.05)
            screen = pilot.app.screen
            if isinstance(screen, WhoisScreen) and screen.owners is not None:
                break
        options = pilot.app.screen.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert ["alpha" in line for line in shown] == [True, False]
        assert ["beta" in line for line in shown] == [False, True]
