"""Keys typed in one burst (as a terminal, a paste or tmux delivers them) are handled in the
order they were typed, even when one of them has a priority binding (a list's Enter, `:`).

Pilot's `press` waits for the app to be idle after every key, which hides the race; these
tests put the keys in the app's queue back to back, as the terminal driver does."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.ui import key_order
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.screens.main import MainScreen
from awsexplorer.ui.state import NodeRef

from .test_issue10_behaviour import wait_for_held_keys

pytestmark = pytest.mark.ui

FIXTURE = Path(__file__).parent / "fixtures" / "small-account.json"
SIZE = (80, 24)
CHARS = {"enter": "\r", "colon": ":", "escape": "\x1b"}


def offline() -> AwsExplorerApp:
    app = make_app(AppOptions(snapshot=FIXTURE))
    assert isinstance(app, AwsExplorerApp)
    return app


def burst(app: AwsExplorerApp, *keys: str) -> None:
    driver = app._driver
    assert driver is not None
    for key in keys:
        driver.send_message(events.Key(key, CHARS.get(key, key if len(key) == 1 else None)))


async def settle(pilot: Pilot[int]) -> None:
    for _ in range(3):
        await pilot.pause(0.1)


async def handled(app: AwsExplorerApp, pilot: Pilot[int]) -> None:
    await wait_for_held_keys(pilot)
    await settle(pilot)


async def landing(
    keys: tuple[str, ...], *, typed_in_a_burst: bool, in_findings: bool = True
) -> NodeRef | None:
    """Where the tree's cursor is after `keys`, typed in the findings view (opened first with
    `:findings`) or, not `in_findings`, on the main screen."""
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if in_findings:
            await pilot.press("colon", *"findings", "enter")
            await settle(pilot)
        if typed_in_a_burst:
            burst(app, *keys)
            await handled(app, pilot)
        else:
            await pilot.press(*keys)
            await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        return app.main.cursor_ref


async def test_j_then_enter_in_a_burst_shows_the_finding_j_moved_to() -> None:
    for keys in (("j", "enter"), ("j", "j", "j", "enter")):
        one_by_one = await landing(keys, typed_in_a_burst=False)
        at_once = await landing(keys, typed_in_a_burst=True)
        first = await landing(("enter",), typed_in_a_burst=False)
        assert one_by_one is not None
        assert one_by_one != first  # j moved to another finding's resource
        assert at_once == one_by_one  # before: the first finding's, then j moved the tree


async def test_a_burst_through_the_prompt_goes_to_the_screen_it_opened() -> None:
    """`:findings⏎j⏎` in one burst: `j` and the last Enter wait for the findings view that the
    prompt's Enter opens (before: `j` was typed into the prompt, `:findingsj`)."""
    keys = ("colon", *"findings", "enter", "j", "enter")
    one_by_one = await landing(keys, typed_in_a_burst=False, in_findings=False)
    at_once = await landing(keys, typed_in_a_burst=True, in_findings=False)
    assert one_by_one is not None
    assert one_by_one == await landing(("j", "enter"), typed_in_a_burst=False)
    assert at_once == one_by_one


async def test_a_burst_on_the_main_screen_moves_then_opens_the_prompt() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        start = app.main.tree.cursor_line
        burst(app, "j", "j", "colon", *"vpc")
        await handled(app, pilot)
        assert app.main.tree.cursor_line == start + 2  # both j's ran before `:` took the keys
        assert app.main.prompt_bar.query_one("Input").value == "vpc"  # type: ignore[attr-defined]


async def test_a_key_lost_on_its_way_holds_a_priority_key_only_briefly() -> None:
    """A key that never comes back (its screen closed under it) does not block the next."""
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lost = events.Key("x", "x")
        lost._set_forwarded()
        app._travelling = lost  # forwarded, never stopped, never back at the app
        started = asyncio.get_running_loop().time()
        burst(app, "colon")
        while not app.main.prompt_bar.display:  # type: ignore[attr-defined]
            assert asyncio.get_running_loop().time() - started < 5, "the key never ran"
            await pilot.pause(0.01)
        waited = asyncio.get_running_loop().time() - started
        assert waited + 0.05 >= key_order.MAX_WAIT
        assert not app._held and app._travelling is None


def fake_clock(monkeypatch: pytest.MonkeyPatch) -> tuple[list[float], list[float]]:
    """key_order's clock and sleep, faked: ([now], the sleeps); a sleep moves the clock on."""
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(key_order, "monotonic", lambda: now[0])
    monkeypatch.setattr(key_order, "sleep", sleep)
    return now, slept


