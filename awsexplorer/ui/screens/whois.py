"""`:` followed by an IP address, a CIDR or a DNS name: whose address is this? (issue 14)

As you type, the first `:` suggestion answers (the owner, or how many); Enter opens the answer
screen: every owner with its kind, region and the interface or Route 53 record it was found
through. Enter on an owner shows it in the tree, in any region; Esc comes back. The answer screen
opens even for a single owner, so the interface or record it was found through is always seen.

The index is the state's (`ExplorerState.whois`), built once per scan or snapshot, in a worker
thread on the first address typed (half a second at 100,000 resources: the UI does not
freeze): meanwhile the suggestion says "indexing addresses…" and the answer screen opens
saying so, then fills in. Every string here comes from AWS or a snapshot: rich Text built from
inert values, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from awsexplorer.inert import inert
from awsexplorer.model.kinds import kind_of
from awsexplorer.model.whois import (
    CONTAINS,
    OVERLAPS,
    NotAnAddress,
    Owner,
    Query,
    WhoisIndex,
    parse,
)
from awsexplorer.ui import accounts_view, heap
from awsexplorer.ui.escape import AltIsEscapeThenKey
from awsexplorer.ui.state import listed
from awsexplorer.ui.widgets.command_bar import Suggestion
from awsexplorer.ui.widgets.key_line import KeyLine

if TYPE_CHECKING:
    from awsexplorer.ui.state import ExplorerState

COMMAND = "whois"
INDEXING = "indexing addresses…"
SHOWN_LIMIT = 500  # rows on the answer screen (a wide CIDR); the title says how many in all


def query_of(text: str) -> Query | None:
    """The address, CIDR or DNS name typed after `:`, or None when it is none of these."""
    try:
        return parse(text)
    except NotAnAddress:
        return None


def _where(owner: Owner, state: ExplorerState, accounts: dict[str, str]) -> Text:
    """`accounts`: account id -> name while several accounts are shown: two accounts' VPCs may
    use the same addresses, so each owner's account is named before its region."""
    resource = state.get(owner.arn)
    text = Text()
    if resource is None:
        text.append(inert(owner.arn, limit=70), style="bold")
        return text
    text.append(inert(resource.name, limit=40), style="bold")
    if resource.id != resource.name:
        text.append(f" {inert(resource.id, limit=40)}")
    text.append(f"  {inert(kind_of(resource.type).title, limit=40)}", style="dim")
    account = accounts.get(resource.account_id or "")
    if account:
        text.append(f"  {inert(account, limit=40)}", style="bold")
    text.append(f"  {inert(owner.region, limit=30)}", style="cyan")
    return text


def whois_index(screen: Any) -> WhoisIndex | None:
    """The state's whois index when built; else None, with a worker building it (one at a
    time): when it is in, an open `:` line is suggested again and a waiting answer filled."""
    state = screen.state
    index: WhoisIndex | None = state.whois_ready
    if index is None:
        app = screen.app
        version, _ = state.whois_input()
        if getattr(app, "_whois_building", None) != version:
            app._whois_building = version
            app.run_worker(lambda: _build(app, state), thread=True, name="whois", group="whois")
    return index


def _build(app: Any, state: ExplorerState) -> None:
    """On a worker thread: the index of the state's resources, handed back to the UI thread."""
    version, resources = app.call_from_thread(state.whois_input)
    with heap.loading_scan():
        index = WhoisIndex.build(listed(resources))
    app.call_from_thread(_built, app, state, index, version)


def _built(app: Any, state: ExplorerState, index: WhoisIndex, version: int) -> None:
    app._whois_building = None
    if not state.set_whois(index, version):
        return
    for screen in app.screen_stack:
        if isinstance(screen, WhoisScreen) and screen.owners is None:
            screen.answered(index)
    from awsexplorer.ui.widgets.command_bar import CommandBar

    for bar in app.query(CommandBar):  # the main screen's `:` line, open on an address
        if bar.is_open and bar.input.value.strip():
            bar._show_suggestions(bar.input.value)


def whois_suggestion(state: ExplorerState, text: str, screen: Any = None) -> Suggestion | None:
    """The `:` suggestion answering an address, CIDR or DNS name (None for anything else, and
    for a name nobody answers to: it may be part of a resource's name). With the `screen`
    (the main screen) the index is built in a worker: until it is in, "indexing addresses…"."""
    query = query_of(text)
    if query is None:
        return None
    if screen is None:
        index = state.whois()
    else:
        found = whois_index(screen)
        if found is None:
            prompt = Text.assemble(
                ("whose address is ", "bold"), (inert(query.text, limit=60), "bold")
            )
            prompt.append(f"  {INDEXING}", style="dim")
            return Suggestion(prompt, f"{COMMAND} {query.text}", True)
        index = found
    owners = index.lookup(query)
    if not owners and query.name is not None:
        return None
    prompt = Text.assemble(("whose address is ", "bold"), (inert(query.text, limit=60), "bold"))
    held = [o for o in owners if o.kind not in (CONTAINS, OVERLAPS)]
    if not owners:
        prompt.append("  nobody's: not in this account's address space", style="dim")
    elif len(held) == 1:
        prompt.append(f"  {held[0].kind}: ")
        prompt.append_text(_where(held[0], state, accounts_view.shown_account_names(state)))
    elif held:
        prompt.append(f"  {len(held)} owners (Enter lists them)")
    else:
        prompt.append("  nobody holds it; inside ")
        prompt.append(", ".join(inert(o.address, limit=45) for o in owners[:3]), style="cyan")
    return Suggestion(prompt, f"{COMMAND} {query.text}", True)


