"""Network and data services of the demo account (issue 12), each pitfall beside its look-alike.

Production (eu-west-1)
- rds-snapshot-public: DB snapshot `reporting-db-export` (restore: all). Look-alikes: DB
  snapshot `orders-db-before-upgrade` and cluster snapshot `orders-aurora-pre-migration`, private.
- ec2-snapshot-public: EBS snapshot `old-reporting-data-final` (createVolumePermission: all).
  Look-alike: `prod-app-a-data-nightly`, private.
- kms-key-rotation-disabled: key `alias/reporting`. Look-alike: `alias/orders-data`, rotated.
- resource-policy-public: secret `prod/partner-api-key` (Principal * may read it).
  Look-alike: secret `prod/orders-db`, no resource policy.
- secret-rotation-disabled: `prod/partner-api-key`. Look-alike: `prod/orders-db`, set to rotate
  every 30 days by demo/mistakes_policies.py.
- Also: Aurora cluster `orders-aurora` (encrypted, private subnets), replication group
  `orders-sessions` (encrypted in transit and at rest), Memcached `reporting-cache`, EFS
  `orders-shared-files` mounted in `prod-private-a`, Kinesis `orders-events` read by Firehose
  `orders-events-archive` into S3.
Shared services (us-east-1): transit gateway `shared-tgw` (shared-vpc attached) with VPN
  connection `office-vpn` to customer gateway `office-router`; Redshift `finance-warehouse`,
  private and encrypted.
Staging (eu-central-1)
- ec2-image-public: AMI `staging-web-image`. Look-alike: AMI `orders-app-golden` (eu-west-1).
- OpenSearch `staging-search` with a public endpoint. Look-alike: `orders-search` (eu-west-1)
  inside prod-vpc.
Far away (ap-southeast-2), forgotten with the stray instance: Redshift `load-test-warehouse`
  (public, unencrypted), Kinesis `load-test-events`, secret `load-test/api-token`.

Secret values are placeholders; the scan never reads them (tests/scan/test_network_data.py).
"""

from __future__ import annotations

import json
from typing import Any

from awsexplorer.demo._aws import (
    FAR_AWAY,
    PRODUCTION,
    SHARED,
    STAGING,
    Aws,
    tag_list,
    tag_spec,
    tags,
)
from awsexplorer.demo.network import Network

ACCOUNT = "123456789012"


def _by_name(ec2: Any, kind: str, name: str) -> str:
    """The id of the demo's instance or volume named `name` (built by compute.py)."""
    filters = [{"Name": "tag:Name", "Values": [name]}]
    if kind == "volume":
        return str(ec2.describe_volumes(Filters=filters)["Volumes"][0]["VolumeId"])
    reservations = ec2.describe_instances(Filters=filters)["Reservations"]
    return str(reservations[0]["Instances"][0]["InstanceId"])


def _production_snapshots(aws: Aws) -> None:
    ec2 = aws("ec2", PRODUCTION)
    env = "production"
    ec2.create_snapshot(
        VolumeId=_by_name(ec2, "volume", "prod-app-a-data"),
        Description="nightly",
        TagSpecifications=tag_spec("snapshot", tags("prod-app-a-data-nightly", environment=env)),
    )
    final = ec2.create_snapshot(
        VolumeId=_by_name(ec2, "volume", "old-reporting-data"),
        Description="final copy before deletion",
        TagSpecifications=tag_spec("snapshot", tags("old-reporting-data-final", environment=env)),
    )["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=final,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    ec2.create_image(
        InstanceId=_by_name(ec2, "instance", "prod-app-a"),
        Name="orders-app-golden",
        TagSpecifications=tag_spec("image", tags("orders-app-golden", environment=env)),
    )
    staging = aws("ec2", STAGING)
    image = staging.create_image(
        InstanceId=_by_name(staging, "instance", "staging-app"),
        Name="staging-web-image",
        TagSpecifications=tag_spec("image", tags("staging-web-image", environment="staging")),
    )["ImageId"]
    staging.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"Group": "all"}]})


