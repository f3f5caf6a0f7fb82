"""Network: security groups open to the world, VPCs that can't grow, the default VPC in use,
flow logs, and subnets running out of addresses.

Security groups are read from DescribeSecurityGroups' raw `IpPermissions` (rule documents, like
route and NACL entries); everything else from the normalised fields of model/kinds.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from awsexplorer.checks.api import (
    CheckContext,
    Outcome,
    flag,
    label,
    unknown,
)
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.calls import (
    EC2_DESCRIBE_INSTANCES,
    EC2_DESCRIBE_NETWORK_ACLS,
    EC2_DESCRIBE_NETWORK_INTERFACES,
    EC2_DESCRIBE_ROUTE_TABLES,
    EC2_DESCRIBE_SECURITY_GROUPS,
    EC2_DESCRIBE_SUBNETS,
    EC2_DESCRIBE_VPCS,
    ELBV2_DESCRIBE_LOAD_BALANCERS,
    LAMBDA_LIST_FUNCTIONS,
    RDS_DESCRIBE_DB_INSTANCES,
)
from awsexplorer.model.exposure import (
    ICMP,
    ICMPV6,
    NACL_IN,
    NACL_OUT,
    TCP,
    Verdict,
    hop_text,
    path_text,
)
from awsexplorer.model.routing import usable_ips
from awsexplorer.model.sharing import owned

WORLD = ("0.0.0.0/0", "::/0")
ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
DATABASE_PORTS = {
    3306: "MySQL/Aurora",
    5432: "PostgreSQL",
    1433: "SQL Server",
    1521: "Oracle",
    27017: "MongoDB",
    6379: "Redis",
    5439: "Redshift",
    9200: "Elasticsearch/OpenSearch",
    11211: "Memcached",
}
ALL_PORTS = (0, 65535)
SECURITY_GROUPS = EC2_DESCRIBE_SECURITY_GROUPS
VPCS = EC2_DESCRIBE_VPCS

# What makes a VPC "in use": workloads, as the issue names them.
WORKLOAD_TYPES = (
    kinds.INSTANCE,
    kinds.DATABASE,
    kinds.FUNCTION,
    kinds.LOAD_BALANCER,
)
WORKLOAD_INPUTS = (
    EC2_DESCRIBE_INSTANCES,
    RDS_DESCRIBE_DB_INSTANCES,
    LAMBDA_LIST_FUNCTIONS,
    ELBV2_DESCRIBE_LOAD_BALANCERS,
)
# "Holds nothing" is stricter: any network interface (an endpoint, a NAT gateway) counts.
OCCUPANT_TYPES = (*WORKLOAD_TYPES, kinds.NETWORK_INTERFACE, kinds.NAT_GATEWAY)


@dataclass(frozen=True, slots=True)
class OpenRule:
    """One inbound permission reaching the world: source, protocol and port range."""

    source: str
    protocol: str  # "tcp", "udp", "icmp", "-1" (all traffic), or a number
    ports: tuple[int, int]

    @property
    def all_traffic(self) -> bool:
        return self.protocol == "-1"

    @property
    def tcp(self) -> bool:
        return self.protocol in ("tcp", "6")

    def reaches(self, port: int) -> bool:
        low, high = self.ports
        return self.all_traffic or (self.tcp and low <= port <= high)

    def describe(self) -> str:
        if self.all_traffic:
            return f"{self.source} on all traffic"
        low, high = self.ports
        span = str(low) if low == high else f"{low}-{high}"
        return f"{self.source} on tcp/{span}"


def port_range(permission: dict[str, Any]) -> tuple[int, int]:
    """FromPort/ToPort; absent or -1 (as AWS writes "any") means every port."""
    low, high = permission.get("FromPort"), permission.get("ToPort")
    if not isinstance(low, int) or not isinstance(high, int) or low < 0 or high < 0:
        return ALL_PORTS
    return low, high


def open_rules(group: Resource) -> list[OpenRule] | None:
    """Inbound permissions whose source is the whole IPv4 or IPv6 internet; None if unread."""
    permissions = group.attributes.get("IpPermissions")
    if permissions is None:
        return None
    rules = []
    for permission in permissions:
        protocol = str(permission.get("IpProtocol", "")).lower()
        sources = [r.get("CidrIp") for r in permission.get("IpRanges") or []]
        sources += [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges") or []]
        for source in sources:
            if source in WORLD:
                rules.append(OpenRule(str(source), protocol, port_range(permission)))
    return rules


def group_label(group: Resource) -> str:
    name = group.attributes.get("group_name")
    return f"{group.id} ({name})" if name and name != group.id else group.id


def exposure(rules: list[OpenRule], ports: dict[int, str]) -> list[str]:
    """'0.0.0.0/0 on tcp/0-65535 (reaches 22 SSH, 3389 RDP)' for each rule reaching `ports`."""
    facts = []
    for rule in rules:
        hit = [p for p in sorted(ports) if rule.reaches(p)]
        if not hit:
            continue
        single = not rule.all_traffic and rule.ports == (hit[0], hit[0])
        named = ", ".join(f"{p} {ports[p]}" for p in hit)
        facts.append(rule.describe() + ("" if single else f" (reaches {named})"))
    return facts


# What reachability is judged from, besides the groups: a failed read of any of these leaves
# an open rule at the check's own severity, its reachability said to be unknown.
REACHABILITY_INPUTS = (
    EC2_DESCRIBE_ROUTE_TABLES,
    EC2_DESCRIBE_NETWORK_ACLS,
    EC2_DESCRIBE_SUBNETS,
    EC2_DESCRIBE_NETWORK_INTERFACES,
    EC2_DESCRIBE_INSTANCES,
)
SHOWN = 3  # resources named in a message, at most


def reachability(
    ctx: CheckContext, group: Resource, ports: list[int]
) -> tuple[Severity | None, str]:
    """Is any of `ports` (tcp), opened to the internet by `group`, really reachable? From the
    one exposure result (ctx.exposure): (CRITICAL, the path) when it is; (None, why not)
    otherwise, naming the first hop that blocks it."""

    def wanted(protocol: str, span: tuple[int, int]) -> bool:
        return protocol == TCP and any(span[0] <= p <= span[1] for p in ports)

    verdicts = ctx.exposure.through_group(group.region, group.id, wanted)
    reachable = [v for v in verdicts if v.reachable]
    if reachable:
        first = reachable[0]
        others = {v.resource_id for v in reachable} - {first.resource_id}
        more = f" (and {len(others)} more)" if others else ""
        return Severity.CRITICAL, (
            f"reachable from the internet: {first.port_text} on {_who(first)}{more} by "
            f"{path_text(first)}"
        )
    missing = ctx.unreadable(REACHABILITY_INPUTS, group.region)
    if missing:
        return None, f"whether the internet reaches it is not known: {missing[0]}"
    if not verdicts:
        return None, "not reachable today: nothing in the snapshot uses this group"
    first = verdicts[0]
    blocking = first.blocking
    why = hop_text(blocking) if blocking is not None else "no path"
    return None, f"not reachable today: blocked by {why} (on {_who(first)})"


def _who(verdict: Verdict) -> str:
    name = f" ({verdict.name})" if verdict.name and verdict.name != verdict.resource_id else ""
    return f"{verdict.resource_id}{name}"


def _hit_ports(rules: list[OpenRule], ports: dict[int, str]) -> list[int]:
    return sorted({p for rule in rules for p in ports if rule.reaches(p)})


def _open_port_findings(
    ctx: CheckContext, ports: dict[int, str], *, all_traffic: bool
) -> Iterator[Outcome]:
    """Each security group whose rules open `ports` to the world, with how far the internet
    really gets (reachability); all-traffic rules counted only when `all_traffic`."""
    for group in ctx.of_type(kinds.SECURITY_GROUP):
        rules = open_rules(group)
        if rules is None:
            yield unknown(group, "inbound rules not read")
            continue
        kept = rules if all_traffic else [r for r in rules if not r.all_traffic]
        facts = exposure(kept, ports)
        if facts:
            severity, why = reachability(ctx, group, _hit_ports(kept, ports))
            yield flag(group, f"{group_label(group)} allows {'; '.join(facts)}; {why}", severity)


@check(
    id="ec2-sg-open-admin-port",
    title="SSH or RDP open to the internet",
    severity=Severity.HIGH,
    types=[kinds.SECURITY_GROUP],
    remediation=(
        "Remove the rule (`aws ec2 revoke-security-group-ingress --group-id SG --ip-permissions "
        "...`) and reach hosts through SSM Session Manager, a VPN, or a bastion allowing only "
        "known addresses."
    ),
    inputs=[SECURITY_GROUPS],
    placeholders={"SG": "id"},
)
def ec2_sg_open_admin_port(ctx: CheckContext) -> Iterator[Outcome]:
    """Inbound from 0.0.0.0/0 or ::/0 reaching tcp/22 or tcp/3389, including port ranges that
    cover them and all-traffic (protocol -1) rules. Internet-wide scanners find these within
    minutes. Critical when the internet really reaches the port (a public address, a route to
    an internet gateway, network ACLs both ways: docs/exposure.md), with the path; high, with
    the hop that blocks it, when nothing can reach it today."""
    yield from _open_port_findings(ctx, ADMIN_PORTS, all_traffic=True)


@check(
    id="ec2-sg-open-database-port",
    title="Database port open to the internet",
    severity=Severity.HIGH,
    types=[kinds.SECURITY_GROUP],
    remediation=(
        "Allow the database port only from the application's security group: `aws ec2 "
        "revoke-security-group-ingress --group-id SG --protocol tcp --port PORT --cidr "
        "0.0.0.0/0`, then `aws ec2 authorize-security-group-ingress --group-id SG --protocol "
        "tcp --port PORT --source-group APP_SG`."
    ),
    inputs=[SECURITY_GROUPS],
    placeholders={"SG": "id"},
)
def ec2_sg_open_database_port(ctx: CheckContext) -> Iterator[Outcome]:
    """Inbound from the world reaching 3306, 5432, 1433, 1521, 27017, 6379, 5439, 9200 or
    11211. All-traffic rules are left to ec2-sg-open-admin-port, which already names them.
    Critical when the internet really reaches the port, with the path; high, with the hop that
    blocks it, when nothing can reach it today."""
    yield from _open_port_findings(ctx, DATABASE_PORTS, all_traffic=False)


@check(
    id="ec2-nacl-blocks-return-traffic",
    title="Network ACL blocks the replies",
    severity=Severity.MEDIUM,
    types=[kinds.NETWORK_ACL],
    remediation=(
        "Let the replies out to the clients' ephemeral ports: `aws ec2 "
        "create-network-acl-entry --network-acl-id ACL --egress --rule-number 100 --protocol "
        "tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow` "
        "(a lower number than the rule that denies them)."
    ),
    inputs=[EC2_DESCRIBE_NETWORK_ACLS, EC2_DESCRIBE_SECURITY_GROUPS, *REACHABILITY_INPUTS],
    placeholders={"ACL": "id"},
)
def ec2_nacl_blocks_return_traffic(ctx: CheckContext) -> Iterator[Outcome]:
    """Network ACLs are stateless: a subnet's ACL admits a port from the internet that a
    resource in it serves (its security group admits the internet on that port, it has a
    public address and a route), but the outbound rules deny the clients' ephemeral ports
    (1024-65535), so no reply ever leaves. The classic answer to "why can't users reach my
    site?"."""
    acls = {(a.region, a.id): a for a in ctx.of_type(kinds.NETWORK_ACL)}
    served: dict[tuple[str, str], list[Verdict]] = {}
    for verdict in ctx.exposure.blocked_at(NACL_OUT):
        blocking = verdict.blocking
        if blocking is None or blocking.id is None:
            continue
        if not any(h.layer == NACL_IN and h.verdict == "allow" for h in verdict.path):
            continue
        served.setdefault((verdict.region, blocking.id), []).append(verdict)
    for key, verdicts in sorted(served.items()):
        acl = acls.get(key)
        if acl is None:
            continue
        blocked = verdicts[0].blocking
        assert blocked is not None
        inbound = next(h for h in verdicts[0].path if h.layer == NACL_IN)
        what = sorted(
            {f"{v.port_text} on {_who(v)}" for v in verdicts if v.protocol not in (ICMP, ICMPV6)}
        ) or sorted({f"{v.port_text} on {_who(v)}" for v in verdicts})
        more = f" and {len(what) - SHOWN} more" if len(what) > SHOWN else ""
        yield flag(
            acl,
            f"network ACL {label(acl)} lets the internet in ({inbound.rule}) but not the "
            f"replies out ({blocked.rule}): no answer reaches a client from "
            f"{', '.join(what[:SHOWN])}{more}",
        )


