"""The right-hand pane: everything about the node under the tree's cursor."""

from __future__ import annotations

from rich.console import RenderableType
from textual.containers import VerticalScroll
from textual.widgets import Static

from awsexplorer.ui.details import describe
from awsexplorer.ui.state import ExplorerState, NodeRef


class DetailPane(VerticalScroll, can_focus=True):
    """Shows `describe(ref)`; `search` narrows a resource's raw attributes to matching lines."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; scrollbar-size-vertical: 1; }
    DetailPane > Static { width: 1fr; }
    """

    def __init__(self, state: ExplorerState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.ref: NodeRef | None = None
        self.search = ""
        self.source: str | None = None  # where the data came from (a snapshot path)

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="detail-body")

    def show(self, ref: NodeRef | None) -> None:
        if ref != self.ref:
            self.search = ""
            self.scroll_home(animate=False)
        self.ref = ref
        self.refresh_detail()

    def set_search(self, text: str) -> None:
        self.search = text
        self.refresh_detail()

    def refresh_detail(self) -> None:
        self.query_one("#detail-body", Static).update(self.renderable)

    @property
    def renderable(self) -> RenderableType:
        return describe(self.state, self.ref, self.search, self.source)
