"""The account tree: account -> regions -> services -> types -> resources.

Regions, services and types are built eagerly (a few hundred nodes at most); resources only
when their type is expanded, so an account with 100k resources never freezes the Tree.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Callable, Collection
from itertools import chain
from operator import attrgetter
from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from awsexplorer.model import (
    AccountScan,
    AccountStatus,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.model.accounts import CrossAccountIndex
from awsexplorer.ui import accounts_view, heap, labels
from awsexplorer.ui.details import MAX_SHOWN
from awsexplorer.ui.key_order import Closing, background_build_of
from awsexplorer.ui.state import (
    OTHER_TAGGED,
    ExplorerState,
    NodeRef,
    SearchIndex,
    grouped_by_runs,
    listed,
    region_order,
)

_REGION_TYPE = attrgetter("region", "type")
_PLACE = attrgetter("account_id", "region", "type")

Groups = dict[tuple[str, str], list[Resource]]


class Matches(NamedTuple):
    """What the filter and attention show: by (region, type) across accounts; and, in a scan
    of several accounts, by account (its groups, and its count and warnings for its node)."""

    by_place: Groups
    by_account: dict[str, Groups]
    numbers: dict[str, tuple[int, Counter[Severity]]]


def _by_name(resource: Resource) -> tuple[str, str]:
    return resource.name.lower(), resource.id


# Resource leaves built under one type at most; the rest are reached with `/` or `:`.
MAX_LEAVES = MAX_SHOWN


def _child(node: TreeNode[NodeRef], wanted: Callable[[NodeRef], bool]) -> TreeNode[NodeRef] | None:
    return next((c for c in node.children if c.data is not None and wanted(c.data)), None)


def _member_line(ref: NodeRef) -> list[NodeRef]:
    """An account-level ref and its ancestors up to its account, nearest first; a resource
    alone (its leaf under its account's type, if that is open)."""
    if ref.kind == "resource":
        return [ref]
    line = []
    if ref.kind == "member-type":
        line.append(ref)
    if ref.kind in ("member-type", "member-region"):
        line.append(NodeRef("member-region", region=ref.region, service=ref.service))
    if ref.kind.startswith("member-"):
        line.append(NodeRef("member-account", service=ref.service))
    return line


def _group_order(name: str) -> tuple[bool, str]:
    """Siblings by name, the catch-all's "Other (tagged)" after every service."""
    return (name == OTHER_TAGGED, name)


class ResourceTree(Tree[NodeRef]):
    """The main tree: `attention_only` and `filter_text` narrow it; `sync` folds progress in."""

    DEFAULT_CSS = """
    ResourceTree { scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("l,right", "expand_cursor", "Expand", show=False),
        Binding("h,left", "collapse_cursor", "Collapse", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, state: ExplorerState, *, id: str | None = None) -> None:
        super().__init__(labels.account_label(None, 0, Counter()), NodeRef("account"), id=id)
        self.state = state
        self.attention_only = False
        self._filter_text = ""
        self.filter_changes = 0  # every setting of filter_text: a match made before is stale
        self._given: tuple[tuple[str, bool], Matches] | None = None
        self.guide_depth = 2
        self._regions: dict[str, TreeNode[NodeRef]] = {}
        self._groups: dict[tuple[str, ...], TreeNode[NodeRef]] = {}
        # A group node's parent key ((region,) or (region, service)) -> its children's names in
        # tree order, each as (_group_order(name), name): an insert finds its place by bisection
        # instead of a pass over every group of every region (quadratic in groups: 340 inserts
        # into 340 groups at 1,000,000 resources).
        self._children: dict[tuple[str, ...], list[tuple[tuple[bool, str], str]]] = {}
        self._loaded: set[tuple[str, str]] = set()
        # The regions whose service and type nodes are built: a region's are built when it is
        # first opened (or shown open, under a filter), not for every collapsed region at each
        # rebuild (340 group nodes at 1,000,000 resources: most of `:account`'s and a large
        # snapshot's showing's ~0.2 s on the UI thread).
        self._populated: set[str] = set()
        self._not_enabled: TreeNode[NodeRef] | None = None
        self._matches: Matches | None = None  # what the filter shows (_matched)
        self._sorted: set[tuple[str, str]] = set()  # the groups of _matches sorted by name
        self._tallies: dict[tuple[str, str], Counter[Severity]] = {}  # of _matches' groups
        # Bumped by every deliberate cursor move: a rebuild's restore that waits for the next
        # refresh (its node comes with a later expansion) gives way to a move made since (a
        # jump that had to rebuild the tree to clear a filter would otherwise be snapped back
        # to where the cursor was).
        self._moves = 0

    # -- painting ---------------------------------------------------------------------------

    _paint_style: Style | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        # Textual's Tree works out the widget's style (a walk over its ancestors' backgrounds)
        # for every line it paints, before it looks in its cache of lines: once per paint
        # here, the same for every line of it (~1 ms of each key's repaint at 80x24).
        self._paint_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._paint_style = None

    def render_line(self, y: int) -> Strip:
        style = self._paint_style if self._paint_style is not None else self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        return self._render_line(y + scroll_y, scroll_x, scroll_x + self.size.width, style)

    def _relabel(self, node: TreeNode[NodeRef], label: Text) -> None:
        """`node.set_label`, but within a rebuild without Textual's repaint of the node's lines
        queued for each: the whole tree is painted anew after it (a message per region and
        group node, 20-70 of them at every rebuild). TreeNode's own fields, as set_label sets
        them (Textual is pinned: pyproject.toml)."""
        if self._rebuilding:
            node._label = self.process_label(label)
            node._updates += 1
        else:
            node.set_label(label)

    # -- what is visible --------------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self._filter_text

    @filter_text.setter
    def filter_text(self, text: str) -> None:
        self._filter_text = text
        self.filter_changes += 1

    def show_matches(self, text: str, matches: Matches) -> None:
        """Filter by `text` with its matches grouped off the UI thread (grouped_matches); the
        caller rebuilds the tree."""
        self.filter_text = text
        self._given = ((text, self.attention_only), matches)

    @property
    def narrowed(self) -> bool:
        return self.attention_only or bool(self.filter_text)

    def _visible_resources(self, region: str, resource_type: str) -> list[Resource]:
        if not self.narrowed:
            return self.state.resources_of(region, resource_type)
        key = (region, resource_type)
        items = self._shown().get(key, [])
        if key not in self._sorted:  # by name once a node asks: not 1,000,000 at every filter
            items.sort(key=_by_name)
            self._sorted.add(key)
        return items

    def _shown(self) -> dict[tuple[str, str], list[Resource]]:
        """What the filter and attention show, by (region, type): one pass over everything per
        rebuild, not one per node. Grouped by runs of one place, cut at C speed (resources are
        kept as a scan or snapshot gives them: each region's types together), so a filter
        matching all of 1,000,000 resources is Python once per run, not per resource."""
        return self._matched().by_place

    def _matched(self) -> Matches:
        if self._matches is None:
            given, self._given = self._given, None
            if given is not None and given[0] == (self.filter_text, self.attention_only):
                self._matches = given[1]
            else:
                self._matches = self.grouped_matches(self.filter_text, self.attention_only)
            self._sorted = set()
            self._tallies = {}
        return self._matches

    def _member_groups(self, account_id: str) -> Groups:
        """An account's resources by (region, type): all of them, or what the filter shows."""
        if not self.narrowed:
            return self.state.account_groups(account_id)
        return self._matched().by_account.get(account_id, {})

    def grouped_matches(
        self, text: str, attention: bool, index: SearchIndex | None = None
    ) -> Matches:
        """The filter's matches from the search index (state.matching, or `index`), then
        attention, by (region, type) and, with several accounts, by account. With `index`, it
        only reads: safe on a worker thread (MainScreen filters 1,000,000 resources there)."""
        if index is not None and text:
            shown = index.matching(text.lower())
        else:
            shown = self.state.matching(text) if text else self.state.resources()
        if attention:
            shown = self.state.needing_attention(shown)
        if not self.state.member_accounts:
            return Matches(grouped_by_runs(shown, _REGION_TYPE), {}, {})
        by_place: Groups = {}
        by_account: dict[str, Groups] = {}
        for (account, region, kind), items in grouped_by_runs(shown, _PLACE).items():
            by_account.setdefault(account or "", {})[(region, kind)] = items
            merged = by_place.get((region, kind))
            if merged is None:
                by_place[(region, kind)] = list(items)  # its own: sorted by name when shown
            else:
                merged.extend(items)
        numbers = {
            account: (
                sum(map(len, groups.values())),
                self.state.tally(chain.from_iterable(groups.values())),
            )
            for account, groups in by_account.items()
        }
        return Matches(by_place, by_account, numbers)

    def _marks(
        self, region: str | None, service: str | None = None, resource_type: str | None = None
    ) -> Counter[str] | None:
        """Added / changed / removed under a node against the baseline (the whole tree's
        numbers: not shown while a filter narrows it)."""
        if self.state.baseline is None or self.narrowed:
            return None
        return self.state.mark_counts(region, resource_type=resource_type, service=service)

    def _visible_types(self, region: str) -> dict[str, list[str]]:
        services = self.state.services_in(region)
        if not self.narrowed:
            if self.state.changes is not None:  # a type whose every resource was removed
                for resource in self.state.changes.removed:
                    if resource.region == region:
                        types = services.setdefault(self.state.group_of(resource.type), [])
                        if resource.type not in types:
                            types.append(resource.type)
                            types.sort()
            return services
        kept: dict[str, list[str]] = {}
        matches = self._shown()
        for service, types in services.items():
            shown = [t for t in types if matches.get((region, t))]
            if shown:
                kept[service] = shown
        return kept

    def _numbers(
        self, region: str | None, service: str | None = None, resource_type: str | None = None
    ) -> tuple[int, Counter[Severity]]:
        """What a node's label counts: every resource, or under a filter only those shown (the
        count and the badge always agree)."""
        if not self.narrowed:
            if region is None:
                return self.state.resource_total, self.state.severity_counts()
            count = self.state.count(region, resource_type=resource_type, service=service)
            return count, self.state.severity_counts(
                region=region, resource_type=resource_type, service=service
            )
        count, counts = 0, Counter[Severity]()
        for key, found in self._shown().items():
            where, kind = key
            if (
                (region is None or where == region)
                and (resource_type is None or kind == resource_type)
                and (service is None or self.state.group_of(kind) == service)
            ):
                count += len(found)
                counts.update(self._tally(key, found))
        return count, counts

    def _tally(self, key: tuple[str, str], found: list[Resource]) -> Counter[Severity]:
        """The warnings on a group the filter shows, once per filter (not once per node above
        it); a group shown whole has the state's roll-up, the same count made at the load."""
        tally = self._tallies.get(key)
        if tally is None:
            region, kind = key
            whole = len(found) == self.state.count(region, resource_type=kind)
            tally = self._tallies[key] = (
                self.state.severity_counts(region=region, resource_type=kind)
                if whole
                else self.state.tally(found)
            )
        return tally

    def _region_visible(self, name: str) -> bool:
        if not self.narrowed:
            return self.state.regions[name].status is not RegionStatus.NOT_ENABLED
        if self.attention_only and not self.filter_text:
            view = self.state.regions[name]
            if view.status in (RegionStatus.FAILED, RegionStatus.PARTIAL):
                return True  # an unreadable region needs attention too
        return bool(self._visible_types(name))

    # -- building ---------------------------------------------------------------------------

    _rebuilding = False

    def rebuild(self, keep_cursor: bool = True) -> None:
        """Build the eager levels from scratch, keeping the cursor where it was if possible
        (else the caller puts it where it wants: a move here first would have the detail
        follow a node it leaves at once)."""
        self._rebuilding = True
        try:
            self._rebuild(keep_cursor)
        finally:
            self._rebuilding = False

    def _rebuild(self, keep_cursor: bool) -> None:
        cursor = self.cursor_node
        keep = cursor.data if cursor is not None and keep_cursor else None
        # Off the tree being replaced: Textual would keep the cursor's line number and
        # highlight whatever node the new tree has there, which the detail then followed. Not
        # by assigning -1, which Textual's validator clamps to line 0: the root was
        # highlighted, and the detail drew the root's (50 accounts' overview, 17 ms at
        # 1,000,000 resources) and then the restored node's, the next key's detail held back
        # meanwhile (FOLLOW_INTERVAL). The cursor's node is Textual's own field (pinned).
        self.set_reactive(Tree.cursor_line, -1)
        self._cursor_node = None
        opened = self._opened_members()
        self._matches = None
        self.clear()
        self._regions.clear()
        self._groups.clear()
        self._children.clear()
        self._loaded.clear()
        self._populated.clear()
        self._not_enabled = None
        self.root.expand()
        self._add_member_accounts()
        self._reopen_members(opened)
        for view in self.state.ordered_regions():
            if self._region_visible(view.name):
                self._add_region(view.name, expand=self.narrowed)
        self._sync_not_enabled()
        self._update_root()
        # The cursor goes back now, before the frame shows the new tree: put back after it
        # (as it was), its move scrolled the tree and painted it a second time in the same
        # key's turn (at 1,000,000 resources, 14-28 ms more when every account comes in). A
        # node that comes only with an expansion handled later (a type's leaves) is looked
        # for again after the frame.
        if keep is not None and not self.restore(keep):
            if self.cursor_line == -1:  # nothing of its line is shown: the top, for now
                self.cursor_line = 0
            self.call_after_refresh(self._restore_unless_moved, keep, self._moves)
        elif keep is None and keep_cursor:
            self.cursor_line = 0  # it had no cursor: the top, as before it was built anew
        # After the frame this rebuild shows: the worker holds the interpreter for most of
        # its ~1.5 s (1,000,000 resources), which would otherwise share out the first paint.
        self.call_after_refresh(self._index_search)
        self.call_after_refresh(self._index_links)

    def sync(self, regions: set[str]) -> None:
        """Fold changes to these regions in without disturbing the rest of the tree."""
        if self.narrowed:
            # A filter's matches can appear anywhere: built again, but only if a region
            # changed (an index coming in changes no match: at 1,000,000 resources that
            # rebuild held the screen for seconds).
            if regions:
                self.rebuild()
            return
        self._matches = None
        for name in sorted(regions, key=region_order):
            if name not in self.state.regions:
                continue
            node = self._regions.get(name)
            if not self._region_visible(name):
                if node is not None:
                    node.remove()
                    del self._regions[name]
                    self._forget_groups(name)
                continue
            if node is None:
                node = self._add_region(name)
            self._sync_region(name, node)
        self._sync_not_enabled()
        self._update_root()
        self._index_search()

    def _index_search(self) -> None:
        """Once a scan is whole, build the search index for `:` and `/` off the UI thread
        (state.SearchIndex: ~2 s of CPU at 1,000,000 resources); until it is in, they test
        each resource as before."""
        if self.state.scanning or not self.is_mounted:
            return
        wanted = self.state.search_input()
        if wanted is None or wanted[0] == self._indexing:
            return
        self._indexing = wanted[0]
        self.state.search_building = wanted[0]  # `:` and `/` wait for it, not build one too
        self.run_worker(
            lambda: self._build_search_index(*wanted),
            thread=True,
            name="search-index",
            group="search-index",
            exit_on_error=False,
        )

    _indexing = -1  # the resources' version a search index is being built for

    class SearchReady(Message):
        """The worker's search index is in (or it failed: `:` and `/` build one themselves)."""

    def _build_search_index(self, version: int, resources: Collection[Resource]) -> None:
        try:
            with heap.loading_scan(), background_build_of(self.app) as pause:
                if pause is not None:
                    pause()  # listing them is one C call: not in a key's way
                index = SearchIndex(listed(resources), pause)
        except Closing:
            return  # the app is closing: no one to tell
        except BaseException:
            self.app.call_from_thread(self._search_index_built, None, version)
            raise
        self.app.call_from_thread(self._search_index_built, index, version)

    def _search_index_built(self, index: SearchIndex | None, version: int) -> None:
        if self.state.search_building == version:
            self.state.search_building = None
        if index is not None:
            self.state.set_search_index(index, version)
        self.post_message(self.SearchReady())

    def _index_links(self) -> None:
        """A snapshot of several accounts: the index of which other accounts a resource names
        (accounts_view.account_links, the first resource's detail) built off the UI thread."""
        if not self.is_mounted:
            return
        wanted = accounts_view.links_input(self.state)
        if wanted is None or wanted[0] is self._linking:
            return
        self._linking = wanted[0]
        self.run_worker(
            lambda: self._build_links(*wanted),
            thread=True,
            name="account-links",
            group="account-links",
            exit_on_error=False,
        )

    _linking: object = None  # the scan an account-links index is being built for

    def _build_links(
        self, full: ScanResult, accounts: list[AccountScan], named: list[Resource]
    ) -> None:
        with background_build_of(self.app) as pause:
            try:
                if pause is not None:
                    pause()  # a pass over every resource, started as a big snapshot is shown
            except Closing:
                return  # the app is closing: no one to tell
            index = CrossAccountIndex(accounts, named)
        self.app.call_from_thread(accounts_view.keep_links, self.state, full, index)

    def _update_root(self) -> None:
        if self.state.member_accounts and self.state.account_view is None:
            self._relabel(
                self.root,
                accounts_view.root_label(self.state.member_accounts, *self._numbers(None)),
            )
            return
        self._relabel(
            self.root,
            labels.account_label(
                self.state.account,
                *self._numbers(None),
                self._marks(None),
                # Until the account is known: a snapshot being read, or a scan connecting.
                waiting="reading…" if self.state.reading else "connecting…",
            ),
        )

    def _add_member_accounts(self) -> None:
        """A snapshot of several accounts: one node per account above the regions (band colour,
        alias or name, id, status, resources); Enter on one shows only that account. One
        account keeps today's tree."""
        accounts = self.state.member_accounts
        if not accounts or self.state.account_view is not None:
            return
        resources = self.state.account_counts()
        production = accounts_view.production(self.state)
        if self.narrowed:
            shown = self._matched().numbers
        for account in accounts:
            if self.narrowed:  # only the accounts with something shown, and what is shown
                if account.id not in shown:
                    continue
                count, counts = shown[account.id]
            else:
                count, counts = resources[account.id], self.state.account_severities(account.id)
            # Expanded (→), an account shows its own regions, types and resources; Enter shows
            # only that account in every view. A failed account has nothing under it.
            self.root.add(
                accounts_view.member_label(account, count, counts, account.id in production),
                NodeRef("member-account", service=account.id),
                allow_expand=account.status is not AccountStatus.FAILED,
            )

    def _opened_members(self) -> list[NodeRef]:
        """The account-level nodes open now (an account, its regions, their types), parents
        first: a rebuild opens them again (the accounts of a snapshot read so far, then the
        whole; a live scan's accounts as they come)."""
        opened = []
        for account in self.root.children:
            if not (account.is_expanded and account.data and account.data.kind == "member-account"):
                continue
            opened.append(account.data)
            for region in account.children:
                if region.is_expanded and region.data is not None:
                    opened.append(region.data)
                    opened += [t.data for t in region.children if t.is_expanded and t.data]
        return opened

    def _reopen_members(self, opened: list[NodeRef]) -> None:
        for ref in opened:
            node = self._member_node(ref)
            if node is not None and node.allow_expand:
                self._load_member_level(node)
                node.expand()

    def _load_member_level(self, node: TreeNode[NodeRef]) -> None:
        """The children of an account, a region of it, or a type of it (once)."""
        kind = node.data.kind if node.data is not None else ""
        if kind == "member-account":
            self._load_member(node)
        elif kind == "member-region":
            self._load_member_region(node)
        elif kind == "member-type":
            self._load_member_type(node)

    def _member_node(self, ref: NodeRef) -> TreeNode[NodeRef] | None:
        """The node of an account-level ref (member-account, -region, -type; a resource of an
        account's type, by its ARN's account), its parents' children made if need be."""
        account_id = ref.service
        if ref.kind == "resource":
            resource = self.state.get(ref.arn) if ref.arn else None
            account_id = resource.account_id if resource is not None else None
        node = _child(self.root, lambda d: d.kind == "member-account" and d.service == account_id)
        if node is None or ref.kind == "member-account":
            return node
        self._load_member(node)
        node = _child(node, lambda d: d.region == ref.region)
        if node is None or ref.kind == "member-region":
            return node
        self._load_member_region(node)
        node = _child(node, lambda d: d.type == ref.type)
        if node is None or ref.kind == "member-type":
            return node
        return _child(node, lambda d: d.arn == ref.arn)  # built if the type is open

    def _load_member(self, node: TreeNode[NodeRef]) -> None:
        """An account node's regions (as its scan read them), from the account's own resources
        (state.account_groups). Built level by level as they are expanded: an account's regions
        now, a region's types and a type's resources when each is opened, so opening an account
        of 20,000 resources builds a few nodes, not 20,000 leaves."""
        ref = node.data
        assert ref is not None and ref.service
        account = next((a for a in self.state.member_accounts if a.id == ref.service), None)
        if account is None or node.children:
            return
        by_region: dict[str, dict[str, list[Resource]]] = {}
        for (region, resource_type), items in self._member_groups(account.id).items():
            by_region.setdefault(region, {})[resource_type] = items
        views = {r.name: r for r in account.regions if r.status is not RegionStatus.NOT_ENABLED}
        # Under a filter, only the regions where it shows something (as at the top level).
        names = set(by_region) if self.narrowed else set(views) | set(by_region)
        for name in sorted(names, key=region_order):
            types = by_region.get(name, {})
            found = [r for items in types.values() for r in items]
            status = views[name].status if name in views else RegionStatus.OK
            node.add(
                accounts_view.member_region_label(
                    name, status, len(found), self.state.tally(found)
                ),
                NodeRef("member-region", region=name, service=account.id),
                allow_expand=bool(types),
            )

    def _load_member_region(self, node: TreeNode[NodeRef]) -> None:
        """A member account's region: its types, labelled; their resources come on expand."""
        ref = node.data
        assert ref is not None and ref.service and ref.region
        if node.children:
            return
        groups = self._member_groups(ref.service)
        for resource_type in sorted(t for r, t in groups if r == ref.region):
            items = groups[(ref.region, resource_type)]
            node.add(
                labels.group_label(
                    labels.short_type(resource_type), len(items), self.state.tally(items)
                ),
                NodeRef("member-type", region=ref.region, type=resource_type, service=ref.service),
                allow_expand=True,
            )

    def _load_member_type(self, node: TreeNode[NodeRef]) -> None:
        """A member account's type: its first MAX_LEAVES resources by name."""
        ref = node.data
        assert ref is not None and ref.service and ref.region and ref.type
        if node.children:
            return
        found = self._member_groups(ref.service).get((ref.region, ref.type), [])
        items = sorted(found, key=lambda r: (r.name.lower(), r.id))
        for resource in items[:MAX_LEAVES]:
            node.add_leaf(
                labels.resource_label(resource, self.state.worst(resource.arn)),
                NodeRef("resource", region=ref.region, type=ref.type, arn=resource.arn),
            )
        if len(items) > MAX_LEAVES:
            node.add_leaf(
                Text(
                    f"… {len(items) - MAX_LEAVES} more: :account, then / or :",
                    style="dim italic",
                ),
                NodeRef("more", region=ref.region, type=ref.type),
            )

    def _add_region(self, name: str, expand: bool = False) -> TreeNode[NodeRef]:
        later = [n for n in self._regions if region_order(n) > region_order(name)]
        before = self._regions[min(later, key=region_order)] if later else self._not_enabled
        node = self.root.add(
            labels.show(name, labels.NAME_CELLS),
            NodeRef("region", region=name),
            before=before,
            expand=expand,
        )
        self._regions[name] = node
        self._sync_region(name, node)
        return node

    def _sync_region(self, name: str, node: TreeNode[NodeRef], build: bool = False) -> None:
        """The region's label; its service and type nodes too once they are built (see
        _populated), or now with `build`."""
        view = self.state.regions[name]
        self._relabel(
            node,
            labels.region_label(
                view,
                *self._numbers(name),
                only_defaults=self.state.only_aws_defaults(name),
                marks=self._marks(name),
            ),
        )
        if not (build or name in self._populated or node.is_expanded or self.narrowed):
            return  # built when it is first opened
        self._populated.add(name)
        services = self._visible_types(name)
        # Types before their service, so no node is removed after its parent has gone.
        for _, service in list(self._children.get((name,), ())):
            for _, resource_type in list(self._children.get((name, service), ())):
                if resource_type not in services.get(service, ()):
                    self._remove_group((name, service, resource_type))
                    self._loaded.discard((name, resource_type))
            if service not in services:
                self._remove_group((name, service))
        expand = self.narrowed
        for service, types in services.items():
            service_node = self._groups.get((name, service))
            if service_node is None:
                service_node = self._insert(
                    node, (name, service), NodeRef("service", region=name, service=service), expand
                )
            self._relabel(
                service_node,
                labels.group_label(
                    service,
                    *self._numbers(name, service=service),
                    self._marks(name, service=service),
                ),
            )
            for resource_type in types:
                key = (name, service, resource_type)
                type_node = self._groups.get(key)
                if type_node is None:
                    ref = NodeRef("type", region=name, service=service, type=resource_type)
                    type_node = self._insert(service_node, key, ref, expand=False)
                shown, counts = self._numbers(name, resource_type=resource_type)
                self._relabel(
                    type_node,
                    labels.group_label(
                        # Under "Other (tagged)" the whole type says which service it is.
                        resource_type
                        if service == OTHER_TAGGED
                        else labels.short_type(resource_type),
                        shown,
                        counts,
                        self._marks(name, resource_type=resource_type),
                    ),
                )
                if (name, resource_type) in self._loaded:
                    self._load(type_node)  # new resources arrived under an open type
                elif expand and shown <= 50:
                    self._load(type_node)
                    type_node.expand()

    def _insert(
        self, parent: TreeNode[NodeRef], key: tuple[str, ...], ref: NodeRef, expand: bool
    ) -> TreeNode[NodeRef]:
        """Add a group node in sorted position among its siblings."""
        siblings = self._children.setdefault(key[:-1], [])
        entry = (_group_order(key[-1]), key[-1])  # "Other (tagged)" after the services
        at = bisect_right(siblings, entry)
        before = self._groups[(*key[:-1], siblings[at][1])] if at < len(siblings) else None
        insort(siblings, entry)
        node = parent.add(
            labels.show(key[-1], labels.NAME_CELLS),
            ref,
            before=before,
            expand=expand,
            allow_expand=True,
        )
        self._groups[key] = node
        return node

    def _populate(self, region: str) -> None:
        """Build a region's service and type nodes now, if they are not yet."""
        node = self._regions.get(region)
        if node is not None and region not in self._populated:
            self._sync_region(region, node, build=True)

    def _forget_groups(self, region: str) -> None:
        """A removed region's groups (removed from the tree with it): forgotten, so that the
        region coming back builds them anew instead of labelling removed nodes."""
        self._populated.discard(region)
        for _, service in self._children.pop((region,), ()):
            for _, resource_type in self._children.pop((region, service), ()):
                self._groups.pop((region, service, resource_type), None)
                self._loaded.discard((region, resource_type))
            self._groups.pop((region, service), None)

    def _remove_group(self, key: tuple[str, ...]) -> None:
        """Remove a group node (a service's after its types) and forget it."""
        self._groups.pop(key).remove()
        self._children[key[:-1]].remove((_group_order(key[-1]), key[-1]))
        self._children.pop(key, None)

    def _sync_not_enabled(self) -> None:
        names = [
            v.name for v in self.state.ordered_regions() if v.status is RegionStatus.NOT_ENABLED
        ]
        if self.narrowed or not names:
            if self._not_enabled is not None:
                self._not_enabled.remove()
                self._not_enabled = None
            return
        if self._not_enabled is None:
            self._not_enabled = self.root.add(Text(""), NodeRef("not-enabled"))
        self._relabel(
            self._not_enabled,
            Text(f"Not enabled ({len(names)}): opt-in regions, not scanned", style="dim"),
        )
        if len(self._not_enabled.children) != len(names):
            self._not_enabled.remove_children()
            for name in names:
                self._not_enabled.add_leaf(
                    labels.show(f"{name}  not enabled", labels.NAME_CELLS, style="dim"),
                    NodeRef("region", region=name),
                )

    def _load(self, node: TreeNode[NodeRef], ensure: str | None = None) -> None:
        """Build a type node's resource leaves (at most MAX_LEAVES, plus `ensure`)."""
        ref = node.data
        assert ref is not None and ref.region and ref.type
        keep = self.cursor_node.data if self.cursor_node is not None else None
        resources = self._visible_resources(ref.region, ref.type)
        shown = resources[:MAX_LEAVES]
        if ensure and all(r.arn != ensure for r in shown):
            shown += [r for r in resources if r.arn == ensure]
        node.remove_children()
        baseline = self.state.baseline is not None
        # Every account's region: each leaf names its account (five roots read alike).
        names = accounts_view.shown_account_names(self.state)
        for resource in shown:
            mark = (self.state.mark(resource.arn) or "") if baseline else None
            account = names.get(resource.account_id or "") if names else None
            node.add_leaf(
                labels.resource_label(resource, self.state.worst(resource.arn), mark, account),
                NodeRef("resource", region=ref.region, type=ref.type, arn=resource.arn),
            )
        if baseline and not self.narrowed:  # removed since the baseline: dimmed, where it was
            for resource in self.state.removed_of(ref.region, ref.type)[:MAX_LEAVES]:
                node.add_leaf(
                    labels.removed_label(resource),
                    NodeRef("resource", region=ref.region, type=ref.type, arn=resource.arn),
                )
        hidden = len(resources) - len(shown)
        if hidden > 0:
            node.add_leaf(
                Text(f"… {hidden} more: narrow with / or jump with :", style="dim italic"),
                NodeRef("more", region=ref.region, type=ref.type),
            )
        self._loaded.add((ref.region, ref.type))
        if (
            keep is not None
            and keep.kind == "resource"
            and (keep.region, keep.type)
            == (
                ref.region,
                ref.type,
            )
        ):
            self.call_after_refresh(self._restore_unless_moved, keep, self._moves)

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeRef]) -> None:
        ref = event.node.data
        if ref is not None and ref.kind.startswith("member-"):
            self._load_member_level(event.node)
            return
        if ref is not None and ref.kind == "type" and (ref.region, ref.type) not in self._loaded:
            self._load(event.node)
        # A region's groups, built on its first open (not a "Not enabled" leaf's).
        if ref is not None and ref.region and self._regions.get(ref.region) is event.node:
            self._populate(ref.region)

    # Paging and home/end jump without Textual's smooth scroll: over SSH each animation frame is
    # a full repaint of the tree sent down the wire (~8 per key), for no information.
    def action_page_down(self) -> None:
        super().action_page_down()
        self.scroll_to_line(self.cursor_line, animate=False)

    def action_page_up(self) -> None:
        super().action_page_up()
        self.scroll_to_line(self.cursor_line, animate=False)

    def action_scroll_home(self) -> None:
        self.cursor_line = 0
        self.scroll_to_line(self.cursor_line, animate=False)

    def action_scroll_end(self) -> None:
        self.cursor_line = self.last_line
        self.scroll_to_line(self.cursor_line, animate=False)

    def action_expand_cursor(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            ref = node.data
            if ref is not None and ref.kind == "region" and ref.region:
                self._populate(ref.region)  # now: a key typed right after finds its children
            node.expand()

    def action_collapse_cursor(self) -> None:
        """Collapse an open node; on a leaf or a closed node, go to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.children:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)

    # -- moving -----------------------------------------------------------------------------

    def node_for(self, ref: NodeRef) -> TreeNode[NodeRef] | None:
        if ref.kind == "account":
            return self.root
        if ref.kind == "region" and ref.region:
            return self._regions.get(ref.region)
        if ref.kind == "service" and ref.region and ref.service:
            self._populate(ref.region)
            return self._groups.get((ref.region, ref.service))
        if ref.kind == "type" and ref.region and ref.type:
            self._populate(ref.region)
            return self._groups.get((ref.region, self.state.group_of(ref.type), ref.type))
        if ref.kind == "resource" and ref.arn:
            return self._resource_node(ref.arn, load=False)
        return None

    def _resource_node(self, arn: str, load: bool) -> TreeNode[NodeRef] | None:
        resource = self.state.get(arn) or self.state.removed_resource(arn)
        if resource is None:
            return None
        key = (resource.region, self.state.group_of(resource.type), resource.type)
        self._populate(resource.region)
        type_node = self._groups.get(key)
        if type_node is None:
            return None
        if load and not any(c.data and c.data.arn == arn for c in type_node.children):
            self._load(type_node, ensure=arn)
        return next((c for c in type_node.children if c.data and c.data.arn == arn), None)

    def move_cursor(self, node: TreeNode[NodeRef] | None, animate: bool = False) -> None:
        self._moves += 1
        super().move_cursor(node, animate=animate)

    def _restore_unless_moved(self, ref: NodeRef, moves: int) -> None:
        if self._moves == moves:
            self.restore(ref)

    def restore(self, ref: NodeRef) -> bool:
        """Put the cursor back on `ref`'s node, or on its nearest surviving ancestor. True if
        it is on `ref`'s own node."""
        for candidate in _member_line(ref) if self.state.member_accounts else ():
            node = self._member_node(candidate)
            if node is not None and self._is_shown(node):
                self._move_to(node)
                return candidate == ref
        candidates = [ref]
        if ref.region:
            if ref.type:
                candidates.append(NodeRef("type", region=ref.region, type=ref.type))
            candidates.append(NodeRef("region", region=ref.region))
        for candidate in candidates:
            node = self.node_for(candidate)
            if node is not None and self._is_shown(node):
                self._move_to(node)
                return candidate == ref
        return False

    def _is_shown(self, node: TreeNode[NodeRef]) -> bool:
        parent = node.parent
        while parent is not None:
            if not parent.is_expanded:
                return False
            parent = parent.parent
        return True

    def reveal(self, arn: str) -> bool:
        """Expand down to this resource and put the cursor on it. False if it is not shown."""
        node = self._resource_node(arn, load=True)
        if node is None:
            return False
        parent = node.parent
        while parent is not None:
            if not parent.is_expanded:
                parent.expand()
            parent = parent.parent
        self._move_to(node)
        return True

    def reveal_region(self, region: str) -> bool:
        node = self._regions.get(region)
        if node is None:
            return False
        node.expand()
        self._move_to(node)
        return True

    def to_top(self) -> None:
        """The cursor on the first line, the tree scrolled to it."""
        self._move_to(self.root)

    def _move_to(self, node: TreeNode[NodeRef]) -> None:
        _ = self._tree_lines  # lay the lines out now so the node knows its line
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)
