"""The non-interactive output of `scan --format text`, rendered with rich.

Every string from AWS or a snapshot is hostile: it reaches rich only as a `Text` made by `_t`
(inert: control characters shown as ␛ and the like; never parsed as markup, never highlighted).
A plain `str` given to a rich table or `console.print` would be parsed as markup.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from awsexplorer.inert import inert
from awsexplorer.model import GLOBAL_REGION, Finding, RegionStatus, ScanResult, Severity
from awsexplorer.model.defaults import regions_with_only_defaults


class _Console(Console):
    """rich's Console, but a reader that leaves (`awsexplorer findings ... | head -1`) is a
    BrokenPipeError for cli.main, which leaves with 0 as every command does: rich's own
    handler exits 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def console(*, stderr: bool = False) -> Console:
    """The one kind of console the commands print through (no highlighting: our styles only)."""
    return _Console(stderr=stderr, highlight=False)


SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}

STATUS_STYLE = {
    RegionStatus.OK: "green",
    RegionStatus.PARTIAL: "yellow",
    RegionStatus.FAILED: "bold red",
    RegionStatus.NOT_ENABLED: "dim",
}


def _t(value: object, style: str = "") -> Text:
    """Untrusted text as a rich renderable that is shown as it is and does nothing."""
    return Text(inert(value), style=style)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def short_type(resource_type: str) -> str:
    return resource_type.split(":", 1)[1]


def print_summary(console: Console, result: ScanResult) -> None:
    account = result.account
    alias = f" ({account.alias})" if account.alias else ""
    console.print(
        Text.assemble(
            ("Account ", "bold"),
            (inert(f"{account.id}{alias}"), "bold cyan"),
            "  caller ",
            (inert(account.caller_arn), "cyan"),
            inert(f"\nScanned {result.started_at} .. {result.finished_at}", keep_newlines=True),
        )
    )
    by_region: dict[str, Counter[str]] = defaultdict(Counter)
    for resource in result.resources:
        by_region[resource.region][short_type(resource.type)] += 1
    only_defaults = regions_with_only_defaults(result.resources)

    table = Table(title="Resources by region", title_justify="left", expand=False)
    table.add_column("Region", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Count", justify="right")
    table.add_column("By type")
    scanned = {r.name: r for r in result.regions}
    names = sorted(set(scanned) | set(by_region), key=lambda n: (n != GLOBAL_REGION, n))
    defaults_only: list[str] = []
    for name in names:
        region = scanned.get(name)
        counts = by_region.get(name, Counter())
        status = region.status if region else RegionStatus.OK
        if status is RegionStatus.NOT_ENABLED and not counts:
            continue
        if status is RegionStatus.OK and name in only_defaults:
            defaults_only.append(name)  # fold: nothing of the user's here
            continue
        detail = ", ".join(f"{t} {n}" for t, n in sorted(counts.items()))
        if region and region.reason and status is RegionStatus.FAILED:
            detail = region.reason
        table.add_row(
            _t(name),
            Text(status.value, style=STATUS_STYLE.get(status, "")),
            Text(str(sum(counts.values()))),
            _t(detail or "(empty)", style="" if detail else "dim"),
        )
    console.print(table)
    if defaults_only:
        console.print(
            _t(
                f"Only AWS defaults (default VPC, settings) in {len(defaults_only)} regions: "
                + ", ".join(defaults_only),
                style="dim",
            )
        )
    not_enabled = [r.name for r in result.regions if r.status is RegionStatus.NOT_ENABLED]
    if not_enabled:
        console.print(_t(f"Not enabled (not scanned): {', '.join(not_enabled)}", style="dim"))

    errors = result.errors
    if errors:
        console.print(Text(f"{len(errors)} calls failed:", style="bold yellow"))
        for e in sorted(errors, key=lambda e: (e.region, e.service, e.operation)):
            line = Text.assemble(
                (inert(f"  {e.region} "), "bold"),
                inert(f"{e.service}:{e.operation} "),
                (inert(e.code), "red"),
                inert(f" {e.message}"),
            )
            line.truncate(console.width * 2, overflow="ellipsis")
            console.print(line)
    console.print(
        Text(
            f"{_count(len(result.resources), 'resource')} in "
            f"{_count(len(result.scanned_regions), 'region')} (and global); "
            + ("complete." if result.complete else "PARTIAL: some calls failed (see above)."),
            style="bold" if result.complete else "bold yellow",
        )
    )
    print_findings(console, result)


def print_findings(
    console: Console,
    result: ScanResult,
    findings: list[Finding] | None = None,
    production: frozenset[str] = frozenset(),
) -> None:
    """The warnings grouped by severity, worst first: resource, region, message; then the
    checks that could not be evaluated, so silence is never mistaken for a pass."""
    findings = result.findings if findings is None else findings
    labels = {r.arn: r.name or r.id for r in result.resources}
    labels[result.account.root_arn] = f"account {result.account.id}"
    # Several accounts: each account's own findings name it, and the region column says whose.
    several = result.multi_account
    # A production account (model/accounts.production_ids) says so: "PROD acme-prod".
    names = {
        a.id: ("PROD " if a.id in production else "") + a.label for a in result.account_scans()
    }
    for account in result.account_scans() if several else ():
        labels[account.account.root_arn] = f"account {account.label} ({account.id})"
    if not findings:
        console.print(Text("No findings.", style="bold green"))
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        table = Table(
            title=Text(f"{severity.value.upper()} ({len(group)})", style=SEVERITY_STYLE[severity]),
            title_justify="left",
            expand=False,
        )
        table.add_column("Resource", overflow="fold", max_width=28)
        table.add_column("Account, region" if several else "Region", no_wrap=True)
        table.add_column("Message", overflow="fold")
        for f in sorted(group, key=lambda f: (f.check, f.region, f.resource, f.message)):
            message = _t(f.message)
            message.append("\n" + inert(f.check), style="dim")
            where = (
                f"{names.get(f.account_id or '', f.account_id)} {f.region}" if several else f.region
            )
            table.add_row(_t(labels.get(f.resource, f.resource)), _t(where), message)
        console.print(table)
    skipped = [c for c in result.checks if not c.evaluated]
    if skipped:
        console.print(Text(f"{_count(len(skipped), 'check')} not evaluated:", style="bold yellow"))
        for c in sorted(skipped, key=lambda c: c.id):
            console.print(
                Text.assemble(inert(f"  {c.id}: "), (inert(c.reason or "no reason given"), "dim"))
            )
    counts = Counter(f.severity for f in findings)
    summary = ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s])
    console.print(Text(f"{len(findings)} findings" + (f" ({summary})" if summary else "") + "."))
