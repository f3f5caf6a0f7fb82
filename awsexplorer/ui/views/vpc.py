"""The VPC screen's data: per VPC, its egress and AZ -> subnet -> resources, as display items.

The structure and the public/private classification come from `awsexplorer.model.topology`
(the one place that decides them); this module only turns them into labelled items the screen
renders into a Tree, so the labels are tested without Textual.

Names, ids, zones, states and addresses come from AWS or a snapshot: each goes through `_s`
(inert, cut) before it is part of a label; labels are Text, never markup.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from rich.text import Text

from awsexplorer.inert import inert
from awsexplorer.model import Resource, ScanResult, Severity, kinds
from awsexplorer.model.accounts import account_names
from awsexplorer.model.defaults import only_aws_defaults
from awsexplorer.model.findings import worst_by_resource
from awsexplorer.model.routing import usable_ips
from awsexplorer.model.topology import Gateway, SubnetNode, VpcTopology, build_topology
from awsexplorer.ui.format import SEVERITY_MARK, SEVERITY_STYLE, tone


# Functions, not constants: under NO_COLOR they give weight instead of colour (see tone).
def public_style() -> str:
    return tone("bold black on yellow", "bold reverse")


def private_style() -> str:
    return tone("green")


def facing_style() -> str:
    return tone("bold red", "bold underline")


UNKNOWN_STYLE = "dim"
# A name or id longer than this is cut in a label (the detail below the tree has more room).
NAME_LIMIT = 40
DETAIL_LIMIT = 500


def _s(value: object, limit: int = NAME_LIMIT) -> str:
    """A string from AWS or a snapshot, inert and cut to `limit` characters."""
    return inert(value, limit=limit)


GATEWAY_NAMES = {
    "igw": "internet gateway",
    "eigw": "egress-only IGW",
    "nat": "NAT gateway",
    "vgw": "VPN gateway",
    "tgw": "transit gateway",
    "peering": "peering",
    "endpoint": "endpoint",
}
# A private subnet's way out, in a word or two.
EGRESS_WORDS = {
    "nat": "via NAT",
    "eigw": "IPv6 out only",
    "tgw": "via TGW",
    "vgw": "via VPN",
    "peering": "via peering",
    "endpoint": "via endpoint",
    "instance": "via instance",
    "other": "other egress",
    "none": "isolated",
}


@dataclass(slots=True)
class TreeItem:
    """One node of the VPC tree: what it says, the resource it stands for, what to show below."""

    key: str  # stable across refreshes, so expansion and cursor survive a rebuild
    label: Text
    arn: str | None = None  # Enter jumps to it; None for grouping nodes
    detail: Text = field(default_factory=Text)
    children: list[TreeItem] = field(default_factory=list)
    expanded: bool = True
    internet_facing: bool = False
    region: str | None = None  # set on VPC items
    kind: str = "resource"  # vpc | egress | zone | subnet | resource | group


def _mark(worst: Severity | None) -> Text:
    if worst is None:
        return Text("")
    return Text(f"{SEVERITY_MARK[worst]} ", style=SEVERITY_STYLE[worst])


def _name_id(resource: Resource) -> Text:
    text = Text(_s(resource.name), style="bold")
    if resource.name != resource.id:
        text.append(f" {_s(resource.id)}", style="dim")
    return text


def subnet_badge(subnet: SubnetNode, pending: bool) -> Text:
    """`PUBLIC`, `private via NAT`, `private isolated`, or why we can't say."""
    if subnet.public is True:
        return Text(" PUBLIC ", style=public_style())
    if subnet.public is False:
        words = EGRESS_WORDS.get(subnet.egress or "", subnet.egress or "")
        return Text(_s(f"private {words}".strip()), style=private_style())
    return Text("classification pending" if pending else "unknown", style=UNKNOWN_STYLE)


def _ips(resource: Resource) -> str:
    attrs = resource.attributes
    available = attrs.get("available_ips")
    usable = attrs.get("usable_ips") or usable_ips(attrs.get("cidr"))
    if available is None:
        return ""
    return f"{available}/{usable} free" if usable else f"{available} free"