def _production_databases(aws: Aws, network: Network) -> None:
    rds = aws("rds", PRODUCTION)
    env = "production"
    rds.create_db_cluster(
        DBClusterIdentifier="orders-aurora",
        Engine="aurora-postgresql",
        MasterUsername="orders_admin",
        MasterUserPassword="demo-not-a-real-password",
        DBSubnetGroupName="prod-private-db",
        VpcSecurityGroupIds=[network.security_groups["prod-orders-db"]],
        StorageEncrypted=True,
        BackupRetentionPeriod=7,
        Tags=tag_list(tags(environment=env)),
    )
    rds.create_db_cluster_snapshot(
        DBClusterIdentifier="orders-aurora",
        DBClusterSnapshotIdentifier="orders-aurora-pre-migration",
        Tags=tag_list(tags(environment=env)),
    )
    rds.create_db_snapshot(
        DBInstanceIdentifier="orders-db",
        DBSnapshotIdentifier="orders-db-before-upgrade",
        Tags=tag_list(tags(environment=env)),
    )
    rds.create_db_snapshot(
        DBInstanceIdentifier="reporting-db",
        DBSnapshotIdentifier="reporting-db-export",
        Tags=tag_list(tags(environment=env)),
    )
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="reporting-db-export", AttributeName="restore", ValuesToAdd=["all"]
    )


def _production_services(aws: Aws, network: Network) -> None:
    env = "production"
    sn, sg = network.subnets, network.security_groups
    private = [sn["prod-private-a"], sn["prod-private-b"]]
    cache = aws("elasticache", PRODUCTION)
    cache.create_cache_subnet_group(
        CacheSubnetGroupName="prod-private-cache",
        CacheSubnetGroupDescription="Private subnets",
        SubnetIds=private,
    )
    cache.create_replication_group(
        ReplicationGroupId="orders-sessions",
        ReplicationGroupDescription="Checkout sessions",
        Engine="redis",
        CacheNodeType="cache.t3.small",
        NumCacheClusters=2,
        CacheSubnetGroupName="prod-private-cache",
        SecurityGroupIds=[sg["prod-app"]],
        TransitEncryptionEnabled=True,
        AtRestEncryptionEnabled=True,
        Tags=tag_list(tags(environment=env)),
    )
    # A lone Memcached cluster for the reports: no encryption in transit (Memcached has none).
    cache.create_cache_cluster(
        CacheClusterId="reporting-cache",
        Engine="memcached",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
        CacheSubnetGroupName="prod-private-cache",
        SecurityGroupIds=[sg["prod-app"]],
        Tags=tag_list(tags(environment=env)),
    )
    efs = aws("efs", PRODUCTION)
    fs = efs.create_file_system(
        CreationToken="orders-shared-files",
        Encrypted=True,
        Tags=tag_list(tags("orders-shared-files", environment=env)),
    )["FileSystemId"]
    efs.create_mount_target(
        FileSystemId=fs, SubnetId=sn["prod-private-a"], SecurityGroups=[sg["prod-app"]]
    )
    kinesis = aws("kinesis", PRODUCTION)
    kinesis.create_stream(StreamName="orders-events", ShardCount=1)
    stream_arn = f"arn:aws:kinesis:{PRODUCTION}:{ACCOUNT}:stream/orders-events"
    role = f"arn:aws:iam::{ACCOUNT}:role/data-pipeline"
    aws("firehose", PRODUCTION).create_delivery_stream(
        DeliveryStreamName="orders-events-archive",
        DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": stream_arn, "RoleARN": role},
        ExtendedS3DestinationConfiguration={
            "RoleARN": role,
            "BucketARN": "arn:aws:s3:::acme-prod-db-exports",
        },
        Tags=tag_list(tags(environment=env)),
    )
    aws("opensearch", PRODUCTION).create_domain(
        DomainName="orders-search",
        EngineVersion="OpenSearch_2.11",
        VPCOptions={"SubnetIds": [sn["prod-private-a"]], "SecurityGroupIds": [sg["prod-app"]]},
        EncryptionAtRestOptions={"Enabled": True},
        NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={"EnforceHTTPS": True},
        TagList=tag_list(tags(environment=env)),
    )


