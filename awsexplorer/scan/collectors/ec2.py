"""EC2 and VPC: networks, gateways, firewalls, instances, volumes, addresses, interfaces."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    EC2_DESCRIBE_ADDRESSES,
    EC2_DESCRIBE_EGRESS_ONLY_INTERNET_GATEWAYS,
    EC2_DESCRIBE_FLOW_LOGS,
    EC2_DESCRIBE_INSTANCES,
    EC2_DESCRIBE_INTERNET_GATEWAYS,
    EC2_DESCRIBE_NAT_GATEWAYS,
    EC2_DESCRIBE_NETWORK_ACLS,
    EC2_DESCRIBE_NETWORK_INTERFACES,
    EC2_DESCRIBE_ROUTE_TABLES,
    EC2_DESCRIBE_SECURITY_GROUPS,
    EC2_DESCRIBE_SUBNETS,
    EC2_DESCRIBE_TRANSIT_GATEWAY_VPC_ATTACHMENTS,
    EC2_DESCRIBE_VOLUMES,
    EC2_DESCRIBE_VPC_ENDPOINTS,
    EC2_DESCRIBE_VPC_PEERING_CONNECTIONS,
    EC2_DESCRIBE_VPCS,
    EC2_DESCRIBE_VPN_GATEWAYS,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
    display_name,
    json_safe,
    tags_of,
)


def _resource(
    ctx: CollectContext,
    item: dict[str, Any],
    *,
    rtype: str,  # the type id, a kinds constant
    rid: str,
    natural_name: str | None = None,
    vpc_id: str | None = None,
    subnet_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Resource:
    tags = tags_of(item)
    attributes = attributes_of(item)
    if extra:
        attributes.update(extra)
    return Resource(
        arn=ctx.arn("ec2", f"{rtype.split(':', 1)[1]}/{rid}"),
        type=rtype,
        id=rid,
        name=display_name(tags, natural_name, rid),
        region=ctx.region,
        vpc_id=vpc_id,
        subnet_id=subnet_id,
        tags=tags,
        attributes=attributes,
    )


def _blocks(item: dict[str, Any], key: str, block_key: str) -> list[str]:
    """A VPC's or subnet's associated CIDR blocks (disassociated ones left out)."""
    return [
        str(a[block_key])
        for a in item.get(key) or []
        if a.get(block_key)
        and (a.get(f"{block_key}State") or {}).get("State") in (None, "associated", "associating")
    ]


@collector(
    service="ec2",
    calls=[EC2_DESCRIBE_VPCS, EC2_DESCRIBE_FLOW_LOGS],
    types=[kinds.VPC],
)
async def collect_vpcs(ctx: CollectContext) -> list[Resource]:
    vpcs = await ctx.paginate_all(EC2_DESCRIBE_VPCS, "Vpcs")
    # Flow logs are a fact about the VPC: one account-wide call, then attach. None = unknown.
    found: dict[str, list[dict[str, Any]]] = {}
    flow_logs: dict[str, list[dict[str, Any]]] | None = found
    try:
        for log in await ctx.paginate_all_once(EC2_DESCRIBE_FLOW_LOGS, "FlowLogs"):
            found.setdefault(str(log.get("ResourceId")), []).append(
                {
                    "id": log.get("FlowLogId"),
                    "status": log.get("FlowLogStatus"),
                    "traffic_type": log.get("TrafficType"),
                    "destination_type": log.get("LogDestinationType"),
                    "destination": log.get("LogDestination") or log.get("LogGroupName"),
                }
            )
    except CallFailure as failure:
        ctx.record(failure)
        flow_logs = None
    return [
        _resource(
            ctx,
            vpc,
            rtype=kinds.VPC,
            rid=vpc["VpcId"],
            vpc_id=vpc["VpcId"],
            extra={
                "flow_logs": None if flow_logs is None else flow_logs.get(vpc["VpcId"], []),
                "cidr": vpc.get("CidrBlock"),
                "cidrs": _blocks(vpc, "CidrBlockAssociationSet", "CidrBlock")
                or ([str(vpc["CidrBlock"])] if vpc.get("CidrBlock") else []),
                "ipv6_cidrs": _blocks(vpc, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock"),
                "is_default": bool(vpc.get("IsDefault")),
                "owner_id": vpc.get("OwnerId"),
            },
        )
        for vpc in vpcs
    ]


@collector(service="ec2", calls=[EC2_DESCRIBE_SUBNETS], types=[kinds.SUBNET])
async def collect_subnets(ctx: CollectContext) -> list[Resource]:
    return [
        _resource(
            ctx,
            s,
            rtype=kinds.SUBNET,
            rid=s["SubnetId"],
            vpc_id=s.get("VpcId"),
            subnet_id=s["SubnetId"],
            extra={
                "cidr": s.get("CidrBlock"),
                "ipv6_cidrs": _blocks(s, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock"),
                "availability_zone": s.get("AvailabilityZone"),
                "availability_zone_id": s.get("AvailabilityZoneId"),
                "available_ips": s.get("AvailableIpAddressCount"),
                "auto_assign_public_ip": bool(s.get("MapPublicIpOnLaunch")),
                "owner_id": s.get("OwnerId"),
            },
        )
        for s in await ctx.paginate_all(EC2_DESCRIBE_SUBNETS, "Subnets")
    ]


@collector(service="ec2", calls=[EC2_DESCRIBE_ROUTE_TABLES], types=[kinds.ROUTE_TABLE])
async def collect_route_tables(ctx: CollectContext) -> list[Resource]:
    return [
        _resource(ctx, t, rtype=kinds.ROUTE_TABLE, rid=t["RouteTableId"], vpc_id=t.get("VpcId"))
        for t in await ctx.paginate_all(EC2_DESCRIBE_ROUTE_TABLES, "RouteTables")
    ]


def _attached_vpc(item: dict[str, Any]) -> str | None:
    attachments = item.get("Attachments") or []
    return attachments[0].get("VpcId") if attachments else None


def _attachment_state(item: dict[str, Any]) -> dict[str, Any]:
    attachments = item.get("Attachments") or []
    return {"state": attachments[0].get("State") if attachments else None}


@collector(service="ec2", calls=[EC2_DESCRIBE_INTERNET_GATEWAYS], types=[kinds.INTERNET_GATEWAY])
async def collect_internet_gateways(ctx: CollectContext) -> list[Resource]:
    return [
        _resource(
            ctx,
            g,
            rtype=kinds.INTERNET_GATEWAY,
            rid=g["InternetGatewayId"],
            vpc_id=_attached_vpc(g),
            extra=_attachment_state(g),
        )
        for g in await ctx.paginate_all(EC2_DESCRIBE_INTERNET_GATEWAYS, "InternetGateways")
    ]


@collector(
    service="ec2",
    calls=[EC2_DESCRIBE_EGRESS_ONLY_INTERNET_GATEWAYS],
    types=[kinds.EGRESS_ONLY_INTERNET_GATEWAY],
)
async def collect_egress_only_internet_gateways(ctx: CollectContext) -> list[Resource]:
    return [
        _resource(
            ctx,
            g,
            rtype=kinds.EGRESS_ONLY_INTERNET_GATEWAY,
            rid=g["EgressOnlyInternetGatewayId"],
            vpc_id=_attached_vpc(g),
            extra=_attachment_state(g),
        )
        for g in await ctx.paginate_all(
            EC2_DESCRIBE_EGRESS_ONLY_INTERNET_GATEWAYS, "EgressOnlyInternetGateways"
        )
    ]


@collector(service="ec2", calls=[EC2_DESCRIBE_NAT_GATEWAYS], types=[kinds.NAT_GATEWAY])
async def collect_nat_gateways(ctx: CollectContext) -> list[Resource]:
    return [
        _resource(
            ctx,
            g,
            rtype=kinds.NAT_GATEWAY,
            rid=g["NatGatewayId"],
            vpc_id=g.get("VpcId"),
            subnet_id=g.get("SubnetId"),
            extra={
                "state": g.get("State"),
                "connectivity": g.get("ConnectivityType") or "public",
                "public_ips": [
                    str(a["PublicIp"])
                    for a in g.get("NatGatewayAddresses") or []
                    if a.get("PublicIp")
                ],
                "private_ips": [
                    str(a["PrivateIp"])
                    for a in g.get("NatGatewayAddresses") or []
                    if a.get("PrivateIp")
                ],
                "network_interface_ids": [
                    str(a["NetworkInterfaceId"])
                    for a in g.get("NatGatewayAddresses") or []
                    if a.get("NetworkInterfaceId")
                ],
            },
        )
        for g in await ctx.paginate_all(EC2_DESCRIBE_NAT_GATEWAYS, "NatGateways")
    ]


@collector(service="ec2", calls=[EC2_DESCRIBE_SECURITY_GROUPS], types=[kinds.SECURITY_GROUP])
async def collect_security_groups(ctx: CollectContext) -> list[Resource]:
    return [
        _resource(
            ctx,
            g,
            rtype=kinds.SECURITY_GROUP,
            rid=g["GroupId"],
            natural_name=g.get("GroupName"),
            vpc_id=g.get("VpcId"),
            extra={"group_name": str(g.get("GroupName") or "")},
        )
        for g in await ctx.paginate_all(EC2_DESCRIBE_SECURITY_GROUPS, "SecurityGroups")
    ]


@collector(service="ec2", calls=[EC2_DESCRIBE_NETWORK_ACLS], types=[kinds.NETWORK_ACL])
async def collect_network_acls(ctx: CollectContext) -> list[Resource]:
    return [
        _resource(ctx, a, rtype=kinds.NETWORK_ACL, rid=a["NetworkAclId"], vpc_id=a.get("VpcId"))
        for a in await ctx.paginate_all(EC2_DESCRIBE_NETWORK_ACLS, "NetworkAcls")
    ]


@collector(
    service="ec2",
    calls=[EC2_DESCRIBE_VPC_PEERING_CONNECTIONS],
    types=[kinds.VPC_PEERING_CONNECTION],
)
async def collect_vpc_peering_connections(ctx: CollectContext) -> list[Resource]:
    return [
        _resource(
            ctx,
            p,
            rtype=kinds.VPC_PEERING_CONNECTION,
            rid=p["VpcPeeringConnectionId"],
            vpc_id=(p.get("RequesterVpcInfo") or {}).get("VpcId"),
            extra={
                "state": (p.get("Status") or {}).get("Code"),
                **_peering_side("requester", p.get("RequesterVpcInfo") or {}),
                **_peering_side("accepter", p.get("AccepterVpcInfo") or {}),
            },
        )
        for p in await ctx.paginate_all(
            EC2_DESCRIBE_VPC_PEERING_CONNECTIONS, "VpcPeeringConnections"
        )
    ]


def _peering_side(side: str, info: dict[str, Any]) -> dict[str, Any]:
    return {
        f"{side}_vpc_id": info.get("VpcId"),
        f"{side}_region": info.get("Region"),
        f"{side}_owner_id": info.get("OwnerId"),
    }


@collector(service="ec2", calls=[EC2_DESCRIBE_VPN_GATEWAYS], types=[kinds.VPN_GATEWAY])
async def collect_vpn_gateways(ctx: CollectContext) -> list[Resource]:
    # DescribeVpnGateways does not page.
    response = await ctx.call(EC2_DESCRIBE_VPN_GATEWAYS)
    return [
        _resource(
            ctx,
            g,
            rtype=kinds.VPN_GATEWAY,
            rid=g["VpnGatewayId"],
            vpc_id=next(
                (
                    a.get("VpcId")
                    for a in g.get("VpcAttachments") or []
                    if a.get("State") == "attached"
                ),
                None,
            ),
            extra={"state": g.get("State")},
        )
        for g in response.get("VpnGateways", [])
    ]


@collector(
    service="ec2",
    calls=[EC2_DESCRIBE_TRANSIT_GATEWAY_VPC_ATTACHMENTS],
    types=[kinds.TRANSIT_GATEWAY_ATTACHMENT],
)
async def collect_transit_gateway_attachments(ctx: CollectContext) -> list[Resource]:
    return [
        _resource(
            ctx,
            a,
            rtype=kinds.TRANSIT_GATEWAY_ATTACHMENT,
            rid=a["TransitGatewayAttachmentId"],
            vpc_id=a.get("VpcId"),
            extra={
                "state": a.get("State"),
                "transit_gateway_id": a.get("TransitGatewayId"),
                "subnet_ids": [str(s) for s in a.get("SubnetIds") or []],
                "vpc_owner_id": a.get("VpcOwnerId"),
            },
        )
        for a in await ctx.paginate_all(
            EC2_DESCRIBE_TRANSIT_GATEWAY_VPC_ATTACHMENTS, "TransitGatewayVpcAttachments"
        )
    ]


@collector(service="ec2", calls=[EC2_DESCRIBE_VPC_ENDPOINTS], types=[kinds.VPC_ENDPOINT])
async def collect_vpc_endpoints(ctx: CollectContext) -> list[Resource]:
    return [
        _resource(
            ctx,
            e,
            rtype=kinds.VPC_ENDPOINT,
            rid=e["VpcEndpointId"],
            natural_name=e.get("ServiceName"),
            vpc_id=e.get("VpcId"),
            extra={
                "state": e.get("State"),
                "service_name": e.get("ServiceName"),
                "endpoint_type": e.get("VpcEndpointType"),
                "subnet_ids": [str(s) for s in e.get("SubnetIds") or []],
                "security_groups": [str(g["GroupId"]) for g in e.get("Groups") or []],
            },
        )
        for e in await ctx.paginate_all(EC2_DESCRIBE_VPC_ENDPOINTS, "VpcEndpoints")
    ]


@collector(service="ec2", calls=[EC2_DESCRIBE_INSTANCES], types=[kinds.INSTANCE])
async def collect_instances(ctx: CollectContext) -> list[Resource]:
    found: list[Resource] = []
    async for reservation in ctx.paginate(EC2_DESCRIBE_INSTANCES, "Reservations"):
        for instance in reservation.get("Instances", []):
            found.append(
                _resource(
                    ctx,
                    instance,
                    rtype=kinds.INSTANCE,
                    rid=instance["InstanceId"],
                    vpc_id=instance.get("VpcId"),
                    subnet_id=instance.get("SubnetId"),
                    extra={
                        "state": (instance.get("State") or {}).get("Name"),
                        "instance_type": instance.get("InstanceType"),
                        "launched": json_safe(instance.get("LaunchTime")),
                        "imds_tokens": (instance.get("MetadataOptions") or {}).get("HttpTokens"),
                        "imds_endpoint": (instance.get("MetadataOptions") or {}).get(
                            "HttpEndpoint"
                        ),
                        "public_ip": instance.get("PublicIpAddress"),
                        "private_ip": instance.get("PrivateIpAddress"),
                        "security_groups": [
                            g["GroupId"] for g in instance.get("SecurityGroups") or []
                        ],
                        "role": ((instance.get("IamInstanceProfile") or {}).get("Arn")),
                        "owner_id": reservation.get("OwnerId"),
                    },
                )
            )
    return found


@collector(service="ec2", calls=[EC2_DESCRIBE_VOLUMES], types=[kinds.VOLUME])
async def collect_volumes(ctx: CollectContext) -> list[Resource]:
    found: list[Resource] = []
    for volume in await ctx.paginate_all(EC2_DESCRIBE_VOLUMES, "Volumes"):
        attached = [a.get("InstanceId") for a in volume.get("Attachments") or []]
        found.append(
            _resource(
                ctx,
                volume,
                rtype=kinds.VOLUME,
                rid=volume["VolumeId"],
                extra={
                    "attached_to": attached,
                    "encrypted": bool(volume.get("Encrypted")),
                    "state": volume.get("State"),
                    "kms_key_id": volume.get("KmsKeyId"),
                    "size_gib": volume.get("Size"),
                    "volume_type": volume.get("VolumeType"),
                },
            )
        )
    return found


@collector(service="ec2", calls=[EC2_DESCRIBE_ADDRESSES], types=[kinds.ELASTIC_IP])
async def collect_elastic_ips(ctx: CollectContext) -> list[Resource]:
    response = await ctx.call(EC2_DESCRIBE_ADDRESSES)  # does not page
    found: list[Resource] = []
    for address in response.get("Addresses", []):
        rid = address.get("AllocationId") or address["PublicIp"]
        found.append(
            _resource(
                ctx,
                address,
                rtype=kinds.ELASTIC_IP,
                rid=rid,
                natural_name=address.get("PublicIp"),
                extra={
                    "public_ip": address.get("PublicIp"),
                    "network_interface_id": address.get("NetworkInterfaceId"),
                    "instance_id": address.get("InstanceId") or None,
                    "private_ip": address.get("PrivateIpAddress"),
                    "associated": bool(
                        address.get("AssociationId")
                        or address.get("InstanceId")
                        or address.get("NetworkInterfaceId")
                    ),
                },
            )
        )
    return found


def _eni_addresses(eni: dict[str, Any]) -> dict[str, Any]:
    """Every address an ENI holds: private (primary first), public, IPv6."""
    private: list[str] = []
    public: list[str] = []
    for item in eni.get("PrivateIpAddresses") or []:
        if item.get("PrivateIpAddress"):
            private.append(str(item["PrivateIpAddress"]))
        ip = (item.get("Association") or {}).get("PublicIp")
        if ip:
            public.append(str(ip))
    if not private and eni.get("PrivateIpAddress"):
        private.append(str(eni["PrivateIpAddress"]))
    top = (eni.get("Association") or {}).get("PublicIp")
    if top and str(top) not in public:
        public.insert(0, str(top))
    return {
        "private_ip": eni.get("PrivateIpAddress"),
        "private_ips": private,
        "public_ips": public,
        "ipv6_addresses": [
            str(a["Ipv6Address"]) for a in eni.get("Ipv6Addresses") or [] if a.get("Ipv6Address")
        ],
    }


@collector(service="ec2", calls=[EC2_DESCRIBE_NETWORK_INTERFACES], types=[kinds.NETWORK_INTERFACE])
async def collect_network_interfaces(ctx: CollectContext) -> list[Resource]:
    found: list[Resource] = []
    for eni in await ctx.paginate_all(EC2_DESCRIBE_NETWORK_INTERFACES, "NetworkInterfaces"):
        found.append(
            _resource(
                ctx,
                eni,
                rtype=kinds.NETWORK_INTERFACE,
                rid=eni["NetworkInterfaceId"],
                natural_name=eni.get("Description") or None,
                vpc_id=eni.get("VpcId"),
                subnet_id=eni.get("SubnetId"),
                extra={
                    "public_ip": (eni.get("Association") or {}).get("PublicIp"),
                    "interface_type": eni.get("InterfaceType"),
                    "requester_managed": bool(eni.get("RequesterManaged")),
                    "attached_to": (eni.get("Attachment") or {}).get("InstanceId"),
                    "security_groups": [g["GroupId"] for g in eni.get("Groups") or []],
                    "description": eni.get("Description") or None,
                    "requester_id": eni.get("RequesterId"),
                    **_eni_addresses(eni),
                },
            )
        )
    return found