def _resource_item(resource: Resource, worst: Severity | None) -> TreeItem:
    attrs = resource.attributes
    facing = attrs.get("internet_facing") is True
    label = _mark(worst)
    label.append(_s(resource.type.split(":", 1)[-1]) + " ", style="cyan")
    label.append_text(_name_id(resource))
    public_ip = attrs.get(kinds.PUBLIC_IP)
    if public_ip:
        label.append(f" {_s(public_ip)}")
    state = attrs.get(kinds.STATE) if resource.type == kinds.INSTANCE else None
    if state and state != "running":
        label.append(f" {_s(state, 20)}", style="dim")
    if facing:
        label.append(" ⚠ internet-facing", style=facing_style())
    detail = Text(_s(f"{resource.type}  {resource.arn}", DETAIL_LIMIT))
    if facing:
        detail.append(
            "\ninternet-facing: a public address in a public subnet (what it accepts is up to "
            "its security groups)",
            facing_style(),
        )
    elif public_ip:
        detail.append(f"\npublic address {_s(public_ip)}")
    return TreeItem(
        key=resource.arn,
        label=label,
        arn=resource.arn,
        detail=detail,
        internet_facing=facing,
    )


def _shown_in_subnet(resource: Resource, in_subnet: set[str]) -> bool:
    """Network interfaces are plumbing: show only those no other listed resource owns."""
    if resource.type != kinds.NETWORK_INTERFACE:
        return True
    attrs = resource.attributes
    if attrs.get("requester_managed") or attrs.get("interface_type") not in (None, "interface"):
        return False  # NAT, Lambda, RDS, load balancer and endpoint interfaces
    return attrs.get("attached_to") not in in_subnet


def _subnet_item(subnet: SubnetNode, worst: dict[str, Severity], pending: bool) -> TreeItem:
    resource = subnet.resource
    ids = {r.id for r in subnet.resources}
    shown = [r for r in subnet.resources if _shown_in_subnet(r, ids)]
    hidden = len(subnet.resources) - len(shown)
    label = _mark(worst.get(resource.arn))
    label.append_text(subnet_badge(subnet, pending))
    if subnet.shared_with or subnet.shared_from:  # early: at 80 columns the end is cut off
        label.append(" shared", style="bold")
    label.append(" ")
    label.append_text(_name_id(resource))
    if subnet.cidr:
        label.append(f" {_s(subnet.cidr)}")
    ips = _ips(resource)
    if ips:
        label.append(f" {ips}", style="dim")
    children = [_resource_item(r, worst.get(r.arn)) for r in shown]
    facing = sum(1 for c in children if c.internet_facing)
    if facing:
        label.append(f" ⚠{facing}", style=facing_style())
    reason = subnet.public_reason
    if subnet.public is None and pending:
        reason = "classification pending: the route tables have not been read yet"
    detail = Text(_s(reason or "", DETAIL_LIMIT))
    facts = [_s(f"{resource.id}  {subnet.availability_zone or '?'}", DETAIL_LIMIT)]
    facts += _sharing(subnet.shared_from, subnet.shared_with)
    if resource.attributes.get("auto_assign_public_ip"):
        facts.append("auto-assigns public IPs")
    if hidden:
        facts.append(f"{hidden} managed network interface{'s' if hidden != 1 else ''} not shown")
    detail.append("\n" + " · ".join(facts), style="dim")
    return TreeItem(
        key=resource.arn,
        label=label,
        arn=resource.arn,
        detail=detail,
        children=children,
        expanded=True,
        internet_facing=bool(facing),
        kind="subnet",
    )


def _sharing(owner: str | None, participants: list[str]) -> list[str]:
    """What the detail says of a shared VPC or subnet (model/sharing), a phrase each."""
    said = []
    if owner:
        said.append(_s(f"shared from account {owner} (VPC sharing)", DETAIL_LIMIT))
    if participants:  # their resources in it are listed too
        said.append(_s(f"shared with {', '.join(participants)} (VPC sharing)", DETAIL_LIMIT))
    return said