def show_whois(screen: Any, text: str) -> bool:
    """Open the answer for `text` over `screen` (the main screen: its state and jump)."""
    try:
        query = parse(text)
    except NotAnAddress as error:
        screen.notify(
            f"{inert(str(error), limit=200)}. Type it after `:` — e.g. :10.0.1.5",
            severity="warning",
        )
        return False
    index = whois_index(screen)
    owners = index.lookup(query) if index is not None else None
    screen.app.push_screen(WhoisScreen(query.text, owners, screen.state, screen.jump, query))
    return True


class WhoisScreen(AltIsEscapeThenKey, Screen[None]):
    """The owners of one address, CIDR or name; Enter: the owner in the tree."""

    HELP_VIEW = "whois"
    VIEW_NAME = "Whose address"

    DEFAULT_CSS = """
    WhoisScreen #whois-title { height: auto; padding: 0 1; text-style: bold; }
    WhoisScreen #whois-hint { height: auto; padding: 0 1; color: $text-muted; }
    WhoisScreen #whois-list { height: 1fr; border: none; padding: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("enter", "show", "Show in tree", priority=True),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
    ]

    def __init__(
        self,
        asked: str,
        owners: list[Owner] | None,
        state: ExplorerState,
        jump: Callable[[str], object],
        query: Query | None = None,
    ) -> None:
        super().__init__()
        self.asked = asked
        self.owners = owners  # None: the index is being built (`answered` fills it in)
        self.question = query
        self.state = state
        self._jump = jump

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Whose address is {inert(self.asked, limit=70)}?"), id="whois-title")
        yield Static(self._hint(), id="whois-hint")
        yield OptionList(*self._options(), id="whois-list")
        yield KeyLine()

    def answered(self, index: WhoisIndex) -> None:
        """The index is in: the owners, instead of "indexing addresses…"."""
        if self.question is None:
            return
        self.owners = index.lookup(self.question)
        self.query_one("#whois-hint", Static).update(self._hint())
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(self._options())

    def _hint(self) -> Text:
        if self.owners is None:
            return Text(f"{INDEXING[0].upper()}{INDEXING[1:]} (once per scan or snapshot)")
        held = [o for o in self.owners if o.kind not in (CONTAINS, OVERLAPS)]
        if not self.owners:
            return Text(
                "Nobody holds it, and no VPC or subnet of this account contains it: "
                "not in this account's address space."
            )
        networks = len(self.owners) - len(held)
        if "/" in self.asked:  # a CIDR: the addresses held inside it, the networks it touches
            count = f"{len(held)} address{'es' if len(held) != 1 else ''} held"
            count += f", {networks} VPC{'s' if networks != 1 else ''}/subnets overlap"
        elif held:
            count = f"{len(held)} owner{'s' if len(held) != 1 else ''}"
        else:
            count = "Nobody holds it; the VPCs and subnets that contain it"
        shown = f" (the first {SHOWN_LIMIT})" if len(self.owners) > SHOWN_LIMIT else ""
        return Text(f"{count}{shown}. Enter: show in tree · Esc: back")

    def _options(self) -> list[Option]:
        options: list[Option] = []
        if self.owners is None:
            return [Option(Text(INDEXING, style="dim"), disabled=True)]
        accounts = accounts_view.shown_account_names(self.state)
        for n, owner in enumerate(self.owners[:SHOWN_LIMIT]):
            line = Text(f"{owner.kind:<15}", style="bold")
            line.append_text(_where(owner, self.state, accounts))
            address = inert(owner.address, limit=60)
            line.append(f"\n{'':15}{address}", style="dim")
            if owner.via:
                via = inert(owner.via, limit=60)
                # A long record id goes on its own line, indented like the address.
                gap = "  " if len(address) + len(via) <= 56 else f"\n{'':15}"
                line.append(f"{gap}via {via}", style="dim")
            options.append(Option(line, id=str(n)))
        if not options:
            options.append(Option(Text("(no owner)", style="dim"), disabled=True))
        return options

    def action_cursor(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if step > 0:
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()

    def action_show(self) -> None:
        listing = self.query_one(OptionList)
        index = listing.highlighted
        if index is None or not self.owners:
            return
        self._go(self.owners[index].arn)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None and self.owners:
            self._go(self.owners[int(event.option.id)].arn)

    def _go(self, arn: str) -> None:
        self.app.pop_screen()
        self._jump(arn)
