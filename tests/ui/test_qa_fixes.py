"""Fixes from a new user's QA pass: NO_COLOR, signals, filters, account-level findings, saving."""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable, Input, OptionList, Static, Tree

from awsexplorer import snapshot
from awsexplorer.config import AppOptions
from awsexplorer.model import Finding, RegionStatus, ScanResult, Severity
from awsexplorer.model.findings import Scope
from awsexplorer.scan.events import ScanFinished, ScanStarted
from awsexplorer.ui import format as fmt
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.details import account_detail, attributes_json
from awsexplorer.ui.labels import region_label, severity_badge, severity_mark
from awsexplorer.ui.screens.findings import FindingsScreen
from awsexplorer.ui.screens.iam import IamScreen, cells
from awsexplorer.ui.screens.save_snapshot import ConfirmOverwriteScreen, SaveSnapshotScreen
from awsexplorer.ui.screens.vpc import VpcScreen
from awsexplorer.ui.state import ExplorerState, RegionView
from awsexplorer.ui.views.findings import build_findings_view
from awsexplorer.ui.views.iam import build_iam_rows
from awsexplorer.ui.views.vpc import TreeItem
from tests.ui.test_screens_ui import Host

FIXTURE = Path(__file__).parent / "fixtures" / "screens" / "account.json"
SIZE = (80, 24)
ROOT = "arn:aws:iam::123456789012:root"


@pytest.fixture
def no_color() -> Iterator[None]:
    before = fmt.monochrome()
    fmt.set_monochrome(True)
    yield
    fmt.set_monochrome(before)


def colours(text: Text) -> list[object]:
    """Every colour a piece of text asks for (foreground or background)."""
    found: list[object] = []
    for span in [*text.spans, None]:
        style = text.style if span is None else span.style
        parsed = Style.parse(style) if isinstance(style, str) else style
        if parsed is not None:
            found += [c for c in (parsed.color, parsed.bgcolor) if c is not None]
    return found


# -- 1. NO_COLOR: weight instead of colour --------------------------------------------------------


def test_no_color_styles_severities_by_weight(no_color: None) -> None:
    assert "reverse" in fmt.SEVERITY_STYLE[Severity.CRITICAL]
    assert "bold" in fmt.SEVERITY_STYLE[Severity.HIGH]
    for severity in Severity:
        assert colours(Text("x", style=fmt.SEVERITY_STYLE[severity])) == []
        assert colours(severity_mark(severity)) == []


def test_no_color_iam_cells_have_no_colour(no_color: None) -> None:
    rows = build_iam_rows(snapshot.read(FIXTURE))
    bob = next(r for r in rows if r.name == "bob")
    for cell in cells(bob):
        assert colours(cell) == [], cell
    warned = next(r for r in rows if r.worst is Severity.HIGH)
    assert "bold" in str(cells(warned)[5].style)


def test_colour_styles_are_kept_without_no_color() -> None:
    fmt.set_monochrome(False)
    assert fmt.SEVERITY_STYLE[Severity.HIGH] == "bold red"


async def test_the_app_picks_up_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    try:
        assert fmt.monochrome()
    finally:
        fmt.set_monochrome(False)


# -- 2. SIGTERM / SIGHUP restore the terminal -----------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
async def test_a_signal_exits_the_app_cleanly(sig: signal.Signals) -> None:
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        os.kill(os.getpid(), sig)
        await pilot.pause(0.1)
    assert app.return_value == 128 + sig.value
    # The handler is gone with the app: the test process keeps its default behaviour.
    assert signal.getsignal(sig) in (signal.SIG_DFL, signal.SIG_IGN) or callable(
        signal.getsignal(sig)
    )


# -- 3. `/` filters the VPC and IAM views; typed text is never a command ------------------------


async def test_iam_filter_narrows_rows_and_typed_letters_are_not_commands() -> None:
    app = Host(IamScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IamScreen)
        sort_before = screen.sort_column
        await pilot.press("slash", *"bob s1")  # `s` would cycle the sort, `1` sort by name
        assert isinstance(screen.focused, Input)
        assert screen.query_one("#view-filter", Input).value == "bob s1"
        assert screen.sort_column is sort_before
        assert screen.rows == []
        await pilot.press("backspace", "backspace", "backspace")
        assert [r.name for r in screen.rows] == ["bob"]
        assert "matching “bob”" in str(screen.query_one("#view-title", Static).render())
        await pilot.press("enter")  # done filtering: back in the table, the filter kept
        assert isinstance(screen.focused, DataTable)
        await pilot.press("enter")
        await pilot.pause()
        assert app.jumps == ["arn:aws:iam::123456789012:user/bob"]


