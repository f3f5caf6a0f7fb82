"""The Textual app: composition, keys, the scan and analysis workers, and message routing.

Start-up stays instant: nothing here imports aiobotocore, moto or the botocore service models
(a boundary test proves it); the scanner is imported inside the worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import on, work
from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.filter import Monochrome
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from awsexplorer.config import AppOptions, ScanConfig
from awsexplorer.errors import UserError
from awsexplorer.inert import inert
from awsexplorer.model import GLOBAL_REGION, AccountStatus, RegionStatus, ScanResult
from awsexplorer.ui import accounts_view, heap
from awsexplorer.ui.accounts_view import use_production_pattern
from awsexplorer.ui.commands import ResourceProvider
from awsexplorer.ui.escape import keep_escape
from awsexplorer.ui.format import parse_time, set_monochrome
from awsexplorer.ui.key_order import Closing, KeysInOrder
from awsexplorer.ui.keys import VIEW_KEYS
from awsexplorer.ui.messages import JumpTo, ShowAccount
from awsexplorer.ui.screens.main import MainScreen, view_name
from awsexplorer.ui.state import ExplorerState, listed, loading_with
from awsexplorer.ui.widgets.account_header import parse_colour

if TYPE_CHECKING:
    from awsexplorer.scan.events import AnyScanEvent
    from awsexplorer.snapshot_opening import Opening
    from awsexplorer.ui.scanning import EventBuffer

# Every screen but the main one is imported where it is first pushed (issue 18: the first frame
# waits for nothing it does not show). Until then no such screen can be on the stack, so these
# ask "is it one?" without importing the class.
SCAN_ERROR = ("awsexplorer.ui.screens.scan_error", "ScanErrorScreen")
SCAN_VIEW = ("awsexplorer.ui.screens.scan_view", "ScanViewScreen")


def is_a(screen: object, *kinds: tuple[str, str]) -> bool:
    """isinstance(screen, one of `kinds`), each named (module, class), without importing a
    module not yet loaded (no instance of its classes can exist then)."""
    for module_name, class_name in kinds:
        module = sys.modules.get(module_name)
        if module is not None and isinstance(screen, getattr(module, class_name)):
            return True
    return False


EXIT_ERROR = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT.value  # 130
# Closing the terminal or `kill`: leave like `q` does, so the terminal is given back restored
# (main screen, no mouse tracking) instead of dying in the alternate screen.
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# While a scan streams in, the tree, header and detail are repainted at most this often: each
# repaint re-renders the whole visible tree and the detail pane, and the demo's ~1,700 events
# came in ~900 batches (issue 12: ~700 full frames, most of the TUI's CPU during the scan).
REFRESH_INTERVAL = 0.5  # seconds
# A large snapshot read as it comes (snapshot_opening): the accounts read so far are shown at
# most this often. Each showing loads them again off the UI thread (~2.5 us per resource), which
# takes a core from the read: often enough to follow, seldom enough to cost little.
READ_SHOWN_EVERY = 5.0  # seconds

# `:name` -> (module, class) of the secondary views, imported when first opened.
VIEWS: dict[str, tuple[str, str, str]] = {
    "vpc": ("awsexplorer.ui.screens.vpc", "VpcScreen", "VPC topology"),
    "iam": ("awsexplorer.ui.screens.iam", "IamScreen", "IAM principals"),
    "findings": ("awsexplorer.ui.screens.findings", "FindingsScreen", "Findings"),
    "errors": ("awsexplorer.ui.screens.error_log", "ErrorLogScreen", "Error log"),
    "exposed": ("awsexplorer.ui.screens.exposed", "ExposedScreen", "Internet exposure"),
}


class ScanEventsReady(Message):
    """The worker queued scan events. Carries nothing, so a burst coalesces into one."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanEventsReady)


class ReadableMonochrome(Monochrome):
    """NO_COLOR, readable: Textual's Monochrome turns each colour into the grey of its luminance,
    so magenta on a dark panel becomes grey 237 on 235, invisible. Text whose grey is too close
    to its background's is drawn in light (on dark) or dark (on light) grey instead; backgrounds
    (the cursor row, panels) keep their greys."""

    MIN_CONTRAST = 0.35  # brightness, 0 (black) to 1 (white)
    LIGHT = Color(224, 224, 224)
    DARK = Color(24, 24, 24)

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        readable = _readable
        return [
            Segment(text, readable(style, background), control)
            for text, style, control in super().apply(segments, background)
        ]


@lru_cache(4096)
def _readable(style: Style | None, background: Color) -> Style | None:
    if style is None or style.color is None:
        return style
    fg = Color.from_rich_color(style.color)
    bg = background.monochrome if style.bgcolor is None else Color.from_rich_color(style.bgcolor)
    if abs(fg.brightness - bg.brightness) >= ReadableMonochrome.MIN_CONTRAST:
        return style
    better = ReadableMonochrome.LIGHT if bg.brightness < 0.5 else ReadableMonochrome.DARK
    return style + Style(color=better.rich_color)


def partial_view(name: str, app: AwsExplorerApp) -> Callable[[], None]:
    return lambda: app.action_show_view(name)


def error_log_path() -> Path:
    return Path(tempfile.gettempdir()) / "awsexplorer-error.log"


