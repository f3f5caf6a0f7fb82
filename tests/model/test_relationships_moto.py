"""The relationship index on a scanned moto account seeded in two regions: every edge the seed
makes is found, and no other edge touches a seeded resource (none missing, none invented).

eu-west-1: a VPC with two subnets, an internet gateway and a route table sending 0.0.0.0/0 to it
(explicitly associated with subnet a); a web and a db security group (db admits web by group);
a KMS key and an encrypted volume attached to an instance that runs with an instance profile
holding role app; an application load balancer forwarding to a target group with the instance;
a function in subnet b with group web and role app, fed by a queue (with a dead-letter queue)
through an event source mapping; a topic with the queue subscribed. (A function's own dead-letter
queue is not returned by moto's ListFunctions: tests/model/test_relationships.py has it.)
us-east-1: a VPC, a subnet, a security group, and a secret encrypted with a KMS key there.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from awsexplorer.model import kinds
from awsexplorer.model import relationships as rel

WEST, EAST = "eu-west-1", "us-east-1"
AMI = "ami-12c6146b"
ACCOUNT = "123456789012"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def _vpc_plumbing(ec2: Any, vpc: str) -> dict[str, str]:
    """What AWS makes with every VPC: its main route table, default group and network ACL."""
    table = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"][0]["RouteTableId"]
    group = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"][
        0
    ]["NetworkAclId"]
    return {"main_table": table, "default_sg": group, "acl": acl}


def seed(aws: Callable[..., Any]) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    iam = aws("iam")
    role = iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    ids["role"] = role["Arn"]
    profile = iam.create_instance_profile(InstanceProfileName="app-profile")["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")
    ids["profile"] = profile["Arn"]

    ec2 = aws("ec2", WEST)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24", AvailabilityZone="eu-west-1a")
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24", AvailabilityZone="eu-west-1b")
    ids.update(vpc=vpc, a=a["Subnet"]["SubnetId"], b=b["Subnet"]["SubnetId"])
    ids.update(_vpc_plumbing(ec2, vpc))
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=ids["a"])
    ids.update(igw=igw, table=table)
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    db = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=db,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": web}],
            }
        ],
    )
    ids.update(web=web, db=db)

    kms = aws("kms", WEST)
    key = kms.create_key(Description="data")["KeyMetadata"]
    kms.create_alias(AliasName="alias/data", TargetKeyId=key["KeyId"])
    ids["key"] = key["Arn"]
    instance = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SubnetId=ids["a"],
        SecurityGroupIds=[web],
        IamInstanceProfile={"Arn": ids["profile"]},
    )["Instances"][0]
    ids["instance"] = instance["InstanceId"]
    ids["eni"] = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    volume = ec2.create_volume(
        AvailabilityZone="eu-west-1a", Size=8, Encrypted=True, KmsKeyId="alias/data"
    )["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=ids["instance"], Device="/dev/sdf")
    ids["volume"] = volume
    ids["root_volumes"] = [
        m["Ebs"]["VolumeId"]
        for m in ec2.describe_instances(InstanceIds=[ids["instance"]])["Reservations"][0][
            "Instances"
        ][0].get("BlockDeviceMappings", [])
        if m["Ebs"]["VolumeId"] != volume
    ]

    elb = aws("elbv2", WEST)
    lb = elb.create_load_balancer(
        Name="front", Subnets=[ids["a"], ids["b"]], SecurityGroups=[web], Scheme="internal"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    group = elb.create_target_group(Name="app", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=group, Targets=[{"Id": ids["instance"]}])
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    ids.update(lb=lb, group=group)

    sqs = aws("sqs", WEST)

    def queue(name: str) -> str:
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        return str(
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
        )

    ids["dlq"], ids["jobs"] = queue("jobs-dlq"), queue("jobs")
    sqs.set_queue_attributes(
        QueueUrl=sqs.get_queue_url(QueueName="jobs")["QueueUrl"],
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": ids["dlq"], "maxReceiveCount": 3})
        },
    )
    fn = aws("lambda", WEST)
    ids["function"] = fn.create_function(
        FunctionName="worker",
        Runtime="python3.12",
        Role=ids["role"],
        Handler="app.handler",
        Code={"ZipFile": _zip()},
        VpcConfig={"SubnetIds": [ids["b"]], "SecurityGroupIds": [web]},
    )["FunctionArn"]
    ids["mapping"] = fn.create_event_source_mapping(
        EventSourceArn=ids["jobs"], FunctionName="worker", BatchSize=5
    )["UUID"]
    sns = aws("sns", WEST)
    ids["topic"] = sns.create_topic(Name="events")["TopicArn"]
    ids["subscription"] = sns.subscribe(
        TopicArn=ids["topic"], Protocol="sqs", Endpoint=ids["jobs"]
    )["SubscriptionArn"]

    east = aws("ec2", EAST)
    vpc_e = east.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet_e = east.create_subnet(VpcId=vpc_e, CidrBlock="10.2.1.0/24")["Subnet"]["SubnetId"]
    sg_e = east.create_security_group(GroupName="east", Description="e", VpcId=vpc_e)["GroupId"]
    ids.update(vpc_e=vpc_e, subnet_e=subnet_e, sg_e=sg_e)
    ids["east"] = _vpc_plumbing(east, vpc_e)
    key_e = aws("kms", EAST).create_key(Description="secrets")["KeyMetadata"]
    ids["key_e"] = key_e["Arn"]
    ids["secret"] = aws("secretsmanager", EAST).create_secret(
        Name="db-password", SecretString="x", KmsKeyId=key_e["KeyId"]
    )["ARN"]
    return ids


@pytest.fixture
def scanned(aws: Callable[..., Any], scan_config: Any, run_scan: Any) -> Any:
    ids = seed(aws)
    result, _ = run_scan(scan_config(regions=(WEST, EAST)))
    return ids, result, rel.build(result.resources)


def test_every_seeded_edge_and_nothing_else(scanned: Any) -> None:
    ids, result, index = scanned
    by_id = {(r.region, r.id): r.arn for r in result.resources}
    arn_of = {r.arn for r in result.resources}

    def w(rid: str) -> str:
        return by_id[(WEST, rid)]

    def e(rid: str) -> str:
        return by_id[(EAST, rid)]

    mapping = next(r.arn for r in result.resources if r.type == kinds.EVENT_SOURCE_MAPPING)
    subscription = ids["subscription"]
    assert subscription in arn_of
    instance = w(ids["instance"])
    expected = {
        # VPC plumbing (eu-west-1)
        (w(ids["a"]), w(ids["vpc"]), rel.VPC),
        (w(ids["b"]), w(ids["vpc"]), rel.VPC),
        (w(ids["igw"]), w(ids["vpc"]), rel.VPC),
        (w(ids["table"]), w(ids["vpc"]), rel.VPC),
        (w(ids["main_table"]), w(ids["vpc"]), rel.VPC),
        (w(ids["acl"]), w(ids["vpc"]), rel.VPC),
        (w(ids["web"]), w(ids["vpc"]), rel.VPC),
        (w(ids["db"]), w(ids["vpc"]), rel.VPC),
        (w(ids["default_sg"]), w(ids["vpc"]), rel.VPC),
        (w(ids["a"]), w(ids["table"]), rel.ROUTE_TABLE),
        (w(ids["b"]), w(ids["main_table"]), rel.ROUTE_TABLE),
        (w(ids["table"]), w(ids["igw"]), rel.ROUTE_TARGET),
        (w(ids["db"]), w(ids["web"]), rel.RULE_REFERENCES),
        # the instance, its interface and volumes, its profile and role
        (instance, w(ids["web"]), rel.SECURITY_GROUP),
        (instance, w(ids["a"]), rel.SUBNET),
        (instance, w(ids["eni"]), rel.NETWORK_INTERFACE),
        (w(ids["eni"]), w(ids["web"]), rel.SECURITY_GROUP),
        (w(ids["eni"]), w(ids["a"]), rel.SUBNET),
        (instance, w(ids["volume"]), rel.VOLUME),
        *((instance, w(v), rel.VOLUME) for v in ids["root_volumes"]),
        (w(ids["volume"]), ids["key"], rel.KMS_KEY),
        (instance, ids["profile"], rel.INSTANCE_PROFILE),
        (instance, ids["role"], rel.ROLE),
        (ids["profile"], ids["role"], rel.ROLE),
        ("lambda.amazonaws.com", ids["role"], rel.CAN_ASSUME),
        ("ec2.amazonaws.com", ids["role"], rel.CAN_ASSUME),
        # load balancer -> target group -> instance
        (ids["lb"], w(ids["web"]), rel.SECURITY_GROUP),
        (ids["lb"], w(ids["a"]), rel.SUBNET),
        (ids["lb"], w(ids["b"]), rel.SUBNET),
        (ids["lb"], ids["group"], rel.TARGET_GROUP),
        (ids["group"], instance, rel.TARGET),
        # the function and its wiring
        (ids["function"], ids["role"], rel.ROLE),
        (ids["function"], w(ids["b"]), rel.SUBNET),
        (ids["function"], w(ids["web"]), rel.SECURITY_GROUP),
        (ids["jobs"], ids["dlq"], rel.DEAD_LETTER),
        (mapping, ids["jobs"], "source"),
        (mapping, ids["function"], "invokes"),
        (ids["topic"], subscription, rel.SUBSCRIPTION),
        (subscription, ids["jobs"], "sns-subscription"),
        # us-east-1
        (e(ids["subnet_e"]), e(ids["vpc_e"]), rel.VPC),
        (e(ids["sg_e"]), e(ids["vpc_e"]), rel.VPC),
        (e(ids["east"]["main_table"]), e(ids["vpc_e"]), rel.VPC),
        (e(ids["east"]["default_sg"]), e(ids["vpc_e"]), rel.VPC),
        (e(ids["east"]["acl"]), e(ids["vpc_e"]), rel.VPC),
        (e(ids["subnet_e"]), e(ids["east"]["main_table"]), rel.ROUTE_TABLE),
        (ids["secret"], ids["key_e"], rel.KMS_KEY),
    }
    seeded = {source for source, _, _ in expected} | {target for _, target, _ in expected}
    found = {
        (edge.source, edge.target, edge.kind)
        for edge in index.edges()
        if edge.source in seeded or edge.target in seeded
    }
    assert sorted(found - expected) == [], "invented"
    assert sorted(expected - found) == [], "missing"


def test_both_directions_and_the_answer(scanned: Any) -> None:
    ids, result, index = scanned
    web = next(r for r in result.resources if r.id == ids["web"])
    users = {edge.source for edge in index.used_by(web.arn)}
    assert ids["lb"] in users and ids["function"] in users
    answer = rel.answer(index, web)
    assert answer["resource"] == web.arn
    assert {
        "kind": rel.VPC,
        "arn": next(r.arn for r in result.resources if r.id == ids["vpc"]),
    } in (answer["uses"])
    assert [item["kind"] for item in answer["used_by"]] == sorted(
        item["kind"] for item in answer["used_by"]
    )
    assert index.find(ids["web"]) == [web]
    assert index.find("web") == [web]


def test_related_on_the_scanned_snapshot(
    scanned: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """`awsexplorer related` on the scan written as a snapshot says what the index says."""
    from awsexplorer import snapshot
    from awsexplorer.cli import main

    ids, result, index = scanned
    path = snapshot.write(result, tmp_path / "moto.json")
    assert main(["related", str(path), ids["key"], "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    volume = next(r.arn for r in result.resources if r.id == ids["volume"])
    assert found == {
        "resource": ids["key"],
        "uses": [],
        "used_by": [{"kind": rel.KMS_KEY, "arn": volume}],
    }
    assert found == rel.answer(index, index.find(ids["key"])[0])