# Ports the other checks already judge: the web's own, admin and database ports.
WEB_PORTS = frozenset({80, 443})


@check(
    id="ec2-internet-exposed-port",
    title="Instance reachable from the internet on another port",
    severity=Severity.HIGH,
    types=[kinds.INSTANCE],
    remediation=(
        "Close the port in the instance's security groups (`aws ec2 describe-instances "
        "--instance-ids ID --query 'Reservations[].Instances[].SecurityGroups'` lists them; "
        "then `aws ec2 revoke-security-group-ingress`), or serve it through a load balancer."
    ),
    inputs=[EC2_DESCRIBE_INSTANCES, EC2_DESCRIBE_SECURITY_GROUPS, *REACHABILITY_INPUTS],
    placeholders={"ID": "id"},
)
def ec2_internet_exposed_port(ctx: CheckContext) -> Iterator[Outcome]:
    """An instance the internet really reaches (public address, route, network ACLs both ways,
    security group) on a tcp or udp port other than 80 and 443. Admin and database ports are
    left to ec2-sg-open-admin-port and ec2-sg-open-database-port, which say critical for them;
    a range that also holds other ports is listed here."""
    admin_or_db = set(ADMIN_PORTS) | set(DATABASE_PORTS)
    found: dict[str, list[Verdict]] = {}
    for verdict in ctx.exposure.reachable():
        if verdict.resource_type != kinds.INSTANCE or verdict.via is not None:
            continue
        if verdict.protocol not in (TCP, "udp"):
            continue
        low, high = verdict.ports
        if low == high and (low in WEB_PORTS or low in admin_or_db):
            continue
        found.setdefault(verdict.arn, []).append(verdict)
    for instance in ctx.of_type(kinds.INSTANCE):
        verdicts = found.get(instance.arn)
        if not verdicts:
            continue
        ports = list(dict.fromkeys(f"{v.port_text} (IPv{v.ip_version})" for v in verdicts))
        first = verdicts[0]
        yield flag(
            instance,
            f"instance {label(instance)} is reachable from the internet on "
            f"{', '.join(ports[:6])}{' …' if len(ports) > 6 else ''} at "
            f"{first.address}: {path_text(first)}",
        )


