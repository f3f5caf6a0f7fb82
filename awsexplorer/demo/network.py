"""VPCs of the demo account: production (eu-west-1), shared (us-east-1), staging (eu-central-1).

The far region (ap-southeast-2) keeps only its default VPC, where a stray instance lands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from awsexplorer.demo._aws import PRODUCTION, SHARED, STAGING, Aws, elastic_ip, tag_spec, tags
from awsexplorer.demo.storage import FLOW_LOGS_BUCKET

WORLD = "0.0.0.0/0"
INTERNAL = "10.0.0.0/8"


@dataclass
class Network:
    """Ids by the Name the demo gave them (names are unique across regions)."""

    vpcs: dict[str, str] = field(default_factory=dict)
    subnets: dict[str, str] = field(default_factory=dict)
    security_groups: dict[str, str] = field(default_factory=dict)
    route_tables: dict[str, str] = field(default_factory=dict)
    nat_gateways: dict[str, str] = field(default_factory=dict)


def _vpc(ec2: Any, network: Network, name: str, cidr: str, environment: str) -> str:
    vpc_id = ec2.create_vpc(
        CidrBlock=cidr, TagSpecifications=tag_spec("vpc", tags(name, environment=environment))
    )["Vpc"]["VpcId"]
    network.vpcs[name] = vpc_id
    return vpc_id


def _subnet(
    ec2: Any, network: Network, vpc_id: str, name: str, cidr: str, zone: str, environment: str
) -> str:
    subnet_id = ec2.create_subnet(
        VpcId=vpc_id,
        CidrBlock=cidr,
        AvailabilityZone=zone,
        TagSpecifications=tag_spec("subnet", tags(name, environment=environment)),
    )["Subnet"]["SubnetId"]
    network.subnets[name] = subnet_id
    return subnet_id


def _internet_gateway(ec2: Any, vpc_id: str, name: str, environment: str) -> str:
    igw_id = ec2.create_internet_gateway(
        TagSpecifications=tag_spec("internet-gateway", tags(name, environment=environment))
    )["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    return igw_id


def _route_table(
    ec2: Any,
    network: Network,
    vpc_id: str,
    name: str,
    environment: str,
    subnet_ids: list[str],
    **default_route: str,
) -> str:
    """A route table, explicitly associated with the subnets; default_route: GatewayId=... or
    NatGatewayId=... for 0.0.0.0/0."""
    table_id = ec2.create_route_table(
        VpcId=vpc_id,
        TagSpecifications=tag_spec("route-table", tags(name, environment=environment)),
    )["RouteTable"]["RouteTableId"]
    if default_route:
        ec2.create_route(RouteTableId=table_id, DestinationCidrBlock=WORLD, **default_route)
    for subnet_id in subnet_ids:
        ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet_id)
    network.route_tables[name] = table_id
    return table_id


def _name_main_route_table(ec2: Any, network: Network, vpc_id: str, name: str) -> None:
    tables = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    table_id = tables[0]["RouteTableId"]
    ec2.create_tags(Resources=[table_id], Tags=[{"Key": "Name", "Value": name}])
    network.route_tables[name] = table_id


def _security_group(
    ec2: Any,
    network: Network,
    vpc_id: str,
    name: str,
    description: str,
    environment: str,
    inbound: list[dict[str, Any]],
) -> str:
    group_id = ec2.create_security_group(
        GroupName=name,
        Description=description,
        VpcId=vpc_id,
        TagSpecifications=tag_spec("security-group", tags(name, environment=environment)),
    )["GroupId"]
    if inbound:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=inbound)
    network.security_groups[name] = group_id
    return group_id


def _tcp(port: int, cidr: str | None = None, group_id: str | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if cidr:
        rule["IpRanges"] = [{"CidrIp": cidr}]
    if group_id:
        rule["UserIdGroupPairs"] = [{"GroupId": group_id}]
    return rule


def _flow_logs_to_s3(ec2: Any, vpc_id: str, traffic: str) -> None:
    # The bucket ARN without a key prefix: moto 5.2 takes the whole path for the bucket name.
    response = ec2.create_flow_logs(
        ResourceIds=[vpc_id],
        ResourceType="VPC",
        TrafficType=traffic,
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{FLOW_LOGS_BUCKET}",
    )
    if response.get("Unsuccessful"):  # reported in the body, not raised
        raise RuntimeError(f"demo seed: flow logs for {vpc_id}: {response['Unsuccessful']}")


def _production(aws: Aws, network: Network) -> None:
    ec2 = aws("ec2", PRODUCTION)
    env = "production"
    vpc_id = _vpc(ec2, network, "prod-vpc", "10.0.0.0/16", env)
    public_a = _subnet(ec2, network, vpc_id, "prod-public-a", "10.0.0.0/24", "eu-west-1a", env)
    public_b = _subnet(ec2, network, vpc_id, "prod-public-b", "10.0.1.0/24", "eu-west-1b", env)
    private_a = _subnet(ec2, network, vpc_id, "prod-private-a", "10.0.10.0/24", "eu-west-1a", env)
    private_b = _subnet(ec2, network, vpc_id, "prod-private-b", "10.0.11.0/24", "eu-west-1b", env)
    # Left on the main route table (local route only): private, by the main table.
    _subnet(ec2, network, vpc_id, "prod-spare-c", "10.0.20.0/24", "eu-west-1c", env)
    _name_main_route_table(ec2, network, vpc_id, "prod-main-rt")

    igw_id = _internet_gateway(ec2, vpc_id, "prod-igw", env)
    _route_table(
        ec2, network, vpc_id, "prod-public-rt", env, [public_a, public_b], GatewayId=igw_id
    )
    nat_eip = elastic_ip(ec2, "prod-nat-eip", env, "203.0.113.10")
    nat_id = ec2.create_nat_gateway(
        SubnetId=public_a,
        AllocationId=nat_eip,
        TagSpecifications=tag_spec("natgateway", tags("prod-nat-a", environment=env)),
    )["NatGateway"]["NatGatewayId"]
    network.nat_gateways["prod-nat-a"] = nat_id
    _route_table(
        ec2, network, vpc_id, "prod-private-rt", env, [private_a, private_b], NatGatewayId=nat_id
    )

    # Pitfall: SSH from anywhere on the bastion.
    _security_group(
        ec2, network, vpc_id, "prod-bastion-ssh", "SSH to the bastion", env, [_tcp(22, WORLD)]
    )
    # Look-alike: open to the world, but on 443 only.
    alb_sg = _security_group(
        ec2,
        network,
        vpc_id,
        "prod-alb-https",
        "HTTPS to the load balancer",
        env,
        [_tcp(443, WORLD)],
    )
    # Look-alike: SSH, but from the internal network only.
    app_sg = _security_group(
        ec2,
        network,
        vpc_id,
        "prod-app",
        "App servers: from the ALB, SSH from inside",
        env,
        [_tcp(8080, group_id=alb_sg), _tcp(22, INTERNAL)],
    )
    _security_group(ec2, network, vpc_id, "prod-lambda", "Lambda functions (egress only)", env, [])
    _security_group(
        ec2,
        network,
        vpc_id,
        "prod-orders-db",
        "Postgres from the app servers",
        env,
        [_tcp(5432, group_id=app_sg)],
    )
    # Pitfall: a database port open to the world (the reporting DB, "for the BI tool").
    _security_group(
        ec2,
        network,
        vpc_id,
        "prod-reporting-db-public",
        "Postgres for the BI tool",
        env,
        [_tcp(5432, WORLD)],
    )
    # Look-alike of the staging VPC: flow logs on.
    _flow_logs_to_s3(ec2, vpc_id, "ALL")


def _shared(aws: Aws, network: Network) -> None:
    """Shared services in us-east-1: a private VPC for the CI runners."""
    ec2 = aws("ec2", SHARED)
    env = "shared"
    vpc_id = _vpc(ec2, network, "shared-vpc", "10.1.0.0/16", env)
    _subnet(ec2, network, vpc_id, "shared-private-a", "10.1.0.0/24", "us-east-1a", env)
    _subnet(ec2, network, vpc_id, "shared-private-b", "10.1.1.0/24", "us-east-1b", env)
    _name_main_route_table(ec2, network, vpc_id, "shared-main-rt")
    _security_group(
        ec2,
        network,
        vpc_id,
        "shared-ci-runner",
        "CI runners: SSH from inside",
        env,
        [_tcp(22, INTERNAL)],
    )
    _flow_logs_to_s3(ec2, vpc_id, "REJECT")


def _staging(aws: Aws, network: Network) -> None:
    """Pitfall: a /24 VPC that cannot grow, and no flow logs."""
    ec2 = aws("ec2", STAGING)
    env = "staging"
    vpc_id = _vpc(ec2, network, "staging-vpc", "10.20.0.0/24", env)
    public_a = _subnet(
        ec2, network, vpc_id, "staging-public-a", "10.20.0.0/25", "eu-central-1a", env
    )
    _subnet(ec2, network, vpc_id, "staging-private-b", "10.20.0.128/25", "eu-central-1b", env)
    _name_main_route_table(ec2, network, vpc_id, "staging-main-rt")
    igw_id = _internet_gateway(ec2, vpc_id, "staging-igw", env)
    _route_table(ec2, network, vpc_id, "staging-public-rt", env, [public_a], GatewayId=igw_id)
    _security_group(
        ec2, network, vpc_id, "staging-web", "HTTPS to the staging app", env, [_tcp(443, WORLD)]
    )


def create_default_vpcs(aws: Aws, account_id: str) -> None:
    """Create every enabled region's default VPC now, in a fixed order.

    moto creates a region's default VPC (and loads its AMIs) on first use, drawing IDs from the
    seeded generator. Left to the scan, the regions would be first touched concurrently, in a
    different order each time, and their default VPCs would get different IDs. Needs the
    server in this process; elsewhere the scan creates them as it goes.
    """
    try:
        from moto.ec2.models import ec2_backends
    except ImportError:  # pragma: no cover - moto is what runs the demo
        return
    backends = ec2_backends[account_id]

    def create(name: str) -> None:
        # keys(): moto's `in` answers for every known region, created or not
        if name in backends.keys():  # noqa: SIM118
            # moto's reset re-creates, while it resets them, the EC2 backends that other
            # backends hold (auto scaling's, ECS's...), with IDs drawn before the seed; resetting
            # one again draws the same IDs a fresh backend would, in this fixed order.
            backends[name].reset()
        else:
            backends[name]  # instantiating the backend creates the default VPC

    create(SHARED)  # before the request below, which would otherwise create it
    regions = aws("ec2", SHARED).describe_regions(
        Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]
    )["Regions"]
    for name in sorted(r["RegionName"] for r in regions):
        if name != SHARED:
            create(name)
        _connect_default_vpc(aws("ec2", name))


def _connect_default_vpc(ec2: Any) -> None:
    """Give a default VPC what AWS gives it and moto does not: an internet gateway and a
    0.0.0.0/0 route to it in the main route table. Without it every default subnet would read
    as isolated, and the stray instance's public IP would look harmless."""
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0][
        "VpcId"
    ]
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    main = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=main, DestinationCidrBlock=WORLD, GatewayId=igw_id)


def build_network(aws: Aws) -> Network:
    network = Network()
    _production(aws, network)
    _shared(aws, network)
    _staging(aws, network)
    return network
