"""`:iam`: root, users, roles and groups in one sortable table — who, when last used, by what."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from awsexplorer.inert import inert
from awsexplorer.model import ScanResult
from awsexplorer.ui.format import SEVERITY_MARK, SEVERITY_STYLE, tone
from awsexplorer.ui.screens.scan_view import ScanViewScreen
from awsexplorer.ui.views.iam import (
    Admin,
    PrincipalRow,
    SortColumn,
    build_iam_rows,
    sort_rows,
)
from awsexplorer.ui.widgets.key_line import KeyLine

# Column order on screen; `1`..`8` sort by these.
COLUMNS: tuple[tuple[SortColumn, str], ...] = (
    (SortColumn.NAME, "Name"),
    (SortColumn.KIND, "Kind"),
    (SortColumn.LAST_USED, "Last used"),
    (SortColumn.MFA, "MFA"),
    (SortColumn.ADMIN, "Admin"),
    (SortColumn.WARNINGS, "Warn"),
    (SortColumn.KEYS, "Keys"),
    (SortColumn.WHERE, "Where"),
)
# Several accounts: each principal's account, beside its name (`2` sorts by it).
ACCOUNT_COLUMN = (SortColumn.ACCOUNT, "Account")
ACCOUNT_WIDTH = 14
NAME_WIDTH = 18


def columns(several_accounts: bool) -> tuple[tuple[SortColumn, str], ...]:
    """The table's columns in order; `1`..`9` sort by these."""
    if not several_accounts:
        return COLUMNS
    return (COLUMNS[0], ACCOUNT_COLUMN, *COLUMNS[1:])


# Functions, not constants: under NO_COLOR they give weight instead of colour (see tone).
def dormant_style() -> str:
    return tone("bold yellow", "underline")


def _name(row: PrincipalRow) -> Text:
    name = Text(inert(row.name, limit=NAME_WIDTH * 2), style=dormant_style() if row.dormant else "")
    name.truncate(NAME_WIDTH, overflow="ellipsis")  # cells: a wide name is cut as wide
    return name


def _cell(value: str, style: str = "", limit: int = 40) -> Text:
    """A value from AWS or a snapshot as one inert table cell, cut to `limit` cells."""
    text = Text(inert(value, limit=limit * 2), style=style)
    text.truncate(limit, overflow="ellipsis")
    return text


def _last_used(row: PrincipalRow) -> Text:
    if row.dormant:
        return Text(row.last_used, style=dormant_style())
    style = tone("dim") if row.last_used in ("never", "unknown", "-") else ""
    return Text(row.last_used, style=style)


def _mfa(row: PrincipalRow) -> Text:
    if row.mfa == "no":
        # Missing MFA matters for root and console users; for a keys-only user it is moot.
        matters = row.kind == "root" or row.console
        return Text("no", style=tone("bold red", "bold reverse") if matters else tone("dim"))
    return Text(row.mfa, style=tone("green") if row.mfa == "yes" else tone("dim"))


def _admin(row: PrincipalRow) -> Text:
    style = {Admin.YES: tone("bold red", "bold"), Admin.GROUP: tone("red", "bold")}.get(
        row.admin, tone("dim")
    )
    return Text(row.admin.value, style=style)


def _warnings(row: PrincipalRow) -> Text:
    if not row.warnings or row.worst is None:
        return Text("-", style="dim")
    return Text(f"{SEVERITY_MARK[row.worst]}{row.warnings}", style=SEVERITY_STYLE[row.worst])


def _keys(row: PrincipalRow) -> Text:
    return Text(row.keys_text, style=tone("yellow", "underline") if row.stale_keys else "")


def cells(row: PrincipalRow, several_accounts: bool = False) -> tuple[Text, ...]:
    account = (_cell(row.account, limit=ACCOUNT_WIDTH),) if several_accounts else ()
    return (
        _name(row),
        *account,
        _cell(row.kind),
        _last_used(row),
        _mfa(row),
        _admin(row),
        _warnings(row),
        _keys(row),
        _cell(row.where or "-", style="" if row.where else "dim"),
    )


def describe(row: PrincipalRow) -> Text:
    """The highlighted principal in full, under the table."""
    text = Text(inert(f"{row.kind} {row.name}", limit=200), style="bold")
    if row.account:
        text.append(f" in {inert(row.account, limit=60)}", style="bold")
    text.append(f"  {inert(row.arn, limit=300)}", style="dim")
    used = Text(f"\nlast used {inert(row.last_used, limit=40)}")
    if row.where:
        used.append(f": {inert(row.where, limit=200)}")
    if row.dormant:
        used.append(f"  — dormant: no use in {row.stale_days} days", style=dormant_style())
    text.append_text(used)
    if row.keys:
        keys = "; ".join(
            f"{k.id or 'key'} {'active' if k.active else 'inactive'}, "
            f"{k.age_days if k.age_days is not None else '?'}d old, used {k.last_used}"
            for k in row.keys
        )
        text.append(
            f"\nkeys: {inert(keys, limit=300)}",
            style=tone("yellow", "underline") if row.stale_keys else "",
        )
    return text


