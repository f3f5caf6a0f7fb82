"""Seed a moto server with K regions x M units, plus IAM principals and buckets.

A unit is what a small production stack looks like in one region: a VPC with a public and a
private subnet, an internet gateway, a NAT gateway (with its Elastic IP), public and private
route tables, two security groups, two instances, a spare volume, a spare Elastic IP, a
database, a function and two queues.
"""

from __future__ import annotations

import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import boto3
from benchlib import DUMMY_KEY
from botocore.config import Config

ASSUME_LAMBDA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@dataclass(frozen=True, slots=True)
class Seeded:
    regions: int
    units: int
    principals: int
    buckets: int


def _client(endpoint: str, service: str, region: str) -> Any:
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=DUMMY_KEY,
        aws_secret_access_key=DUMMY_KEY,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
    )


def _function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _tags(name: str, **more: str) -> list[dict[str, Any]]:
    tags = [{"Key": "Name", "Value": name}, *({"Key": k, "Value": v} for k, v in more.items())]
    return [{"ResourceType": "placeholder", "Tags": tags}]


def _tag_spec(kind: str, name: str) -> list[dict[str, Any]]:
    spec = _tags(name, env="bench")
    spec[0]["ResourceType"] = kind
    return spec


def seed_unit(endpoint: str, region: str, index: int, role_arn: str, code: bytes) -> None:
    ec2 = _client(endpoint, "ec2", region)
    name = f"unit{index}"
    azs = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    vpc = ec2.create_vpc(
        CidrBlock=f"10.{index % 250}.0.0/16", TagSpecifications=_tag_spec("vpc", name)
    )["Vpc"]["VpcId"]
    public = ec2.create_subnet(
        VpcId=vpc,
        CidrBlock=f"10.{index % 250}.0.0/24",
        AvailabilityZone=azs[0],
        TagSpecifications=_tag_spec("subnet", f"{name}-public"),
    )["Subnet"]["SubnetId"]
    private = ec2.create_subnet(
        VpcId=vpc,
        CidrBlock=f"10.{index % 250}.1.0/24",
        AvailabilityZone=azs[1 % len(azs)],
        TagSpecifications=_tag_spec("subnet", f"{name}-private"),
    )["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway(TagSpecifications=_tag_spec("internet-gateway", name))[
        "InternetGateway"
    ]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    nat_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=nat_eip)["NatGateway"][
        "NatGatewayId"
    ]
    public_rt = ec2.create_route_table(
        VpcId=vpc, TagSpecifications=_tag_spec("route-table", f"{name}-public")
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
    private_rt = ec2.create_route_table(
        VpcId=vpc, TagSpecifications=_tag_spec("route-table", f"{name}-private")
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ec2.associate_route_table(RouteTableId=private_rt, SubnetId=private)
    web_sg = ec2.create_security_group(GroupName=f"{name}-web", Description="web", VpcId=vpc)[
        "GroupId"
    ]
    ec2.authorize_security_group_ingress(
        GroupId=web_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    db_sg = ec2.create_security_group(GroupName=f"{name}-db", Description="db", VpcId=vpc)[
        "GroupId"
    ]
    ec2.authorize_security_group_ingress(
        GroupId=db_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": web_sg}],
            }
        ],
    )
    for subnet, sg, role in ((public, web_sg, "web"), (private, db_sg, "app")):
        ec2.run_instances(
            ImageId="ami-12c6146b",
            InstanceType="t3.micro",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            SecurityGroupIds=[sg],
            TagSpecifications=_tag_spec("instance", f"{name}-{role}"),
        )
    ec2.create_volume(
        AvailabilityZone=azs[0], Size=8, TagSpecifications=_tag_spec("volume", f"{name}-spare")
    )
    ec2.allocate_address(Domain="vpc", TagSpecifications=_tag_spec("elastic-ip", f"{name}-spare"))

    rds = _client(endpoint, "rds", region)
    rds.create_db_instance(
        DBInstanceIdentifier=f"{name}-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin1",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
        VpcSecurityGroupIds=[db_sg],
    )
    lam = _client(endpoint, "lambda", region)
    lam.create_function(
        FunctionName=f"{name}-fn",
        Runtime="python3.12",
        Role=role_arn,
        Handler="handler.handler",
        Code={"ZipFile": code},
        Tags={"env": "bench"},
    )
    sqs = _client(endpoint, "sqs", region)
    for queue in ("jobs", "dead-letter"):
        sqs.create_queue(QueueName=f"{name}-{queue}", tags={"env": "bench"})


def seed_global(endpoint: str, principals: int, buckets: int, regions: list[str]) -> str:
    iam = _client(endpoint, "iam", "us-east-1")
    role_arn = iam.create_role(RoleName="bench-lambda", AssumeRolePolicyDocument=ASSUME_LAMBDA)[
        "Role"
    ]["Arn"]
    iam.create_group(GroupName="bench-admins")
    for i in range(principals):
        user = f"bench-user-{i}"
        iam.create_user(UserName=user, Tags=[{"Key": "team", "Value": "bench"}])
        iam.create_access_key(UserName=user)
        if i % 2 == 0:
            iam.add_user_to_group(GroupName="bench-admins", UserName=user)
        iam.create_role(RoleName=f"bench-role-{i}", AssumeRolePolicyDocument=ASSUME_LAMBDA)
    for i in range(buckets):
        region = regions[i % len(regions)]
        s3 = _client(endpoint, "s3", region)
        params: dict[str, Any] = {"Bucket": f"bench-bucket-{i}"}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**params)
        s3.put_bucket_tagging(
            Bucket=f"bench-bucket-{i}", Tagging={"TagSet": [{"Key": "env", "Value": "bench"}]}
        )
    return role_arn


def seed(
    endpoint: str, regions: list[str], units: int, principals: int = 10, buckets: int = 10
) -> Seeded:
    role_arn = seed_global(endpoint, principals, buckets, regions)
    code = _function_zip()
    jobs = [(region, i) for region in regions for i in range(units)]
    # A few threads: seeding is not what is measured, but 17 regions one by one is slow.
    with ThreadPoolExecutor(max_workers=4) as pool:
        for future in [pool.submit(seed_unit, endpoint, r, i, role_arn, code) for r, i in jobs]:
            future.result()
    return Seeded(len(regions), units, principals, buckets)
