"""`?`: every key, from the one table in `ui/keys.py` (in a view, that view's keys)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from awsexplorer.ui.escape import AltIsEscapeThenKey
from awsexplorer.ui.keys import KEYS

TITLE = "awsexplorer keys  (read-only: nothing here changes the account)"


def keys_table(keys: list[tuple[str, str]] = KEYS) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, what in keys:
        table.add_row(key, what)
    return table


class HelpScreen(AltIsEscapeThenKey, ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help-box {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: round $accent;
        padding: 0 1;
        background: $surface;
    }
    #help-title { text-style: bold; padding-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
        # The list is longer than 24 lines can hold: it scrolls as every list here does.
        Binding("j,down", "scroll(1)", "Scroll", show=False),
        Binding("k,up", "scroll(-1)", "Scroll", show=False),
        Binding("pagedown,space", "page(1)", "Page", show=False),
        Binding("pageup", "page(-1)", "Page", show=False),
    ]

    def __init__(self, keys: list[tuple[str, str]] = KEYS, title: str = TITLE) -> None:
        super().__init__()
        self.keys = keys
        self.help_title = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self.help_title, id="help-title", markup=False)
            yield Static(keys_table(self.keys))

    @property
    def box(self) -> VerticalScroll:
        return self.query_one("#help-box", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        self.box.scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        box = self.box
        page = max(1, box.scrollable_content_region.height - 1)
        box.scroll_relative(y=pages * page, animate=False)