def prefix_length(cidr: object) -> int | None:
    if not isinstance(cidr, str) or "/" not in cidr:
        return None
    tail = cidr.rsplit("/", 1)[1]
    return int(tail) if tail.isdigit() else None


@check(
    id="ec2-vpc-cidr-small",
    title="VPC too small to grow",
    severity=Severity.LOW,
    types=[kinds.VPC],
    remediation=(
        "A VPC's primary CIDR cannot be changed. Add a secondary block (`aws ec2 "
        "associate-vpc-cidr-block --vpc-id VPC --cidr-block 10.1.0.0/16`) or plan a /16 VPC "
        "and migrate."
    ),
    inputs=[VPCS],
    placeholders={"VPC": "id"},
)
def ec2_vpc_cidr_small(ctx: CheckContext) -> Iterator[Outcome]:
    """A primary CIDR of /24 or smaller (256 addresses or fewer) leaves no room for more
    subnets, availability zones or growth."""
    for vpc in owned(ctx.of_type(kinds.VPC)):  # a shared VPC is its owner's to grow
        cidr = vpc.attributes.get("cidr")
        length = prefix_length(cidr)
        if length is None:
            yield unknown(vpc, "primary CIDR not read")
        elif length >= 24:
            size = 2 ** (32 - length)
            yield flag(
                vpc, f"VPC {label(vpc)} has primary CIDR {cidr} ({size} addresses); plan a /16"
            )


