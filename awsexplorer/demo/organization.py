"""The demo Organization (`--demo --org`): the demo account as the management account of an
AWS Organization with three member accounts in organizational units, each holding a small
estate of its own, on the same local moto server. What `--org --role NAME` shows of a real
Organization: an account level in the tree, OU paths, PROD marks, warnings per account.

moto creates member accounts and lets the demo account assume any role in them (it does not
check trust), so every member is read through `sts:AssumeRole`, as a real one is.

VPC sharing: the management account shares its subnet prod-private-a (and so its VPC prod-vpc)
with acme-prod-web, which runs a worker in it, and its transit gateway shared-tgw (RAM), as a
network account does (`_share_with_member`). The member's scan lists them with the owner's
OwnerId and none of the owner's route tables or flow logs, as on AWS; the views show the subnet
once, with the worker placed in it (docs/topology.md)."""

from __future__ import annotations

from typing import Any

from awsexplorer.demo._aws import (
    AMI_ID,
    FAR_AWAY,
    PRODUCTION,
    SHARED,
    STAGING,
    Aws,
    tag_spec,
    tags,
)

# The role AWS Organizations creates in an account it creates: the demo's --role by default.
MEMBER_ROLE = "OrganizationAccountAccessRole"
# The management account's subnet and transit gateway shared with a member (RAM), the member.
SHARED_SUBNET = "prod-private-a"
SHARED_TGW = "shared-tgw"
SHARED_WITH = "acme-prod-web"
# (name, OU path under the root, region of its estate, VPC CIDR, environment): in the demo's
# own regions, the ones a demo Organization scans (demo_config).
MEMBERS = (
    ("acme-prod-web", ("Workloads", "Prod"), PRODUCTION, "10.40.0.0/16", "production"),
    ("acme-staging", ("Workloads",), STAGING, "10.50.0.0/16", "staging"),
    ("sandbox", (), FAR_AWAY, "10.60.0.0/16", "sandbox"),
)


def is_seeded(aws: Aws) -> bool:
    """Whether the demo account already manages the demo Organization (its member accounts,
    not another Organization something else in this process made)."""
    try:
        listed = aws("organizations").list_accounts()["Accounts"]
    except Exception:  # AWSOrganizationsNotInUseException: not yet
        return False
    return {name for name, *_ in MEMBERS} <= {a.get("Name") for a in listed}


def seed_organization(endpoint_url: str) -> None:
    """Create the Organization, its OUs and member accounts, and each member's estate (after
    the demo account's own seed: `demo_config`)."""
    aws = Aws(endpoint_url)
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    units: dict[tuple[str, ...], str] = {(): root}
    for _, path, *_ in MEMBERS:
        for depth in range(1, len(path) + 1):
            if path[:depth] not in units:
                created = org.create_organizational_unit(
                    ParentId=units[path[: depth - 1]], Name=path[depth - 1]
                )
                units[path[:depth]] = created["OrganizationalUnit"]["Id"]
    for name, path, region, cidr, environment in MEMBERS:
        created = org.create_account(Email=f"{name}@example.com", AccountName=name)
        account_id = created["CreateAccountStatus"]["AccountId"]
        if path:
            org.move_account(
                AccountId=account_id, SourceParentId=root, DestinationParentId=units[path]
            )
        found = aws("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE}",
            RoleSessionName="awsexplorer-demo-seed",
        )["Credentials"]
        member = Aws(
            endpoint_url,
            {
                "aws_access_key_id": found["AccessKeyId"],
                "aws_secret_access_key": found["SecretAccessKey"],
                "aws_session_token": found["SessionToken"],
            },
        )
        _estate(member, name, account_id, region, cidr, environment)
        if name == SHARED_WITH:
            _share_with_member(aws, member, account_id, region, environment)


def _estate(aws: Aws, name: str, account_id: str, region: str, cidr: str, env: str) -> None:
    """A VPC with a public subnet (a route to an internet gateway) and a private one, a web
    instance in the public one behind a security group open to the world on SSH (a warning of
    its own in each account), and a log bucket. The account alias is the account's name."""
    ec2 = aws("ec2", region)
    vpc = ec2.create_vpc(
        CidrBlock=cidr, TagSpecifications=tag_spec("vpc", tags(f"{name}-vpc", environment=env))
    )["Vpc"]["VpcId"]
    gateway = ec2.create_internet_gateway(
        TagSpecifications=tag_spec("internet-gateway", tags(f"{name}-igw", environment=env))
    )["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    prefix = cidr.rsplit(".", 2)[0]  # "10.40"
    subnets: dict[str, Any] = {}
    for kind, third in (("public", 1), ("private", 2)):
        subnets[kind] = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"{prefix}.{third}.0/24",
            AvailabilityZone=f"{region}a",
            TagSpecifications=tag_spec("subnet", tags(f"{name}-{kind}", environment=env)),
        )["Subnet"]["SubnetId"]
    table = ec2.create_route_table(
        VpcId=vpc,
        TagSpecifications=tag_spec("route-table", tags(f"{name}-public", environment=env)),
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnets["public"])
    group = ec2.create_security_group(
        GroupName=f"{name}-web",
        Description="web and (left open) SSH",
        VpcId=vpc,
        TagSpecifications=tag_spec("security-group", tags(f"{name}-web", environment=env)),
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": c}]}
            for port, c in ((443, "0.0.0.0/0"), (22, "0.0.0.0/0"))
        ],
    )
    ec2.run_instances(
        ImageId=AMI_ID,
        InstanceType="t3.small",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnets["public"],
        SecurityGroupIds=[group],
        TagSpecifications=tag_spec("instance", tags(f"{name}-web-1", environment=env)),
    )
    bucket = f"{name}-{account_id}-logs"
    aws("s3", region).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
    )
    aws("iam").create_account_alias(AccountAlias=name)


def _share_with_member(owner: Aws, member: Aws, member_id: str, region: str, env: str) -> None:
    """Share SHARED_SUBNET and SHARED_TGW with the member, and run the member's worker in the
    subnet. moto has no RAM sharing of either: the owner's objects are listed in the member's
    EC2 backend too, which is what a share does (moto answers their OwnerId from the owner's
    backend; the owner's route tables and flow logs stay the owner's)."""
    from moto.ec2.models import ec2_backends

    owner_id = owner("sts").get_caller_identity()["Account"]
    gateways = owner("ec2", SHARED).describe_transit_gateways(
        Filters=[{"Name": "tag:Name", "Values": [SHARED_TGW]}]
    )["TransitGateways"]
    tgw_id = gateways[0]["TransitGatewayId"]
    shared_tgw = ec2_backends[owner_id][SHARED].transit_gateways[tgw_id]
    ec2_backends[member_id][SHARED].transit_gateways[tgw_id] = shared_tgw
    found = owner("ec2", region).describe_subnets(
        Filters=[{"Name": "tag:Name", "Values": [SHARED_SUBNET]}]
    )["Subnets"]
    subnet_id = found[0]["SubnetId"]
    owners, members = ec2_backends[owner_id][region], ec2_backends[member_id][region]
    subnet = owners.get_subnet(subnet_id)
    members.vpcs[subnet.vpc_id] = owners.vpcs[subnet.vpc_id]
    members.subnets[subnet.availability_zone][subnet_id] = subnet
    member("ec2", region).run_instances(
        ImageId=AMI_ID,
        InstanceType="t3.small",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet_id,
        TagSpecifications=tag_spec("instance", tags(f"{SHARED_WITH}-worker-1", environment=env)),
    )
