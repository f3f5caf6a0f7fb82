"""`:vpc`: per VPC and region, its egress, then AZ -> subnet (public or private) -> resources."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from awsexplorer.model import ScanResult
from awsexplorer.ui.screens.scan_view import ScanViewScreen
from awsexplorer.ui.views.vpc import TreeItem, build_vpc_tree, filter_items, vpc_items

Node = TreeNode[TreeItem]

# Above this many resources in the tree, subnets start folded (Textual's Tree slows down with
# tens of thousands of eagerly built nodes).
EAGER_RESOURCES = 2_000


class VpcScreen(ScanViewScreen):
    """The topology as a tree. Enter shows the highlighted resource in the main tree; space
    folds and unfolds."""

    VIEW_NAME = "VPC topology"

    DEFAULT_CSS = """
    VpcScreen #vpc-tree {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    VpcScreen #vpc-empty {
        height: 1fr;
    }
    """

    FILTER_PLACEHOLDER = "filter: words in name, id, CIDR, type (Enter: done, Esc: clear)"

    BINDINGS = [
        Binding("enter", "jump", "Show", priority=True),
        Binding("space", "fold", "Fold", priority=True),
        Binding("slash", "focus_filter", "Filter"),
        Binding("l", "expand", "Expand", show=False),
        Binding("h", "collapse", "Collapse", show=False),
        Binding("E", "expand_all", "Unfold all"),
    ]

    def __init__(self, result: ScanResult, now: datetime | None = None) -> None:
        super().__init__(result, now)
        self.items: list[TreeItem] = []
        # The highlighted node's key, kept apart from the widget: a rebuild clears the tree and
        # places the cursor only after the next refresh.
        self._cursor_key: str | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield from self.compose_filter()
        tree: Tree[TreeItem] = Tree("VPCs", id="vpc-tree")
        tree.show_root = False
        tree.auto_expand = False  # Enter jumps; space folds
        tree.guide_depth = 3
        yield tree
        yield Static(id="vpc-empty", classes="view-empty")
        yield Static(id="vpc-detail", classes="view-detail")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.rebuild()
        self.vpc_tree.focus()

    @property
    def vpc_tree(self) -> Tree[TreeItem]:
        return self.query_one("#vpc-tree", Tree)

    def main_widget(self) -> Tree[TreeItem]:
        return self.vpc_tree

    def title_text(self) -> str:
        found = vpc_items(self.items)
        vpcs = len(found)
        regions = len({i.region for i in found})
        facing = sum(1 for item in _walk(self.items) if item.arn and _facing(item))
        text = f"{super().title_text()} · {vpcs} VPC{'s' if vpcs != 1 else ''}"
        if regions:
            text += f" in {regions} region{'s' if regions != 1 else ''}"
        if facing:
            text += f" · {facing} internet-facing"
        if self.filter_text.strip():
            text += f" · matching “{self.shown_filter()}”"
        return text

    def rebuild(self) -> None:
        tree = self.vpc_tree
        # Keep what the user folded, unfolded and highlighted across a rebuild.
        folded = {n.data.key: n.is_expanded for n in _nodes(tree.root) if n.data is not None}
        if self.filter_words():
            folded = {}  # while filtering, every path down to a match is unfolded
        cursor = self._cursor_key
        self.items = filter_items(build_vpc_tree(self.result), self.filter_words())
        super().rebuild()
        tree.clear()
        if sum(1 for i in _walk(self.items) if i.kind == "resource") > EAGER_RESOURCES:
            # A big account: subnets start folded, their resources are added on unfolding.
            for item in _walk(self.items):
                if item.kind == "subnet":
                    item.expanded = False
        target: Node | None = None
        for item in self.items:
            found = _add(tree.root, item, folded, cursor)
            target = target or found
        empty = self.query_one("#vpc-empty", Static)
        empty.display = not self.items
        tree.display = bool(self.items)
        if not self.items and self.filter_text.strip():
            empty.update(Text(f"Nothing matches “{self.shown_filter()}”. Esc clears the filter."))
        elif not self.items:
            empty.update(
                Text(
                    "No VPCs yet: the regions are still being scanned."
                    if self.result.finished_at is None
                    else "No VPCs in this scan. Regions that could not be read are in the error "
                    "log: !"
                )
            )
        # Node lines are laid out on the next refresh: place the cursor after it.
        self.call_after_refresh(self._place_cursor, target)

    def _place_cursor(self, target: Node | None) -> None:
        tree = self.vpc_tree
        if target is not None:
            tree.move_cursor(target, animate=False)
        elif tree.root.children:
            tree.move_cursor(tree.root.children[0], animate=False)
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#vpc-detail", Static)
        node = self.vpc_tree.cursor_node
        item = node.data if node is not None else None
        detail.display = item is not None
        detail.update(item.detail if item is not None else Text())

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[TreeItem]) -> None:
        event.stop()
        if event.node.data is not None:
            self._cursor_key = event.node.data.key
        self._show_detail()

    @on(Tree.NodeExpanded)
    def _unfolded(self, event: Tree.NodeExpanded[TreeItem]) -> None:
        event.stop()
        node = event.node
        if node.data is not None and node.data.children and not node.children:
            for child in node.data.children:
                _add(node, child, {}, None)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[TreeItem]) -> None:
        event.stop()
        self.action_jump()

    def action_jump(self) -> None:
        if self.typing:
            self._done_filtering()  # Enter in the filter: done filtering
            return
        node = self.vpc_tree.cursor_node
        if node is None or node.data is None:
            return
        if node.data.arn:
            self.jump_to(node.data.arn)
        else:
            node.toggle()  # a grouping node (egress, AZ): Enter folds it instead

    def action_fold(self) -> None:
        self.skip_while_typing()  # a space typed in the filter
        node = self.vpc_tree.cursor_node
        if node is not None and node.allow_expand:
            node.toggle()

    def action_expand(self) -> None:
        node = self.vpc_tree.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def action_collapse(self) -> None:
        node = self.vpc_tree.cursor_node
        if node is None:
            return
        if node.is_expanded and node.allow_expand:
            node.collapse()
        elif node.parent is not None and node.parent is not self.vpc_tree.root:
            self.vpc_tree.move_cursor(node.parent)

    def action_expand_all(self) -> None:
        self.vpc_tree.root.expand_all()


def _add(parent: Node, item: TreeItem, folded: dict[str, bool], cursor: str | None) -> Node | None:
    """Add `item` under `parent`, and its children if it starts unfolded (the others are added
    when first unfolded: see VpcScreen._unfolded). Returns the node keyed `cursor`, if added."""
    if not item.children:
        node = parent.add_leaf(item.label, data=item)
        return node if item.key == cursor else None
    expanded = folded.get(item.key, item.expanded)
    node = parent.add(item.label, data=item, expand=expanded)
    found = node if item.key == cursor else None
    if expanded:
        for child in item.children:
            found = _add(node, child, folded, cursor) or found
    return found


def _nodes(root: Node) -> list[Node]:
    found: list[Node] = []
    stack = list(root.children)
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


def _walk(items: list[TreeItem]) -> list[TreeItem]:
    found: list[TreeItem] = []
    for item in items:
        found.append(item)
        found.extend(_walk(item.children))
    return found


def _facing(item: TreeItem) -> bool:
    return item.internet_facing and not item.children
