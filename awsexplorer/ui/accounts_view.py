"""Several accounts in the TUI (issue 17): the account nodes above the regions, the tree's root
and the header when a snapshot holds several accounts, and an account node's detail. Textual-
free presenters; every name, alias and OU name is the account owner's string, shown inert."""

from __future__ import annotations

from collections import Counter

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from awsexplorer.inert import inert
from awsexplorer.model import AccountScan, AccountStatus, RegionStatus, Severity
from awsexplorer.ui.format import SEVERITY_MARK, SEVERITY_STYLE

STATUS_STYLE = {
    AccountStatus.OK: "green",
    AccountStatus.PARTIAL: "yellow",
    AccountStatus.FAILED: "bold red",
}
LABEL_CELLS = 18


def band_colour(account_id: str) -> str:
    """The colour of the account's header band (the same hash as the header's)."""
    from awsexplorer.ui.widgets.account_header import account_colour

    return account_colour(account_id)


def member_label(account: AccountScan, resources: int, counts: Counter[Severity]) -> Text:
    """`▌acme-prod  111111111111  ok  42 !3`: the band colour, the alias or name, the id, the
    status, the resources and the warnings."""
    label = Text("▌", style=band_colour(account.id))
    label.append(inert(account.label, limit=LABEL_CELLS), style="bold")
    if account.label != account.id:
        label.append(f"  {inert(account.id, limit=20)}", style="dim")
    label.append(f"  {account.status.value}", style=STATUS_STYLE[account.status])
    if account.status is not AccountStatus.FAILED:
        label.append(f"  {resources}", style="dim")
    for severity in Severity:
        if counts.get(severity):
            label.append(
                f" {SEVERITY_MARK[severity]}{counts[severity]}", style=SEVERITY_STYLE[severity]
            )
    return label


def root_label(accounts: list[AccountScan], total: int, counts: Counter[Severity]) -> Text:
    failed = sum(a.status is AccountStatus.FAILED for a in accounts)
    label = Text(f"{len(accounts)} accounts", style="bold")
    label.append(f"  {total}", style="dim")
    if failed:
        label.append(f"  {failed} failed", style="bold red")
    for severity in Severity:
        if counts.get(severity):
            label.append(
                f" {SEVERITY_MARK[severity]}{counts[severity]}", style=SEVERITY_STYLE[severity]
            )
    return label


def member_detail(account: AccountScan, resources: int, counts: Counter[Severity]) -> Group:
    """The detail pane on an account node: who it is, where it sits, how it was read."""
    rows = Table.grid(padding=(0, 1))
    rows.add_column(style="bold", no_wrap=True)
    rows.add_column(overflow="fold")
    scanned = [r for r in account.regions if r.status is not RegionStatus.NOT_ENABLED]
    unread = [r for r in scanned if r.status in (RegionStatus.FAILED, RegionStatus.PARTIAL)]
    facts: list[tuple[str, str | None]] = [
        ("account", account.id),
        ("alias", account.alias),
        ("name", account.name),
        ("OU path", account.ou_path),
        ("status", account.status.value),
        ("profile", account.profile),
        ("caller", account.caller_arn or None),
        (
            "regions",
            f"{len(scanned)} scanned" + (f", {len(unread)} not read in full" if unread else "")
            if account.status is not AccountStatus.FAILED
            else None,
        ),
        ("resources", str(resources) if account.status is not AccountStatus.FAILED else None),
        (
            "warnings",
            " ".join(f"{counts[s]} {s.value}" for s in Severity if counts.get(s)) or None,
        ),
    ]
    for key, value in facts:
        if value:
            rows.add_row(
                Text(key),
                Text(inert(value), style=STATUS_STYLE[account.status] if key == "status" else ""),
            )
    parts: list[RenderableType] = [
        Text(f"Account {inert(account.label, limit=60)}", style="bold"),
        rows,
    ]
    if account.reason:
        parts += [Text("\nWhy", style="bold underline"), Text(inert(account.reason), style="red")]
    if account.status is not AccountStatus.FAILED:
        parts.append(
            Text(
                f"\nEnter, or :account {inert(account.label, limit=40)}, shows only this account; "
                ":account all shows every account again.",
                style="dim",
            )
        )
    return Group(*parts)


def accounts_overview(
    accounts: list[AccountScan], resources: Counter[str], source: str | None = None
) -> Table:
    """The root's detail with several accounts: one row per account (status, resources, OU)."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for account in accounts:
        table.add_row(
            Text("▌", style=band_colour(account.id)) + Text(inert(account.label, limit=24)),
            Text(account.status.value, style=STATUS_STYLE[account.status]),
            Text(
                inert(
                    f"{account.id}"
                    + (
                        f" · {resources[account.id]} resources"
                        if account.status.value != "failed"
                        else ""
                    )
                    + (f" · {account.ou_path}" if account.ou_path else ""),
                    limit=120,
                ),
                style="dim",
            ),
        )
    return table


def member_region_label(
    name: str, status: RegionStatus, count: int, counts: Counter[Severity]
) -> Text:
    """A region under an account node: its name, what it holds, and how it was read."""
    label = Text(inert(name, limit=30))
    label.append(f"  {count}", style="dim")
    for severity in Severity:
        if counts.get(severity):
            label.append(
                f" {SEVERITY_MARK[severity]}{counts[severity]}", style=SEVERITY_STYLE[severity]
            )
    if status in (RegionStatus.FAILED, RegionStatus.PARTIAL):
        style = "red" if status is RegionStatus.FAILED else "yellow"
        label.append(f"  {status.value}", style=style)
    return label
