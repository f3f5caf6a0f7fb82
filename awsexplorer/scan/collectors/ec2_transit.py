"""EC2 transit and site-to-site VPN: transit gateways, VPN connections, customer gateways.

Each is one list call per region (their attachments are in ec2.py). A VPN connection's
CustomerGatewayConfiguration (the tunnels' pre-shared keys, in XML) is dropped: a secret.
"""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    EC2_DESCRIBE_CUSTOMER_GATEWAYS,
    EC2_DESCRIBE_TRANSIT_GATEWAYS,
    EC2_DESCRIBE_VPN_CONNECTIONS,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
    display_name,
    tags_of,
)

# The tunnels' pre-shared keys and addresses, in the customer gateway's XML configuration.
_SECRET_FIELDS = ("Tags", "CustomerGatewayConfiguration", "Options")


def _ec2(
    ctx: CollectContext,
    item: dict[str, Any],
    *,
    rtype: str,
    rid: str,
    arn: str | None,
    extra: dict[str, Any],
    drop: tuple[str, ...] = ("Tags",),
) -> Resource:
    tags = tags_of(item)
    attributes = attributes_of(item, drop=drop)
    attributes.update(extra)
    return Resource(
        arn=arn or ctx.arn("ec2", f"{rtype.split(':', 1)[1]}/{rid}"),
        type=rtype,
        id=rid,
        name=display_name(tags, None, rid),
        region=ctx.region,
        tags=tags,
        attributes=attributes,
    )


def _asn(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@collector(service="ec2", calls=[EC2_DESCRIBE_TRANSIT_GATEWAYS], types=[kinds.TRANSIT_GATEWAY])
async def collect_transit_gateways(ctx: CollectContext) -> list[Resource]:
    # A transit gateway shared with this account (RAM) is listed here too, under its owner's
    # ARN: this account's copy gets an ARN of this account, as a shared VPC's does, or the
    # owner's scan and this one would hold two resources under one ARN (model/sharing).
    return [
        _ec2(
            ctx,
            tgw,
            rtype=kinds.TRANSIT_GATEWAY,
            rid=str(tgw["TransitGatewayId"]),
            arn=tgw.get("TransitGatewayArn")
            if tgw.get("OwnerId") in (None, ctx.account.id)
            else None,
            extra={
                "state": tgw.get("State"),
                "amazon_side_asn": _asn((tgw.get("Options") or {}).get("AmazonSideAsn")),
                "description": tgw.get("Description") or None,
                "owner_id": tgw.get("OwnerId"),
            },
        )
        for tgw in await ctx.paginate_all(EC2_DESCRIBE_TRANSIT_GATEWAYS, "TransitGateways")
    ]


def _vpn(ctx: CollectContext, vpn: dict[str, Any]) -> Resource:
    telemetry = [t for t in vpn.get("VgwTelemetry") or [] if isinstance(t, dict)]
    options = vpn.get("Options") or {}
    resource = _ec2(
        ctx,
        vpn,
        rtype=kinds.VPN_CONNECTION,
        rid=str(vpn["VpnConnectionId"]),
        arn=None,
        drop=_SECRET_FIELDS,
        extra={
            "state": vpn.get("State"),
            "customer_gateway_id": vpn.get("CustomerGatewayId"),
            "vpn_gateway_id": vpn.get("VpnGatewayId"),
            "transit_gateway_id": vpn.get("TransitGatewayId"),
            "tunnels": len(telemetry) if telemetry else None,
            "tunnels_up": (
                sum(1 for t in telemetry if t.get("Status") == "UP") if telemetry else None
            ),
            "static_routes_only": options.get("StaticRoutesOnly"),
        },
    )
    return resource


@collector(
    service="ec2",
    calls=[EC2_DESCRIBE_CUSTOMER_GATEWAYS, EC2_DESCRIBE_VPN_CONNECTIONS],
    types=[kinds.VPN_CONNECTION],
)
async def collect_vpn_connections(ctx: CollectContext) -> list[Resource]:
    # No customer gateway in the region: no VPN connection, so DescribeVpnConnections is not
    # sent (one request per region in most accounts). Every VPN connection names one:
    # CustomerGatewayId is a required parameter of CreateVpnConnection, whatever the connection
    # attaches to (a virtual private gateway, a transit gateway, or nothing yet, as a Cloud WAN
    # attachment does: so "no VPN or transit gateway" would NOT prove it), and a customer
    # gateway cannot be deleted while a connection uses it. The gateways are read once for
    # this collector and the customer-gateway collector (call_once). If they could not be
    # read, nothing is proven: the connections are asked for as before (the customer-gateway
    # collector records that failure).
    try:
        gateways = await ctx.call_once(EC2_DESCRIBE_CUSTOMER_GATEWAYS)
    except CallFailure:
        gateways = None
    if gateways is not None and not gateways.get("CustomerGateways"):
        return []
    response = await ctx.call(EC2_DESCRIBE_VPN_CONNECTIONS)  # not paginated
    return [_vpn(ctx, vpn) for vpn in response.get("VpnConnections") or []]


@collector(service="ec2", calls=[EC2_DESCRIBE_CUSTOMER_GATEWAYS], types=[kinds.CUSTOMER_GATEWAY])
async def collect_customer_gateways(ctx: CollectContext) -> list[Resource]:
    # Not paginated; read once with the VPN connection collector (see there).
    response = await ctx.call_once(EC2_DESCRIBE_CUSTOMER_GATEWAYS)
    return [
        _ec2(
            ctx,
            cgw,
            rtype=kinds.CUSTOMER_GATEWAY,
            rid=str(cgw["CustomerGatewayId"]),
            arn=None,
            extra={
                "state": cgw.get("State"),
                "ip_address": cgw.get("IpAddress"),
                "bgp_asn": None if cgw.get("BgpAsn") is None else str(cgw.get("BgpAsn")),
                "device_name": cgw.get("DeviceName"),
            },
        )
        for cgw in response.get("CustomerGateways") or []
    ]