def residents(ctx: CheckContext, vpc: Resource, types: tuple[str, ...]) -> list[Resource]:
    found = [
        r
        for r in ctx.inventory.in_vpc(vpc.id)
        if r.region == vpc.region and r.type in types and r.attributes.get("state") != "terminated"
    ]
    return sorted(found, key=lambda r: (r.type, r.id))


def count_by_type(resources: list[Resource]) -> str:
    parts = []
    for rtype in dict.fromkeys(r.type for r in resources):
        ids = [r.id for r in resources if r.type == rtype]
        shown = ", ".join(ids[:3]) + (f" +{len(ids) - 3}" if len(ids) > 3 else "")
        parts.append(f"{len(ids)} {rtype.split(':')[1]} ({shown})")
    return ", ".join(parts)


@check(
    id="ec2-default-vpc-in-use",
    title="Default VPC in use",
    severity=Severity.LOW,
    types=[kinds.VPC],
    remediation=(
        "Move the workloads to a VPC you designed (private subnets, deliberate routing); once "
        "the default VPC is empty, `aws ec2 delete-vpc --vpc-id VPC` after deleting its "
        "subnets and internet gateway."
    ),
    inputs=[VPCS, *WORKLOAD_INPUTS],
    placeholders={"VPC": "id"},
)
def ec2_default_vpc_in_use(ctx: CheckContext) -> Iterator[Outcome]:
    """The default VPC has only public subnets with public IPs on by default: whatever is
    launched there is one security-group rule from the internet."""
    for vpc in owned(ctx.of_type(kinds.VPC)):
        if not vpc.attributes.get("is_default"):
            continue
        workloads = residents(ctx, vpc, WORKLOAD_TYPES)
        if workloads:
            yield flag(vpc, f"default VPC {label(vpc)} holds {count_by_type(workloads)}")


