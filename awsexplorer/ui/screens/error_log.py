"""`!`: every region that could not be read in full, and every failed AWS call, with its code."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from awsexplorer.inert import inert
from awsexplorer.model import CallError, RegionStatus
from awsexplorer.ui.format import REGION_STATUS_STYLE
from awsexplorer.ui.screens.scan_view import ScanViewScreen
from awsexplorer.ui.views.error_log import ErrorLogView, RegionTrouble, build_error_log

# A cell longer than this is cut in the tables (the detail below shows more).
CELL_LIMIT = 120
DETAIL_LIMIT = 2_000


def _cell(value: str, style: str = "") -> Text:
    """A string from AWS or a snapshot as a table cell: a plain str cell would be markup."""
    return Text(inert(value, limit=CELL_LIMIT), style=style)


class ErrorLogScreen(ScanViewScreen):
    """Failed and partial regions first, then each failed call; the highlighted one in full."""

    VIEW_NAME = "Error log"

    DEFAULT_CSS = """
    ErrorLogScreen .log-heading {
        height: 1;
        padding: 0 1;
        text-style: bold;
    }
    ErrorLogScreen #log-regions {
        height: auto;
        max-height: 6;
    }
    ErrorLogScreen #log-calls {
        height: 1fr;
    }
    ErrorLogScreen #log-clean {
        height: 1fr;
    }
    """

    BINDINGS = [("tab", "app.focus_next", "Regions/calls")]

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield Static(id="log-regions-heading", classes="log-heading")
        yield DataTable(id="log-regions", cursor_type="row", zebra_stripes=True)
        yield Static(id="log-calls-heading", classes="log-heading")
        yield DataTable(id="log-calls", cursor_type="row", zebra_stripes=True)
        yield Static(id="log-clean", classes="view-empty")
        yield Static(id="log-detail", classes="view-detail")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.rebuild()

    _view: ErrorLogView | None = None  # the view as shown (rebuild makes it)

    def title_text(self) -> str:
        # The view rebuild made, not another: the title is set within rebuild.
        view = self._view if self._view is not None else self.view
        text = super().title_text()
        if view.clean:
            return f"{text} · no errors"
        places = "place(s)" if view.names_accounts else "region(s)"
        return f"{text} · {len(view.regions)} {places}, {len(view.errors)} call(s)"

    @property
    def view(self) -> ErrorLogView:
        return build_error_log(self.result)

    def rebuild(self) -> None:
        view = self.view
        self._view = view  # what the title counts and the detail describes (the rows as shown)
        super().rebuild()
        regions = self.query_one("#log-regions", DataTable)
        calls = self.query_one("#log-calls", DataTable)
        region_row, call_row = regions.cursor_row, calls.cursor_row
        # Several accounts: the first column names the account before the region.
        where = "Account, region" if view.names_accounts else "Region"
        regions.clear(columns=True)
        for label in (where, "Status", "Reason"):
            regions.add_column(label)
        calls.clear(columns=True)
        for label in (where, "Service", "Operation", "Code", "Message"):
            calls.add_column(label)
        for trouble in view.regions:
            regions.add_row(
                _cell(trouble.where),
                Text(trouble.status.value, style=REGION_STATUS_STYLE[trouble.status]),
                _cell(trouble.reason),
            )
        for error in view.errors:
            calls.add_row(
                _cell(view.where(error)),
                _cell(error.service),
                _cell(error.operation),
                _cell(error.code, style="bold red"),
                _cell(error.message.splitlines()[0] if error.message else ""),
            )
        regions.display = bool(view.regions)
        calls.display = bool(view.errors)
        places = "Accounts and regions" if view.names_accounts else "Regions"
        self.query_one("#log-regions-heading", Static).update(
            f"{places} not read in full ({len(view.regions)})" if view.regions else ""
        )
        self.query_one("#log-regions-heading").display = bool(view.regions)
        self.query_one("#log-calls-heading", Static).update(
            f"Failed calls ({len(view.errors)})" if view.errors else ""
        )
        self.query_one("#log-calls-heading").display = bool(view.errors)
        clean = self.query_one("#log-clean", Static)
        clean.display = view.clean
        clean.update(self._clean_text(view))
        regions.move_cursor(row=min(region_row, max(regions.row_count - 1, 0)))
        calls.move_cursor(row=min(call_row, max(calls.row_count - 1, 0)))
        focused = self.focused
        if focused is None or not focused.display:
            if view.regions:
                regions.focus()
            elif view.errors:
                calls.focus()
        self._show_detail()

    def _clean_text(self, view: ErrorLogView) -> Text:
        text = Text()
        if view.in_progress:
            text.append("No errors so far", style="bold green")
            text.append(f" — still scanning: {inert(', '.join(view.in_progress))}.")
        else:
            text.append("No errors", style="bold green")
            text.append(": every call in every scanned region succeeded.")
        if view.not_enabled:
            text.append(
                "\n\nNot enabled for this account, so not scanned: "
                f"{inert(', '.join(view.not_enabled))}.",
                style="dim",
            )
        return text

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        # The other table's cursor, put back by a rebuild, does not take the detail from the
        # table the user is in (it did, when the calls table's event came last).
        if event.data_table is self.focused:
            self._show_detail(event.data_table)

    def on_descendant_focus(self) -> None:
        self._show_detail()

    def _show_detail(self, table: DataTable[Text] | None = None) -> None:
        detail = self.query_one("#log-detail", Static)
        table = table or (self.focused if isinstance(self.focused, DataTable) else None)
        text: Text | None = None
        view = self._view
        if table is not None and table.row_count and view is not None:
            row = table.cursor_row
            if table.id == "log-regions" and row < len(view.regions):
                text = _region_detail(view.regions[row])
            elif table.id == "log-calls" and row < len(view.errors):
                error = view.errors[row]
                place = view.where(error)
                if view.accounts and error.account_id:
                    place = f"{place} (account {error.account_id})"
                text = _call_detail(error, place)
        detail.display = text is not None
        detail.update(text or Text())


def _region_detail(trouble: RegionTrouble) -> Text:
    where = trouble.where
    if trouble.account_id and trouble.account_id not in where:
        where = f"{where} (account {trouble.account_id})"
    text = Text(f"{inert(where, limit=CELL_LIMIT)}: ", style="bold")
    text.append(trouble.status.value, style=REGION_STATUS_STYLE[trouble.status])
    text.append(f" — {inert(trouble.reason, keep_newlines=True, limit=DETAIL_LIMIT)}")
    if not trouble.region:
        text.append("\nNothing of this account could be read; the other accounts are shown.")
    elif trouble.status is RegionStatus.PARTIAL:
        text.append("\nWhat could be read is shown; the failed calls are listed below.")
    return text


def _call_detail(error: CallError, place: str) -> Text:
    where = f"{error.service}:{error.operation} in {place} "
    text = Text(inert(where, limit=CELL_LIMIT * 2), style="bold")
    text.append(inert(error.code, limit=CELL_LIMIT), style="bold red")
    text.append(f"\n{inert(error.message, keep_newlines=True, limit=DETAIL_LIMIT)}")
    return text