def test_background_builds_give_way_while_keys_are_being_pressed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """give_way_to_keys (called by a worker between pieces of a long build) sleeps until no
    key has been read for KEYS_QUIET seconds, and returns at once when none has."""
    now, slept = fake_clock(monkeypatch)
    app = offline()
    app.give_way_to_keys()
    assert slept == []  # no key yet
    app._key_read_at = now[0] - key_order.KEYS_QUIET / 2  # a key half the quiet time ago
    app.give_way_to_keys()
    assert slept and now[0] - app._key_read_at >= key_order.KEYS_QUIET
    assert sum(slept) <= key_order.KEYS_QUIET / 2 + key_order.KEYS_QUIET / 4
    # What the key set off is still being handled (a view mounting): wait for it, but not
    # past SETTLING_MOST after the key (the app may not be seen idle for a while).
    app._settling = True
    slept.clear()
    app._key_read_at = now[0] - key_order.KEYS_QUIET * 2
    app.give_way_to_keys()
    assert now[0] - app._key_read_at >= key_order.SETTLING_MOST
    assert now[0] - app._key_read_at < key_order.SETTLING_MOST + key_order.KEYS_QUIET
    slept.clear()
    app.give_way_to_keys()
    assert slept == []  # settled long ago, as far as builds are concerned
    # Never more than GIVE_WAY_MOST a call, whatever holds it.
    app._held.append(events.Key("j", "j"))
    app.give_way_to_keys()
    assert key_order.GIVE_WAY_MOST <= sum(slept) < key_order.GIVE_WAY_MOST + key_order.KEYS_QUIET


