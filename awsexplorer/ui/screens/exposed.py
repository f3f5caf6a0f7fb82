"""`:exposed`: everything the internet can reach, in every region, admin and database ports
first; each row unfolds to its hops (route, network ACL in and out, security group, address,
listener); Enter shows the resource in the tree, `p` its whole path view.

The rows are the one exposure result of the scan (model/exposure.py `exposure_of`): the same
verdicts the checks, the detail pane and `awsexplorer exposure` show. In the app that is the
result ExplorerState keeps (kept_exposure): worked out by a worker past EXPOSURE_IN_PLACE
resources (~9 s of CPU at 1,000,000), so this view says it is being worked out until the
worker's result is in, and the app hands the view the scan again then (update_result).
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from awsexplorer.inert import inert
from awsexplorer.model import ScanResult
from awsexplorer.model.accounts import account_names
from awsexplorer.model.exposure import Exposure
from awsexplorer.ui.exposure_detail import LIMIT, hop_lines
from awsexplorer.ui.screens.exposure_wait import (
    NOT_YET,
    WORKING,
    WaitsForExposure,
    kept_exposure,
    lookup_for,
)
from awsexplorer.ui.views.exposed import RISK_TITLES, ExposedRow, exposed_rows

MAX_SHOWN = 500  # rows listed at most: filtering stays instant on a huge estate
RISK_STYLES = {0: "bold red", 1: "bold yellow", 2: "bold"}


def row_prompt(row: ExposedRow, expanded: bool, width: int) -> Text:
    v = row.verdict
    arrow = "▾" if expanded else "▸"
    head = Text(f"{arrow} ", style="dim")
    head.append(f"{inert(v.port_text, limit=24):<12}", style=RISK_STYLES[row.risk])
    head.append(f" {inert(row.resource, limit=LIMIT)}", style="bold")
    if row.account:
        head.append(f"  {inert(row.account, limit=40)}", style="bold")
    head.append(f"  {inert(v.region, limit=40)}", style="magenta")
    head.truncate(max(width, 20), overflow="ellipsis")
    more = Text(f"\n   IPv{v.ip_version} {inert(row.how, limit=LIMIT)}", style="dim")
    more.truncate(max(width, 20) + 1, overflow="ellipsis")
    head.append_text(more)
    if expanded:
        head.append_text(hop_lines(v))
    return head


class ExposedScreen(WaitsForExposure):
    """Every reachable (resource, protocol, ports, IP version), riskiest first."""

    VIEW_NAME = "Exposed"

    DEFAULT_CSS = """
    ExposedScreen #exposed-list {
        height: 1fr;
        border: none;
        padding: 0;
    }
    ExposedScreen #exposed-empty {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("enter", "jump", "Show", priority=True),
        Binding("space", "toggle_hops", "Hops", priority=True, key_display="␣"),
        Binding("l,right", "unfold", "Unfold", show=False),
        Binding("h,left", "fold", "Fold", show=False),
        Binding("p", "path", "Path"),
        Binding("slash", "focus_filter", "Filter"),
    ]

    def __init__(self, result: ScanResult, now: datetime | None = None) -> None:
        super().__init__(result, now)
        self.expanded: set[int] = set()
        self.rows: list[ExposedRow] = []
        self.shown: list[int] = []  # indexes into rows, after the filter
        self._rows_for: tuple[ScanResult, Exposure | None] | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield from self.compose_filter()
        yield OptionList(id="exposed-list")
        yield Static(id="exposed-empty", classes="view-empty")
        yield Static(id="exposed-detail", classes="view-detail")
        yield from self.compose_footer()

    FILTER_PLACEHOLDER = "filter: port, resource, account, region, address, load balancer, hop"

    def main_widget(self) -> Widget | None:
        return self.option_list

    def on_mount(self) -> None:
        self.rebuild()
        self.option_list.focus()

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#exposed-list", OptionList)

    @property
    def exposure(self) -> Exposure | None:
        """The scan's one exposure result; None while the scan is still coming in or while the
        app's worker works it out (kept_exposure)."""
        return kept_exposure(self.app, self.result)[0]

    def all_rows(self) -> list[ExposedRow]:
        exposure = self.exposure
        kept = self._rows_for
        if kept is None or kept[0] is not self.result or kept[1] is not exposure:
            self.rows = (
                []
                if exposure is None
                else exposed_rows(
                    exposure, lookup_for(self.app, self.result), account_names(self.result)
                )
            )
            self._rows_for = (self.result, exposure)
            self.expanded.clear()
        return self.rows

    def title_text(self) -> str:
        rows = self.all_rows()
        exposure, waiting = kept_exposure(self.app, self.result)
        if exposure is None and waiting not in NOT_YET:  # the worker's, not in yet (or failed)
            said = "being worked out" if waiting == WORKING else "not known"
            return f"{super().title_text()} · {said}"
        resources = len({r.arn for r in rows})
        text = f"{super().title_text()} · {len(rows)} reachable on {resources} resources"
        if self.filter_text.strip():
            text += f" · {len(self.shown)} match"
        return text

    def rebuild(self) -> None:
        rows = self.all_rows()
        self.shown = [i for i, row in enumerate(rows) if row.matches(self.filter_text)]
        super().rebuild()
        options = self.option_list
        current = self.current_index
        options.clear_options()
        width = (options.size.width or self.app.size.width) - 4
        new: list[Option] = []
        risk: int | None = None
        for index in self.shown[:MAX_SHOWN]:
            row = rows[index]
            if row.risk != risk:
                risk = row.risk
                count = sum(1 for i in self.shown if rows[i].risk == risk)
                title = Text(f"── {RISK_TITLES[risk]} ({count})", style=RISK_STYLES[risk])
                new.append(Option(title, disabled=True))
            prompt = row_prompt(row, index in self.expanded, width)
            new.append(Option(prompt, id=f"row:{index}"))
        if len(self.shown) > MAX_SHOWN:
            more = len(self.shown) - MAX_SHOWN
            new.append(
                Option(Text(f"… {more} more: type / to narrow", style="italic"), disabled=True)
            )
        options.add_options(new)
        ids = [o.id for o in options.options]
        if current is not None and f"row:{current}" in ids:
            options.highlighted = ids.index(f"row:{current}")
        elif new:
            options.action_first()
        options.display = bool(new)
        empty = self.query_one("#exposed-empty", Static)
        empty.display = not new
        empty.update(Text(self._empty_text()))
        self._show_detail()
        self.wait_for_exposure(kept_exposure(self.app, self.result)[1])

    def _empty_text(self) -> str:
        exposure, waiting = kept_exposure(self.app, self.result)
        if exposure is None:
            return waiting
        if self.rows:
            return "Nothing matches the filter. Esc clears it."
        return (
            "Nothing is reachable from the internet: no public address, route, network ACL "
            "and security group line up, and no internet-facing load balancer forwards in."
        )

    @property
    def current_index(self) -> int | None:
        option = self.option_list.highlighted_option
        if option is None or option.id is None:
            return None
        return int(option.id.split(":", 1)[1])

    @property
    def current_row(self) -> ExposedRow | None:
        index = self.current_index
        return self.rows[index] if index is not None and index < len(self.rows) else None

    def _show_detail(self) -> None:
        detail = self.query_one("#exposed-detail", Static)
        row = self.current_row
        detail.display = row is not None
        if row is None:
            detail.update(Text())
            return
        text = Text(inert(row.arn, limit=LIMIT), style="dim")
        text.append("\nEnter: show it in the tree · Space: hops · p: every port's path")
        detail.update(text)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_jump()

    def action_jump(self) -> None:
        if self.typing:  # Enter in the filter: done filtering, back in the list
            self._done_filtering()
            return
        row = self.current_row
        if row is not None:
            self.jump_to(row.arn)

    def _set_expanded(self, unfold: bool | None) -> None:
        self.skip_while_typing()
        index = self.current_index
        if index is None:
            return
        want = (index not in self.expanded) if unfold is None else unfold
        if want == (index in self.expanded):
            return
        if want:
            self.expanded.add(index)
        else:
            self.expanded.discard(index)
        self.rebuild()

    def action_toggle_hops(self) -> None:
        self._set_expanded(None)

    def action_unfold(self) -> None:
        self._set_expanded(True)

    def action_fold(self) -> None:
        self._set_expanded(False)

    def action_path(self) -> None:
        row = self.current_row
        if row is None:
            return
        from awsexplorer.ui.screens.exposure_path import PathScreen

        self.app.push_screen(PathScreen(self.result, row.arn, chosen=row.verdict))
