"""`:` with an IP address, a CIDR or a DNS name answers whose it is (ui/screens/whois.py).

Opened offline on a literal snapshot (the resources of tests/model/test_whois.py, plus an
instance in a second region): the first `:` suggestion answers, Enter opens the answer screen,
Enter there shows the owner in the tree in its own region, Esc comes back. An SVG snapshot of the
answer screen at 80x24.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.model import Account, RegionScan, RegionStatus, ScanResult, kinds
from awsexplorer.model.whois import WhoisIndex
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.screens import whois as whois_screen
from awsexplorer.ui.screens.main import MainScreen
from awsexplorer.ui.screens.whois import WhoisScreen
from awsexplorer.ui.widgets.command_bar import CommandBar
from tests.model.test_whois import ALB, INSTANCE, NAMED, res

SIZE = (80, 24)
FAR = res(kinds.INSTANCE, "i-far", "ap-southeast-2", name="far-worker", private_ip="10.7.0.5")
FAR_VPC = res(kinds.VPC, "vpc-far", "ap-southeast-2", cidr="10.7.0.0/16")


def write(path: Path) -> Path:
    result = ScanResult(
        account=Account("123456789012", None, "aws", "arn:aws:iam::123456789012:user/t"),
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:01:00Z",
        regions=[
            RegionScan("eu-west-1", RegionStatus.OK),
            RegionScan("ap-southeast-2", RegionStatus.OK),
            RegionScan("global", RegionStatus.OK),
        ],
        resources=[*NAMED, FAR, FAR_VPC],
    )
    return snapshot.write(result, path)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return write(tmp_path / "whois.json")


def app_on(path: Path) -> AwsExplorerApp:
    app = make_app(AppOptions(snapshot=path))
    assert isinstance(app, AwsExplorerApp)
    return app


async def settle(pilot: Pilot[int]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()  # the whois index's worker, if one is running
    await pilot.pause()
    pilot.app.clear_notifications()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def ask(pilot: Pilot[int], text: str) -> None:
    await pilot.press("colon", *text)
    await settle(pilot)


def suggestions(app: AwsExplorerApp) -> list[str]:
    bar = app.main.query_one(CommandBar)
    return [s.value for s in bar._suggestions]


async def test_an_address_after_colon_answers_and_enter_shows_the_owner(saved: Path) -> None:
    app = app_on(saved)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "10.0.1.10")
        assert suggestions(app)[0] == "whois 10.0.1.10"
        prompt = str(app.main.query_one(CommandBar)._suggestions[0].prompt)
        assert "private-ip" in prompt and "i-1" in prompt
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WhoisScreen)
        assert [(o.arn, o.via) for o in screen.owners] == [(INSTANCE.arn, "eni-inst")]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.main.detail.ref is not None and app.main.detail.ref.arn == INSTANCE.arn


async def test_enter_jumps_to_an_owner_in_another_region(saved: Path) -> None:
    app = app_on(saved)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "10.7.0.5")
        await pilot.press("enter", "enter")
        await settle(pilot)
        ref = app.main.detail.ref
        assert ref is not None and (ref.arn, ref.region) == (FAR.arn, "ap-southeast-2")


async def test_esc_comes_back_without_moving(saved: Path) -> None:
    app = app_on(saved)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.main.detail.ref
        await ask(pilot, "api.example.com")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WhoisScreen)
        assert [(o.arn, o.kind) for o in screen.owners] == [(ALB.arn, "route53-record")]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.main.detail.ref == before


async def test_esc_and_the_next_key_in_one_burst_close_then_pass_the_key_on(saved: Path) -> None:
    """tmux sends Esc and a key typed right after it as one sequence, which Textual reads as
    alt+KEY: on a screen that closes on Esc, that is Esc (closed) and then KEY (here `j`,
    moving the tree's cursor down one)."""
    app = app_on(saved)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "api.example.com")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WhoisScreen)
        line = app.main.tree.cursor_line
        await pilot.press("alt+j")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.main.tree.cursor_line == line + 1


async def test_an_address_outside_the_account_says_so(saved: Path) -> None:
    app = app_on(saved)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "8.8.8.8")
        assert "not in this account's address space" in str(
            app.main.query_one(CommandBar)._suggestions[0].prompt
        )
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WhoisScreen) and screen.owners == []
        hint = str(screen.query_one("#whois-hint").render())
        assert "not in this account's address space" in hint
        await pilot.press("enter")  # nothing to show: stays
        await settle(pilot)
        assert isinstance(app.screen, WhoisScreen)


async def test_a_word_is_not_an_address_and_a_typed_address_without_a_pick_still_answers(
    saved: Path,
) -> None:
    app = app_on(saved)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "orders")
        assert not any(v.startswith("whois") for v in suggestions(app))
        await pilot.press("escape")
        await settle(pilot)
        # `:whois ADDRESS` is the same answer.
        app.main.run_command("whois 10.0.1.20", is_command=True)
        await settle(pilot)
        assert isinstance(app.screen, WhoisScreen)


async def test_the_index_is_built_once_per_snapshot(saved: Path) -> None:
    app = app_on(saved)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.state.whois()
        await ask(pilot, "10.0.1.10")
        await pilot.press("escape")
        await ask(pilot, "10.0.1.")
        assert app.state.whois() is first


async def test_the_index_is_built_off_the_ui_thread_and_the_answer_waits_for_it(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first address typed starts the whois index in a worker thread: until it is in, the
    suggestion and the answer screen say "indexing addresses…" (the UI answers keys), then the
    answer fills in. The build is held on an event here so that the wait is seen."""
    release = threading.Event()
    built_on: list[threading.Thread] = []
    real = WhoisIndex.build

    def held_build(resources):  # type: ignore[no-untyped-def]
        built_on.append(threading.current_thread())
        assert release.wait(30)
        return real(resources)

    monkeypatch.setattr(whois_screen.WhoisIndex, "build", staticmethod(held_build))
    app = app_on(saved)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"10.0.1.10")
        await pilot.pause()
        assert app.state.whois_ready is None
        prompt = str(app.main.query_one(CommandBar)._suggestions[0].prompt)
        assert "whose address is 10.0.1.10" in prompt and "indexing addresses" in prompt
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WhoisScreen) and screen.owners is None
        hint = str(screen.query_one("#whois-hint", Static).render())
        assert "Indexing addresses" in hint
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert built_on and all(t is not threading.main_thread() for t in built_on)
        assert len(built_on) == 1  # one build, however many keys were typed meanwhile
        assert app.state.whois_ready is not None
        assert screen.owners is not None
        assert [(o.arn, o.via) for o in screen.owners] == [(INSTANCE.arn, "eni-inst")]
        assert INSTANCE.id in str(screen.query_one(OptionList).get_option_at_index(0).prompt)


def test_answer_screen_snapshot(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "whois.json")

    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("colon", *"10.0.1.0/27", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, WhoisScreen)
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(app_on(path), terminal_size=SIZE, run_before=run_before)


def test_suggestion_snapshot(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "whois.json")

    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("colon", *"10.0.1.30")
        await settle(pilot)
        listing = pilot.app.main.query_one(CommandBar).query_one(OptionList)
        assert listing.option_count >= 1

    assert snap_compare(app_on(path), terminal_size=SIZE, run_before=run_before)