def _gateway_item(gateway: Gateway, worst: dict[str, Severity]) -> TreeItem:
    resource = gateway.resource
    label = _mark(worst.get(resource.arn))
    label.append(_s(GATEWAY_NAMES.get(gateway.kind, gateway.kind)) + " ", style="cyan")
    label.append_text(_name_id(resource))
    if gateway.state and gateway.state not in ("available", "attached", "active"):
        label.append(f" {_s(gateway.state, 20)}", style="yellow")
    detail = Text(_s(gateway.detail or GATEWAY_NAMES.get(gateway.kind, gateway.kind), DETAIL_LIMIT))
    if gateway.subnet_ids:
        detail.append(f"\nin {_s(', '.join(gateway.subnet_ids), DETAIL_LIMIT)}", style="dim")
    return TreeItem(key=resource.arn, label=label, arn=resource.arn, detail=detail)


def _egress_summary(gateways: list[Gateway]) -> str:
    counts = Counter(g.kind for g in gateways)
    return ", ".join(f"{n} {kind}" if n > 1 else kind for kind, n in sorted(counts.items()))


def vpc_account(vpc: VpcTopology) -> str | None:
    """The account the VPC belongs to: its own resource's, else the first of what is in it."""
    if vpc.vpc is not None:
        return vpc.vpc.account_id
    inside = [*(r for s in vpc.subnets for r in (s.resource, *s.resources)), *vpc.other_resources]
    return next((r.account_id for r in inside if r.account_id), None)


def _vpc_item(
    vpc: VpcTopology, worst: dict[str, Severity], pending: bool, account: str | None = None
) -> TreeItem:
    """`account`: the account's name when the scan holds several (views/common.account_names),
    before the region, as the findings view places a warning."""
    subnets = vpc.subnets
    public = sum(1 for s in subnets if s.public is True)
    private = sum(1 for s in subnets if s.public is False)
    label = _mark(worst.get(vpc.vpc.arn) if vpc.vpc else None)
    label.append(_s(vpc.name), style="bold")
    if vpc.name != vpc.vpc_id:
        label.append(f" {_s(vpc.vpc_id)}", style="dim")
    if account:
        label.append(f" {_s(account)}", style="bold")
    label.append(f" {_s(vpc.region)}", style="magenta")
    if vpc.cidr:
        label.append(f" {_s(vpc.cidr)}")
    if vpc.is_default:
        label.append(" default", style="dim")
    label.append(f"  {public} pub / {private} priv", style="dim")

    children: list[TreeItem] = []
    if vpc.gateways:
        children.append(
            TreeItem(
                key=f"{vpc.region}/{vpc.vpc_id}/egress",
                kind="egress",
                label=Text(_s(f"egress: {_egress_summary(vpc.gateways)}", 200), style="bold"),
                detail=Text("Gateways and connections of this VPC"),
                children=[_gateway_item(g, worst) for g in vpc.gateways],
            )
        )
    else:
        children.append(
            TreeItem(
                key=f"{vpc.region}/{vpc.vpc_id}/egress",
                kind="egress",
                label=Text(
                    "egress: none found yet" if pending else "egress: none (no gateway found)",
                    style="dim",
                ),
                detail=Text("No internet, NAT, VPN, transit, peering or endpoint gateway found"),
            )
        )
    facing_total = 0
    for zone in vpc.azs:
        subnet_items = [_subnet_item(s, worst, pending) for s in zone.subnets]
        facing_total += sum(1 for s in subnet_items if s.internet_facing)
        zone_label = Text(_s(zone.name), style="bold magenta")
        if zone.zone_id:
            zone_label.append(f" ({_s(zone.zone_id)})", style="dim")
        children.append(
            TreeItem(
                key=f"{vpc.region}/{vpc.vpc_id}/{zone.name}",
                kind="zone",
                label=zone_label,
                detail=Text(f"availability zone {_s(zone.name)}: {len(subnet_items)} subnet(s)"),
                children=subnet_items,
            )
        )
    if vpc.other_resources:
        counts = Counter(r.type.split(":", 1)[-1] for r in vpc.other_resources)
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        children.append(
            TreeItem(
                key=f"{vpc.region}/{vpc.vpc_id}/other",
                kind="group",
                label=Text(_s(f"in the VPC, no subnet: {summary}", 200), style="dim"),
                detail=Text("Security groups, network ACLs and resources not placed in a subnet"),
                children=[_resource_item(r, worst.get(r.arn)) for r in vpc.other_resources],
                expanded=False,
            )
        )
    where = vpc.region
    if account:
        where = f"{account} {vpc.region} (account {vpc_account(vpc)})"
    detail = Text(_s(f"{vpc.vpc_id} in {where}", DETAIL_LIMIT))
    if vpc.cidr:
        detail.append(f"  {_s(vpc.cidr)}")
    if vpc.shared_from:  # its flow logs are the owner's, which this account cannot read
        detail.append(f"  flow logs: the owner's ({_s(vpc.shared_from)})")
    elif vpc.vpc is not None:
        flow_logs = vpc.vpc.attributes.get("flow_logs")
        if flow_logs is not None:
            detail.append(f"  flow logs: {'on' if flow_logs else 'off'}")
    sharing = _sharing(vpc.shared_from, vpc.shared_with)
    if sharing:
        detail.append("\n" + " · ".join(sharing), style="dim")
    if facing_total:
        detail.append(f"\n{facing_total} subnet(s) with internet-facing resources", facing_style())
    return TreeItem(
        key=vpc.vpc.arn if vpc.vpc else f"{vpc.region}/{vpc.vpc_id}",
        label=label,
        arn=vpc.vpc.arn if vpc.vpc else None,
        detail=detail,
        children=children,
        region=vpc.region,
        kind="vpc",
    )


