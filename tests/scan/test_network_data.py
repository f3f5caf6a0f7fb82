"""Network and data (issue 12) on moto: transit gateways, VPN connections, customer gateways,
the account's EBS snapshots and AMIs (public or not), RDS DB clusters and snapshots (public or
not), ElastiCache clusters and replication groups, EFS file systems with mount targets, Kinesis
and Firehose streams, OpenSearch domains, Redshift clusters, KMS keys and Secrets Manager
secrets (metadata only).

Every type is seeded in two regions and must be found in its own region, with its key facts,
matching its record (kinds.schema_problems == []). One seeded account and one scan serve the
module; the secret-value tests seed and scan their own.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.checks import analyse
from awsexplorer.config import ScanConfig
from awsexplorer.model import Resource, ScanResult
from awsexplorer.model.kinds import (
    CACHE_CLUSTER,
    CACHE_REPLICATION_GROUP,
    CUSTOMER_GATEWAY,
    DB_CLUSTER,
    DB_CLUSTER_SNAPSHOT,
    DB_SNAPSHOT,
    EBS_SNAPSHOT,
    EFS_FILE_SYSTEM,
    FIREHOSE_STREAM,
    KINESIS_STREAM,
    KMS_KEY_TYPE,
    MACHINE_IMAGE,
    NETWORK_AND_DATA,
    REDSHIFT_CLUSTER,
    SEARCH_DOMAIN,
    SECRET,
    TRANSIT_GATEWAY,
    VPN_CONNECTION,
    schema_problems,
    state_of,
)
from awsexplorer.scan.runner import scan
from tests.cli_scan import scan_with_debug_log
from tests.scan.seeding import seeding

ACCOUNT = "123456789012"
WEST, FAR = "eu-west-1", "ap-southeast-2"
REGIONS = (WEST, FAR)
KEY = "testing"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/delivery"
# Unique strings: a leak anywhere is found by a plain substring search.
SECRET_VALUE = "s3cr3t-value-9d7e1f-never-shown"
SECRET_BINARY = b"binary-secret-4c2a-never-shown"


def _tag(name: str) -> list[dict[str, str]]:
    return [{"Key": "Name", "Value": name}]


def _seed_region(client: Callable[[str, str], Any], region: str) -> dict[str, Any]:
    """One or two of every type in `region`: the public one next to its private look-alike."""
    r = region
    ec2 = client("ec2", r)
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=f"{r}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    group = ec2.create_security_group(GroupName="data", Description="d", VpcId=vpc)["GroupId"]
    # Transit and VPN.
    tgw = ec2.create_transit_gateway(
        Description=f"core {r}",
        TagSpecifications=[{"ResourceType": "transit-gateway", "Tags": _tag(f"core-{r}")}],
    )["TransitGateway"]["TransitGatewayId"]
    cgw = ec2.create_customer_gateway(BgpAsn=65010, PublicIp="203.0.113.10", Type="ipsec.1")[
        "CustomerGateway"
    ]["CustomerGatewayId"]
    vpn = ec2.create_vpn_connection(CustomerGatewayId=cgw, Type="ipsec.1", TransitGatewayId=tgw)[
        "VpnConnection"
    ]["VpnConnectionId"]
    # EBS snapshots: one shared with everyone, one private; an AMI made public, one private.
    volume = ec2.create_volume(Size=8, AvailabilityZone=f"{r}a")["VolumeId"]
    public_snap = ec2.create_snapshot(VolumeId=volume, Description="public")["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=public_snap,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    private_snap = ec2.create_snapshot(VolumeId=volume, Description="private")["SnapshotId"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    public_ami = ec2.create_image(InstanceId=instance, Name=f"golden-public-{r}")["ImageId"]
    ec2.modify_image_attribute(ImageId=public_ami, LaunchPermission={"Add": [{"Group": "all"}]})
    private_ami = ec2.create_image(InstanceId=instance, Name=f"golden-{r}")["ImageId"]
    # RDS: an Aurora cluster with a member, its snapshot made public; a DB snapshot kept private.
    rds = client("rds", r)
    rds.create_db_subnet_group(
        DBSubnetGroupName="data", DBSubnetGroupDescription="d", SubnetIds=subnets
    )
    rds.create_db_cluster(
        DBClusterIdentifier=f"orders-{r}",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="not-a-real-pw-1",
        DBSubnetGroupName="data",
        VpcSecurityGroupIds=[group],
        StorageEncrypted=True,
    )
    rds.create_db_instance(
        DBInstanceIdentifier=f"orders-{r}-1",
        DBClusterIdentifier=f"orders-{r}",
        Engine="aurora-postgresql",
        DBInstanceClass="db.r6g.large",
        DBSubnetGroupName="data",
    )
    rds.create_db_cluster_snapshot(
        DBClusterIdentifier=f"orders-{r}", DBClusterSnapshotIdentifier=f"orders-{r}-shared"
    )
    rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier=f"orders-{r}-shared",
        AttributeName="restore",
        ValuesToAdd=["all"],
    )
    rds.create_db_instance(
        DBInstanceIdentifier=f"reports-{r}",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="not-a-real-pw-2",
    )
    rds.create_db_snapshot(
        DBInstanceIdentifier=f"reports-{r}", DBSnapshotIdentifier=f"reports-{r}-manual"
    )
    # ElastiCache: a replication group (its member clusters) and a lone cluster.
    cache = client("elasticache", r)
    cache.create_cache_subnet_group(
        CacheSubnetGroupName="cache", CacheSubnetGroupDescription="c", SubnetIds=subnets
    )
    cache.create_cache_cluster(
        CacheClusterId=f"sessions-{r}",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
        CacheSubnetGroupName="cache",
        SecurityGroupIds=[group],
    )
    cache.create_replication_group(
        ReplicationGroupId=f"carts-{r}",
        ReplicationGroupDescription="carts",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=2,
        TransitEncryptionEnabled=True,
        AtRestEncryptionEnabled=True,
    )
    # EFS with one mount target.
    efs = client("efs", r)
    fs = efs.create_file_system(CreationToken=f"shared-{r}", Encrypted=True, Tags=_tag("shared"))[
        "FileSystemId"
    ]
    target = efs.create_mount_target(FileSystemId=fs, SubnetId=subnets[0], SecurityGroups=[group])
    # Streams: Kinesis into Firehose into S3.
    kinesis = client("kinesis", r)
    kinesis.create_stream(StreamName=f"clicks-{r}", ShardCount=2)
    stream_arn = kinesis.describe_stream_summary(StreamName=f"clicks-{r}")[
        "StreamDescriptionSummary"
    ]["StreamARN"]
    client("firehose", r).create_delivery_stream(
        DeliveryStreamName=f"clicks-to-s3-{r}",
        DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": stream_arn, "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE,
            "BucketARN": f"arn:aws:s3:::clicks-archive-{r}",
        },
    )
    # OpenSearch: one in a VPC, one with a public endpoint.
    search = client("opensearch", r)
    search.create_domain(
        DomainName=f"logs-{r}",
        EngineVersion="OpenSearch_2.11",
        VPCOptions={"SubnetIds": [subnets[0]], "SecurityGroupIds": [group]},
        EncryptionAtRestOptions={"Enabled": True},
    )
    search.create_domain(DomainName=f"open-{r}", EngineVersion="OpenSearch_2.11")
    # Redshift: a public, unencrypted cluster.
    client("redshift", r).create_cluster(
        ClusterIdentifier=f"warehouse-{r}",
        NodeType="dc2.large",
        MasterUsername="admin",
        MasterUserPassword="NotARealPw1",
        PubliclyAccessible=True,
        Encrypted=False,
        Tags=[{"Key": "team", "Value": "bi"}],
    )
    # KMS: a rotated key with an alias, a key without rotation.
    kms = client("kms", r)
    rotated = kms.create_key(Description="orders data")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated)
    kms.create_alias(AliasName="alias/orders", TargetKeyId=rotated)
    unrotated = kms.create_key(Description="legacy")["KeyMetadata"]["KeyId"]
    # Secrets Manager: one rotated by a function, with a resource policy; one never rotated.
    secrets = client("secretsmanager", r)
    rotated_secret = secrets.create_secret(
        Name=f"orders-db-{r}", SecretString=SECRET_VALUE, KmsKeyId=rotated
    )["ARN"]
    secrets.put_resource_policy(
        SecretId=rotated_secret,
        ResourcePolicy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                        "Action": "secretsmanager:DescribeSecret",
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    secrets.create_secret(Name=f"legacy-token-{r}", SecretBinary=SECRET_BINARY)
    return {
        "vpc": vpc,
        "subnets": subnets,
        "group": group,
        "tgw": tgw,
        "cgw": cgw,
        "vpn": vpn,
        "public_snap": public_snap,
        "private_snap": private_snap,
        "public_ami": public_ami,
        "private_ami": private_ami,
        "fs": fs,
        "target": target,
        "stream_arn": stream_arn,
        "rotated_key": rotated,
        "unrotated_key": unrotated,
    }


@pytest.fixture(scope="module")
def account(moto_server: str) -> Iterator[tuple[ScanResult, dict[str, Any]]]:
    # The module fixture runs before the per-test isolation: scrub the environment here.
    with seeding(moto_server, reset_timeout=10) as client:
        seeded = {r: _seed_region(client, r) for r in REGIONS}
        config = ScanConfig(
            endpoint_url=moto_server,
            access_key=KEY,
            secret_key=KEY,
            home_region="us-east-1",
            regions=(*REGIONS, "us-east-1"),
            max_attempts=2,
            read_timeout=20,
        )
        yield analyse(asyncio.run(scan(config))), seeded


def _of(result: ScanResult, rtype: str, region: str) -> list[Resource]:
    return sorted(
        (r for r in result.resources if r.type == rtype and r.region == region), key=lambda r: r.id
    )


def _one(result: ScanResult, rtype: str, region: str, rid: str) -> Resource:
    found = [r for r in _of(result, rtype, region) if r.id == rid]
    assert len(found) == 1, f"{rtype} {rid} in {region}: found {len(found)}"
    return found[0]


def test_every_type_found_in_its_region_matching_its_record(
    account: tuple[ScanResult, dict[str, Any]],
) -> None:
    result, _ = account
    assert [e for r in result.regions for e in r.errors] == []
    for kind in NETWORK_AND_DATA:
        for region in REGIONS:
            found = _of(result, kind.type, region)
            assert found, f"no {kind.type} in {region}"
            assert [p for r in found for p in schema_problems(r)] == []
        # Nothing of it in the region where nothing was seeded (AWS-managed keys aside).
        assert _of(result, kind.type, "us-east-1") == [], kind.type


def test_transit_gateways_vpn_connections_and_customer_gateways(
    account: tuple[ScanResult, dict[str, Any]],
) -> None:
    result, seeded = account
    for region in REGIONS:
        ids = seeded[region]
        tgw = _one(result, TRANSIT_GATEWAY, region, ids["tgw"])
        assert tgw.name == f"core-{region}"
        assert tgw.arn == f"arn:aws:ec2:{region}:{ACCOUNT}:transit-gateway/{ids['tgw']}"
        assert tgw.attributes["state"] == "available"
        assert tgw.attributes["amazon_side_asn"] == 64512
        vpn = _one(result, VPN_CONNECTION, region, ids["vpn"])
        assert vpn.attributes["customer_gateway_id"] == ids["cgw"]
        assert vpn.attributes["transit_gateway_id"] == ids["tgw"]
        # The tunnels' configuration (pre-shared keys on AWS) is never kept.
        assert "CustomerGatewayConfiguration" not in vpn.attributes
        assert "Options" not in vpn.attributes
        cgw = _one(result, CUSTOMER_GATEWAY, region, ids["cgw"])
        assert cgw.attributes["ip_address"] == "203.0.113.10"
        assert cgw.attributes["bgp_asn"] == "65010"


def test_snapshots_and_images_owned_by_the_account_say_whether_they_are_public(
    account: tuple[ScanResult, dict[str, Any]],
) -> None:
    result, seeded = account
    for region in REGIONS:
        ids = seeded[region]
        public = _one(result, EBS_SNAPSHOT, region, ids["public_snap"])
        private = _one(result, EBS_SNAPSHOT, region, ids["private_snap"])
        assert (public.attributes["public"], private.attributes["public"]) == (True, False)
        assert state_of(public) == "public"
        assert private.attributes["size_gib"] == 8
        assert private.attributes["encrypted"] is False
        ami = _one(result, MACHINE_IMAGE, region, ids["public_ami"])
        look_alike = _one(result, MACHINE_IMAGE, region, ids["private_ami"])
        assert (ami.attributes["public"], look_alike.attributes["public"]) == (True, False)
        assert look_alike.name == f"golden-{region}"
        assert look_alike.attributes["snapshot_ids"]
    # Only the account's own: none of moto's public AMIs (other owners) is listed.
    assert all(
        r.attributes.get("OwnerId") == ACCOUNT
        for r in result.resources
        if r.type in (EBS_SNAPSHOT, MACHINE_IMAGE)
    )


def test_rds_clusters_and_their_snapshots(account: tuple[ScanResult, dict[str, Any]]) -> None:
    result, seeded = account
    for region in REGIONS:
        cluster = _one(result, DB_CLUSTER, region, f"orders-{region}")
        assert cluster.arn == f"arn:aws:rds:{region}:{ACCOUNT}:cluster:orders-{region}"
        assert cluster.attributes["engine"] == "aurora-postgresql"
        assert cluster.attributes["members"] == [f"orders-{region}-1"]
        assert cluster.attributes["storage_encrypted"] is True
        assert cluster.attributes["security_groups"] == [seeded[region]["group"]]
        # Its subnets come from its member's subnet group: placed in the VPC.
        assert sorted(cluster.attributes["subnet_ids"]) == sorted(seeded[region]["subnets"])
        assert cluster.vpc_id == seeded[region]["vpc"]
        # The same DescribeDBClusters serves the member's failover facts.
        member = _one(result, "rds:db", region, f"orders-{region}-1")
        assert member.attributes["cluster"]["id"] == f"orders-{region}"
        shared = _one(result, DB_CLUSTER_SNAPSHOT, region, f"orders-{region}-shared")
        assert shared.attributes["public"] is True
        assert shared.attributes["source"] == f"orders-{region}"
        manual = _one(result, DB_SNAPSHOT, region, f"reports-{region}-manual")
        assert manual.attributes["public"] is False
        assert manual.attributes["snapshot_type"] == "manual"
        # An automated snapshot can never be shared: no attribute call, never public.
        automated = [
            s for s in _of(result, DB_SNAPSHOT, region) if s.attributes["snapshot_type"] != "manual"
        ]
        assert all(s.attributes["public"] is False for s in automated)


def test_caches_file_systems_and_streams(account: tuple[ScanResult, dict[str, Any]]) -> None:
    result, seeded = account
    for region in REGIONS:
        ids = seeded[region]
        lone = _one(result, CACHE_CLUSTER, region, f"sessions-{region}")
        assert lone.attributes["engine"] == "redis"
        assert sorted(lone.attributes["subnet_ids"]) == sorted(ids["subnets"])
        assert lone.vpc_id == ids["vpc"]
        group = _one(result, CACHE_REPLICATION_GROUP, region, f"carts-{region}")
        assert group.attributes["members"]
        assert group.attributes["transit_encryption"] is True
        assert group.attributes["primary_endpoint"]
        fs = _one(result, EFS_FILE_SYSTEM, region, ids["fs"])
        assert fs.name == "shared"
        assert fs.arn.startswith(f"arn:aws:elasticfilesystem:{region}:{ACCOUNT}:file-system/")
        assert fs.attributes["encrypted"] is True
        (target,) = fs.attributes["mount_targets"]
        assert target["subnet_id"] == ids["subnets"][0]
        assert target["ip_address"] == ids["target"]["IpAddress"]
        assert target["security_groups"] == [ids["group"]]
        assert fs.attributes["subnet_ids"] == [ids["subnets"][0]]
        assert fs.attributes["security_groups"] == [ids["group"]]
        assert fs.vpc_id == ids["vpc"]
        stream = _one(result, KINESIS_STREAM, region, f"clicks-{region}")
        assert stream.arn == ids["stream_arn"]
        assert stream.attributes["shards"] == 2
        assert stream.attributes["retention_hours"] == 24
        delivery = _one(result, FIREHOSE_STREAM, region, f"clicks-to-s3-{region}")
        assert delivery.attributes["source_type"] == "KinesisStreamAsSource"
        assert delivery.attributes["role"] == ROLE
        assert delivery.attributes["links"] == [
            {"kind": "reads-from", "arn": ids["stream_arn"]},
            {"kind": "delivers-to", "arn": f"arn:aws:s3:::clicks-archive-{region}"},
        ]


def test_search_domains_warehouses_keys_and_secrets(
    account: tuple[ScanResult, dict[str, Any]],
) -> None:
    result, seeded = account
    for region in REGIONS:
        ids = seeded[region]
        private = _one(result, SEARCH_DOMAIN, region, f"logs-{region}")
        public = _one(result, SEARCH_DOMAIN, region, f"open-{region}")
        assert (private.attributes["in_vpc"], public.attributes["in_vpc"]) == (True, False)
        assert private.attributes["subnet_ids"] == [ids["subnets"][0]]
        assert private.attributes["security_groups"] == [ids["group"]]
        assert private.attributes["encryption_at_rest"] is True
        assert state_of(public) == "public endpoint"
        warehouse = _one(result, REDSHIFT_CLUSTER, region, f"warehouse-{region}")
        assert warehouse.attributes["publicly_accessible"] is True
        assert warehouse.attributes["encrypted"] is False
        assert warehouse.tags == {"team": "bi"}
        rotated = _one(result, KMS_KEY_TYPE, region, ids["rotated_key"])
        unrotated = _one(result, KMS_KEY_TYPE, region, ids["unrotated_key"])
        assert rotated.name == "alias/orders"
        assert rotated.attributes["aliases"] == ["alias/orders"]
        assert (
            rotated.attributes["rotation_enabled"],
            unrotated.attributes["rotation_enabled"],
        ) == (
            True,
            False,
        )
        assert rotated.attributes["aws_managed"] is False
        assert rotated.attributes["key_spec"] == "SYMMETRIC_DEFAULT"
        assert rotated.attributes["policy"]["Statement"][0]["Action"] == "kms:*"
        secret = _one(result, SECRET, region, f"orders-db-{region}")
        assert secret.attributes["rotation_enabled"] is False
        assert secret.attributes["kms_key_id"] == ids["rotated_key"]
        assert secret.attributes["policy"]["Statement"][0]["Action"] == (
            "secretsmanager:DescribeSecret"
        )
        legacy = _one(result, SECRET, region, f"legacy-token-{region}")
        assert legacy.attributes["policy"] is None
        assert state_of(legacy) == "not rotated"


def test_an_aws_managed_key_is_listed_and_marked(
    aws: Callable[..., Any], scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    """moto creates only customer keys through the API; the key's manager is set to AWS on its
    backend (same process as the server), as ListKeys/DescribeKey report an aws/* key."""
    from moto.kms.models import kms_backends

    key_id = aws("kms", WEST).create_key(Description="Default key for EBS")["KeyMetadata"]["KeyId"]
    kms_backends[ACCOUNT][WEST].keys[key_id].key_manager = "AWS"
    result, _ = run_scan(scan_config(regions=(WEST,)))
    (key,) = [r for r in result.resources if r.type == KMS_KEY_TYPE]
    assert key.attributes["aws_managed"] is True
    assert key.attributes["rotation_enabled"] is None  # no rotation or policy call for it
    assert key.attributes["policy"] is None
    assert state_of(key) == "aws-managed"
    assert schema_problems(key) == []


# -- secret values never leave the scan ------------------------------------------------------


@pytest.fixture
def cli_env(cli_scan_args: list[str]) -> list[str]:
    return [*cli_scan_args, "--region", WEST]


@pytest.fixture
def seeded_secrets(aws: Callable[..., Any]) -> None:
    secrets = aws("secretsmanager", WEST)
    secrets.create_secret(Name="orders-db", SecretString=SECRET_VALUE)
    secrets.create_secret(Name="legacy-token", SecretBinary=SECRET_BINARY)
    # A second version: the value is asked of no version, current or previous.
    secrets.put_secret_value(SecretId="orders-db", SecretString=SECRET_VALUE + "-v2")


@pytest.mark.usefixtures("seeded_secrets")
@pytest.mark.parametrize("output_format", ["json", "text"])
def test_secret_values_never_reach_snapshot_output_or_log(
    cli_env: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    output_format: str,
) -> None:
    run = scan_with_debug_log(cli_env, tmp_path, capsys, output_format)
    assert "ListSecrets" in run.log  # the debug log did record the listing
    assert "GetSecretValue" not in run.log  # and no value was ever asked for
    for text, where in run.places():
        assert SECRET_VALUE not in text, f"a secret value leaked into {where}"
        assert SECRET_BINARY.decode() not in text, f"a secret value leaked into {where}"
    resources = json.loads(run.snapshot)["resources"]
    names = sorted(r["id"] for r in resources if r["type"] == SECRET)
    assert names == ["legacy-token", "orders-db"]
    if output_format == "json":
        assert json.loads(run.out)["resources"] == resources


@pytest.mark.usefixtures("seeded_secrets")
def test_secret_values_never_reach_scan_events(
    scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    result, events = run_scan(scan_config(regions=(WEST,)))
    for text in (repr(events), repr(result)):
        assert SECRET_VALUE not in text
        assert SECRET_BINARY.decode() not in text
    assert sorted(r.id for r in result.resources if r.type == SECRET) == [
        "legacy-token",
        "orders-db",
    ]