class IamScreen(ScanViewScreen):
    """Principals, sortable by any column; dormant ones in yellow; Enter shows one in the tree."""

    VIEW_NAME = "IAM"

    DEFAULT_CSS = """
    IamScreen #iam-table {
        height: 1fr;
    }
    IamScreen #iam-empty {
        height: 1fr;
    }
    """

    FILTER_PLACEHOLDER = "filter: words in name, kind, ARN, where used (Enter: done, Esc: clear)"

    BINDINGS = [
        Binding("enter", "jump", "Show", priority=True),
        Binding("slash", "focus_filter", "Filter"),
        Binding("s", "cycle_sort", "Next sort", show=False),
        *(
            Binding(str(n), f"sort({n - 1})", "Sort", show=n == 1, key_display="1-8")
            for n in range(1, len(COLUMNS) + 2)  # 9: the account column, when there is one
        ),
    ]

    def __init__(self, result: ScanResult, now: datetime | None = None) -> None:
        super().__init__(result, now)
        self.sort_column = SortColumn.KIND
        self.sort_reverse = False
        self.rows: list[PrincipalRow] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield from self.compose_filter()
        yield DataTable(id="iam-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="iam-empty", classes="view-empty")
        yield Static(id="iam-detail", classes="view-detail")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.rebuild()
        self.table.focus()

    @property
    def columns(self) -> tuple[tuple[SortColumn, str], ...]:
        return columns(self.result.multi_account)

    def key_display_for(self, binding: Binding) -> str | None:
        """The sort keys as there are columns (KeyLine): 1-9 with the Account column."""
        return f"1-{len(self.columns)}" if binding.action == "sort(0)" else None

    def title_text(self) -> str:
        rows = self.rows
        dormant = sum(1 for r in rows if r.dormant)
        order = f"{self.sort_column.value}{' ↓' if self.sort_reverse else ''}"
        shown = f"{len(rows)} principals"
        if self.filter_text.strip():
            shown += f" matching “{self.shown_filter()}”"
        return f"{super().title_text()} · {shown} · {dormant} dormant · by {order}"

    def main_widget(self) -> DataTable[Text]:
        return self.table

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#iam-table", DataTable)

    def rebuild(self) -> None:
        table = self.table
        current = self.current_arn
        rows = [
            r
            for r in build_iam_rows(self.result, self.now, self.settings.stale_days)
            if self.matches(r.name, r.kind, r.arn, r.where, r.account)
        ]
        self.rows = sort_rows(rows, self.sort_column, self.sort_reverse)
        super().rebuild()
        shown = self.columns
        if [key.value for key in table.columns] != [column.value for column, _ in shown]:
            table.clear(columns=True)  # the first build, or a live scan's second account
            for column, label in shown:
                table.add_column(label, key=column.value)
            for line in self.query(KeyLine):  # its sort keys: 1-8 or 1-9 (key_display_for)
                line.refresh()
        for column, label in shown:
            marker = (" ▼" if self.sort_reverse else " ▲") if column is self.sort_column else ""
            table.columns[ColumnKey(column.value)].label = Text(label + marker)
        table.clear()
        several = len(shown) > len(COLUMNS)
        for row in self.rows:
            table.add_row(*cells(row, several), key=row.arn)
        table.refresh()
        empty = self.query_one("#iam-empty", Static)
        empty.display = not self.rows
        table.display = bool(self.rows)
        if not self.rows and self.filter_text.strip():
            empty.update(
                Text(f"No principal matches “{self.shown_filter()}”. Esc clears the filter.")
            )
        elif not self.rows:
            empty.update(
                Text(
                    "No IAM principals yet: the global scan is still running."
                    if self.result.finished_at is None
                    else "No IAM principals in this scan (IAM could not be read: see the error "
                    "log, !)."
                )
            )
        arns = [r.arn for r in self.rows]
        if current in arns:
            table.move_cursor(row=arns.index(current), animate=False)
        self._show_detail()

    @property
    def current_arn(self) -> str | None:
        table = self.table
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)].arn

    def _show_detail(self) -> None:
        detail = self.query_one("#iam-detail", Static)
        arn = self.current_arn
        row = next((r for r in self.rows if r.arn == arn), None)
        detail.display = row is not None
        detail.update(describe(row) if row else Text())

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_jump()

    def action_jump(self) -> None:
        if self.typing:
            self._done_filtering()  # Enter in the filter: done filtering
            return
        arn = self.current_arn
        if arn:
            self.jump_to(arn)

    def action_sort(self, index: int) -> None:
        shown = self.columns
        if index >= len(shown):
            return  # `9` with one account: there is no ninth column
        column = shown[index][0]
        if column is self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False
        self.rebuild()

    def action_cycle_sort(self) -> None:
        order = [c for c, _ in self.columns]
        at = order.index(self.sort_column) if self.sort_column in order else -1
        self.sort_column = order[(at + 1) % len(order)]
        self.sort_reverse = False
        self.rebuild()