async def test_vpc_filter_keeps_the_path_to_matches_and_space_is_typed() -> None:
    app = Host(VpcScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, VpcScreen)
        everything = len(_all(screen.items))
        await pilot.press("slash", *"sg-0ssh")
        await pilot.pause()
        kept = _all(screen.items)
        assert 0 < len(kept) < everything
        assert any("sg-0ssh" in (i.arn or "") for i in kept)
        await pilot.press("space", "x")  # typed, not a fold
        assert screen.query_one("#view-filter", Input).value == "sg-0ssh x"
        await pilot.press("escape")  # clears the filter, keeps the view
        await pilot.pause()
        assert isinstance(app.screen, VpcScreen)
        assert len(_all(screen.items)) == everything
        assert isinstance(screen.focused, Tree)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, VpcScreen)


def _all(items: list[TreeItem]) -> list[TreeItem]:
    return [x for i in items for x in (i, *_all(i.children))]


# -- 6. `:findings`: Esc clears the filter first ------------------------------------------------


async def test_findings_esc_clears_the_filter_then_closes() -> None:
    app = Host(FindingsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FindingsScreen)
        await pilot.press("slash", *"bob", "enter")  # filter, then back in the list
        assert isinstance(screen.focused, OptionList)
        assert screen.filter_text == "bob"
        await pilot.press("escape")
        assert isinstance(app.screen, FindingsScreen)
        assert screen.filter_text == ""
        assert screen.query_one(Input).value == ""
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FindingsScreen)


# -- 4. account-level findings belong to the account, not the root user --------------------------


def with_account_level() -> ScanResult:
    result = snapshot.read(FIXTURE)
    # As the registry writes them (ctx.account_flag): on the root ARN, scope account.
    trail = Finding(
        "cloudtrail-multi-region-missing",
        Severity.HIGH,
        ROOT,
        "global",
        "no trail",
        "Add one.",
        Scope.ACCOUNT,
    )
    alarm = Finding(
        "billing-alarm-missing", Severity.MEDIUM, ROOT, "global", "no alarm", "Add.", Scope.ACCOUNT
    )
    return replace(result, findings=[*result.findings, trail, alarm])


def test_account_level_findings_are_not_the_root_users() -> None:
    result = with_account_level()
    root = next(r for r in build_iam_rows(result) if r.kind == "root")
    assert root.warnings == 1  # only iam-root-mfa-disabled
    state = ExplorerState()
    state.load(result)
    assert [f.check for f in state.findings_for(ROOT)] == ["iam-root-mfa-disabled"]
    assert {f.check for f in state.account_findings()} == {
        "cloudtrail-multi-region-missing",
        "billing-alarm-missing",
    }
    assert state.severity_counts(region="global", resource_type="iam:root") == Counter(
        {Severity.CRITICAL: 1}
    )
    total = state.severity_counts()
    assert total[Severity.HIGH] == Counter(f.severity for f in result.findings)[Severity.HIGH]
    detail = render_text(account_detail(state))
    assert "Account-wide warnings (2)" in detail
    assert "no trail" in detail


