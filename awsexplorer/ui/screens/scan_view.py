"""What the VPC, IAM, findings and error-log screens share: the scan they show, keys, jumping.

Each screen is built from a ScanResult (possibly still growing) and a clock (`now`, injectable so
relative times are deterministic in tests). The app may hand a newer result to `update_result`
while the screen is open; the screen rebuilds and keeps the cursor where it was.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from awsexplorer.config import Settings
from awsexplorer.inert import inert
from awsexplorer.model import ScanResult
from awsexplorer.ui.escape import AltIsEscapeThenKey
from awsexplorer.ui.messages import JumpTo
from awsexplorer.ui.widgets.key_line import KeyLine


class ScanViewScreen(AltIsEscapeThenKey, Screen[None]):
    """A full-screen view over the scan: `esc` goes back, Enter on a resource jumps to it."""

    DEFAULT_CSS = """
    ScanViewScreen > #view-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text;
        text-style: bold;
    }
    ScanViewScreen .view-detail {
        height: auto;
        max-height: 4;
        padding: 0 1;
        border-top: solid $panel-lighten-2;
        color: $text-muted;
    }
    ScanViewScreen .view-empty {
        padding: 1 2;
        color: $text-muted;
    }
    ScanViewScreen #view-filter {
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
        display: none;
    }
    ScanViewScreen #view-filter:focus {
        background: $primary 20%;
    }
    ScanViewScreen #view-filter.-active {
        display: block;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("j", "cursor_down", "Move", key_display="j/k"),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(
        self, result: ScanResult, now: datetime | None = None, *, as_of: datetime | None = None
    ) -> None:
        super().__init__()
        self.result = result
        self._fixed_now = now
        # A snapshot opened offline: "last used" and "dormant" are judged at the scan's finish
        # time, as its stored findings were, not against today's clock.
        self.as_of = as_of
        # The checks' settings (the app sets the user's): the view judges as the checks do.
        self.settings = Settings()
        self._cooling_down = False
        self._stale = False
        self.filter_text = ""

    @property
    def now(self) -> datetime:
        """The screen's clock: fixed in tests, the wall clock otherwise."""
        return self._fixed_now or self.as_of or datetime.now(UTC)

    def compose_title(self) -> ComposeResult:
        yield Static(Text(self.title_text()), id="view-title", markup=False)

    def compose_footer(self) -> ComposeResult:
        # Compact, and no palette hint (Ctrl+P still works): every key fits in 80 columns.
        yield KeyLine()

    # -- the `/` filter (screens that have one yield compose_filter and define main_widget) ----

    FILTER_PLACEHOLDER = "filter: words to look for"

    def compose_filter(self) -> ComposeResult:
        """A one-line filter, shown once `/` is pressed or while it holds text."""
        yield Input(placeholder=self.FILTER_PLACEHOLDER, id="view-filter")

    def main_widget(self) -> Widget | None:
        """The list or tree that has the focus when not filtering."""
        return None

    @property
    def typing(self) -> bool:
        """True while the filter has the focus: keys are text then, never commands."""
        return isinstance(self.focused, Input)

    def skip_while_typing(self) -> None:
        """Priority bindings (space, enter) call this first so a typed key reaches the filter."""
        if self.typing:
            raise SkipAction()

    def filter_words(self) -> list[str]:
        return self.filter_text.lower().split()

    def matches(self, *haystack: str | None) -> bool:
        text = " ".join(h for h in haystack if h).lower()
        return all(word in text for word in self.filter_words())

    def action_focus_filter(self) -> None:
        box = self.query("#view-filter").first(Input)
        box.add_class("-active")
        box.focus()

    def _done_filtering(self) -> None:
        box = self.query("#view-filter").first(Input)
        box.set_class(bool(box.value), "-active")
        main = self.main_widget()
        if main is not None:
            main.focus()

    @on(Input.Changed, "#view-filter")
    def _view_filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value
        self.rebuild()

    @on(Input.Submitted, "#view-filter")
    def _view_filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._done_filtering()

    def title_text(self) -> str:
        """One short line naming the view and the account (or how many, for several: the
        view covers them all); subclasses append their counts."""
        scans = self.result.account_scans()
        if len(scans) > 1:
            who = f"{len(scans)} accounts"
        else:  # its alias, else its name in the Organization, else its id
            who = inert(scans[0].label if scans else self.result.account.id, limit=40)
        scanning = " · scanning…" if self.result.finished_at is None else ""
        as_of = f" · as of {self.as_of:%Y-%m-%d}" if self.as_of else ""
        return f"{self.VIEW_NAME} · {who}{scanning}{as_of}"

    VIEW_NAME = "View"

    # While a scan streams in, rebuild at most this often: keys stay responsive on big accounts.
    REBUILD_INTERVAL = 0.5

    def update_result(self, result: ScanResult) -> None:
        """Show a newer scan (the app calls this as results arrive).

        The first update is shown at once; later ones within REBUILD_INTERVAL are coalesced
        into one rebuild at the end of it, with the newest result.
        """
        self.result = result
        if not self.is_mounted:
            return
        if self._cooling_down:
            self._stale = True
            return
        self.rebuild()
        self._cooling_down = True
        self.set_timer(self.REBUILD_INTERVAL, self._cooled_down)

    def _cooled_down(self) -> None:
        self._cooling_down = False
        if self._stale:
            self._stale = False
            self.update_result(self.result)

    def rebuild(self) -> None:
        """Recompute the view from `self.result`; subclasses keep their cursor in place."""
        self.query_one("#view-title", Static).update(Text(self.title_text()))

    def shown_filter(self) -> str:
        """The filter as typed, made inert, to be quoted in a title or a message (as Text)."""
        return inert(self.filter_text.strip(), limit=40)

    def jump_to(self, arn: str) -> None:
        """Leave this screen and ask the app to show `arn` in the main tree.

        The screen pops itself first (pop_screen takes it off the stack at once), then posts
        JumpTo to the app, so the app's handler runs with the main screen already active.
        """
        app = self.app
        self.dismiss()
        app.post_message(JumpTo(arn))

    def action_back(self) -> None:
        """Esc: a filter is cleared first (and typing ends), then the view closes."""
        boxes = self.query("#view-filter")
        if boxes:
            box = boxes.first(Input)
            if box.value:
                box.value = ""
                self.filter_text = ""
                self.rebuild()
                self._done_filtering()
                return
            if self.typing:
                self._done_filtering()
                return
        self.dismiss()

    def _focused_action(self, name: str) -> None:
        focused = self.focused
        action = getattr(focused, f"action_{name}", None)
        if callable(action):
            action()

    def action_cursor_down(self) -> None:
        self._focused_action("cursor_down")

    def action_cursor_up(self) -> None:
        self._focused_action("cursor_up")
