"""`x` on a resource that names other scanned accounts (issue 17): pick one; Enter goes to the
peer resource when the scan holds it, else to the account's node. One link goes at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from awsexplorer.inert import inert
from awsexplorer.model.accounts import AccountLink
from awsexplorer.ui.escape import AltIsEscapeThenKey


def link_prompt(link: AccountLink) -> Text:
    text = Text(f"account {inert(link.account_id, limit=20)}", style="bold")
    if link.label:
        text.append(f" ({inert(link.label, limit=30)})")
    text.append(f"  {inert(link.via, limit=40)}", style="dim")
    text.append(
        f" → {inert(link.target.rsplit(':', 1)[-1], limit=50)}" if link.target else " → account",
        style="dim",
    )
    return text


class AccountLinksScreen(AltIsEscapeThenKey, ModalScreen[None]):
    DEFAULT_CSS = """
    AccountLinksScreen { align: center middle; }
    AccountLinksScreen > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    AccountLinksScreen OptionList { height: auto; max-height: 14; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss_links", "Close"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    def __init__(self, title: str, links: list[AccountLink], go: Callable[[AccountLink], None]):
        super().__init__()
        self.title_text = title
        self.links = links
        self.go = go

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(inert(self.title_text, limit=120), style="bold"))
            yield OptionList(*(Option(link_prompt(k)) for k in self.links), id="links")
            yield Static(Text("Enter: go there · Esc: close", style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_dismiss_links(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        link = self.links[event.option_index]
        self.dismiss(None)
        self.go(link)
