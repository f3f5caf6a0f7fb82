"""The issue's scenario on a real moto server: scan an account, change it by script (add an SG
rule, stop an instance, delete a queue, create a bucket, make a subnet public), scan again; the
diff reports exactly those changes with readable summaries. And two scans of an unchanged account
differ in nothing (the volatile rule in model/diff.py keeps moving counters and dates out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from awsexplorer.checks import analyse
from awsexplorer.model import ScanResult
from awsexplorer.model.diff import diff, label

REGION = "eu-west-1"


def _scan(scan_config: Callable[..., Any], run_scan: Callable[..., Any]) -> ScanResult:
    result, _ = run_scan(scan_config(regions=(REGION,)))
    return analyse(result)


@pytest.fixture
def account(aws: Callable[..., Any]) -> dict[str, Any]:
    ec2 = aws("ec2", REGION)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    image = "ami-12c6146b"  # moto runs it without the image, as the other moto tests do
    instance = ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[group]
    )["Instances"][0]["InstanceId"]
    sqs = aws("sqs", REGION)
    queue = sqs.create_queue(QueueName="orders")["QueueUrl"]
    aws("s3", REGION).create_bucket(
        Bucket="old-bucket", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    # Types whose scans carry counters and dates (the volatile rule's business).
    iam = aws("iam")
    iam.create_user(UserName="alice")
    iam.create_access_key(UserName="alice")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument='{"Version":"2012-10-17"}')
    aws("dynamodb", REGION).create_table(
        TableName="events",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    aws("sns", REGION).create_topic(Name="alerts")
    return {
        "vpc": vpc,
        "subnet": subnet,
        "table": table,
        "igw": igw,
        "group": group,
        "instance": instance,
        "queue": queue,
    }


def test_unchanged_account_has_no_change(
    account: dict[str, Any], scan_config: Any, run_scan: Any
) -> None:
    first = _scan(scan_config, run_scan)
    second = _scan(scan_config, run_scan)
    found = diff(first, second)
    assert found.added == [] and found.removed == []
    assert [(c.arn, [x.path for x in c.changes]) for c in found.changed] == []
    assert found.new_findings == [] and found.resolved_findings == []


def test_scripted_changes_are_reported_exactly(
    account: dict[str, Any], aws: Callable[..., Any], scan_config: Any, run_scan: Any
) -> None:
    before = _scan(scan_config, run_scan)
    ec2 = aws("ec2", REGION)
    ec2.authorize_security_group_ingress(
        GroupId=account["group"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    ec2.stop_instances(InstanceIds=[account["instance"]])
    aws("sqs", REGION).delete_queue(QueueUrl=account["queue"])
    aws("s3", REGION).create_bucket(
        Bucket="new-bucket", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    ec2.create_route(
        RouteTableId=account["table"], DestinationCidrBlock="0.0.0.0/0", GatewayId=account["igw"]
    )
    after = _scan(scan_config, run_scan)
    found = diff(before, after)

    def arn(kind: str, rid: str) -> str:
        return f"arn:aws:ec2:{REGION}:123456789012:{kind}/{rid}"

    assert [r.arn for r in found.added] == ["arn:aws:s3:::new-bucket"]
    assert [r.arn for r in found.removed] == [f"arn:aws:sqs:{REGION}:123456789012:orders"]
    readable = {c.arn: [x.summary for x in c.changes if x.readable] for c in found.changed}
    igw, table = account["igw"], account["table"]
    instance = arn("instance", account["instance"])
    assert set(readable) == {
        instance,
        arn("route-table", table),
        arn("security-group", account["group"]),
        arn("subnet", account["subnet"]),
    }
    assert readable[arn("security-group", account["group"])] == [
        "inbound tcp/22 from 0.0.0.0/0 added"
    ]
    assert readable[arn("route-table", table)] == [f"route 0.0.0.0/0 → {igw} added"]
    assert readable[arn("subnet", account["subnet"])] == [
        f"now public (route 0.0.0.0/0 → {igw} added to {table})"
    ]
    # Its own change, and the consequence of its subnet's (shown with it, not on its own).
    assert readable[instance] == ["state: running → stopped", "subnet_public: false → true"]
    assert label(found.changed[0].new).startswith("i-")

    new = {(f.check, f.resource) for f in found.new_findings}
    group_arn = arn("security-group", account["group"])
    assert new == {
        ("ec2-sg-open-admin-port", group_arn),
        ("s3-public-access-not-blocked", "arn:aws:s3:::new-bucket"),
        ("tag-missing-required", "arn:aws:s3:::new-bucket"),
        ("s3-tls-not-enforced", "arn:aws:s3:::new-bucket"),  # no policy denies plain HTTP
    }
    assert {f.resource for f in found.resolved_findings} == {
        f"arn:aws:sqs:{REGION}:123456789012:orders",
        instance,  # ec2-instance-unmanaged: only a running instance needs patching
    }