def active_flow_logs(vpc: Resource) -> list[dict[str, Any]] | None:
    logs = vpc.attributes.get("flow_logs")
    if logs is None:
        return None
    return [log for log in logs if str(log.get("status") or "ACTIVE").upper() == "ACTIVE"]


@check(
    id="ec2-vpc-flow-logs-disabled",
    title="VPC without flow logs",
    severity=Severity.LOW,
    types=[kinds.VPC],
    remediation=(
        "`aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC --traffic-type ALL "
        "--log-destination-type s3 --log-destination arn:aws:s3:::BUCKET`"
    ),
    inputs=[VPCS, EC2_DESCRIBE_NETWORK_INTERFACES],
    placeholders={"VPC": "id"},
)
def ec2_vpc_flow_logs_disabled(ctx: CheckContext) -> Iterator[Outcome]:
    """Without flow logs there is no record of who talked to what during an incident. Default
    VPCs that hold nothing are skipped, and so are VPCs shared with the account: their flow
    logs are the owner's, which a participant cannot read (model/sharing)."""
    for vpc in owned(ctx.of_type(kinds.VPC)):
        if vpc.attributes.get("is_default") and not residents(ctx, vpc, OCCUPANT_TYPES):
            continue
        logs = active_flow_logs(vpc)
        if logs is None:
            yield unknown(vpc, "flow logs not read (ec2:DescribeFlowLogs)")
        elif not logs:
            kind = "default VPC" if vpc.attributes.get("is_default") else "VPC"
            yield flag(vpc, f"{kind} {label(vpc)} has no active flow log")