def render_text(renderable: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_findings_view_names_the_account_for_account_level_warnings() -> None:
    rows = {r.check: r.resource for r in build_findings_view(with_account_level()).findings}
    assert rows["billing-alarm-missing"] == "account"
    assert rows["iam-root-mfa-disabled"] == "root"


# -- 5. a full rescan has its own start time ----------------------------------------------------


def test_a_full_rescan_takes_the_new_scans_start_time() -> None:
    first = snapshot.read(FIXTURE)
    state = ExplorerState()
    state.load(first)
    state.partial_rescan = False
    state.apply(ScanStarted(first.account, ["global"], [], None))
    assert state.started_at == ""
    second = replace(first, started_at="2030-01-01T00:00:00+00:00")
    state.apply(ScanFinished(second))
    assert state.started_at == "2030-01-01T00:00:00+00:00"


def test_a_region_rescan_keeps_the_start_time() -> None:
    first = snapshot.read(FIXTURE)
    state = ExplorerState()
    state.load(first)
    state.partial_rescan = True
    state.apply(ScanStarted(first.account, ["eu-west-1"], [], None))
    assert state.started_at == first.started_at


# -- 8. while scanning: no `·` (the low marker) and no false "warnings none" ---------------------


def test_scanning_region_label_says_found_and_account_says_warnings_after_the_scan() -> None:
    view = RegionView("eu-west-1", RegionStatus.SCANNING, done=24, total=26)
    assert region_label(view, 8, Counter()).plain == "eu-west-1  scanning 24/26, 8 found"
    state = ExplorerState()
    state.apply(ScanStarted(snapshot.read(FIXTURE).account, ["eu-west-1"], [], None))
    detail = render_text(account_detail(state))
    assert "warnings  after the scan" in detail
    state.scanning = False
    assert "warnings  none" in render_text(account_detail(state))


# -- 11. polish -----------------------------------------------------------------------------------


def test_marks_have_a_space_after_them_and_badges_count_the_rest() -> None:
    assert severity_mark(Severity.CRITICAL).plain == "!! "
    assert severity_mark(Severity.HIGH).plain == "!  "
    assert severity_mark(None).plain == "   "
    counts = Counter({Severity.CRITICAL: 1, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 4})
    assert severity_badge(counts).plain == " !!1 !3 +6"
    assert severity_badge(Counter({Severity.LOW: 2})).plain == " ·2"


def test_one_line_contains() -> None:
    one = attributes_json({"a": "needle", "b": "hay"}, "needle")
    two = attributes_json({"a": "needle", "b": "needle"}, "needle")
    assert isinstance(one, Text) and isinstance(two, Text)
    assert one.plain.startswith("1 line contains “needle”")
    assert two.plain.startswith("2 lines contain “needle”")


async def test_ctrl_c_quits() -> None:
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_value == 130  # as an interrupted command exits (issue 10, item 11)


# -- 9. the command palette offers every action; no Rescan offline -------------------------------


async def test_palette_offers_every_action_and_no_rescan_offline() -> None:
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for wanted in ("Attention only", "Copy", "Help", "Filter", "Errors", "Save snapshot"):
            assert wanted in titles
        for wanted in ("VPC topology", "IAM principals", "Findings", "Quit"):
            assert wanted in titles
        assert "Rescan" not in titles
        footer = {b.binding.action for b in app.screen.active_bindings.values() if b.binding.show}
        assert "rescan" not in footer
        await pilot.press("r")  # the key still explains why
        assert any("saved snapshot" in n.message for n in app._notifications)


# -- 10. offline, IAM "last used" is judged as of the scan ---------------------------------------


async def test_offline_views_use_the_scans_finish_time() -> None:
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_show_view("iam")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IamScreen)
        finished = fmt.parse_time(app.state.finished_at)
        assert finished is not None and screen.now == finished
        assert f"as of {finished:%Y-%m-%d}" in screen.title_text()


# -- 7. saving: no silent overwrite, no invented folders, folders get the default name ----------


async def test_save_asks_before_overwriting_and_refuses_missing_folders(tmp_path: Path) -> None:
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        expected = fmt.parse_time(app.state.finished_at)
        assert expected is not None
        assert expected.strftime("%Y%m%d-%H%M%S") in app.default_snapshot_path()

        app.save_snapshot(str(tmp_path / "missing" / "x.json"))
        await pilot.pause()
        assert not (tmp_path / "missing").exists()
        assert any("does not exist" in n.message for n in app._notifications)

        app.save_snapshot(str(tmp_path))  # a folder: the default name inside it
        await pilot.pause()
        saved = tmp_path / app.default_snapshot_path()
        assert saved.is_file()

        saved.write_text("keep me")
        app.save_snapshot(str(saved))
        await pilot.pause()
        assert isinstance(app.screen, ConfirmOverwriteScreen)
        await pilot.press("n")
        await pilot.pause()
        assert saved.read_text() == "keep me"
        app.save_snapshot(str(saved))
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert snapshot.read(saved).account.id == app.state.account.id


async def test_save_dialog_names_the_folder_of_a_bare_file_name() -> None:
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveSnapshotScreen)
        note = str(app.screen.query_one("#save-note", Static).render())
        assert str(Path.cwd()) in note