def _idle_default(vpc: VpcTopology, worst: dict[str, Severity]) -> bool:
    """A default VPC that holds only what AWS put in it, with no warning: noise, one per region."""
    if not vpc.is_default or vpc.vpc is None or vpc.vpc.arn in worst:
        return False
    inside = [
        vpc.vpc,
        *(r for s in vpc.subnets for r in (s.resource, *s.resources)),
        *(g.resource for g in vpc.gateways),
        *vpc.other_resources,
    ]
    return only_aws_defaults(inside)


def worst_by_arn(result: ScanResult) -> dict[str, Severity]:
    return worst_by_resource(result.findings)


def build_vpc_tree(result: ScanResult) -> list[TreeItem]:
    """Every VPC of the scan, by region then name. Classification is "pending" for subnets
    whose route tables have not arrived while the scan is still running."""
    pending = result.finished_at is None
    worst = worst_by_arn(result)
    names = account_names(result)
    used: list[TreeItem] = []
    idle: list[TreeItem] = []
    vpcs = build_topology(result.resources)
    if names:  # several accounts: each account's VPCs together, in the order of the accounts
        order = {account_id: n for n, account_id in enumerate(names)}
        vpcs.sort(key=lambda v: order.get(vpc_account(v) or "", len(order)))
    idle_places: list[str] = []
    for vpc in vpcs:
        account = names.get(vpc_account(vpc) or "")
        item = _vpc_item(vpc, worst, pending, account)
        if _idle_default(vpc, worst):
            item.expanded = False
            idle.append(item)
            idle_places.append(f"{account} {vpc.region}" if account else vpc.region)
        else:
            used.append(item)
    if idle:
        regions = ", ".join(idle_places)
        used.append(
            TreeItem(
                key="empty-default-vpcs",
                kind="group",
                label=Text(
                    f"{len(idle)} default VPC{'s' if len(idle) != 1 else ''} with nothing in "
                    f"{'them' if len(idle) != 1 else 'it'}",
                    style="dim",
                ),
                detail=Text(_s(f"Untouched default VPCs in {regions}", DETAIL_LIMIT)),
                children=idle,
                expanded=False,
            )
        )
    return used


def vpc_items(items: list[TreeItem]) -> list[TreeItem]:
    """The VPC items among the top level, including those gathered in a group."""
    found: list[TreeItem] = []
    for item in items:
        if item.region is not None:
            found.append(item)
        else:
            found.extend(vpc_items(item.children))
    return found


def filter_items(items: list[TreeItem], words: list[str]) -> list[TreeItem]:
    """The items whose label, id or ARN holds every word, with the path down to them.

    A matching VPC, zone or subnet keeps everything under it; otherwise a node is kept only for
    its matching descendants (unfolded, so they are seen)."""
    if not words:
        return items
    kept: list[TreeItem] = []
    for item in items:
        text = f"{item.label.plain} {item.key} {item.arn or ''}".lower()
        if all(word in text for word in words):
            kept.append(item)
            continue
        children = filter_items(item.children, words)
        if children:
            kept.append(replace(item, children=children, expanded=True))
    return kept
