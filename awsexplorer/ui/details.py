"""What the detail pane says about the selected node, as rich renderables. No Textual.

A resource answers "where is it?" first (region, VPC, subnet public or private and why, security
groups, role), then its warnings with the fix, its tags, and the raw attributes as JSON that can
be searched.

Every string from AWS or a snapshot is literal text here, made inert (awsexplorer.inert): a rich
Table would parse a plain `str` cell as markup, so every cell is built as Text.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.table import Table
from rich.text import Text

from awsexplorer.inert import inert, json_text
from awsexplorer.model import GLOBAL_REGION, Finding, RegionStatus, Resource, Severity
from awsexplorer.model.kinds import (
    ROLE,
    SECURITY_GROUP,
    SECURITY_GROUPS,
    SUBNET,
    TRANSIT_GATEWAY,
    VPC,
    dig,
    kind_of,
)
from awsexplorer.model.ownership import managed_by
from awsexplorer.model.sharing import shared_from
from awsexplorer.ui.accounts_view import account_links, links_block, production
from awsexplorer.ui.format import REGION_STATUS_STYLE, SEVERITY_MARK, SEVERITY_STYLE, tone
from awsexplorer.ui.labels import key_state, short_type
from awsexplorer.ui.state import ExplorerState, NodeRef

# A resource's blocks (exposure, relations, Systems Manager, spend) are imported where they are
# drawn: the first frame shows the account's detail, which needs none of them nor the models
# behind them (model.exposure, model.relationships, model.operations; issue 18).

# Matches resource_tree.MAX_LEAVES (kept here so this module stays free of Textual).
MAX_SHOWN = 1000
# A value longer than this is cut (with an ellipsis) in the facts; the raw attributes below keep
# it whole.
VALUE_LIMIT = 2_000
SEARCH_LINE_LIMIT = 500


def _literal(value: object, limit: int | None = VALUE_LIMIT) -> Text:
    """A string we did not write, as inert Text (newlines kept: a value may span lines)."""
    return Text(inert(value, keep_newlines=True, limit=limit))


def _facts(rows: list[tuple[str, RenderableType | str | None]]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True, max_width=40)
    table.add_column(overflow="fold")
    for key, value in rows:
        if value is not None and value != "":
            cell = _literal(value) if isinstance(value, str) else value
            table.add_row(Text(inert(key, limit=40)), cell)
    return table


def _heading(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def warnings_block(findings: list[Finding], limit: int | None = None) -> RenderableType:
    if not findings:
        return Text("No warnings.", style="dim")
    lines: list[RenderableType] = []
    for finding in findings[:limit]:
        line = Text()
        line.append(
            f"{SEVERITY_MARK[finding.severity]} {finding.severity.value.upper()}",
            style=SEVERITY_STYLE[finding.severity],
        )
        line.append(f"  {inert(finding.message, limit=VALUE_LIMIT)}")
        line.append(f"  [{inert(finding.check, limit=80)}]", style="dim")
        lines.append(line)
        if finding.remediation:
            fix = inert(finding.remediation, keep_newlines=True, limit=VALUE_LIMIT)
            lines.append(Text(f"   Fix: {fix}", style="italic"))
    if limit is not None and len(findings) > limit:
        lines.append(Text(f"… and {len(findings) - limit} more (:findings)", style="dim"))
    return Group(*lines)


def _subnet_text(subnet: Resource | None, subnet_id: str, public: object) -> Text:
    text = Text(inert(subnet_id, limit=80))
    if subnet is not None and subnet.name != subnet.id:
        text.append(f" ({inert(subnet.name, limit=80)})")
    attrs = subnet.attributes if subnet is not None else {}
    verdict = attrs.get("public", public)
    if verdict is True:
        text.append("  PUBLIC", style=tone("bold yellow", "bold reverse"))
    elif verdict is False:
        text.append("  private", style=tone("green"))
    reason = attrs.get("public_reason")
    if reason:
        text.append(f"\n{inert(reason, keep_newlines=True, limit=VALUE_LIMIT)}", style="italic")
    return text


def placement(
    state: ExplorerState, resource: Resource
) -> list[tuple[str, RenderableType | str | None]]:
    """Region, VPC, subnet (public/private and why), security groups, role."""
    from awsexplorer.ui.views.exposed import EXPOSABLE

    attrs = resource.attributes
    rows: list[tuple[str, RenderableType | str | None]] = [
        (
            "region",
            "global (not regional)" if resource.region == GLOBAL_REGION else resource.region,
        ),
    ]
    if resource.vpc_id:
        vpc = state.by_id(resource.region, resource.vpc_id, VPC, resource.account_id)
        rows.append(
            (
                "vpc",
                f"{resource.vpc_id} ({vpc.name})"
                if vpc and vpc.name != vpc.id
                else resource.vpc_id,
            )
        )
    owner = shared_from(resource)
    if owner is not None:
        said = (
            "shared with this account (RAM); the owner manages it"
            if resource.type == TRANSIT_GATEWAY
            else "shared with this account (VPC sharing); the owner manages its route tables, "
            "addresses and flow logs, and its checks judge them"
        )
        rows.append(("owner", f"account {inert(owner, limit=40)}: {said}"))
    if resource.type == SUBNET:
        rows.append(("subnet", _subnet_text(resource, resource.id, attrs.get("public"))))
        if attrs.get("egress_route"):
            rows.append(("egress", str(attrs["egress_route"])))
    else:
        subnet_ids = attrs.get("subnet_ids") or ([resource.subnet_id] if resource.subnet_id else [])
        for subnet_id in subnet_ids[:4]:
            subnet = state.by_id(resource.region, str(subnet_id), SUBNET, resource.account_id)
            rows.append(
                ("subnet", _subnet_text(subnet, str(subnet_id), attrs.get("subnet_public")))
            )
        if len(subnet_ids) > 4:
            rows.append(("", f"… {len(subnet_ids) - 4} more subnets"))
    facing = attrs.get("internet_facing")
    # A type the exposure verdict covers has it answer alone (exposure_block): the shallow row
    # (public address, public subnet) would contradict a verdict that a NACL blocks the path.
    if facing is not None and resource.type not in EXPOSABLE:
        rows.append(
            (
                "internet",
                Text(
                    "internet-facing: a public address in a public subnet; what it accepts "
                    "is up to its security groups",
                    style=tone("bold yellow", "bold"),
                )
                if facing
                else Text("not internet-facing", style=tone("green")),
            )
        )
    # The record's placement fields, as the collector wrote them (model/kinds.py).
    listed = attrs.get(SECURITY_GROUPS)
    if isinstance(listed, list):
        groups = list(dict.fromkeys(str(g) for g in listed if g))
        if groups:
            text = Text()
            for index, group_id in enumerate(groups[:6]):
                group = state.by_id(resource.region, group_id, SECURITY_GROUP, resource.account_id)
                text.append(("\n" if index else "") + group_id)
                if group is not None and group.name != group.id:
                    text.append(f" ({inert(group.name, limit=80)})")
                worst = state.worst(group.arn) if group is not None else None
                if worst is not None:
                    text.append(
                        f" {SEVERITY_MARK[worst]} {worst.value}", style=SEVERITY_STYLE[worst]
                    )
            rows.append(("sec groups", text))
    role = attrs.get(ROLE)
    if role:
        rows.append(("role", str(role)))
    return rows


def attributes_json(attributes: dict[str, object], search: str = "") -> RenderableType:
    """The raw attributes, highlighted; with `search`, only the matching lines, marked.

    json_text writes every control, bidi and zero-width character as a \\u escape (rich's JSON
    would re-serialise the document and write them raw)."""
    body = json_text(attributes, indent=2, sort_keys=True, default=str)
    if not search:
        text = JSONHighlighter()(body)
        text.no_wrap = True
        text.overflow = None
        return text
    search = inert(search)
    needle = search.lower()
    hits = [(n, line) for n, line in enumerate(body.splitlines(), 1) if needle in line.lower()]
    if not hits:
        return Text(f"No attribute line contains “{search}”.", style="dim")
    text = Text(
        f"{len(hits)} line{'s contain' if len(hits) != 1 else ' contains'} “{search}”:\n",
        style="dim",
    )
    for number, line in hits:
        text.append(f"{number:>4} ", style="dim")
        # A matching line is cut: a 10,000-character value would otherwise be marked at every
        # hit of a one-letter search (seconds to lay out).
        line_text = Text(line if len(line) <= SEARCH_LINE_LIMIT else line[:SEARCH_LINE_LIMIT] + "…")
        line_text.highlight_words([search], style="reverse", case_sensitive=False)
        text.append_text(line_text)
        text.append("\n")
    return text


def key_facts(resource: Resource) -> list[tuple[str, RenderableType | str | None]]:
    facts: list[tuple[str, RenderableType | str | None]] = []
    # The facts an engineer looks for first, from the type's record; the rest is in the raw
    # attributes below, searchable with /.
    for fact in kind_of(resource.type).facts:
        label = fact.label
        value: Any = dig(resource.attributes, fact.path)
        facts.append((label, _fact_text(value)))
    return facts


def _fact_text(value: Any) -> str | None:
    """A fact's value as one line: a list's items, an object's set fields as `name value`
    (`enabled no, kms_key_id alias/s3`, not Python's `{'enabled': False, 'type': None}`),
    yes/no for true/false; None when there is nothing to show."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(filter(None, map(_fact_text, value))) or None
    if isinstance(value, dict):
        shown = ((k, _fact_text(v)) for k, v in value.items())
        return ", ".join(f"{k} {text}" for k, text in shown if text is not None) or None
    if value is None or value == "":
        return None
    return str(value)


def _stack_line(resource: Resource) -> str | None:
    """The row saying which CloudFormation stack owns the resource (model/ownership.py)."""
    stack = managed_by(resource)
    return None if stack is None else f"part of stack {stack}  (m: go to it)"


def resource_detail(state: ExplorerState, resource: Resource, search: str = "") -> Group:
    from awsexplorer.ui.exposure_detail import exposure_block
    from awsexplorer.ui.operations_detail import operations_rows
    from awsexplorer.ui.relations_detail import relations_block

    title = Text(inert(resource.name, limit=VALUE_LIMIT), style="bold")
    title.append(f"  {inert(resource.type, limit=80)}", style="dim")
    facts = key_facts(resource)
    shown_state = key_state(resource)
    if shown_state in {value for _, value in facts}:
        shown_state = None  # the tree's one fact (a Lambda's runtime) is not a state
    rows: list[tuple[str, RenderableType | str | None]] = [
        ("id", resource.id),
        ("arn", resource.arn),
        ("state", shown_state),
        ("stack", _stack_line(resource)),
        *facts,
        *operations_rows(state, resource),  # Systems Manager (ui/operations_detail.py)
    ]
    # One row per label: a key fact (a Lambda's role) is not repeated by its placement.
    labelled = {label for label, value in rows if value is not None}
    rows += [row for row in placement(state, resource) if row[0] not in labelled]
    parts: list[RenderableType] = [title, _facts(rows)]
    parts += baseline_block(state, resource)
    parts += exposure_block(state, resource)  # issue 16: reachable from the internet, or why not
    findings = state.findings_for(resource.arn)
    parts += [_heading(f"Warnings ({len(findings)})"), warnings_block(findings)]
    parts += relations_block(state, resource)  # Uses / Used by (ui/relations_detail.py)
    parts += links_block(account_links(state, resource))  # other accounts (issue 17)
    parts.append(_heading(f"Tags ({len(resource.tags)})"))
    if resource.tags:
        parts.append(_facts([(k, v) for k, v in sorted(resource.tags.items())]))
    else:
        parts.append(Text("No tags.", style="dim"))
    parts.append(_heading("Attributes" + ("" if search else "  (/ searches them)")))
    parts.append(attributes_json(resource.attributes, search))
    return Group(*parts)


def baseline_block(state: ExplorerState, resource: Resource) -> list[RenderableType]:
    """What changed since the baseline (--baseline, :baseline), in readable terms."""
    mark = state.mark(resource.arn) if state.baseline is not None else None
    since = inert(state.baseline_name or "the baseline", limit=80)
    if mark == "+":
        return [_heading(f"Added since {since}")]
    change = state.change_of(resource.arn) if mark == "~" else None
    if change is None:
        return []
    from awsexplorer.model.diff import readable_lines

    lines = readable_lines(change)
    body = Text()
    for n, line in enumerate(lines):
        body.append(("\n" if n else "") + "~ " + inert(line, limit=VALUE_LIMIT))
    return [_heading(f"Changed since {since} ({len(change.changes)})"), body]


def removed_detail(state: ExplorerState, resource: Resource) -> Group:
    """A resource the baseline had and this scan does not: what it was."""
    since = inert(state.baseline_name or "the baseline", limit=80)
    title = Text(inert(resource.name, limit=VALUE_LIMIT), style="bold dim")
    title.append(f"  {inert(resource.type, limit=80)}", style="dim")
    note = Text(f"Removed: in {since}, not in this scan.", style="bold")
    rows: list[tuple[str, RenderableType | str | None]] = [
        ("id", resource.id),
        ("arn", resource.arn),
        *key_facts(resource),
    ]
    return Group(
        title,
        note,
        _facts(rows),
        _heading("Attributes (as the baseline had them)"),
        attributes_json(resource.attributes),
    )


def _severity_line(counts: Counter[Severity], scanning: bool = False) -> Text:
    if not counts:
        # The checks run once the scan is complete: "none" before then would be a false all-clear.
        return Text("after the scan" if scanning else "none", style="dim")
    text = Text()
    for severity in Severity:
        if counts.get(severity):
            text.append(f"{counts[severity]} {severity.value}  ", style=SEVERITY_STYLE[severity])
    return text


def _type_counts(state: ExplorerState, region: str) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right")
    table.add_column()
    for resource_type in state.types_in(region):
        table.add_row(
            Text(str(state.count(region, resource_type))), Text(inert(resource_type, limit=80))
        )
    return table


def region_detail(state: ExplorerState, region: str) -> Group:
    from awsexplorer.ui.operations_detail import spend_rows

    view = state.regions.get(region)
    if view is None:
        return Group(
            Text(inert(region, limit=80), style="bold"), Text("Not part of this scan.", style="dim")
        )
    status = Text(view.status.value, style=REGION_STATUS_STYLE[view.status])
    if view.status is RegionStatus.SCANNING:
        status.append(f"  {view.done}/{view.total} collectors done")
    rows: list[tuple[str, RenderableType | str | None]] = [
        ("status", status),
        ("reason", view.reason),
        ("resources", str(state.count(region))),
        *spend_rows(state, region),  # --cost (ui/operations_detail.py)
        (
            "warnings",
            _severity_line(state.severity_counts(region=region), scanning=state.scanning),
        ),
        ("failed calls", f"{len(view.errors)} (! opens the error log)" if view.errors else None),
        (
            "contents",
            "only what AWS creates by itself (the default VPC, account settings): nothing of "
            "yours runs here"
            if state.only_aws_defaults(region)
            else None,
        ),
    ]
    title = Text(
        "Global: IAM and account-wide" if region == GLOBAL_REGION else inert(region, limit=80),
        style="bold",
    )
    parts: list[RenderableType] = [title, _facts(rows)]
    if view.errors:
        parts.append(_heading("Failed calls"))
        for error in view.errors[:5]:
            line = f"{error.service}:{error.operation}  {error.code}: {error.message}"
            parts.append(Text(inert(line, limit=VALUE_LIMIT), style=tone("red")))
        if len(view.errors) > 5:
            parts.append(Text(f"… {len(view.errors) - 5} more in the error log (!)", style="dim"))
    if state.count(region):
        parts += [_heading("By type"), _type_counts(state, region)]
    parts.append(Text("\nr rescans this region", style="dim"))
    return Group(*parts)


def group_detail(state: ExplorerState, ref: NodeRef) -> Group:
    region = ref.region or ""
    title = ref.type or ref.service or ""
    count = state.count(region, resource_type=ref.type, service=None if ref.type else ref.service)
    # The same warnings the node's badge counts (account-wide ones are the account's).
    findings = state.findings_in(region, resource_type=ref.type, service=ref.service)
    parts: list[RenderableType] = [
        Text(inert(f"{title} in {region}", limit=160), style="bold"),
        _facts(
            [
                ("resources", str(count)),
                ("warnings", _severity_line(Counter(f.severity for f in findings))),
            ]
        ),
    ]
    if findings:
        parts += [_heading("Warnings"), warnings_block(findings, limit=8)]
    return Group(*parts)


def account_detail(state: ExplorerState, source: str | None = None) -> Group:
    account = state.account
    if account is None:
        return Group(Text(inert(state.note or "Connecting to AWS…"), style="dim"))
    scanned = [v for v in state.ordered_regions() if v.status is not RegionStatus.NOT_ENABLED]
    done = sum(1 for v in scanned if v.finished)
    rows: list[tuple[str, RenderableType | str | None]] = [
        ("account", account.id + (f" ({account.alias})" if account.alias else "")),
        ("caller", account.caller_arn),
        ("profile", state.profile),
        ("source", source),
        ("started", state.started_at),
        ("finished", state.finished_at or ("scanning…" if state.scanning else None)),
        (
            "regions",
            f"{done}/{len(scanned)} read"
            + (
                f", {sum(1 for v in scanned if v.status is RegionStatus.FAILED)} failed"
                if any(v.status is RegionStatus.FAILED for v in scanned)
                else ""
            ),
        ),
        ("resources", str(state.resource_total)),
        ("warnings", _severity_line(state.severity_counts(), scanning=state.scanning)),
    ]
    parts: list[RenderableType] = [Text("Account", style="bold"), _facts(rows)]
    own = state.account_findings()
    if own:
        parts += [_heading(f"Account-wide warnings ({len(own)})"), warnings_block(own, limit=10)]
    return Group(*parts)


def accounts_detail(state: ExplorerState, source: str | None = None) -> RenderableType:
    """The root's detail with several accounts: every account, then the account-wide warnings."""
    from awsexplorer.ui.accounts_view import accounts_overview

    resources = state.account_counts()  # from the index, not a walk over every resource
    parts: list[RenderableType] = [
        Text(f"{len(state.member_accounts)} accounts", style="bold"),
        _facts([("source", source), ("resources", str(state.resource_total))]),
        accounts_overview(state.member_accounts, resources, production=production(state)),
    ]
    own = state.account_findings()
    if own:
        parts += [_heading(f"Account-wide warnings ({len(own)})"), warnings_block(own, limit=10)]
    parts.append(Text("\nEnter on an account, or :account NAME, shows only it.", style="dim"))
    return Group(*parts)


def member_account_detail(state: ExplorerState, account_id: str) -> RenderableType:
    from awsexplorer.ui.accounts_view import member_detail

    account = next((a for a in state.member_accounts if a.id == account_id), None)
    if account is None:
        return Text("")
    counts = state.account_severities(account_id)  # kept: shown on every move over its nodes
    total = state.account_counts()[account_id]
    return member_detail(account, total, counts, account.id in production(state))


def describe(
    state: ExplorerState, ref: NodeRef | None, search: str = "", source: str | None = None
) -> RenderableType:
    """The detail for whatever node the cursor is on."""
    if (ref is None or ref.kind == "account") and state.member_accounts and not state.account_view:
        return accounts_detail(state, source)  # a snapshot of several accounts
    if ref is None or ref.kind == "account":
        return account_detail(state, source)
    if ref.kind in ("member-account", "member-region", "member-type"):  # several accounts
        return member_account_detail(state, ref.service or "")
    if ref.kind == "resource" and ref.arn:
        resource = state.get(ref.arn)
        if resource is None:
            removed = state.removed_resource(ref.arn)
            if removed is not None:
                return removed_detail(state, removed)
            return Text("This resource is no longer in the scan.", style="dim")
        return resource_detail(state, resource, search)
    if ref.kind == "region" and ref.region:
        return region_detail(state, ref.region)
    if ref.kind in ("service", "type"):
        return group_detail(state, ref)
    if ref.kind == "not-enabled":
        return Text(
            "Opt-in regions this account has not enabled. They are not scanned: enable them "
            "in the account settings to include them.",
            style="dim",
        )
    if ref.kind == "more":
        return Text(
            f"Only the first {MAX_SHOWN} {inert(short_type(ref.type or ''), limit=80)} resources "
            "are listed. "
            "Press / to narrow the list or : to jump to one.",
            style="dim",
        )
    return Text("")