def test_background_builds_give_way_to_foreground_work_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While work the user waits for runs on a worker (a filter's matching, in
    foreground_work), the background builds sleep as they do for keys: at most GIVE_WAY_MOST
    a call; once it is done they go on at once."""
    _, slept = fake_clock(monkeypatch)
    app = offline()
    with app.foreground_work():
        app.give_way_to_keys()
        assert key_order.GIVE_WAY_MOST <= sum(slept) < key_order.GIVE_WAY_MOST + 1
    slept.clear()
    app.give_way_to_keys()
    assert slept == []


async def test_a_filter_matched_off_the_ui_thread_is_foreground_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The matching of a large estate's filter runs in foreground_work (the exposure analysis
    and the relationship index give way to it)."""
    from awsexplorer.ui.screens import main as main_module

    monkeypatch.setattr(main_module, "FILTER_IN_WORKER", 1)
    app = offline()
    seen: list[bool] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.main.tree
        grouped = tree.grouped_matches

        def watched(*args: object, **kwargs: object) -> object:
            seen.append(bool(app._foreground))
            return grouped(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(tree, "grouped_matches", watched)
        while app.state.search_pending:
            await pilot.pause(0.05)
        await pilot.press("slash", "a", "enter")
        for _ in range(100):
            if tree.filter_text == "a":
                break
            await pilot.pause(0.05)
        assert tree.filter_text == "a"
    assert seen == [True]
    assert not app._foreground


async def test_a_key_read_is_remembered_for_the_background_builds() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = app._key_read_at
        await pilot.press("j")
        assert app._key_read_at > before


async def test_a_key_is_noted_as_the_driver_receives_it_before_the_app_reads_it() -> None:
    """A key waits in the app's queue behind what the app is doing (a big snapshot's whole
    being shown, then its frame); the background builds started meanwhile gave way to it only
    once the app read it, and held the interpreter before that (at 1,000,000 resources, a key
    sent as the whole was shown took 139-324 ms to be shown, 94-131 ms now)."""
    import threading

    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        driver = app._driver
        assert driver is not None
        before = app._key_read_at
        read: list[events.Key] = []
        on_event = app.on_event

        async def reading(event: events.Event) -> None:
            if isinstance(event, events.Key) and not event.is_forwarded:
                read.append(event)
            await on_event(event)

        app.on_event = reading  # type: ignore[method-assign]
        # From another thread, as the terminal driver's input thread sends it.
        sender = threading.Thread(target=driver.send_message, args=(events.Key("j", "j"),))
        sender.start()
        sender.join()
        assert not read and app._key_read_at > before  # noted, not read yet
        await pilot.pause()
        assert [e.key for e in read] == ["j"]


async def test_each_background_build_gives_way_to_keys_before_its_first_long_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The search index, the relationship index and the cross-account links are started as a
    snapshot is shown; each began with one long step holding the interpreter (a listing of
    every resource is one C call; the links a pass over all of them), in the way of a key sent
    then. Each gives way to keys first."""
    import threading

    from awsexplorer.ui import app as app_module
    from awsexplorer.ui.widgets import resource_tree

    steps: list[tuple[str, str]] = []  # (thread, step)

    def recorded(name: str, real: object) -> object:
        def step(*args: object, **kwargs: object) -> object:
            steps.append((threading.current_thread().name, name))
            return real(*args, **kwargs)  # type: ignore[operator]

        return step

    monkeypatch.setattr(app_module, "listed", recorded("list", app_module.listed))
    monkeypatch.setattr(resource_tree, "listed", recorded("list", resource_tree.listed))
    monkeypatch.setattr(
        resource_tree, "CrossAccountIndex", recorded("links", resource_tree.CrossAccountIndex)
    )
    three = Path(__file__).parents[1] / "accounts" / "fixtures" / "three-accounts.json"
    app = make_app(AppOptions(snapshot=three))
    assert isinstance(app, AwsExplorerApp)
    monkeypatch.setattr(app, "give_way_or_stop", recorded("pause", app.give_way_or_stop))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            long = [s for _, s in steps if s != "pause"]
            if app.state.relations_ready and "links" in long and long.count("list") >= 2:
                break
            await pilot.pause(0.05)
        firsts: dict[str, list[str]] = {}
        for thread, step in steps:
            firsts.setdefault(thread, []).append(step)
        long_steps = [seq for seq in firsts.values() if set(seq) - {"pause"}]
        assert len(long_steps) >= 3, firsts  # the search index, the relations, the links
        for seq in long_steps:
            first_long = next(i for i, s in enumerate(seq) if s != "pause")
            assert "pause" in seq[:first_long], firsts


async def test_the_links_build_stops_quietly_when_the_app_closes_while_it_gives_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its pause raises Closing when the app is closing: the build stops there, as the others
    do, rather than failing (a failed worker is shown as an error)."""
    from awsexplorer.ui import accounts_view
    from awsexplorer.ui.key_order import Closing

    three = Path(__file__).parents[1] / "accounts" / "fixtures" / "three-accounts.json"
    app = make_app(AppOptions(snapshot=three))
    assert isinstance(app, AwsExplorerApp)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wanted = accounts_view.links_input(app.state)
        if wanted is None:  # built already: ask for it as the tree does
            wanted = (app.state.full, app.state.member_accounts, list(app.state.resources()))

        def closing() -> None:
            raise Closing

        kept: list[object] = []
        monkeypatch.setattr(app, "give_way_or_stop", closing)
        monkeypatch.setattr(accounts_view, "keep_links", lambda *args: kept.append(args))
        app.main.tree._build_links(*wanted)  # type: ignore[arg-type]
        assert kept == []


def test_background_builds_take_turns_first_come_first_served() -> None:
    """Turns: one build's Python at a time (two beside the UI thread kept it from the
    interpreter 150-330 ms at a time); a build that hands its turn over and asks again goes
    behind the one waiting; one asked to stop while waiting stops there (Closing)."""
    import threading
    import time
    from itertools import pairwise

    turns = key_order.Turns()
    inside: list[str] = []
    most = [0]
    order: list[str] = []

    def build(name: str, pieces: int) -> None:
        for _ in range(pieces):
            turns.take(lambda: False)
            inside.append(name)
            most[0] = max(most[0], len(inside))
            order.append(name)
            time.sleep(0.01)
            inside.remove(name)
            turns.hand_over()

    threads = [threading.Thread(target=build, args=(n, 5)) for n in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 1 and sorted(order) == sorted("abc" * 5)
    # Taking turns: once all three wait, no build has two pieces in a row.
    settled = order[3:]
    assert all(x != y for x, y in pairwise(settled)), order

    turns.take(lambda: False)  # this thread holds it
    turns.take(lambda: False)  # asked again: it has it
    stopped: list[BaseException] = []

    def waits_then_stops() -> None:
        try:
            turns.take(lambda: True)
        except key_order.Closing as exc:
            stopped.append(exc)

    waiter = threading.Thread(target=waits_then_stops)
    waiter.start()
    waiter.join(5)
    assert stopped and not waiter.is_alive()
    turns.hand_over()
    turns.take(lambda: False)  # no one left in the queue ahead of it
    turns.hand_over()


def test_a_build_keeps_its_turn_through_its_pauses_for_a_slice_while_another_waits() -> None:
    """Turns.share: a load pauses every few milliseconds; handing over at each pause would
    make it wait for the other build's piece each time. Past its slice it goes behind."""
    import threading
    import time

    turns = key_order.Turns()
    events: list[str] = []
    turns.share(lambda: False)  # taken
    turns.share(lambda: False)  # no one waits: kept

    def other() -> None:
        turns.take(lambda: False)
        events.append("other's turn")
        turns.hand_over()

    waiting = threading.Thread(target=other)
    waiting.start()
    time.sleep(0.02)
    turns.share(lambda: False)  # one waits, but the slice is not over: kept
    assert events == []
    time.sleep(turns.SLICE)
    turns.share(lambda: False)  # over: handed over, and taken again behind the other
    events.append("mine again")
    waiting.join(5)
    assert events == ["other's turn", "mine again"]
    turns.hand_over()


async def test_a_foreground_load_lets_a_key_through_and_else_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """let_keys_through (between the pieces of a snapshot read and loaded while shown): no key
    about, it returns at once; a key just read, it sleeps until the key has been handled
    (KEY_HANDLED), its turn handed over meanwhile so no build runs in the key's way."""
    import threading
    import time

    slept: list[float] = []
    real_sleep = key_order.sleep

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(key_order, "sleep", sleep)
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        timings: dict[str, float] = {}

        def load() -> None:
            with app.foreground_load() as pause:
                app._key_read_at = time.monotonic() - 1.0  # the last key long ago
                pause()
                timings["quiet sleeps"] = len(slept)
                app._key_read_at = time.monotonic()  # a key read now
                t = time.monotonic()
                pause()
                timings["after a key"] = time.monotonic() - t
                timings["turn held"] = float(app._turns._holder == threading.get_ident())
            timings["turn after"] = float(app._turns._holder is None)

        worker = app.run_worker(load, thread=True)
        await worker.wait()
        assert timings["quiet sleeps"] == 0
        assert timings["after a key"] >= key_order.KEY_HANDLED * 0.9
        assert timings["turn held"] == 1.0 and timings["turn after"] == 1.0


def test_a_caret_a_key_follows_at_once_is_the_escape_it_was() -> None:
    """EscapesInBursts: Textual's parser turns an Esc that keys follow in the same read (a
    burst: tmux, a paste, SSH) into `^`; another key within BURST makes it Esc again, and a
    `^` nothing follows is sent as itself once BURST is over."""
    import time

    sent: list[object] = []
    escapes = key_order.EscapesInBursts(sent.append)
    caret = events.Key("circumflex_accent", "^")
    escapes.send(caret)
    escapes.send(events.Key("slash", "/"))
    assert [getattr(m, "key", None) for m in sent] == ["escape", "slash"]
    sent.clear()
    escapes.send(caret)  # typed alone
    time.sleep(escapes.BURST * 10)
    assert sent == [caret]
    sent.clear()
    other = object()  # not a key (a resize): the `^` goes first, as itself
    escapes.send(caret)
    escapes.send(other)
    assert sent == [caret, other]
    time.sleep(escapes.BURST * 2)  # that `^`'s timer is over
    sent.clear()
    # `Esc x Esc y`: the first `^`'s timer does not send the second as itself early. A
    # longer BURST here, so that a loaded machine's late wake-ups stay well inside it.
    escapes.BURST = 0.5
    second = events.Key("circumflex_accent", "^")
    escapes.send(caret)
    escapes.send(events.Key("x", "x"))
    time.sleep(escapes.BURST * 0.6)
    escapes.send(second)
    time.sleep(escapes.BURST * 0.6)  # the first `^`'s BURST is over, not the second's
    escapes.send(events.Key("y", "y"))
    assert [getattr(m, "key", None) for m in sent] == ["escape", "x", "escape", "y"]


async def test_escape_in_a_burst_leaves_the_view() -> None:
    """`:iam⏎ Esc j` typed in one burst: the Esc (come as `^`, as Textual's parser gives it
    when keys follow it in the same read) closes IAM, and the `j` moves the tree's cursor."""
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = app.main.cursor_ref
        burst(app, "colon", "i", "a", "m", "enter", "circumflex_accent", "j")
        await handled(app, pilot)
        assert app.screen is app.main
        assert app.main.cursor_ref != first
