"""The right-hand pane: everything about the node under the tree's cursor."""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.css.styles import RulesMap
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style
from textual.timer import Timer
from textual.visual import RenderOptions, Visual
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.widget import Widget

    _WidgetBase = Widget
else:
    _WidgetBase = object

from awsexplorer.ui.details import describe
from awsexplorer.ui.state import ExplorerState, NodeRef

# While the cursor runs through the tree (a held j, a burst of keys), the pane is repainted at
# most once per this many seconds: every repaint re-lays out the screen, and the nodes the cursor
# only passes over are not worth it. The first move after a pause is shown at once; a repaint
# because the data changed (a scan's events, a snapshot's accounts coming in) is no move.
FOLLOW_INTERVAL = 0.05


class DetailLines(Visual):
    """A detail rendered once per width into the lines the pane shows, not once to measure it
    and again, whole, at every paint.

    Textual lays the pane out by rendering its content to count the lines; then, whenever the
    body is painted, it renders all of it again and cuts it into lines (a 239-line overview
    of 50 accounts for the 21 shown at 80x24). Here the lines of one render are kept, with
    the style they were made in (the body's own, from its CSS): the height is their number,
    and a paint reuses them. Printed on a rich Console it is the detail itself."""

    def __init__(self, widget: Widget, renderable: RenderableType) -> None:
        self.widget = widget
        self.renderable = renderable
        self._lines: tuple[int, RichStyle, list[Strip]] | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.renderable

    def lines(self, width: int, style: RichStyle) -> list[Strip]:
        if self._lines is None or self._lines[:2] != (width, style):
            # As Textual renders a rich renderable in a widget (RichVisual.render_strips).
            app = self.widget.app
            options = app.console_options.update(highlight=False, width=width)
            styled = self.widget.post_render(self.renderable, style)
            segments = app.console.render(styled, options.update_width(width))
            cut = Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False)
            self._lines = (width, style, [Strip(line) for line in cut])
        return self._lines[2]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width  # the body is 1fr wide: never asked

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines(width, self.widget.visual_style.rich_style))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.lines(width, style.rich_style)[:height]


class LaidOutOnce(_WidgetBase):
    """Textual lays the whole screen out again when a widget's virtual size changes (it could
    move others). The detail's body and pane move nothing: the layout that gave them their new
    height has placed everything already, and a second one only painted the screen again (a
    third of a key's work when the cursor moves to a node whose detail is taller). When the
    pane's scrollbar comes or goes, its own reactive (`show_vertical_scrollbar`) asks for the
    layout that places it. Mixed in first; a plain class at run time (a Widget base would bring
    its own default styles, ahead of Static's and VerticalScroll's)."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class DetailBody(LaidOutOnce, Static):
    """The pane's text. Remembers the height of what it shows at one width, so a layout does
    not measure (render) the detail a second time after `DetailPane.refresh_detail` has."""

    measured: tuple[int, int] | None = None  # (width, height) of the current content

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Its lines are made once per detail (DetailLines), and it has no links to hover:
        # Textual would otherwise restyle every line of it at each paint, looking for them.
        self.auto_links = False

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self.measured is not None and self.measured[0] == width:
            return self.measured[1]
        height = super().get_content_height(container, viewport, width)
        self.measured = (width, height)
        return height


class DetailPane(LaidOutOnce, VerticalScroll, can_focus=True):
    """Shows `describe(ref)`; `search` narrows a resource's raw attributes to matching lines."""

    # Like every list here, j/k move (scroll) when the pane has focus (Tab).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; scrollbar-size-vertical: 1; scrollbar-gutter: stable; }
    DetailPane > Static { width: 1fr; }
    """

    def __init__(self, state: ExplorerState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.ref: NodeRef | None = None
        self.search = ""
        self.source: str | None = None  # where the data came from (a snapshot path)
        self._shown_at = 0.0
        self._following: NodeRef | None = None
        self._follow_timer: Timer | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield DetailBody(id="detail-body")

    def follow(self, ref: NodeRef | None) -> None:
        """The tree's cursor moved to `ref`: show it now, or with the next repaint if one was
        made less than FOLLOW_INTERVAL ago (only the latest node of a burst is shown)."""
        self._following = ref
        if self._follow_timer is not None:
            return  # a repaint is already due; it will show the latest node
        if ref == self.ref:
            # The node shown already (the tree rebuilt around the cursor, as every account of a
            # big snapshot comes in): what changes a detail's content makes it again itself
            # (refresh_detail), so this would only make it twice more in that key's turn.
            return
        wait = self._shown_at + FOLLOW_INTERVAL - monotonic()
        if wait <= 0:
            self._catch_up()
        else:
            self._follow_timer = self.set_timer(wait, self._catch_up)

    def _catch_up(self) -> None:
        self._follow_timer = None
        if self._following != self.ref:  # else the cursor came back to the node shown
            self.show(self._following)

    def show(self, ref: NodeRef | None) -> None:
        if self._follow_timer is not None:  # an explicit choice wins over the cursor's trail
            self._follow_timer.stop()
            self._follow_timer = None
        self._following = ref
        if ref != self.ref:
            self.search = ""
            self.scroll_home(animate=False)
        self.ref = ref
        self._shown_at = monotonic()
        self.refresh_detail()

    def set_search(self, text: str) -> None:
        self.search = text
        self.refresh_detail()

    def on_mount(self) -> None:
        if self._unpainted:
            self.refresh_detail()

    _unpainted = False  # asked to paint before the body was composed

    def refresh_detail(self) -> None:
        # Not `_shown_at`: the cursor's next move after a repaint for new data is shown at once.
        # It waited out the rest of FOLLOW_INTERVAL (a `j` queued behind a big snapshot's last
        # accounts: 10-20 ms of its 67-110).
        bodies = self.query(DetailBody)
        if not bodies:
            # The screen can ask before this pane has composed its body (seen on the first
            # frame of a 1,000,000-resource snapshot under load): painted once mounted.
            self._unpainted = True
            return
        self._unpainted = False
        body = bodies.first()
        renderable = DetailLines(body, self.renderable)
        # A new height needs a layout of the whole screen (and a repaint of all of it); moving
        # between resources of one type usually keeps the height, so measure (as Textual would)
        # and repaint only the pane when it is unchanged at the same width.
        width = body.content_size.width
        if width <= 0:  # not laid out yet (the first frame): the layout measures it
            body.measured = None
            body.update(renderable)
            return
        # Textual's own Widget passes its styles as the rules too (it reads them with .get()).
        styles = cast(RulesMap, body.styles)
        measured = (width, renderable.get_height(styles, width))
        same = measured == body.measured
        body.measured = measured
        body.update(renderable, layout=not same)

    @property
    def renderable(self) -> RenderableType:
        return describe(self.state, self.ref, self.search, self.source)
