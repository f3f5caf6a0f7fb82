"""Several accounts in the TUI (issue 17): the account nodes above the regions, the tree's root
and the header when a snapshot holds several accounts, and an account node's detail. Textual-
free presenters; every name, alias and OU name is the account owner's string, shown inert."""

from __future__ import annotations

import colorsys
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from awsexplorer.inert import inert
from awsexplorer.model import (
    AccountScan,
    AccountStatus,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.model.accounts import (
    INDEXED_TYPES,
    PRODUCTION_MARK,
    AccountLink,
    CrossAccountIndex,
    names_of_accounts,
    production_ids,
    production_pattern,
)

if TYPE_CHECKING:
    from awsexplorer.ui.state import ExplorerState
from awsexplorer.ui.format import SEVERITY_MARK, SEVERITY_STYLE

STATUS_STYLE = {
    AccountStatus.OK: "green",
    AccountStatus.PARTIAL: "yellow",
    AccountStatus.FAILED: "bold red",
}
LABEL_CELLS = 18
# The production marker: a word, so that it reads the same under NO_COLOR (reverse video there).
PRODUCTION_STYLE = "bold reverse red"


def production_mark() -> Text:
    return Text(PRODUCTION_MARK, style=PRODUCTION_STYLE)


# -- what the model says about the state's accounts, computed once per scan ------------------


@dataclass
class _Facts:
    pattern: re.Pattern[str] = field(default_factory=production_pattern)
    production: tuple[object, frozenset[str]] | None = None
    links: tuple[object, CrossAccountIndex] | None = None


_FACTS: WeakKeyDictionary[ExplorerState, _Facts] = WeakKeyDictionary()


def _facts(state: ExplorerState) -> _Facts:
    facts = _FACTS.get(state)
    if facts is None:
        facts = _FACTS[state] = _Facts()
    return facts


def use_production_pattern(state: ExplorerState, pattern: str | None) -> None:
    """The user's --production-pattern / production_pattern (already checked by Settings)."""
    _facts(state).pattern = production_pattern(pattern)
    _facts(state).production = None


def production(state: ExplorerState) -> frozenset[str]:
    """The production accounts' ids (the one verdict, model/accounts.production_ids) over every
    account of the scan, also while `:account` shows one; once per scan."""
    facts = _facts(state)
    accounts = state.member_accounts or list(state.accounts)
    if not accounts and state.account is not None:
        accounts = [AccountScan(id=state.account.id, alias=state.account.alias)]
    key = tuple((a.id, a.alias, a.name) for a in accounts)
    if facts.production is None or facts.production[0] != key:
        facts.production = (key, production_ids(accounts, facts.pattern))
    return facts.production[1]


def links_input(
    state: ExplorerState,
) -> tuple[ScanResult, list[AccountScan], list[Resource]] | None:
    """What the cross-account index of the state's scan is built from (the scan, its accounts,
    the resources to read), or None when it is built already or there is one account. The tree
    builds it off the UI thread once the first frame is shown (ResourceTree._index_links: ~40 ms
    of the first resource's key at 1,000,000 resources otherwise); account_links builds it in
    place if it is asked before."""
    full = state.full
    if full is None:
        return None
    links = _facts(state).links
    if links is not None and links[0] is full:
        return None
    # The index reads only its INDEXED_TYPES (VPCs, subnets, gateways, principals): those from the
    # state's index by type when it holds every account (not a pass over 1,000,000 resources),
    # else the whole scan's.
    named = full.resources if state.account_view is not None else state.of_types(INDEXED_TYPES)
    return full, full.account_scans(), named


def keep_links(state: ExplorerState, full: ScanResult, index: CrossAccountIndex) -> bool:
    """Keep an index built elsewhere (links_input) if it is of the scan the state holds and
    none is kept yet; False otherwise (dropped)."""
    facts = _facts(state)
    if state.full is not full or (facts.links is not None and facts.links[0] is full):
        return False
    facts.links = (full, index)
    return True


def account_links(state: ExplorerState, resource: Resource) -> list[AccountLink]:
    """The other accounts `resource` names (model/accounts.CrossAccountIndex), over the whole
    scan even while `:account` shows one; empty with one account."""
    wanted = links_input(state)
    if wanted is not None:  # not built yet (or not by the tree's worker yet): built here
        keep_links(state, wanted[0], CrossAccountIndex(wanted[1], wanted[2]))
    links = _facts(state).links
    return links[1].links(resource) if links is not None else []


def account_colour(account_id: str) -> str:
    """A dark, saturated colour that is stable for an account and differs between accounts
    (the header band's, and each account node's band)."""
    digest = int(hashlib.sha256(account_id.encode()).hexdigest()[:8], 16)
    hue = (digest % 360) / 360
    red, green, blue = colorsys.hls_to_rgb(hue, 0.32, 0.7)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


band_colour = account_colour


def member_label(
    account: AccountScan, resources: int, counts: Counter[Severity], production: bool = False
) -> Text:
    """`▌PROD acme-prod  111111111111  ok  42 !3`: the band colour, PROD for a production
    account, the alias or name, the id, the status, the resources and the warnings."""
    label = Text("▌", style=band_colour(account.id))
    if production:
        label.append_text(production_mark())
        label.append(" ")
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


def member_detail(
    account: AccountScan, resources: int, counts: Counter[Severity], production: bool = False
) -> Group:
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
        (
            "production",
            "yes: its alias or name matches the production pattern (--production-pattern)"
            if production
            else None,
        ),
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
                Text(
                    inert(value),
                    style=STATUS_STYLE[account.status]
                    if key == "status"
                    else PRODUCTION_STYLE
                    if key == "production"
                    else "",
                ),
            )
    title = Text(f"Account {inert(account.label, limit=60)}", style="bold")
    if production:
        title.append(" ")
        title.append_text(production_mark())
    parts: list[RenderableType] = [title, rows]
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
    accounts: list[AccountScan],
    resources: Counter[str],
    source: str | None = None,
    production: frozenset[str] = frozenset(),
) -> Group:
    """The root's detail with several accounts: two lines per account, so that it reads at 80
    columns too: `▌PROD prod-data  ok`, then `  411357125301 · 18 resources · Root/Prod`."""
    lines: list[RenderableType] = []
    for account in accounts:
        head = Text("▌", style=band_colour(account.id))
        if account.id in production:
            head.append_text(production_mark())
            head.append(" ")
        head.append(inert(account.label, limit=40), style="bold")
        head.append("  ")
        head.append(account.status.value, style=STATUS_STYLE[account.status])
        head.no_wrap = True
        head.overflow = "ellipsis"
        facts = inert(account.id, limit=20)
        if account.status is not AccountStatus.FAILED:
            facts += f" · {resources[account.id]} resources"
        if account.ou_path:
            facts += f" · {inert(account.ou_path, limit=80)}"
        lines += [head, Text(f"  {facts}", style="dim")]
    return Group(*lines)


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