def address_counts(subnet: Resource) -> tuple[int | None, int | None]:
    """(available, usable): the collector's count, the topology's (else the CIDR's) usable."""
    attrs = subnet.attributes
    available = attrs.get("available_ips")
    usable = attrs.get("usable_ips")
    if usable is None:
        usable = usable_ips(attrs.get("cidr"))
    return available, usable


EXHAUSTION_THRESHOLD = 0.10


@check(
    id="ec2-subnet-ip-exhaustion",
    title="Subnet running out of addresses",
    severity=Severity.MEDIUM,
    types=[kinds.SUBNET],
    remediation=(
        "Add a subnet (`aws ec2 create-subnet --vpc-id VPC --cidr-block CIDR "
        "--availability-zone AZ`, after `aws ec2 associate-vpc-cidr-block` if the VPC is full) "
        "and move new launches there; release idle network interfaces."
    ),
    inputs=[EC2_DESCRIBE_SUBNETS],
    placeholders={"VPC": "vpc_id"},
)
def ec2_subnet_ip_exhaustion(ctx: CheckContext) -> Iterator[Outcome]:
    """Under 10% of a subnet's usable addresses left: the next scale-out, Lambda in a VPC or
    EKS node group fails to launch."""
    for subnet in owned(ctx.of_type(kinds.SUBNET)):  # a shared one is its owner's to extend
        if not subnet.attributes.get("cidr"):
            continue  # IPv6-only: no IPv4 pool to run out of
        available, usable = address_counts(subnet)
        if not isinstance(available, int) or not usable:
            yield unknown(subnet, "address counts not read")
            continue
        if available < usable * EXHAUSTION_THRESHOLD:
            share = 100 * available / usable
            yield flag(
                subnet,
                f"subnet {label(subnet)} has {available} of {usable} usable addresses left "
                f"({share:.0f}%)",
            )


@check(
    id="ec2-instance-imdsv1",
    title="Instance accepts IMDSv1",
    severity=Severity.MEDIUM,
    types=[kinds.INSTANCE],
    remediation=(
        "Require session tokens (IMDSv2): `aws ec2 modify-instance-metadata-options "
        "--instance-id ID --http-tokens required --http-endpoint enabled`; check first that "
        "its software uses a current AWS SDK."
    ),
    inputs=[EC2_DESCRIBE_INSTANCES],
    placeholders={"ID": "id"},
)
def ec2_instance_imdsv1(ctx: CheckContext) -> Iterator[Outcome]:
    """With IMDSv1 allowed, one server-side request forgery in any app on the instance can read
    the instance role's credentials from 169.254.169.254 with a plain GET."""
    for instance in ctx.of_type(kinds.INSTANCE):
        if instance.attributes.get("state") in ("terminated", "shutting-down"):
            continue
        tokens = instance.attributes.get("imds_tokens")
        endpoint = instance.attributes.get("imds_endpoint")
        if tokens is None and endpoint is None:
            yield unknown(instance, "metadata options not read")
            continue
        if endpoint == "disabled" or tokens != "optional":
            continue
        exposed = " and is internet-facing" if instance.attributes.get("internet_facing") else ""
        yield flag(
            instance,
            f"instance {label(instance)} accepts IMDSv1 (HttpTokens optional){exposed}",
        )
