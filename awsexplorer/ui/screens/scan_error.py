"""A scan that could not start (no credentials, expired SSO, unknown profile...): what and the fix.

Never a traceback: an unexpected failure gets the same screen, with the log file's path.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from awsexplorer.inert import inert


class ScanErrorScreen(Screen[None]):
    DEFAULT_CSS = """
    ScanErrorScreen { align: center middle; }
    #error-box {
        width: 90%;
        max-width: 100;
        height: auto;
        border: heavy $error;
        padding: 1 2;
    }
    #error-title { text-style: bold; padding-bottom: 1; }
    #error-message, #error-hint { padding-bottom: 1; }
    #error-keys { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "app.retry", "Retry"),
        Binding("q", "app.quit_with_error", "Quit"),
        Binding("escape", "app.quit_with_error", "Quit", show=False),
    ]

    def __init__(self, title: str, message: str, hint: str | None, can_retry: bool = True) -> None:
        super().__init__()
        # The message and hint can quote AWS's error text (and so a name someone chose): inert.
        self.error_title = inert(title)
        self.message = inert(message, keep_newlines=True)
        self.hint = inert(hint, keep_newlines=True) if hint else None
        self.can_retry = can_retry

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Static(Text(self.error_title, style="bold"), id="error-title")
            yield Static(Text(self.message), id="error-message")
            if self.hint:
                fix = Text("To fix it: ", style="bold")
                fix.append(self.hint)
                yield Static(fix, id="error-hint")
            keys = (
                "r retries (after fixing it in another pane), q quits."
                if self.can_retry
                else "q quits."
            )
            yield Static(Text(keys, style="dim"), id="error-keys")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "app.retry" or action == "retry":
            return self.can_retry
        return True
