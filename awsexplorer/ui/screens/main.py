"""The main screen: header, the account tree, the detail pane, the `/` and `:` prompt, the footer.

The screen decides what the widgets' announcements mean (filter the tree, jump, switch view);
scanning, saving and the other views belong to the app.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount, MountError
from textual.widgets import Tree

from awsexplorer import start_up
from awsexplorer.inert import inert
from awsexplorer.model import GLOBAL_REGION, RegionStatus
from awsexplorer.ui import heap
from awsexplorer.ui.labels import short_type
from awsexplorer.ui.state import ExplorerState, NodeRef, region_order
from awsexplorer.ui.widgets.account_header import AccountHeader
from awsexplorer.ui.widgets.detail_pane import DetailPane
from awsexplorer.ui.widgets.key_line import KeyLine
from awsexplorer.ui.widgets.resource_tree import ResourceTree

if TYPE_CHECKING:
    from awsexplorer.config import AppOptions
    from awsexplorer.ui.state import SearchIndex
    from awsexplorer.ui.widgets.command_bar import CommandBar, Suggestion
    from awsexplorer.ui.widgets.resource_tree import Matches


class MatchAsked(NamedTuple):
    """A filter matched off the UI thread, and what it was matched for: shown only if none of
    it changed meanwhile (the tree's filter set again, other resources, attention toggled)."""

    filter_changes: int
    resources_version: int
    text: str
    attention: bool


class Explorer(Protocol):
    """What this screen asks of the app (AwsExplorerApp provides it). A protocol, so the screen
    does not import the app that composes it."""

    options: AppOptions

    def action_show_view(self, name: str) -> None: ...

    def action_help(self) -> None: ...

    def action_save(self) -> None: ...

    def action_quit_app(self) -> None: ...

    def action_rescan(self, region: str | None = None) -> None: ...

    def action_history(self, arn: str | None = None) -> None: ...

    def action_changes(self, region: str | None = None, hours_text: str = "") -> None: ...

    def action_baseline(self, path_text: str) -> None: ...

    def ensure_relations(self) -> None: ...

    def foreground_work(self) -> contextlib.AbstractContextManager[None]: ...


# `:` commands: name -> what the suggestion says.
COMMANDS: dict[str, str] = {
    "vpc": "VPC topology: subnets public/private, gateways, what runs where",
    "iam": "IAM principals: last used, MFA, key ages, admin",
    "findings": "every warning, worst first",
    "errors": "the error log: every failed call",
    "exposed": "what the internet can reach: port, resource, path (admin, database first)",
    "flow": "request and event paths through the selected resource, both ways",
    "changes": "every change CloudTrail recorded in this region (:changes HOURS; default 24)",
    "whois": "whose address is this: type an IP, a CIDR or a DNS name after :",
    "baseline": "mark the tree against an earlier snapshot (:baseline FILE, :baseline off)",
    "account": "show one account of several (:account NAME or ID; :account all)",
    "help": "all the keys",
    "save": "save this scan as a snapshot",
    "quit": "leave awsexplorer",
}
MAX_RESOURCE_SUGGESTIONS = 30
FILTER_DELAY = 0.15  # seconds of no typing before `/` re-filters the tree
# Resources from which `/` matches on a worker thread (once the search index is in).
FILTER_IN_WORKER = 100_000
VIEW_CLASSES = {
    "VpcScreen": "vpc",
    "IamScreen": "iam",
    "FindingsScreen": "findings",
    "ErrorLogScreen": "errors",
    "ExposedScreen": "exposed",
}


def view_name(screen: Screen[Any]) -> str | None:
    """The `:name` of a secondary view screen."""
    return VIEW_CLASSES.get(type(screen).__name__)


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # The app's: taken before the keys typed after them (see AwsExplorerApp.BINDINGS).
        Binding("slash", "app.prompt('/')", "Filter", priority=True),
        Binding("colon", "app.prompt(':')", "Jump", priority=True),
        Binding("ctrl+z", "toggle_attention", "Attn"),  # "Attention" would push Save off 80 columns
        Binding("c", "copy", "Copy"),
        Binding("r", "rescan", "Rescan"),
        Binding("t", "history", "History"),
        Binding("p", "path", "Path", show=False),  # the internet's path to it (issue 16)
        Binding("escape", "back", "Back", show=False),
        # What uses the selected resource (ui/screens/used_by.py); Enter in the detail pane too.
        Binding("u", "used_by", "Used by", show=False),
        Binding("enter", "used_by", "Used by", show=False),
        Binding("backspace", "come_back", "Back", show=False),
        # The CloudFormation stack that manages the selected resource ("part of stack X").
        Binding("m", "managing_stack", "Stack", show=False),
        Binding("x", "account_link", "Other account", show=False),  # issue 17
    ]

    def __init__(self, state: ExplorerState, *, account_color: str | None, source: str) -> None:
        super().__init__()
        self.state = state
        self.account_color = account_color
        self.source = source
        self._bar_mounting: AwaitMount | None = None

    def compose(self) -> ComposeResult:
        yield AccountHeader(
            self.state, colour_override=self.account_color, source=self.source, id="header"
        )
        with Horizontal(id="panes"):
            yield ResourceTree(self.state, id="tree")
            yield DetailPane(self.state, id="detail")
        # The `/` and `:` bar (hidden until opened) comes after the first frame: add_prompt_bar.
        yield KeyLine()

    def on_mount(self) -> None:
        if self.explorer.options.snapshot is not None:
            # Offline there is nothing to rescan: keep `r` out of the footer, but let the key
            # still explain why (app.action_rescan).
            keys = self._bindings.key_to_bindings
            keys["r"] = [replace(b, show=False) for b in keys.get("r", [])]
        self.detail.source = self.source if self.source.startswith("snapshot") else None
        # Everything from the state as it is now (the app refreshes nothing before this
        # screen is mounted): the tree built whole (not synced again after: that repeated its
        # every label, and started the search index's worker before the first frame), and the
        # header and detail pane.
        self.tree.rebuild()
        self.tree.focus()
        self.header.refresh_header()
        self.detail.refresh_detail()
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        with contextlib.suppress(MountError):  # quit at once: the screen is already going
            self.add_prompt_bar()
        start_up.resume()  # the collector slept through start-up (awsexplorer/start_up.py)

    def add_prompt_bar(self) -> AwaitMount:
        """Mount the `/` and `:` bar, once. It is hidden until opened, and its widgets (an input,
        a list, their styles) cost the first frame ~4 % of its instructions (issue 18): it is
        mounted once that frame is painted, in the place it always had (above the footer)."""
        if self._bar_mounting is None:
            from awsexplorer.ui.widgets.command_bar import CommandBar  # (and Input, OptionList)

            bar = CommandBar(self.suggest, id="prompt-bar")
            self._bar_mounting = self.mount(bar, before=self.query_one(KeyLine))
        return self._bar_mounting

    async def prompt_bar_ready(self) -> None:
        """The bar, mounted: at once but for a key pressed before the first frame's
        after-refresh, which waits here for the mount (the app reads no key meanwhile, so the
        keys typed after it still land in the bar)."""
        from awsexplorer.ui.widgets.command_bar import CommandBar

        bars = self.query(CommandBar)
        if not bars or not bars.first().is_mounted:  # mounted: its input and list are too
            await self.add_prompt_bar()

    # -- parts ------------------------------------------------------------------------------

    @property
    def explorer(self) -> Explorer:
        return cast("Explorer", self.app)

    @property
    def tree(self) -> ResourceTree:  # type: ignore[override]
        # Shadows DOMNode.tree (a debugging aid that renders the DOM as a rich Tree; nothing in
        # Textual reads it at run time). Renaming it touches every UI test: left for the UI work.
        return self.query_one(ResourceTree)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def header(self) -> AccountHeader:
        return self.query_one(AccountHeader)

    @property
    def prompt_bar(self) -> CommandBar:
        from awsexplorer.ui.widgets.command_bar import CommandBar

        return self.query_one(CommandBar)

    @property
    def cursor_ref(self) -> NodeRef | None:
        node = self.tree.cursor_node
        return node.data if node is not None else None

    # -- refreshing -------------------------------------------------------------------------

    def refresh_regions(self, regions: set[str]) -> None:
        """Scan events changed these regions: fold them into the tree, header and detail."""
        self.tree.sync(regions)
        self.header.refresh_header()
        self.detail.refresh_detail()

    def refresh_all(self) -> None:
        self.refresh_regions(set(self.state.regions))

    @on(Tree.NodeSelected)
    def _account_selected(self, event: Tree.NodeSelected[NodeRef]) -> None:
        """Enter on an account node (a snapshot of several): only that account."""
        ref = event.node.data
        if ref is not None and ref.kind == "member-account" and ref.service:
            self.narrow_to_account(ref.service)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        self.detail.follow(event.node.data)

    # -- find -------------------------------------------------------------------------------

    async def action_open_prompt(self, mode: str) -> None:
        await self.prompt_bar_ready()
        self.open_prompt(mode)

    def open_prompt(self, mode: str, came_from: Screen[None] | None = None) -> None:
        """Open the bar with the focus in it now (keys typed right after land in it); the bar
        is mounted (prompt_bar_ready).

        `came_from`: the view `:` was pressed in; Esc reopens it.
        """
        from awsexplorer.ui.widgets.command_bar import FILTER

        text = ""
        if mode == FILTER:
            text = self.detail.search if self.focused is self.detail else self.filter_wanted
        self._prompt_target = "detail" if self.focused is self.detail else "tree"
        self._return_view = view_name(came_from) if came_from is not None else None
        self.prompt_bar.open(mode, text)

    @property
    def filter_wanted(self) -> str:
        """The tree's filter, or the one being matched off the UI thread (_match_off_thread)."""
        return self._match_asked.text if self._match_asked is not None else self.tree.filter_text

    _prompt_target = "tree"
    _return_view: str | None = None

    # The bar's messages are handled by name (on_command_bar_...), not with @on(CommandBar...):
    # the bar's module, and Input's and OptionList's styles, load after the first frame.

    def on_command_bar_filter_changed(self, event: CommandBar.FilterChanged) -> None:
        if self._prompt_target == "detail":
            self.detail.set_search(event.text)
            return
        # Rebuilding a big tree per keystroke lags typing: apply once the typing pauses.
        self._pending_filter = event.text
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self._apply_filter)

    _pending_filter: str | None = None
    _filter_waits = False  # a filter waits for the search index (_apply_filter)

    def on_resource_tree_search_ready(self, event: ResourceTree.SearchReady) -> None:
        """The search index is in: a filter waiting for it is applied, and an open `:` list
        is made again from it (it held the first matches found while it was being built)."""
        event.stop()
        if self._pending_filter is not None and self._filter_timer is None:
            self._apply_filter()
        bars = self.query("#prompt-bar")
        if bars:
            self.prompt_bar.refresh_suggestions()

    _filter_timer: Timer | None = None

    def _apply_filter(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if self._pending_filter and self.state.search_pending:
            # The worker's index is on its way (~10 s after a 1,000,000-resource snapshot
            # opens): filtering without it held the screen for seconds. Applied when it is in.
            if not self._filter_waits:
                self._filter_waits = True
                self.notify(
                    f"Filtering when the search index of {self.state.resource_total:,} "
                    "resources is ready…"
                )
            return
        self._filter_waits = False
        text, self._pending_filter = self._pending_filter, None
        if text is None:
            return
        self._match_asked = None  # a newer filter (Esc's too): a match on its way is not shown
        if text == self.tree.filter_text:
            return
        index = self.state.search_index
        if text and index is not None and self.state.resource_total >= FILTER_IN_WORKER:
            self._match_off_thread(text, index)
            return
        self.tree.filter_text = text
        self.rebuild_tree()

    _match_asked: MatchAsked | None = None  # what _match_off_thread asked last

    def _match_off_thread(self, text: str, index: SearchIndex) -> None:
        """Match a large estate on a worker thread (at 1,000,000 resources `/a` is ~0.6 s of
        matching and grouping): keys typed meanwhile are answered; the tree is rebuilt with
        the matches when they are in, unless the filter or the resources changed since."""
        wanted = self._match_asked = self._match_now(text)
        # 1-4 s at 1,000,000 while the relationship index is built beside it: say so.
        self.notify(f"Filtering {self.state.resource_total:,} resources…", timeout=3)
        self.run_worker(
            lambda: self._match(wanted, index),
            thread=True,
            name="filter",
            group="filter",
            exclusive=True,
            exit_on_error=False,
        )

    def _match_now(self, text: str) -> MatchAsked:
        tree = self.tree
        return MatchAsked(
            tree.filter_changes, self.state.resources_version, text, tree.attention_only
        )

    def _match(self, asked: MatchAsked, index: SearchIndex) -> None:
        # Lists of up to 1,000,000 resources: frozen once made, or each young collection
        # on the UI thread walks them (48 ms and 34 ms ones were seen after `/a`).
        with heap.loading_scan(), self.explorer.foreground_work():
            matches = self.tree.grouped_matches(asked.text, asked.attention, index)
        self.app.call_from_thread(self._show_matched, asked, matches)

    def _show_matched(self, asked: MatchAsked, matches: Matches) -> None:
        if (
            not self.is_mounted  # the app is closing
            or asked is not self._match_asked
            or self._match_now(asked.text) != asked
        ):
            return  # typed again, cleared, narrowed to attention or another scan: not this
        self._match_asked = None
        self.tree.show_matches(asked.text, matches)
        self.rebuild_tree()

    def rebuild_tree(self) -> None:
        """Rebuild after the filter or attention-only changed: a resource under the cursor stays
        under it (its branch opened) if still shown, and the detail pane shows whatever the
        cursor ends on, never a node the filter hid."""
        keep = self.cursor_ref
        self.tree.rebuild()
        if keep is not None and keep.kind == "resource" and keep.arn:
            self.tree.reveal(keep.arn)
        self.call_after_refresh(self._detail_follows_cursor)

    def _detail_follows_cursor(self) -> None:
        if self.detail.ref != self.cursor_ref:
            self.detail.show(self.cursor_ref)

    def on_command_bar_closed(self, event: CommandBar.Closed) -> None:
        self._apply_filter()
        self.set_focus(self.detail if self._prompt_target == "detail" else self.tree)
        back, self._return_view = self._return_view, None
        if event.cancelled and back is not None:
            self.explorer.action_show_view(back)  # Esc after `:` in a view: back to that view

    def on_command_bar_picked(self, event: CommandBar.Picked) -> None:
        self.run_command(event.suggestion.value, event.suggestion.is_command)

    def on_command_bar_command_entered(self, event: CommandBar.CommandEntered) -> None:
        self.run_command(event.text, is_command=True)

    def run_command(self, value: str, is_command: bool) -> None:
        if not is_command:
            self.jump(value)
            return
        # The whois screen and its model load on the first `:` (not for the first frame).
        from awsexplorer.ui.screens.whois import query_of, show_whois

        word, _, argument = value.strip().partition(" ")
        word = word.lower()
        if word == "whois" or query_of(value) is not None:  # an address (ui/screens/whois.py)
            show_whois(self, argument if word == "whois" else value)
        elif word == "region":
            self.go_to_region(argument.strip())
        elif word in ("vpc", "iam", "findings", "errors", "exposed"):
            self.explorer.action_show_view(word)
        elif word == "flow":
            self.action_flow()
        elif word == "changes":
            ref = self.cursor_ref
            self.explorer.action_changes(ref.region if ref is not None else None, argument)
        elif word == "baseline":
            self.explorer.action_baseline(argument)
        elif word == "account":
            self.narrow_to_account(argument)
        elif word == "help":
            self.explorer.action_help()
        elif word == "save":
            self.explorer.action_save()
        elif word == "quit":
            self.explorer.action_quit_app()
        else:
            self.notify(
                f"No command or resource matches “{value}”. Try :vpc, :iam, :findings, "
                ":region NAME, or part of a name, id, ARN or tag value.",
                severity="warning",
            )

    def narrow_to_account(self, wanted: str) -> None:
        """`:account NAME`: every view shows only that account; `:account all`: every one."""
        try:
            account = self.state.show_account(wanted.strip() or None)
        except KeyError:
            known = ", ".join(a.label for a in self.state.member_accounts)
            self.notify(
                inert(f"No account “{wanted}”. Accounts: {known}.", limit=300)
                if known
                else "This scan holds one account.",
                severity="warning",
            )
            return
        # Another version of the resources (or every account's back, its index perhaps still
        # being built): what uses what is built for it off the UI thread, unless it is in.
        self.explorer.ensure_relations()
        self.query_one(AccountHeader).refresh_header()
        # The cursor to the top (the account's node), not first back to where it was: the
        # detail then followed that node too, and again the top, in the next key's turn.
        self.tree.rebuild(keep_cursor=False)
        self.tree.to_top()
        # The root's detail is another one now (every account, or this one's), though its
        # node is the same: shown again, not only when the cursor's node changed. Shown now,
        # with the tree (setting the cursor made its lines): after the next refresh, it cost
        # one more layout of the whole screen (at 1,000,000 resources, 5-10 ms).
        self.detail.show(self.cursor_ref)
        shown = "every account" if account is None else f"account {account.label} only"
        self.notify(inert(f"Showing {shown}.", limit=200))

    def suggest(self, text: str) -> list[Suggestion]:
        """What `:` offers as you type: commands, regions, then resources in any region."""
        from awsexplorer.ui.screens.whois import whois_suggestion
        from awsexplorer.ui.widgets.command_bar import Suggestion

        needle = text.strip().lower()
        found: list[Suggestion] = []
        answer = whois_suggestion(self.state, text, self)  # an IP, CIDR or DNS name first
        if answer is not None:
            found.append(answer)
        for name, what in COMMANDS.items():
            if name.startswith(needle):
                found.append(
                    Suggestion(Text.assemble((f":{name}", "bold"), f"  {what}"), name, True)
                )
        region_part = needle.removeprefix("region").strip()
        for view in sorted(self.state.regions.values(), key=lambda v: region_order(v.name)):
            if view.name != GLOBAL_REGION and region_part and view.name.startswith(region_part):
                prompt = Text.assemble((f":region {view.name}", "bold"), f"  {view.status.value}")
                found.append(Suggestion(prompt, f"region {view.name}", True))
        if needle.startswith("region"):
            return found
        accounts = {a.id: a.label for a in self.state.member_accounts}  # several accounts
        if needle.startswith("account"):
            account_part = needle.removeprefix("account").strip()
            for account_id, label in accounts.items():
                if account_part in f"{account_id} {label.lower()}":
                    prompt = Text.assemble(
                        (f":account {inert(label, limit=40)}", "bold"), f"  {account_id}"
                    )
                    found.append(Suggestion(prompt, f"account {account_id}", True))
            return found
        for resource in self.state.search(needle, limit=MAX_RESOURCE_SUGGESTIONS):
            # Names and ids from AWS or a snapshot: inert, cut, never markup.
            prompt = Text(inert(resource.name, limit=60), style="bold")
            if resource.id != resource.name:
                prompt.append(f"  {inert(resource.id, limit=60)}")
            prompt.append(f"  {inert(short_type(resource.type), limit=40)}", style="dim")
            prompt.append(f"  {inert(resource.region, limit=40)}", style="cyan")
            if accounts and resource.account_id:  # which account it is in
                account = accounts.get(resource.account_id, resource.account_id)
                prompt.append(f"  {inert(account, limit=30)}", style="magenta")
            found.append(Suggestion(prompt, resource.arn, False))
        return found

    def jump(self, arn: str) -> bool:
        """Show this resource in the tree, whatever the filter; say which region it is in."""
        resource = self.state.get(arn) or self.state.removed_resource(arn)
        if resource is None:
            self.notify(f"{arn} is not in this scan.", severity="warning")
            return False
        if not self.tree.reveal(arn):
            self.tree.filter_text = ""
            self.tree.attention_only = False
            self.tree.rebuild()
            self.notify("Filters cleared to show it.")
            if not self.tree.reveal(arn):
                self.notify(f"Could not show {resource.id}.", severity="warning")
                return False
        self.tree.focus()
        self.detail.show(NodeRef("resource", resource.region, None, resource.type, arn))
        what = resource.name if resource.name == resource.id else f"{resource.name} ({resource.id})"
        where = (
            "global (IAM, account-wide)" if resource.region == GLOBAL_REGION else resource.region
        )
        self.notify(f"{what} is in {where}.", title="Found")
        return True

    def show_account(self) -> None:
        """The account node and its detail (account-wide warnings are listed there)."""
        self.tree.move_cursor(self.tree.root)
        self.tree.scroll_home(animate=False)
        self.set_focus(self.tree)
        self.detail.show(NodeRef("account"))

    def go_to_region(self, name: str) -> None:
        if not name:
            self.notify("Which region? :region eu-west-1", severity="warning")
            return
        view = self.state.regions.get(name)
        if view is None:
            self.notify(f"Region {name} is not in this scan.", severity="warning")
            return
        if view.status is RegionStatus.NOT_ENABLED:
            self.notify(f"{name} is not enabled for this account, so it was not scanned.")
            return
        if not self.tree.reveal_region(name):
            self.tree.filter_text = ""
            self.tree.attention_only = False
            self.tree.rebuild()
            self.tree.reveal_region(name)
        self.tree.focus()

    # -- keys -------------------------------------------------------------------------------

    def action_toggle_attention(self) -> None:
        tree = self.tree
        tree.attention_only = not tree.attention_only
        self.rebuild_tree()
        if tree.attention_only:
            shown = len(self.state.findings)
            self.notify(
                f"Attention only: {shown} warning{'s' if shown != 1 else ''}. Ctrl+Z shows all."
                if shown
                else "Attention only: nothing has a warning (yet)."
            )
        else:
            self.notify("Showing everything.")

    def action_back(self) -> None:
        tree = self.tree
        if self._came_from and self.focused is tree and self._on_jumped_to():
            self.action_come_back()  # Esc right after a jump from Used by or :flow
            return
        if self.focused is self.detail:
            if self.detail.search:
                self.detail.set_search("")
            else:
                tree.focus()
        elif self._drop_filter_on_its_way() or tree.filter_text or tree.attention_only:
            tree.filter_text = ""
            tree.attention_only = False
            self.rebuild_tree()
            self.notify("Filters cleared.")
        elif tree.cursor_node is not None and tree.cursor_node.parent is not None:
            parent = tree.cursor_node.parent
            parent.collapse()
            tree.move_cursor(parent)

    def _drop_filter_on_its_way(self) -> bool:
        """Esc drops a filter not applied yet (typed, waiting for the search index, or being
        matched on a worker): it came in afterwards and filtered the tree Esc had just cleared
        (`/vpc⏎ Esc` while the index was built). True when there was one."""
        on_its_way = bool(self._pending_filter) or self._match_asked is not None
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        self._pending_filter = None
        self._filter_waits = False
        self._match_asked = None
        return on_its_way

    # -- what uses what (ui/screens/used_by.py, ui/screens/flow.py) ---------------------------

    _came_from: list[tuple[str, str]] = []  # (where `u` or :flow was, where it jumped to)

    def _selected_resource(self, what: str) -> Any:
        ref = self.cursor_ref
        resource = self.state.get(ref.arn) if ref is not None and ref.arn else None
        if resource is None:
            self.notify(f"Select a resource first: {what} is about one resource.")
        return resource

    def _jump_from(self, origin: str) -> Any:
        def jump(arn: str) -> None:
            if self.jump(arn):
                self._came_from = [*self._came_from[-49:], (origin, arn)]

        return jump

    def _on_jumped_to(self) -> bool:
        ref = self.cursor_ref
        return ref is not None and ref.arn == self._came_from[-1][1]

    def action_used_by(self) -> None:
        """`u` (or Enter in the detail pane): everything that uses the selected resource."""
        from awsexplorer.ui.screens.used_by import UsedByScreen

        resource = self._selected_resource("Used by")
        if resource is not None:
            screen = UsedByScreen(
                self.state.heading(),
                self.state.relations(),
                resource,
                self._jump_from(resource.arn),
            )
            self.app.push_screen(screen)

    def action_flow(self) -> None:
        """`:flow`: the request and event paths through the selected resource."""
        from awsexplorer.ui.screens.flow import FlowScreen

        resource = self._selected_resource(":flow")
        if resource is not None:
            screen = FlowScreen(
                self.state.heading(),
                self.state.relations(),
                resource,
                self.state.findings_for,
                self._jump_from(resource.arn),
            )
            self.app.push_screen(screen)

    def action_come_back(self) -> None:
        """Backspace: back to the resource a Used by or :flow jump left."""
        if not self._came_from:
            return
        origin, _ = self._came_from[-1]
        self._came_from = self._came_from[:-1]
        self.jump(origin)

    def action_account_link(self) -> None:
        """`x`: the other scanned accounts the selected resource names (a peering, a transit
        gateway, a trust or resource policy): go to the peer resource, else the account."""
        from awsexplorer.ui.accounts_view import account_links
        from awsexplorer.ui.screens.account_links import AccountLinksScreen

        resource = self._selected_resource("x (other accounts)")
        if resource is None:
            return
        links = [k for k in account_links(self.state, resource) if k.scanned]
        if not links:
            self.notify("It names no other account of this scan.")
        elif len(links) == 1:
            self.go_to_link(links[0], resource.arn)
        else:
            title = f"{resource.name}: other accounts"
            self.app.push_screen(
                AccountLinksScreen(title, links, lambda k: self.go_to_link(k, resource.arn))
            )

    def go_to_link(self, link: Any, origin: str) -> None:
        """The peer resource when the scan holds it, else the account's node (every account
        shown again first when `:account` showed another)."""
        if self.state.account_view not in (None, link.account_id):
            self.narrow_to_account("all")
            # After the rebuilt tree has put its cursor back: then move it.
            self.call_after_refresh(self._go_to_link, link, origin)
        else:
            self._go_to_link(link, origin)

    def _go_to_link(self, link: Any, origin: str) -> None:
        if link.target and self.state.get(link.target) is not None:
            self._jump_from(origin)(link.target)
            return
        if self.state.account_view == link.account_id:
            self.show_account()
            return
        node = next(
            (
                n
                for n in self.tree.root.children
                if n.data is not None
                and n.data.kind == "member-account"
                and n.data.service == link.account_id
            ),
            None,
        )
        if node is None:
            self.notify(f"Account {link.account_id} is not in this view.", severity="warning")
            return
        self.tree.move_cursor(node)
        self.tree.scroll_to_node(node, animate=False)
        self.set_focus(self.tree)
        self.detail.show(node.data)
        self.notify(f"Account {link.account_id}" + (f" ({link.label})" if link.label else ""))

    def action_managing_stack(self) -> None:
        """`m`: the CloudFormation stack that manages the selected resource, in the tree."""
        from awsexplorer.model.ownership import managed_by, managing_stack

        ref = self.cursor_ref
        resource = self.state.get(ref.arn) if ref is not None and ref.arn else None
        if resource is None or ref is None or ref.kind != "resource":
            self.notify("Select a resource: m goes to the stack that manages it.")
            return
        name = managed_by(resource)
        if name is None:
            text = f"{resource.name} is not part of a CloudFormation stack."
            self.notify(inert(text, limit=300), markup=False)
            return
        stack = managing_stack(self.state.resources(), resource)
        if stack is None:
            text = f"Stack {name} is not in this scan."
            self.notify(inert(text, limit=300), severity="warning", markup=False)
            return
        self.jump(stack.arn)

    def action_copy(self) -> None:
        ref = self.cursor_ref
        value: str | None = None
        if ref is None or ref.kind == "account":
            value = self.state.account.id if self.state.account else None
        elif ref.kind == "resource" and ref.arn:
            value = ref.arn
        elif ref.region:
            value = ref.type or ref.region
        if not value:
            self.notify("Nothing to copy here.", severity="warning")
            return
        # OSC 52 carries the text to the terminal: an ARN or a type from a snapshot could hold
        # control characters, which must not reach the clipboard (or the terminal) raw.
        value = inert(value)
        self.app.copy_to_clipboard(value)
        self.notify(f"Copied {value}", title="Clipboard (OSC 52)")

    def action_history(self) -> None:
        """`t`: the CloudTrail history of the resource under the cursor."""
        ref = self.cursor_ref
        self.explorer.action_history(
            ref.arn if ref is not None and ref.kind == "resource" else None
        )

    def action_path(self) -> None:
        """`p`: the path view of the resource under the cursor: every port the internet
        reaches or its groups open, hop by hop (ui/screens/exposure_path.py)."""
        from awsexplorer.ui.screens.exposure_path import PathScreen
        from awsexplorer.ui.views.exposed import EXPOSABLE

        ref = self.cursor_ref
        resource = self.state.get(ref.arn) if ref is not None and ref.arn else None
        if resource is None or resource.type not in EXPOSABLE:
            self.notify(
                "p traces the internet's path to an instance, network interface, load "
                "balancer, database or ECS service: select one first (:exposed lists them)."
            )
            return
        if self.state.scanning:
            self.notify(f"The paths are worked out {self.state.until_whole}.")
            return
        self.app.push_screen(PathScreen(self.state.result(), resource.arn))

    def action_rescan(self) -> None:
        ref = self.cursor_ref
        region = ref.region if ref is not None else None
        self.explorer.action_rescan(region)
