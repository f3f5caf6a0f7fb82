"""Cost: what is billed while idle, and whether anyone would notice the bill growing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from awsexplorer.checks.api import (
    CheckContext,
    NotEvaluated,
    Outcome,
    flag,
    label,
    unknown,
)
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.calls import (
    BUDGETS_DESCRIBE_BUDGETS,
    CLOUDWATCH_DESCRIBE_ALARMS,
    EC2_DESCRIBE_ADDRESSES,
    EC2_DESCRIBE_NAT_GATEWAYS,
    EC2_DESCRIBE_ROUTE_TABLES,
    EC2_DESCRIBE_SUBNETS,
    EC2_DESCRIBE_VOLUMES,
    EC2_DESCRIBE_VPC_ENDPOINTS,
)
from awsexplorer.model.routing import RoutingIndex

# List prices in us-east-1, for an order of magnitude (most other regions cost more).
NAT_MONTHLY_USD = 32  # hourly rate x 730 h, before data processing
IPV4_MONTHLY_USD = 3.65  # a public IPv4 address: $0.005 per hour
EBS_USD_PER_GIB_MONTH = {
    "gp3": 0.08,
    "gp2": 0.10,
    "io1": 0.125,
    "io2": 0.125,
    "st1": 0.045,
    "sc1": 0.015,
    "standard": 0.05,
}
PRICE_NOTE = "at us-east-1 list prices"
BILLING_REGION = "us-east-1"  # the only region with billing metrics
BILLING_NAMESPACE = "AWS/Billing"
BILLING_METRIC = "EstimatedCharges"
LIVE_NAT_STATES = ("pending", "available")


def nat_users(ctx: CheckContext) -> dict[tuple[str, str], list[str]]:
    """(region, NAT id) -> the private subnets whose route table sends traffic to it. One pass
    over the subnets, so an account with many subnets and NAT gateways stays linear."""
    index = RoutingIndex(ctx.inventory)
    users: dict[tuple[str, str], list[str]] = defaultdict(list)
    for subnet in ctx.of_type(kinds.SUBNET):
        if subnet.attributes.get("public"):
            continue
        table, _ = index.table_for(subnet)
        for target in {r.target for r in table.routes if r.active} if table else ():
            if target.startswith("nat-"):
                users[(subnet.region, target)].append(subnet.id)
    return users


@check(
    id="ec2-nat-gateway-cost",
    title="NAT gateway idle (or its cost, when in use)",
    severity=Severity.MEDIUM,
    types=[kinds.NAT_GATEWAY],
    remediation=(
        "Idle: delete it (`aws ec2 delete-nat-gateway --nat-gateway-id NAT`), then release its "
        "Elastic IP (`aws ec2 release-address --allocation-id EIPALLOC`). In use: consider one "
        "NAT per VPC for non-production, and an S3/DynamoDB gateway endpoint (`aws ec2 "
        "create-vpc-endpoint --vpc-endpoint-type Gateway ...`, free) so that traffic skips the "
        "NAT's per-GB charge."
    ),
    inputs=[EC2_DESCRIBE_NAT_GATEWAYS, EC2_DESCRIBE_ROUTE_TABLES, EC2_DESCRIBE_SUBNETS],
    placeholders={"NAT": "id"},
)
def ec2_nat_gateway_cost(ctx: CheckContext) -> Iterator[Outcome]:
    """A live NAT gateway that no private subnet's route table sends traffic to is idle: about
    $32/month for nothing (medium). One that private subnets do route through is reported as a
    low note with its cost estimate (about $32/month plus a charge per GB processed) and the
    subnets using it, so the bill is explained."""
    routed = nat_users(ctx)
    for nat in ctx.of_type(kinds.NAT_GATEWAY):
        state = nat.attributes.get("state")
        if state not in LIVE_NAT_STATES:
            continue
        users = sorted(routed.get((nat.region, nat.id), []))
        cost = f"about ${NAT_MONTHLY_USD}/month {PRICE_NOTE}"
        if users:
            yield flag(
                nat,
                f"NAT gateway {label(nat)} is in use by private subnet(s) {', '.join(users)}: "
                f"{cost} plus data processing per GB",
                Severity.LOW,
            )
        else:
            yield flag(
                nat,
                f"NAT gateway {label(nat)} is idle: no private subnet in {nat.vpc_id} routes "
                f"through it, yet it costs {cost}",
            )


NAT_USD_PER_GB = 0.045  # NAT gateway data processing, us-east-1 list price
DEAD_ENDPOINT_STATES = ("deleting", "deleted", "failed", "rejected", "expired")


def has_s3_gateway_endpoint(ctx: CheckContext, region: str, vpc_id: str) -> bool:
    suffix = ".s3"
    return any(
        e.vpc_id == vpc_id
        and str(e.attributes.get("endpoint_type") or "").lower() == "gateway"
        and str(e.attributes.get("service_name") or "").endswith(suffix)
        and str(e.attributes.get(kinds.STATE) or "").lower() not in DEAD_ENDPOINT_STATES
        for e in ctx.of_type(kinds.VPC_ENDPOINT)
        if e.region == region
    )


@check(
    id="ec2-nat-without-s3-endpoint",
    title="NAT gateway carries S3 traffic (no S3 gateway endpoint)",
    severity=Severity.LOW,
    types=[kinds.VPC],
    remediation=(
        "Add an S3 gateway endpoint (free) to the route tables of the private subnets: `aws ec2 "
        "create-vpc-endpoint --vpc-id VPC --vpc-endpoint-type Gateway --service-name "
        "com.amazonaws.REGION.s3 --route-table-ids ROUTE_TABLE_IDS`, the "
        "subnets' route tables, in the VPC's own region REGION."
    ),
    inputs=[
        EC2_DESCRIBE_NAT_GATEWAYS,
        EC2_DESCRIBE_ROUTE_TABLES,
        EC2_DESCRIBE_SUBNETS,
        EC2_DESCRIBE_VPC_ENDPOINTS,
    ],
    placeholders={"VPC": "id", "REGION": "region"},
)
def ec2_nat_without_s3_endpoint(ctx: CheckContext) -> Iterator[Outcome]:
    """A VPC whose private subnets reach the internet through a NAT gateway, with no S3 gateway
    endpoint: everything they read from or write to S3 goes through the NAT and pays its
    per-GB processing charge (about $0.045/GB at us-east-1 list prices), where a gateway
    endpoint is free."""
    vpcs = {(v.region, v.id): v for v in ctx.of_type(kinds.VPC)}
    subnets = {(s.region, s.id): s for s in ctx.of_type(kinds.SUBNET)}
    through: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(dict)
    for (region, nat_id), users in nat_users(ctx).items():
        for subnet_id in users:
            subnet = subnets.get((region, subnet_id))
            if subnet is not None and subnet.vpc_id:
                through[(region, subnet.vpc_id)].setdefault(nat_id, []).append(subnet_id)
    for (region, vpc_id), nats in sorted(through.items()):
        vpc = vpcs.get((region, vpc_id))
        if vpc is None or has_s3_gateway_endpoint(ctx, region, vpc_id):
            continue
        if ctx.errors(EC2_DESCRIBE_VPC_ENDPOINTS, region):
            yield unknown(vpc, f"the VPC endpoints of {region} were not read")
            continue
        routes = "; ".join(
            f"{', '.join(sorted(users))} through {nat_id}" for nat_id, users in sorted(nats.items())
        )
        yield flag(
            vpc,
            f"VPC {label(vpc)} sends private subnets to the internet through a NAT gateway "
            f"({routes}) but has no S3 gateway endpoint: its S3 traffic pays NAT processing "
            f"(about ${NAT_USD_PER_GB}/GB {PRICE_NOTE})",
        )


@check(
    id="ec2-volume-unattached",
    title="EBS volume unattached",
    severity=Severity.LOW,
    types=[kinds.VOLUME],
    remediation=(
        "Snapshot it if the data matters (`aws ec2 create-snapshot --volume-id VOL`), then "
        "`aws ec2 delete-volume --volume-id VOL`."
    ),
    inputs=[EC2_DESCRIBE_VOLUMES],
    placeholders={"VOL": "id"},
)
def ec2_volume_unattached(ctx: CheckContext) -> Iterator[Outcome]:
    """A volume in state `available` is attached to nothing and billed for every GiB."""
    for volume in ctx.of_type(kinds.VOLUME):
        state = volume.attributes.get("state")
        if state is None:
            yield unknown(volume, "state not read")
        elif state == "available":
            size = volume.attributes.get("size_gib")
            volume_type = volume.attributes.get("volume_type")
            details = [volume.name] if volume.name != volume.id else []
            details += [f"{size} GiB"] if size else []
            details += [str(volume_type)] if volume_type else []
            shown = f" ({', '.join(details)})" if details else ""
            yield flag(
                volume,
                f"volume {volume.id}{shown} is attached to nothing (state available)"
                + volume_cost(size, volume_type),
            )


def volume_cost(size: object, volume_type: object) -> str:
    """'; about $50/month at us-east-1 list prices', or '' when size or type is unknown."""
    rate = EBS_USD_PER_GIB_MONTH.get(str(volume_type))
    if not isinstance(size, int) or rate is None:
        return ""
    return f"; about ${size * rate:,.0f}/month {PRICE_NOTE}"


@check(
    id="ec2-eip-unattached",
    title="Elastic IP unattached",
    severity=Severity.LOW,
    types=[kinds.ELASTIC_IP],
    remediation="`aws ec2 release-address --allocation-id ALLOCATION`",
    inputs=[EC2_DESCRIBE_ADDRESSES],
    placeholders={"ALLOCATION": "id"},
)
def ec2_eip_unattached(ctx: CheckContext) -> Iterator[Outcome]:
    """Every public IPv4 address is billed hourly; an unassociated one buys nothing."""
    for address in ctx.of_type(kinds.ELASTIC_IP):
        associated = address.attributes.get("associated")
        if associated is None:
            yield unknown(address, "association not read")
        elif not associated:
            ip = address.attributes.get("public_ip") or address.name
            yield flag(
                address,
                f"Elastic IP {ip} ({address.id}) is not associated with anything; about "
                f"${IPV4_MONTHLY_USD}/month {PRICE_NOTE}",
            )


def is_billing_alarm(alarm: Resource) -> bool:
    attrs = alarm.attributes
    return (
        alarm.region == BILLING_REGION
        and attrs.get("namespace") == BILLING_NAMESPACE
        and attrs.get("metric_name") == BILLING_METRIC
    )


BILLING_INPUTS = (CLOUDWATCH_DESCRIBE_ALARMS, BUDGETS_DESCRIBE_BUDGETS)


@check(
    id="billing-alarm-missing",
    title="No billing alarm or budget",
    severity=Severity.MEDIUM,
    types=[kinds.ALARM, kinds.BUDGET],
    remediation=(
        "Create a budget with alerts at 50/80/100% (`aws budgets create-budget --account-id "
        "ACCOUNT --budget file://budget.json --notifications-with-subscribers "
        "file://notify.json`), or a CloudWatch alarm in us-east-1 on AWS/Billing "
        "EstimatedCharges (enable billing alerts in the billing preferences first)."
    ),
    inputs=BILLING_INPUTS,
    judges_inputs=True,
)
def billing_alarm_missing(ctx: CheckContext) -> Iterator[Outcome]:
    """No CloudWatch alarm on AWS/Billing EstimatedCharges in us-east-1 and no budget: the
    first sign of a runaway cost is the invoice. One alarm or one budget is enough."""
    alarms = [a for a in ctx.of_type(kinds.ALARM) if is_billing_alarm(a)]
    if alarms or ctx.of_type(kinds.BUDGET):
        return
    problems = ctx.unreadable([BILLING_INPUTS[0]], BILLING_REGION)
    problems += ctx.unreadable([BILLING_INPUTS[1]])
    if BILLING_REGION not in ctx.scanned_regions:
        problems.append(f"{BILLING_REGION} (where billing alarms live) was not scanned")
    if problems:
        raise NotEvaluated("; ".join(problems))
    yield ctx.account_flag(
        f"account {ctx.account.id} has no budget and no {BILLING_NAMESPACE} "
        f"{BILLING_METRIC} alarm in {BILLING_REGION}"
    )
