"""Two literal scans of one small account, and what changed between them, for the diff's unit
and UI tests: a rule opened on a security group, an instance stopped, a queue deleted, a bucket
created, a subnet made public by a route to the internet gateway, a free-IP count that moved."""

from __future__ import annotations

import copy
from typing import Any

from awsexplorer.model import (
    Account,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)

ACCOUNT = "123456789012"
REGION = "eu-west-1"


def arn(kind: str, rid: str) -> str:
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{rid}"


SG = arn("security-group", "sg-0abc")
INSTANCE = arn("instance", "i-0123")
SUBNET = arn("subnet", "subnet-9")
TABLE = arn("route-table", "rtb-4")
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"
BUCKET = "arn:aws:s3:::new-bucket"


def _resources() -> list[Resource]:
    return [
        Resource(
            SG,
            "ec2:security-group",
            "sg-0abc",
            "web",
            REGION,
            vpc_id="vpc-1",
            attributes={
                "group_name": "web",
                "IpPermissions": [
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 443,
                        "ToPort": 443,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    }
                ],
                "IpPermissionsEgress": [
                    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                ],
            },
        ),
        Resource(
            INSTANCE,
            "ec2:instance",
            "i-0123",
            "i-0123",
            REGION,
            vpc_id="vpc-1",
            subnet_id="subnet-9",
            tags={"owner": "team-a"},
            attributes={
                "State": {"Code": 16, "Name": "running"},
                "state": "running",
                "instance_type": "t3.micro",
                "subnet_public": False,
            },
        ),
        Resource(
            SUBNET,
            "ec2:subnet",
            "subnet-9",
            "subnet-9",
            REGION,
            vpc_id="vpc-1",
            subnet_id="subnet-9",
            attributes={
                "cidr": "10.0.9.0/24",
                "AvailableIpAddressCount": 250,
                "public": False,
                "public_reason": "no route to an internet gateway in rtb-4",
                "route_table_id": "rtb-4",
                "egress": "none",
            },
        ),
        Resource(
            TABLE,
            "ec2:route-table",
            "rtb-4",
            "rtb-4",
            REGION,
            vpc_id="vpc-1",
            attributes={
                "Routes": [
                    {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}
                ]
            },
        ),
        Resource(QUEUE, "sqs:queue", "orders", "orders", REGION, attributes={"url": "u"}),
    ]


def _result(resources: list[Resource], findings: list[Finding], finished: str) -> ScanResult:
    return ScanResult(
        account=Account(ACCOUNT, None, "aws", f"arn:aws:iam::{ACCOUNT}:user/me"),
        started_at=finished,
        finished_at=finished,
        regions=[RegionScan(REGION, RegionStatus.OK)],
        resources=resources,
        findings=findings,
    )


QUEUE_FINDING = Finding(
    "sqs-no-dead-letter-queue", Severity.LOW, QUEUE, REGION, "queue orders has no DLQ", "fix"
)
STALE_FINDING = Finding(
    "tag-missing-required", Severity.LOW, INSTANCE, REGION, "missing owner (3 days)", "fix"
)


def old_scan() -> ScanResult:
    return _result(_resources(), [QUEUE_FINDING, STALE_FINDING], "2026-01-01T00:00:00Z")


def new_scan() -> ScanResult:
    resources = {r.arn: copy.deepcopy(r) for r in _resources()}
    sg: dict[str, Any] = resources[SG].attributes
    sg["IpPermissions"].append(
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    )
    instance = resources[INSTANCE].attributes
    instance.update(State={"Code": 80, "Name": "stopped"}, state="stopped", subnet_public=True)
    subnet = resources[SUBNET].attributes
    subnet.update(
        AvailableIpAddressCount=249,
        public=True,
        public_reason="route 0.0.0.0/0 -> igw-1 in rtb-4",
        egress="igw",
    )
    resources[TABLE].attributes["Routes"].append(
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}
    )
    del resources[QUEUE]
    resources[BUCKET] = Resource(BUCKET, "s3:bucket", "new-bucket", "new-bucket", REGION)
    findings = [
        # The same finding, its message's count moved: not new.
        Finding(
            "tag-missing-required", Severity.LOW, INSTANCE, REGION, "missing owner (4 days)", "f"
        ),
        Finding(
            "ec2-sg-open-admin-port", Severity.HIGH, SG, REGION, "sg-0abc allows tcp/22", "fix"
        ),
    ]
    return _result(list(resources.values()), findings, "2026-01-02T00:00:00Z")