def links_block(links: list[AccountLink]) -> list[RenderableType]:
    """A resource's detail: the other accounts it names (model/accounts.CrossAccountIndex),
    `account 222233334444 (staging)  role trust policy`, the ones not in the scan said so."""
    if not links:
        return []
    rows = Table.grid(padding=(0, 1))
    rows.add_column(no_wrap=True)
    rows.add_column(overflow="fold")
    for link in links:
        who = Text(f"account {inert(link.account_id, limit=20)}")
        if link.label:
            who.append(f" ({inert(link.label, limit=30)})")
        if not link.scanned:
            who.append(" not scanned", style="dim")
        what = Text(inert(link.via, limit=40), style="dim")
        if link.target:
            what.append(f" → {inert(link.target.rsplit(':', 1)[-1], limit=60)}", style="dim")
        rows.add_row(who, what)
    heading = Text(f"\nOther accounts ({len(links)})", style="bold underline")
    hint = Text("x: go to one (the peer resource, else the account)", style="dim")
    return [heading, rows, hint] if any(k.scanned for k in links) else [heading, rows]


def shown_account_names(state: ExplorerState) -> dict[str, str]:
    """Account id -> name while several accounts are shown (not narrowed to one by
    `:account`): what a row that lists several accounts' resources names. Else empty."""
    if state.account_view is not None:
        return {}
    return names_of_accounts(state.member_accounts)
