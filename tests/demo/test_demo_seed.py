"""What the demo seed creates, read back with boto3 from the demo server."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from awsexplorer.demo._aws import DEMO_REGIONS, FAR_AWAY, PRODUCTION, SHARED, STAGING

Aws = Callable[..., Any]


def _name(item: dict[str, Any]) -> str | None:
    return next((t["Value"] for t in item.get("Tags") or [] if t["Key"] == "Name"), None)


def _instances(demo_aws: Aws, region: str) -> dict[str, dict[str, Any]]:
    reservations = demo_aws("ec2", region).describe_instances()["Reservations"]
    return {_name(i) or i["InstanceId"]: i for r in reservations for i in r["Instances"]}


def _by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {n: i for i in items if (n := _name(i))}


def test_instances_spread_over_four_regions(demo_aws: Aws) -> None:
    assert set(_instances(demo_aws, PRODUCTION)) == {
        "prod-bastion",
        "prod-app-a",
        "prod-app-b",
        # demo/exposure.py: behind a NACL that blocks return traffic, SSH blocked, 9100 open
        "prod-shop-web",
        "prod-ops-jump",
        "prod-metrics",
    }
    assert set(_instances(demo_aws, SHARED)) == {"shared-ci-runner"}
    assert set(_instances(demo_aws, STAGING)) == {"staging-app"}
    assert set(_instances(demo_aws, FAR_AWAY)) == {"load-test-tmp"}


def test_bastion_is_public_and_apps_private(demo_aws: Aws) -> None:
    ec2 = demo_aws("ec2", PRODUCTION)
    subnets = _by_name(ec2.describe_subnets()["Subnets"])
    instances = _instances(demo_aws, PRODUCTION)
    bastion = instances["prod-bastion"]
    assert bastion["SubnetId"] == subnets["prod-public-a"]["SubnetId"]
    assert bastion.get("PublicIpAddress")
    for name, subnet in (("prod-app-a", "prod-private-a"), ("prod-app-b", "prod-private-b")):
        assert instances[name]["SubnetId"] == subnets[subnet]["SubnetId"]
        assert not instances[name].get("PublicIpAddress")
        assert instances[name]["IamInstanceProfile"]["Arn"].endswith("/app-assets-reader")


def test_stray_instance_sits_in_the_far_default_vpc_untagged(demo_aws: Aws) -> None:
    ec2 = demo_aws("ec2", FAR_AWAY)
    stray = _instances(demo_aws, FAR_AWAY)["load-test-tmp"]
    vpc = ec2.describe_vpcs(VpcIds=[stray["VpcId"]])["Vpcs"][0]
    assert vpc["IsDefault"] is True
    assert [t["Key"] for t in stray["Tags"]] == ["Name"]
    root = ec2.describe_volumes(
        Filters=[{"Name": "attachment.instance-id", "Values": [stray["InstanceId"]]}]
    )["Volumes"]
    assert [v["Encrypted"] for v in root] == [False]


def test_production_routing(demo_aws: Aws) -> None:
    ec2 = demo_aws("ec2", PRODUCTION)
    vpcs = _by_name(ec2.describe_vpcs()["Vpcs"])
    vpc_id = vpcs["prod-vpc"]["VpcId"]
    assert vpcs["prod-vpc"]["CidrBlock"] == "10.0.0.0/16"
    subnets = _by_name(
        ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    )
    assert {s["AvailabilityZone"] for n, s in subnets.items() if "public" in n} == {
        "eu-west-1a",
        "eu-west-1b",
    }
    tables = _by_name(
        ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    )

    def default_route(table: dict[str, Any]) -> dict[str, Any]:
        return next(r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0")

    def explicit_subnets(table: dict[str, Any]) -> set[str]:
        return {a["SubnetId"] for a in table["Associations"] if a.get("SubnetId")}

    public, private, main = (
        tables["prod-public-rt"],
        tables["prod-private-rt"],
        tables["prod-main-rt"],
    )
    assert default_route(public)["GatewayId"].startswith("igw-")
    assert default_route(private)["NatGatewayId"].startswith("nat-")
    assert explicit_subnets(public) == {
        subnets["prod-public-a"]["SubnetId"],
        subnets["prod-public-b"]["SubnetId"],
        # demo/exposure.py: public subnets whose network ACLs decide
        subnets["prod-dmz-a"]["SubnetId"],
        subnets["prod-ops-a"]["SubnetId"],
    }
    assert explicit_subnets(private) == {
        subnets["prod-private-a"]["SubnetId"],
        subnets["prod-private-b"]["SubnetId"],
    }
    # The spare subnet has no explicit association: it follows the main table (local only).
    associated = explicit_subnets(public) | explicit_subnets(private) | explicit_subnets(main)
    assert subnets["prod-spare-c"]["SubnetId"] not in associated
    assert any(a.get("Main") for a in main["Associations"])
    assert all(r.get("GatewayId") == "local" for r in main["Routes"])
    nat = ec2.describe_nat_gateways()["NatGateways"]
    assert [n["SubnetId"] for n in nat] == [subnets["prod-public-a"]["SubnetId"]]
    flow_logs = ec2.describe_flow_logs()["FlowLogs"]
    assert [f["ResourceId"] for f in flow_logs] == [vpc_id]


def test_staging_vpc_is_a_small_one_without_flow_logs(demo_aws: Aws) -> None:
    ec2 = demo_aws("ec2", STAGING)
    staging = _by_name(ec2.describe_vpcs()["Vpcs"])["staging-vpc"]
    assert staging["CidrBlock"] == "10.20.0.0/24"
    assert ec2.describe_flow_logs()["FlowLogs"] == []


def _ingress(group: dict[str, Any]) -> set[tuple[int, str]]:
    return {
        (p["FromPort"], r["CidrIp"]) for p in group["IpPermissions"] for r in p.get("IpRanges", [])
    }


def test_security_groups_pitfalls_and_look_alikes(demo_aws: Aws) -> None:
    groups = {
        g["GroupName"]: g
        for g in demo_aws("ec2", PRODUCTION).describe_security_groups()["SecurityGroups"]
    }
    assert _ingress(groups["prod-bastion-ssh"]) == {(22, "0.0.0.0/0")}
    assert _ingress(groups["prod-reporting-db-public"]) == {(5432, "0.0.0.0/0")}
    assert _ingress(groups["prod-alb-https"]) == {(443, "0.0.0.0/0")}
    assert _ingress(groups["prod-app"]) == {(22, "10.0.0.0/8")}
    assert _ingress(groups["prod-orders-db"]) == set()  # from a security group only


def test_volumes_and_elastic_ips(demo_aws: Aws) -> None:
    ec2 = demo_aws("ec2", PRODUCTION)
    volumes = _by_name(ec2.describe_volumes()["Volumes"])
    old = volumes["old-reporting-data"]
    assert (old["State"], old["Encrypted"]) == ("available", False)
    data = volumes["prod-app-a-data"]
    assert (data["State"], data["Encrypted"]) == ("in-use", True)
    for name in ("prod-bastion", "prod-app-a", "prod-app-b"):
        assert volumes[name]["Encrypted"] is True  # root volumes
    addresses = _by_name(ec2.describe_addresses()["Addresses"])
    assert {n: a["PublicIp"] for n, a in addresses.items()} == {
        "prod-nat-eip": "203.0.113.10",
        "prod-bastion-eip": "203.0.113.20",
        "prod-old-vpn-eip": "203.0.113.30",
    }
    assert "AssociationId" not in addresses["prod-old-vpn-eip"]
    assert addresses["prod-bastion-eip"].get("InstanceId")
    assert addresses["prod-nat-eip"].get("AssociationId") or addresses["prod-nat-eip"].get(
        "NetworkInterfaceId"
    )


def test_databases(demo_aws: Aws) -> None:
    dbs = {
        d["DBInstanceIdentifier"]: d
        for d in demo_aws("rds", PRODUCTION).describe_db_instances()["DBInstances"]
    }
    orders, reporting = dbs["orders-db"], dbs["reporting-db"]
    facts = ("PubliclyAccessible", "MultiAZ", "StorageEncrypted", "BackupRetentionPeriod")
    assert [orders[f] for f in facts] == [False, True, True, 7]
    assert [reporting[f] for f in facts] == [True, False, False, 0]
    assert orders["DBSubnetGroup"]["DBSubnetGroupName"] == "prod-private-db"
    assert reporting["DBSubnetGroup"]["DBSubnetGroupName"] == "prod-public-db"
    table = demo_aws("dynamodb", PRODUCTION).describe_table(TableName="orders")["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_lambda_functions(demo_aws: Aws) -> None:
    lambda_ = demo_aws("lambda", PRODUCTION)
    orders = lambda_.get_function_configuration(FunctionName="orders-api")
    assert "DB_PASSWORD" in orders["Environment"]["Variables"]
    assert not orders.get("KMSKeyArn")
    assert len(orders["VpcConfig"]["SubnetIds"]) == 2
    resizer = lambda_.get_function_configuration(FunctionName="thumbnail-resizer")
    assert set(resizer["Environment"]["Variables"]) == {"BUCKET", "MAX_WIDTH"}


def test_queues_topics_trail_alarms_load_balancer(demo_aws: Aws) -> None:
    sqs = demo_aws("sqs", PRODUCTION)

    def attributes(name: str) -> dict[str, str]:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    redrive = json.loads(attributes("orders-queue")["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == attributes("orders-dlq")["QueueArn"]
    assert "RedrivePolicy" not in attributes("email-notifications")

    topics = demo_aws("sns", PRODUCTION).list_topics()["Topics"]
    assert {t["TopicArn"].rsplit(":", 1)[1] for t in topics} == {"orders-events", "prod-ops-alerts"}

    trails = demo_aws("cloudtrail", SHARED).describe_trails()["trailList"]
    assert [(t["Name"], t["IsMultiRegionTrail"]) for t in trails] == [("management-events", False)]

    for region in (PRODUCTION, SHARED):
        alarms = demo_aws("cloudwatch", region).describe_alarms()["MetricAlarms"]
        assert alarms and all(a["Namespace"] != "AWS/Billing" for a in alarms)

    lbs = demo_aws("elbv2", PRODUCTION).describe_load_balancers()["LoadBalancers"]
    assert sorted((lb["LoadBalancerName"], lb["Scheme"]) for lb in lbs) == [
        ("prod-orders-alb", "internet-facing"),
        ("prod-web-alb", "internet-facing"),  # demo/mistakes_edges.py: the redirecting look-alike
    ]


def test_buckets_regions_and_settings(demo_aws: Aws) -> None:
    s3 = demo_aws("s3")
    regions = {
        b["Name"]: s3.get_bucket_location(Bucket=b["Name"])["LocationConstraint"] or "us-east-1"
        for b in s3.list_buckets()["Buckets"]
    }
    assert regions == {
        "acme-prod-assets": PRODUCTION,
        "acme-prod-db-exports": PRODUCTION,
        "acme-vpc-flow-logs": PRODUCTION,
        "acme-cloudtrail-logs": SHARED,
        "acme-billing-reports": SHARED,
        "acme-staging-uploads": STAGING,
        "acme-prod-trail-logs": PRODUCTION,  # demo/mistakes_policies.py: no lifecycle rule
    }

    def versioned(name: str) -> bool:
        return s3.get_bucket_versioning(Bucket=name).get("Status") == "Enabled"

    def lifecycle_rules(name: str) -> int:
        try:
            return len(s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"])
        except s3.exceptions.ClientError:
            return 0

    assert versioned("acme-prod-assets") and lifecycle_rules("acme-prod-assets") == 1
    assert versioned("acme-prod-db-exports") and lifecycle_rules("acme-prod-db-exports") == 0
    blocked = s3.get_public_access_block(Bucket="acme-prod-assets")
    assert all(blocked["PublicAccessBlockConfiguration"].values())
    try:
        s3.get_public_access_block(Bucket="acme-staging-uploads")
        raise AssertionError("acme-staging-uploads should have no Block Public Access")
    except s3.exceptions.ClientError as exc:
        assert exc.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"
    try:
        s3.get_bucket_tagging(Bucket="acme-billing-reports")
        raise AssertionError("acme-billing-reports should have no tags")
    except s3.exceptions.ClientError as exc:
        assert exc.response["Error"]["Code"] == "NoSuchTagSet"


def test_tagging_convention(demo_aws: Aws) -> None:
    required = {"project", "environment", "owner"}
    for region in DEMO_REGIONS:
        for name, instance in _instances(demo_aws, region).items():
            keys = {t["Key"] for t in instance.get("Tags", [])}
            assert (required <= keys) == (name != "load-test-tmp"), name