class AwsExplorerApp(KeysInOrder, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "awsexplorer"
    NOTIFICATION_TIMEOUT = 3  # toasts cover the detail pane at 80x24: keep them brief
    COMMANDS: ClassVar = App.COMMANDS | {ResourceProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit_app", "Quit"),
        # SREs reach for Ctrl+C; Textual would only say "press Ctrl+Q".
        # Exits 130, as an interrupted command does (128 + SIGINT), so scripts can tell.
        Binding("ctrl+c", "interrupt", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Help"),
        Binding("exclamation_mark", "show_view('errors')", "Errors"),
        Binding("s", "save", "Save"),
        # `:` and `/` are taken as the app reads them, before the keys typed after them: the
        # prompt has the focus at once, so a burst (`:findings⏎` from a fast typist, tmux
        # send-keys or a laggy link) is typed into it, never run as hotkeys.
        # (The main screen shows both in its footer; a view shows `/` where it has a filter.)
        Binding("colon", "prompt(':')", "Jump", show=False, priority=True),
        Binding("slash", "prompt('/')", "Filter", priority=True),
    ]

    def __init__(self, options: AppOptions) -> None:
        super().__init__()
        keep_escape()  # Esc then `:` typed fast reads as Esc, then `:` (ui/escape.py)
        # Textual has just taken NO_COLOR out of the environment: tell our styles what it saw.
        set_monochrome(self.no_color)
        self._filters = [
            ReadableMonochrome() if type(f) is Monochrome else f for f in self._filters
        ]
        self.options = options
        self.startup_error: str | None = None  # what stopped the app from starting, if anything
        self.state = ExplorerState()
        # A big estate's internet exposure is worked out off the UI thread, when a detail first
        # needs it (ExplorerState.exposure).
        self.state.on_exposure_wanted = self._want_exposure
        use_production_pattern(self.state, options.settings.production_pattern)  # issue 17
        if options.baseline_loaded is not None:  # --baseline: marked once the scan is loaded
            self.state.baseline = options.baseline_loaded
            self.state.baseline_name = options.baseline.name if options.baseline else None
        # The scan's hand-over (ui/scanning.EventBuffer), made by the first event (`_events`):
        # a snapshot needs neither it nor the scan events' module (issue 18: ~1 % of the
        # first frame).
        self._event_buffer: EventBuffer | None = None
        self._event_buffer_lock = threading.Lock()
        self._account_parts: list[ScanResult] = []  # several accounts: those read so far
        # ... of which so many are shown, and so many in the view being built off the UI thread
        # (_show_accounts_so_far; 0: none). A build for an earlier scan, or one that finished
        # meanwhile (the final view is shown), is dropped: its generation is past.
        self._parts_shown = 0
        self._parts_building = 0
        self._scan_generation = 0
        self._scan_config: ScanConfig | None = None
        # Regions scan events changed that the screen does not show yet (see _refresh_soon).
        self._pending_regions: set[str] = set()
        self._refresh_timer: Timer | None = None
        self._refreshed_at = -REFRESH_INTERVAL
        self.analysing = False
        # CloudTrail history (`t`, `:changes`): the scanner's session on a background loop,
        # made on first use (scan/history.HistoryService; aiobotocore loads then, not here).
        self._history: Any = None
        self._history_lock = threading.Lock()
        # Versions of the resources a relations worker was started for (ensure_relations).
        self._relations_asked: set[int] = set()

    @property
    def source(self) -> str:
        if self.options.snapshot is not None:
            # The file name only: the header is one line at 80 columns.
            return f"snapshot {self.options.snapshot.name}"
        if self.options.demo:
            return "demo Organization" if self.options.accounts is not None else "demo account"
        return ""

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen(self.state, account_color=self.options.account_color, source=self.source)

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def _refresh_main(self, regions: set[str] | None = None) -> None:
        """Repaint what changed; before the main screen is up, its on_mount builds from state."""
        # Shutting down: Textual clears is_running before it takes the screens' widgets away,
        # and a worker's last success can still arrive in between.
        if not self.is_running:
            return
        if not self.screen_stack or not isinstance(self.screen_stack[0], MainScreen):
            return
        main = self.screen_stack[0]
        if not main.is_mounted:
            return
        if regions is None:
            main.refresh_all()
        else:
            main.refresh_regions(regions)

    # A toast shows at most this many characters: a 10,000-character name must not fill it.
    TOAST_LIMIT = 300

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is literal, inert text, cut to TOAST_LIMIT: toasts quote names, ARNs,
        paths and errors from AWS or a snapshot, which must neither act on the terminal nor be
        parsed as markup (`markup` is ignored: no toast of ours uses it)."""
        super().notify(
            inert(message, keep_newlines=True, limit=self.TOAST_LIMIT),
            title=inert(title, limit=80),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def on_mount(self) -> None:
        self._install_signal_handlers()
        if self.options.account_color and parse_colour(self.options.account_color) is None:
            self.notify(
                f"--account-color {self.options.account_color!r} is not a colour; "
                "using the account's own. Try a name (red) or #rrggbb.",
                severity="warning",
            )
        if self.options.snapshot is not None:
            self._open_snapshot(self.options.snapshot)
        else:
            self.start_scan()

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in EXIT_SIGNALS:
            # Not on the main thread, or a platform without Unix signals: nothing to restore.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self._exit_on_signal, sig)

    def _exit_on_signal(self, sig: signal.Signals) -> None:
        self.workers.cancel_all()
        self.exit(128 + sig.value)

    def on_unmount(self) -> None:
        if self._history is not None:
            self._history.close()
        loop = asyncio.get_running_loop()
        for sig in EXIT_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)

    # -- offline ----------------------------------------------------------------------------

    def _open_snapshot(self, path: Path) -> None:
        from awsexplorer import snapshot

        if self.options.opening is not None:
            self._open_as_read(self.options.opening)
            return
        try:
            with heap.loading_scan():
                result = self.options.loaded or snapshot.read(path)
                note = self._judged(result)
                self.state.load(result)
            # After the first frame: the worker holds the GIL for most of its run, which
            # would otherwise share out the first paint's CPU with it (issue 18).
            self.call_after_refresh(self.ensure_relations)
        except UserError as exc:
            self._cannot_open(exc)
            return
        self._refresh_main()
        self._say_judged(note)
        self._say_shared_arns()

    def _judged(self, result: ScanResult) -> str | None:
        """One verdict per fact: findings judged with other settings than the user's are
        judged again with the user's, which the views (IAM: dormant, stale) use too; what
        differed, or None. A snapshot that does not say which settings judged it stands as it
        is (rejudge's first test), so the checks are not even imported for it."""
        if result.settings is None:
            return None
        from awsexplorer.checks import rejudge

        return rejudge(result, self.options.settings)

    def _say_judged(self, note: str | None) -> None:
        if note:
            self.notify(note[0].upper() + note[1:] + ".", timeout=10)

    def _say_shared_arns(self) -> None:
        """Resources of different accounts under one ARN are shown once (the state is keyed by
        ARN): said, with one of them, so that the tree counting fewer than the scan is not
        silent. Real ARNs name their account; a stand-in service or a hand-made file may not."""
        shared = self.state.shared_arns
        if not shared:
            return
        arn, accounts = next(iter(shared.items()))
        count = len(shared)
        self.notify(
            f"{count} ARN{'s are' if count != 1 else ' is'} in more than one account "
            f"(such as {arn}, in {', '.join(sorted(accounts))}): shown once each here; "
            "the snapshot and the CLI keep every one.",
            severity="warning",
            timeout=15,
        )

    def _open_as_read(self, opening: Opening) -> None:
        """A large snapshot being read (snapshot_opening): the accounts read whole so far are
        shown, and the rest come in, as a live scan of several accounts shows them."""
        self.state.scanning = self.state.reading = True
        self.state.note = f"Reading {opening.path.name} ({opening.size / 1e6:,.0f} MB)…"
        self._refresh_main()  # says so, if the main screen is up already (else its mount does)
        self._read_snapshot(opening)

    # Each worker taking data says what it is (`description`): else Textual describes it with
    # the repr of its arguments, on the UI thread (a scan of 200,000 resources: 1.5 s).
    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        name="read",
        group="scan",
        description="reading the snapshot",
    )
    def _read_snapshot(self, opening: Opening) -> None:
        """On a worker thread: each result the opening yields is loaded into a state of its own
        here (the load of 1,000,000 resources is 1-3 s of CPU), which the UI thread then
        shows at once (state.adopt). Keys are let through between its pieces (a key while it
        is read is shown within 100 ms, on a busy machine too), and the background builds
        take turns with it (key_order.Turns)."""
        with self.foreground_load() as pause:
            self._read_with(opening, get_current_worker(), pause)

    def _read_with(self, opening: Opening, worker: Any, pause: Callable[[], None]) -> None:
        from awsexplorer.snapshot_opening import Cancelled

        results = opening.results(READ_SHOWN_EVERY, lambda: worker.is_cancelled, pause)
        try:
            while True:
                try:
                    part = next(results)
                except StopIteration as stop:
                    whole: ScanResult = stop.value
                    break
                built, note = self._built(part, pause)
                done = len(part.account_scans())
                del part
                if worker.is_cancelled:  # the app is closing: nothing to show it to
                    return
                # The view shown before comes back, and is freed here, not on the UI thread.
                self.call_from_thread(self._show_read, built, note, (done, opening.accounts_total))
                del built
            built, note = self._built(whole, pause)
        except (Cancelled, Closing):
            return
        except UserError as exc:
            self.call_from_thread(self._cannot_open, exc)
            return
        finally:
            results.close()
        if not worker.is_cancelled:
            self.call_from_thread(self._show_read, built, note, None)

    def _built(
        self, result: ScanResult, pause: Callable[[], None] | None = None
    ) -> tuple[ExplorerState, str | None]:
        """A state loaded with `result`, judged with the user's settings (_judged)."""
        note = self._judged(result)
        return loaded_state(result, pause), note

    def _show_read(
        self, built: ExplorerState, note: str | None, so_far: tuple[int, int] | None
    ) -> dict[str, Any]:
        """Show a state _read_snapshot built: the accounts read so far (`so_far`: how many of
        how many), or the whole snapshot (None). Returns the view it replaced (state.adopt)."""
        narrowed = self.state.account_view
        replaced = self.state.adopt(built)
        self.state.scanning = self.state.reading = so_far is not None
        if so_far is not None:
            done, total = so_far
            self.state.note = f"Reading the snapshot: {done} of {total} accounts in so far…"
        else:
            self.state.note = None
        if narrowed is not None:  # `:account NAME` while it was read: still that account
            with contextlib.suppress(KeyError):
                self.state.show_account(narrowed)
        self._rebuild_accounts_tree()
        self._refresh_main(set())  # the header and detail: the tree is built anew
        self._update_views()
        if so_far is None:
            self.call_after_refresh(self.ensure_relations)
            self._say_judged(note)
            self._say_shared_arns()
        return replaced

    def _cannot_open(self, error: UserError) -> None:
        from awsexplorer.ui.screens.scan_error import ScanErrorScreen

        self.state.scanning = self.state.reading = False
        self.push_screen(
            ScanErrorScreen("Cannot open the snapshot", error.message, error.hint, can_retry=False)
        )

    # -- scanning ---------------------------------------------------------------------------

    def start_scan(self, regions: tuple[str, ...] = ()) -> None:
        self.state.scanning = True
        self.state.partial_rescan = bool(regions)
        self._account_parts = []
        self._parts_shown = self._parts_building = 0
        self._scan_generation += 1
        if self.options.accounts is not None:
            regions = ()  # several accounts: a rescan reads every account again
            self.state.note = "Listing the accounts to scan…"
        elif self.options.demo and self._scan_config is None:
            self.state.note = "Starting the demo account (a local moto server, seeded)…"
        else:
            self.state.note = "Asking AWS who we are and which regions are enabled…"
        self._scan(regions)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        name="scan",
        group="scan",
        description="scanning",
    )
    def _scan(self, regions: tuple[str, ...]) -> ScanResult | None:
        from awsexplorer.ui.scanning import demo_scan_config, run_scan

        worker = get_current_worker()

        def prepare() -> ScanConfig:
            config = self._scan_config
            if config is None:
                config = self.options.config
                if self.options.demo:
                    # Slow: seeds a moto server (and with --org, its Organization).
                    config = demo_scan_config(config, self.options.accounts is not None)
                self._scan_config = config
            return replace(config, regions=regions) if regions else config

        choice = self.options.accounts
        if choice is None:
            return run_scan(prepare, self._queue_event, lambda: worker.is_cancelled)

        async def scan_accounts(config: ScanConfig, on_event: Any) -> ScanResult:
            from awsexplorer.scan.accounts import scan_choice  # aiobotocore loads here

            return await scan_choice(config, choice, on_event)

        return run_scan(prepare, self._queue_event, lambda: worker.is_cancelled, scan_accounts)

    @property
    def _events(self) -> EventBuffer:
        """The scan events' buffer, made on first use (by the worker's first event, or a test's);
        under a lock, as the worker thread and the UI may both be first."""
        buffer = self._event_buffer
        if buffer is None:
            with self._event_buffer_lock:
                if self._event_buffer is None:
                    from awsexplorer.ui.scanning import EventBuffer

                    self._event_buffer = EventBuffer()
                buffer = self._event_buffer
        return buffer

    def _queue_event(self, event: AnyScanEvent) -> None:
        """On the worker thread: wake the UI once per batch (post_message is thread-safe)."""
        if self._events.push(event):
            self.post_message(ScanEventsReady())

    @on(ScanEventsReady)
    def _apply_scan_events(self) -> None:
        if self._event_buffer is None:
            return  # no event yet
        from awsexplorer.scan.events import AccountScanned

        changed: set[str] = set()
        parts_before = len(self._account_parts)
        for event in self._events.drain():
            if isinstance(event, AccountScanned):
                self._account_parts.append(event.result)
                failed = sum(
                    a.status is AccountStatus.FAILED
                    for part in self._account_parts
                    for a in part.account_scans()
                )
                self.state.note = f"Scanning {event.total} accounts: {event.done} read" + (
                    f", {failed} failed" if failed else ""
                )
                continue
            changed |= self.state.apply(event)
        if len(self._account_parts) > parts_before:
            self._show_accounts_so_far()
            return
        if changed:
            self._pending_regions |= changed
            self._refresh_soon()

    def _refresh_soon(self) -> None:
        """Show the regions events changed: now if the last repaint is REFRESH_INTERVAL old,
        else once it is (one repaint for every batch in between). The state takes each event
        at once; only the screen waits."""
        if self._refresh_timer is not None:
            return  # a repaint is due: it shows these regions too
        wait = self._refreshed_at + REFRESH_INTERVAL - monotonic()
        if wait <= 0:
            self._flush_refresh()
        else:
            self._refresh_timer = self.set_timer(wait, self._flush_refresh)

    def _flush_refresh(self) -> None:
        """Show every region changed since the last repaint (the scan's end calls it too)."""
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None
        regions, self._pending_regions = self._pending_regions, set()
        self._refreshed_at = monotonic()
        if regions:
            self._refresh_main(regions)
            self._update_views()

    def _show_accounts_so_far(self) -> None:
        """Several accounts scanned live: the accounts read so far, merged and loaded off the
        UI thread (_build_accounts_so_far: at 1,000,000 resources 1-3 s, which froze the
        screen once per account), then in every view (the scan goes on; the header says how
        far). One build at a time: the accounts read meanwhile go into the next."""
        if self._parts_building or len(self._account_parts) <= self._parts_shown:
            return
        parts = list(self._account_parts)
        self._parts_building = len(parts)
        self._build_accounts_so_far(parts, self._scan_generation)

    @work(
        thread=True,
        exit_on_error=False,
        name="accounts-so-far",
        group="accounts-so-far",
        description="loading the accounts read so far",
    )
    def _build_accounts_so_far(self, parts: list[ScanResult], generation: int) -> None:
        from awsexplorer.model.accounts import merge

        built = loaded_state(merge(parts))
        if not get_current_worker().is_cancelled:  # else the app is closing
            # The view replaced comes back, and is freed here, not on the UI thread.
            self.call_from_thread(self._accounts_so_far_built, built, len(parts), generation)

    def _accounts_so_far_built(
        self, built: ExplorerState, count: int, generation: int
    ) -> dict[str, Any] | None:
        if generation != self._scan_generation:
            return None  # the scan ended (its final view is shown) or began again meanwhile
        self._parts_building = 0
        narrowed = self.state.account_view
        replaced = self.state.adopt(built)
        self._parts_shown = count
        self.state.scanning = True
        if narrowed is not None:  # `:account NAME` meanwhile: still that account
            with contextlib.suppress(KeyError):
                self.state.show_account(narrowed)
        self._rebuild_accounts_tree()
        self._refresh_main()
        self._update_views()
        self._show_accounts_so_far()  # those read while this one was built
        return replaced

    def _rebuild_accounts_tree(self) -> None:
        """The account nodes come and go with the accounts read: the tree is built again (its
        sync folds in regions only)."""
        main = self.screen_stack[0] if self.screen_stack else None
        if isinstance(main, MainScreen) and main.is_mounted:
            main.tree.rebuild()

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        name="analyse",
        group="scan",
        description="analysing the scan",
    )
    def _analyse(self, result: ScanResult) -> ExplorerState:
        """The scan analysed, loaded into a state of its own off the UI thread (at 1,000,000
        resources a load is 1-3 s), which the UI then adopts."""
        from awsexplorer.checks import analyse

        # The collector paused meanwhile too: the checks leave next to no cycles (5 objects
        # after 200,000 resources), and its full collections, which walk every resource, held
        # the interpreter for 70-230 ms each, the UI thread waiting (live_accounts_bench).
        with heap.loading_scan():
            return loaded_state(analyse(result, self.options.settings))

    def ensure_relations(self) -> None:
        """What uses what, built for the resources shown now by a worker, unless it is in or
        one is building it already (a worker is not stopped: the GIL is all it holds)."""
        version = self.state.resources_version
        if self.state.relations_ready or version in self._relations_asked:
            return
        self._relations_asked.add(version)
        self._build_relations()

    @work(thread=True, exit_on_error=False, name="relations", group="relations")
    def _build_relations(self) -> None:
        """What uses what (model/relationships.py), once per scan or snapshot, off the UI
        thread; the detail pane shows it when it is in (ui/relations_detail.py)."""
        from awsexplorer.model.relationships import build

        version, resources = self.call_from_thread(self.state.relations_input)
        try:
            # Millions of long-lived objects at 1,000,000 resources: built with the collector
            # paused and then frozen, or its full passes over them land on key presses.
            with heap.loading_scan(), self.background_build() as pause:
                pause()  # listing them is one C call: not in a key's way
                index = build(listed(resources), pause=pause)
        except Closing:
            return  # the app is closing
        self.call_from_thread(self._relations_built, index, version)

    def _relations_built(self, index: Any, version: int) -> None:
        if self.state.set_relations(index, version):
            self._refresh_main(set())

    def _want_exposure(self) -> None:
        self.call_later(self._build_exposure)

    # Not exclusive: a narrowed view's own analysis must not cancel every account's (kept for
    # `:account all`, state.set_exposure); each runs once per version of the resources.
    @work(thread=True, exit_on_error=False, name="exposure", group="exposure")
    def _build_exposure(self) -> None:
        """The internet exposure of a big estate (ExplorerState.exposure), off the UI thread;
        the detail pane says it is being worked out until it is in. A failure is said there,
        with its reason, rather than ending the session."""
        from awsexplorer.model.exposure import exposure_of

        version, resources = self.call_from_thread(self.state.exposure_input)
        try:
            # Sleeping while keys are pressed, as the relationship index does: at 1,000,000
            # resources the analysis beside them made each key cost about twice its work.
            with heap.loading_scan(), self.background_build() as pause:
                pause()  # listing them is one C call: not in a key's way
                exposure = exposure_of(listed(resources), pause=pause)
        except Closing:
            return  # the app is closing
        except Exception as exc:  # any: shown in the detail pane, with its type
            reason = f"{type(exc).__name__}: {exc}"
            self.call_from_thread(self._exposure_done, self.state.exposure_failed, reason, version)
            return
        self.call_from_thread(self._exposure_done, self.state.set_exposure, exposure, version)

    def _exposure_done(self, keep: Any, value: Any, version: int) -> None:
        if keep(value, version):
            self._refresh_main(set())

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """The one place where a worker's outcome is handled."""
        worker = event.worker
        if event.state is WorkerState.SUCCESS:
            if worker.name == "scan" and worker.result is not None:
                self._apply_scan_events()
                self._flush_refresh()  # the scan's last regions, without waiting
                self.analysing = True
                if self.options.accounts is not None:  # the merged accounts, as scanned
                    self._analyse(worker.result)
                else:
                    self._analyse(self.state.unanalysed_result())
                self._refresh_main(set())
            elif worker.name == "analyse" and isinstance(worker.result, ExplorerState):
                self.analysing = False
                self._scan_generation += 1  # a view of the accounts so far not yet in: dropped
                self.state.adopt(worker.result)
                self.state.scanning = False
                if self.options.accounts is not None:
                    self._rebuild_accounts_tree()
                self.ensure_relations()
                self._refresh_main()
                self._update_views()
                count = len(self.state.findings)
                self.notify(
                    f"Scan complete: {self.state.resource_total} resources, "
                    f"{count} warning{'s' if count != 1 else ''}."
                )
                self._say_shared_arns()
        elif event.state is WorkerState.ERROR:
            self._worker_failed(worker)

    def _worker_failed(self, worker: Worker[object]) -> None:
        from awsexplorer.ui.screens.scan_error import ScanErrorScreen

        self.state.scanning = self.state.reading = False
        self.analysing = False
        error = worker.error
        if isinstance(error, UserError):
            title = "Cannot scan this account"
            self.push_screen(ScanErrorScreen(title, error.message, error.hint))
            return
        log = error_log_path()
        try:
            details = "".join(traceback.format_exception(error)) if error else "unknown error"
            # The exception's text can quote a name from AWS or a snapshot: inert, so reading
            # the log in a terminal cannot act on it.
            entry = f"{datetime.now(UTC).isoformat()} {worker.name}\n{details}"
            log.write_text(inert(entry, keep_newlines=True))
            where = f"The details are in {log}."
        except OSError:
            where = "The details could not be written to a log file."
        if worker.name == "analyse":
            self._refresh_main()
            self.notify(
                f"The checks failed ({type(error).__name__}: {error}); resources are shown "
                f"without warnings. {where}",
                severity="error",
                timeout=15,
            )
            return
        if worker.name == "read":
            self.push_screen(
                ScanErrorScreen(
                    "Reading the snapshot stopped unexpectedly",
                    f"{type(error).__name__}: {error}",
                    f"{where} If it happens again, please report it with that file.",
                    can_retry=False,
                )
            )
            return
        self.push_screen(
            ScanErrorScreen(
                "The scan stopped unexpectedly",
                f"{type(error).__name__}: {error}",
                f"{where} Retry with r; if it happens again, please report it with that file.",
            )
        )

    def _update_views(self) -> None:
        """Hand the newest scan to an open secondary view."""
        if not self.screen_stack:  # shutting down: a last batch of events after the screens
            return
        update = getattr(self.screen, "update_result", None)
        if callable(update) and not isinstance(self.screen, MainScreen):
            update(self.state.result())

    # -- actions ----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.state.scanning or self.analysing

    def action_rescan(self, region: str | None = None) -> None:
        if self.options.snapshot is not None:
            self.notify(
                "This is a saved snapshot, opened offline: rescanning needs AWS. "
                "Run awsexplorer without --snapshot to scan.",
                severity="warning",
            )
            return
        if self.busy:
            self.notify("A scan is already running.", severity="warning")
            return
        view = self.state.regions.get(region) if region else None
        if view is not None and view.status is RegionStatus.NOT_ENABLED:
            self.notify(f"{region} is not enabled for this account.", severity="warning")
            return
        if region and region != GLOBAL_REGION:
            self.notify(f"Rescanning {region} (and global IAM)…")
            self.start_scan((region,))
        else:
            self.notify("Rescanning every region…")
            self.start_scan()

    def action_retry(self) -> None:
        if is_a(self.screen, SCAN_ERROR):
            self.pop_screen()
        self.start_scan()

    def action_quit_with_error(self) -> None:
        from awsexplorer.ui.screens.scan_error import ScanErrorScreen  # it asks for this

        self.workers.cancel_all()
        if isinstance(self.screen, ScanErrorScreen):
            # Said again on stderr once the screen is gone, so the shell keeps a trace of it.
            error = self.screen
            self.startup_error = error.message + (f"\n  hint: {error.hint}" if error.hint else "")
        self.exit(EXIT_ERROR)

    def action_quit_app(self) -> None:
        self.workers.cancel_all()
        self.exit(0)

    def action_interrupt(self) -> None:
        self.workers.cancel_all()
        self.exit(EXIT_INTERRUPTED)

    @property
    def exit_code(self) -> int:
        """The process's exit status: what the app exited with, 1 after a crash (Textual prints
        the traceback and leaves with no return value), 0 for a plain quit."""
        if self.return_value is not None:
            return int(self.return_value)
        return self.return_code or 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save" and is_a(self.screen, SCAN_ERROR):
            return False  # no scan to save: not offered, and `s` does nothing
        if action == "prompt" and parameters == ("/",):
            screen = self.screen
            if isinstance(screen, MainScreen):
                return True
            return is_a(screen, SCAN_VIEW) and bool(screen.query(Input))
        return True

    async def action_prompt(self, mode: str) -> None:
        """`:` (anywhere) or `/` (where there is something to filter), focused synchronously
        (awaiting only the bar's mount, for a key pressed before the first frame was done)."""
        from awsexplorer.ui.screens.help import HelpScreen
        from awsexplorer.ui.screens.scan_view import ScanViewScreen

        if isinstance(self.focused, Input):
            raise SkipAction()  # typed into the box that has the focus
        screen = self.screen
        if mode == "/" and not isinstance(screen, MainScreen):
            if not isinstance(screen, ScanViewScreen):
                raise SkipAction()
            boxes = screen.query(Input)
            if not boxes:
                raise SkipAction()  # a view with nothing to filter (the error log)
            screen.action_focus_filter()
            screen.set_focus(boxes.first())
            return
        if mode == ":":
            if not isinstance(screen, (MainScreen, ScanViewScreen, HelpScreen)):
                raise SkipAction()  # the start-up error screen and the dialogs: nothing to jump to
            came_from = screen if isinstance(screen, ScanViewScreen) else None
            await self.main.prompt_bar_ready()
            while len(self.screen_stack) > 1:
                self.pop_screen()
            self.main.open_prompt(mode, came_from=came_from)
            return
        await self.main.prompt_bar_ready()
        self.main.open_prompt(mode)

    def action_help(self) -> None:
        from awsexplorer.ui.screens.help import HelpScreen

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        name = view_name(screen)
        own = getattr(screen, "HELP_VIEW", None)  # the history screens' keys
        if name is None and own in VIEW_KEYS:
            title = f"{getattr(screen, 'VIEW_NAME', own)} keys  (? or Esc closes this)"
            self.push_screen(HelpScreen(VIEW_KEYS[own], title))
            return
        if name is None:
            self.push_screen(HelpScreen())
            return
        title = f"{VIEWS[name][2]} keys  (? or Esc closes this)"
        self.push_screen(HelpScreen(VIEW_KEYS[name], title))

    def action_show_view(self, name: str) -> None:
        module_name, class_name, title = VIEWS[name]
        try:
            screen_class = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError):
            self.notify(f"The {title} view is not available in this build.", severity="warning")
            return
        while len(self.screen_stack) > 1:  # views replace each other; esc goes back to the tree
            self.pop_screen()
        screen = screen_class(self.state.result())
        screen.settings = self.options.settings  # the checks' settings: the same verdicts
        if self.options.snapshot is not None:
            screen.as_of = parse_time(self.state.finished_at)  # judged as of the scan
        self.push_screen(screen)

    # -- baseline (docs/diff.md) --------------------------------------------------------------

    def show_baseline_changes(self) -> None:
        from awsexplorer.ui.screens.baseline import BaselineChangesScreen

        if self.state.changes is None:
            return
        while len(self.screen_stack) > 1:  # like a view: Esc goes back to the tree
            self.pop_screen()
        since = self.state.baseline_name or "the baseline"
        self.push_screen(BaselineChangesScreen(self.state.changes, since, self.main.jump))

    def action_baseline(self, path_text: str) -> None:
        """`:baseline FILE` marks the tree against that snapshot; `:baseline off` clears it."""
        from awsexplorer import snapshot

        text = path_text.strip()
        if not text:
            self.notify("Which snapshot? :baseline FILE (or :baseline off).", severity="warning")
            return
        if text == "off":
            self.state.set_baseline(None)
            self._refresh_main()
            self.notify("Baseline cleared.")
            return
        path = Path(text).expanduser()
        try:
            old = snapshot.read(path)
        except UserError as exc:
            self.notify(inert(exc.message, limit=300), severity="error")
            return
        if self.state.account is not None and old.account.id != self.state.account.id:
            self.notify(
                f"{inert(path.name, limit=80)} is account {inert(old.account.id, limit=20)}, "
                f"this scan is {inert(self.state.account.id, limit=20)}: choose a snapshot "
                "of this account.",
                severity="error",
            )
            return
        found = self.state.set_baseline(old, path.name)
        self._refresh_main()
        if found is not None:
            self.notify(
                f"Against {inert(path.name, limit=80)}: +{len(found.added)} added, "
                f"~{len(found.changed)} changed, -{len(found.removed)} removed. "
                ":changes lists them."
            )

    # -- CloudTrail history (docs/history.md) ------------------------------------------------

    def _no_history_here(self) -> bool:
        """Offline, and in the demo, there is no CloudTrail to ask: say so (True) instead."""
        if self.options.snapshot is not None:
            self.notify(
                "This is a saved snapshot, opened offline: there is no CloudTrail history "
                "offline. Run awsexplorer without --snapshot to see who changed what.",
                severity="warning",
            )
            return True
        if self.options.demo:
            self.notify(
                "The demo account has no CloudTrail history (its local server records none).",
                severity="warning",
            )
            return True
        return False

    def fetch_history(
        self, pages: Any, on_page: Any, cancelled: Any, account_id: str | None = None
    ) -> bool:
        """On a worker thread: stream `pages` through the scanner's session (made once, with
        the app's scan config), `on_page` for each; False when cancelled first. `account_id`:
        of several accounts, the one whose CloudTrail to ask, reached as the scan reached it
        (its profile or its role: scan/accounts.reach)."""
        with self._history_lock:
            if self._history is None:
                from awsexplorer.scan.history import HistoryService

                self._history = HistoryService(self._scan_config or self.options.config)
        target = None
        choice = self.options.accounts
        if choice is not None and account_id:
            from awsexplorer.scan.accounts import reach

            found = [a for a in self.state.member_accounts if a.id == account_id]
            target = reach(found[0], choice) if found else None
        return bool(self._history.run(pages, on_page, cancelled, target))

    def _history_of(self, account_id: str | None) -> Callable[..., bool]:
        """fetch_history for one account's CloudTrail (the app's own with one account)."""
        return functools.partial(self.fetch_history, account_id=account_id)

    def _scan_reference(self) -> datetime:
        return parse_time(self.state.finished_at) or datetime.now(UTC)

    def action_history(self, arn: str | None = None) -> None:
        """`t`: the selected resource's CloudTrail history: the last 90 days, or, for a resource
        added, changed or removed since the baseline, the events between the two scans."""
        if self._no_history_here():
            return
        resource = (self.state.get(arn) or self.state.removed_resource(arn)) if arn else None
        if resource is None:
            self.notify("Select a resource first: t shows its CloudTrail history.")
            return
        from awsexplorer.model.history import MAX_HOURS, between_scans, target_for
        from awsexplorer.ui.screens.history import HistoryQuery, HistoryScreen

        target = target_for(resource.type, resource.id, resource.arn, resource.region)
        if not target.names:
            self.notify(f"No history for {target.label}: {target.reason}.", severity="warning")
            return
        window = None
        found = self.state.changes
        if found is not None and self.state.mark(resource.arn) is not None:
            try:
                window = between_scans(
                    found.old_finished_at, found.new_finished_at, datetime.now(UTC)
                )
            except ValueError as exc:
                self.notify(f"No history for {inert(target.label, limit=80)}: {exc}.")
                return
        label = target.label
        account = accounts_view.shown_account_names(self.state).get(resource.account_id or "")
        if account:  # several accounts: whose CloudTrail this is
            label = f"{label} in {account}"
        query = HistoryQuery("resource", target.region, target.names, MAX_HOURS, label, window)
        screen = HistoryScreen(
            self.state.result(),
            query,
            self._history_of(resource.account_id),
            reference=self._scan_reference(),
        )
        self.push_screen(screen)

    def action_changes(self, region: str | None = None, hours_text: str = "") -> None:
        """`:changes [HOURS]`: every mutating event CloudTrail recorded in the region; with a
        baseline (--baseline, :baseline), what changed since it (screens/baseline.py)."""
        if self.state.changes is not None:
            self.show_baseline_changes()
            return
        if self._no_history_here():
            return
        accounts = self.state.member_accounts if self.state.account_view is None else []
        if len(accounts) > 1:
            self.notify(
                ":changes reads one account's CloudTrail: show that account first "
                "(:account NAME), then :changes.",
                severity="warning",
            )
            return
        from awsexplorer.model.history import GLOBAL_SERVICE_REGION, history_region, parse_hours
        from awsexplorer.ui.screens.history import HistoryQuery, HistoryScreen

        try:
            hours = parse_hours(hours_text)
        except ValueError as exc:
            self.notify(f":changes {hours_text}: {exc}. Try :changes 48.", severity="warning")
            return
        where = history_region(region or "")
        scope = {where} | ({GLOBAL_REGION} if where == GLOBAL_SERVICE_REGION else set())
        by_name: dict[str, str] = {}
        for resource in self.state.result().resources:
            if resource.region in scope:
                by_name.setdefault(resource.id, resource.arn)
                by_name.setdefault(resource.arn, resource.arn)
        label = where
        if self.state.account_view is not None:  # one account of several: say which
            from awsexplorer.model.accounts import names_of_accounts

            names = names_of_accounts(self.state.member_accounts)
            label = f"{where} of {names.get(self.state.account_view, self.state.account_view)}"
        query = HistoryQuery("changes", where, (), hours, label)
        screen = HistoryScreen(
            self.state.result(),
            query,
            self._history_of(self.state.account_view),
            reference=self._scan_reference(),
            by_name=by_name,
        )
        while len(self.screen_stack) > 1:  # like a view: Esc goes back to the tree
            self.pop_screen()
        self.push_screen(screen)

    def default_snapshot_path(self) -> str:
        account = self.state.account.id if self.state.account else "account"
        # Named after the scan, not the save: saving the same scan twice gives the same name.
        finished = parse_time(self.state.finished_at) or datetime.now(UTC)
        stamp = finished.strftime("%Y%m%d-%H%M%S")
        return f"awsexplorer-{account}-{stamp}.json"

    def action_save(self) -> None:
        if self.busy:
            still = (
                "The snapshot is still being read; save once it is all in"
                if self.state.reading
                else "The scan is still running; save once it has finished"
            )
            self.notify(f"{still}, so the snapshot is whole.", severity="warning")
            return
        if self.state.account is None:
            self.notify("Nothing to save yet.", severity="warning")
            return
        from awsexplorer.ui.screens.save_snapshot import SaveSnapshotScreen

        self.push_screen(SaveSnapshotScreen(self.default_snapshot_path()), self.save_snapshot)

    def save_snapshot(self, path: str | None, overwrite: bool = False) -> None:
        if not path:
            return
        from awsexplorer import snapshot

        target = Path(path).expanduser()
        if target.is_dir():  # a folder: the default file name inside it
            target = target / self.default_snapshot_path()
        if not target.parent.is_dir():
            self.notify(
                f"Not saved: {target.parent} "
                f"{'is not a folder' if target.parent.exists() else 'does not exist'}. "
                "Create the folder first, or pick another one.",
                severity="error",
                timeout=10,
            )
            return
        if target.exists() and not overwrite:
            from awsexplorer.ui.screens.save_snapshot import ConfirmOverwriteScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    self.save_snapshot(str(target), overwrite=True)
                else:
                    self.notify(f"Not saved: {target} was kept as it was.")

            self.push_screen(ConfirmOverwriteScreen(target), answered)
            return
        try:
            written = snapshot.write(self.state.result(), target)
        except (OSError, UserError) as exc:
            self.notify(f"Could not save to {path}: {exc}", severity="error", timeout=10)
            return
        self.notify(
            f"Saved {self.state.resource_total} resources to {written.resolve()}. "
            f"Reopen it with: awsexplorer --snapshot {written}",
            title="Snapshot saved",
            timeout=10,
        )

    @on(JumpTo)
    def _jump(self, message: JumpTo) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.main.jump(message.arn)

    @on(ShowAccount)
    def _show_account(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.main.show_account()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, (_, _, title) in VIEWS.items():
            yield SystemCommand(title, f":{name}", lambda name=name: self.action_show_view(name))
        yield SystemCommand(
            "Errors", "The error log: every failed call (!, :errors)", partial_view("errors", self)
        )
        yield SystemCommand("Save snapshot", "Save this scan to a file (s)", self.action_save)
        if self.options.snapshot is None:  # offline, there is nothing to rescan
            yield SystemCommand("Rescan", "Scan the whole account again (r)", self.action_rescan)
        yield SystemCommand("Keys", "Every key (?)", self.action_help)
        yield SystemCommand("Help", "Every key and what it does (?)", self.action_help)
        yield SystemCommand("Quit", "Leave awsexplorer (q, Ctrl+C)", self.action_quit_app)
        if isinstance(screen, MainScreen):
            yield SystemCommand(
                "Attention only",
                "Hide everything without a warning (Ctrl+Z)",
                screen.action_toggle_attention,
            )
            yield SystemCommand(
                "Copy", "Copy the selected ARN or id to the clipboard (c)", screen.action_copy
            )
            yield SystemCommand(
                "Filter", "Filter the tree (/)", lambda: screen.action_open_prompt("/")
            )


def loaded_state(result: ScanResult, pause: Callable[[], None] | None = None) -> ExplorerState:
    """A state of its own loaded with `result` and warmed (ExplorerState.warm), for the UI to
    adopt (ExplorerState.adopt): made on a worker thread, so the UI thread only swaps it in;
    `pause()` between its pieces (state.loading_with)."""
    built = ExplorerState()
    with heap.loading_scan(), loading_with(pause):
        built.load(result)
        built.warm()
    return built