def _keys_and_secrets(aws: Aws) -> None:
    env = "production"
    kms = aws("kms", PRODUCTION)
    orders = kms.create_key(Description="Orders data", Tags=_kms_tags(env))["KeyMetadata"]
    kms.enable_key_rotation(KeyId=orders["KeyId"])
    kms.create_alias(AliasName="alias/orders-data", TargetKeyId=orders["KeyId"])
    reporting = kms.create_key(Description="Reporting exports", Tags=_kms_tags(env))
    kms.create_alias(AliasName="alias/reporting", TargetKeyId=reporting["KeyMetadata"]["KeyId"])
    secrets = aws("secretsmanager", PRODUCTION)
    secrets.create_secret(
        Name="prod/orders-db",
        SecretString="demo-placeholder-not-a-secret",
        KmsKeyId=orders["Arn"],
        Tags=tag_list(tags(environment=env)),
    )
    partner = secrets.create_secret(
        Name="prod/partner-api-key",
        SecretString="demo-placeholder-not-a-secret",
        Tags=tag_list(tags(environment=env)),
    )["ARN"]
    anyone = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ],
    }
    secrets.put_resource_policy(SecretId=partner, ResourcePolicy=json.dumps(anyone))
    aws("secretsmanager", FAR_AWAY).create_secret(
        Name="load-test/api-token",
        SecretString="demo-placeholder-not-a-secret",
        Tags=tag_list(tags(environment="test")),
    )


def _kms_tags(env: str) -> list[dict[str, str]]:
    return [{"TagKey": k, "TagValue": v} for k, v in tags(environment=env).items()]


def _shared_and_far(aws: Aws, network: Network) -> None:
    ec2 = aws("ec2", SHARED)
    env = "shared"
    tgw = ec2.create_transit_gateway(
        Description="Hub for the account's VPCs and the office",
        TagSpecifications=tag_spec("transit-gateway", tags("shared-tgw", environment=env)),
    )["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw,
        VpcId=network.vpcs["shared-vpc"],
        SubnetIds=[network.subnets["shared-private-a"]],
        TagSpecifications=tag_spec(
            "transit-gateway-attachment", tags("shared-vpc-to-tgw", environment=env)
        ),
    )
    router = ec2.create_customer_gateway(
        BgpAsn=65100,
        PublicIp="203.0.113.50",
        Type="ipsec.1",
        TagSpecifications=tag_spec("customer-gateway", tags("office-router", environment=env)),
    )["CustomerGateway"]["CustomerGatewayId"]
    ec2.create_vpn_connection(
        CustomerGatewayId=router,
        Type="ipsec.1",
        TransitGatewayId=tgw,
        TagSpecifications=tag_spec("vpn-connection", tags("office-vpn", environment=env)),
    )
    aws("redshift", SHARED).create_cluster(
        ClusterIdentifier="finance-warehouse",
        NodeType="ra3.xlplus",
        MasterUsername="finance",
        MasterUserPassword="DemoNotARealPassword1",
        PubliclyAccessible=False,
        Encrypted=True,
        Tags=tag_list(tags(environment=env)),
    )
    aws("opensearch", STAGING).create_domain(
        DomainName="staging-search",
        EngineVersion="OpenSearch_2.11",
        TagList=tag_list(tags(environment="staging")),
    )
    aws("redshift", FAR_AWAY).create_cluster(
        ClusterIdentifier="load-test-warehouse",
        NodeType="dc2.large",
        MasterUsername="loadtest",
        MasterUserPassword="DemoNotARealPassword1",
        PubliclyAccessible=True,
        Encrypted=False,
    )
    aws("kinesis", FAR_AWAY).create_stream(StreamName="load-test-events", ShardCount=1)


def build_data_plane(aws: Aws, network: Network) -> None:
    _production_snapshots(aws)
    _production_databases(aws, network)
    _production_services(aws, network)
    _keys_and_secrets(aws)
    _shared_and_far(aws, network)
