"""Databases: the orders database done right, the reporting database done wrong, a table."""

from __future__ import annotations

from awsexplorer.demo._aws import PRODUCTION, Aws, tag_list, tags
from awsexplorer.demo.network import Network

ORDERS_DB = "orders-db"
REPORTING_DB = "reporting-db"


def build_data(aws: Aws, network: Network) -> None:
    rds = aws("rds", PRODUCTION)
    env = "production"
    sn, sg = network.subnets, network.security_groups
    rds.create_db_subnet_group(
        DBSubnetGroupName="prod-private-db",
        DBSubnetGroupDescription="Private subnets, two AZs",
        SubnetIds=[sn["prod-private-a"], sn["prod-private-b"]],
        Tags=tag_list(tags(environment=env)),
    )
    rds.create_db_subnet_group(
        DBSubnetGroupDescription="Public subnets (for the BI tool)",
        DBSubnetGroupName="prod-public-db",
        SubnetIds=[sn["prod-public-a"], sn["prod-public-b"]],
        Tags=tag_list(tags(environment=env)),
    )
    # Look-alike: private, multi-AZ, encrypted, backed up for a week.
    rds.create_db_instance(
        DBInstanceIdentifier=ORDERS_DB,
        Engine="postgres",
        EngineVersion="16.3",
        DBInstanceClass="db.m6g.large",
        AllocatedStorage=100,
        MasterUsername="orders_admin",
        MasterUserPassword="demo-not-a-real-password",
        DBSubnetGroupName="prod-private-db",
        VpcSecurityGroupIds=[sg["prod-orders-db"]],
        PubliclyAccessible=False,
        MultiAZ=True,
        StorageEncrypted=True,
        BackupRetentionPeriod=7,
        Tags=tag_list(tags(environment=env)),
    )
    # Pitfalls: public, in public subnets, open to the world on 5432 (its security group),
    # single-AZ, unencrypted, no backups.
    rds.create_db_instance(
        DBInstanceIdentifier=REPORTING_DB,
        Engine="postgres",
        EngineVersion="13.15",
        DBInstanceClass="db.t3.medium",
        AllocatedStorage=50,
        MasterUsername="reporting",
        MasterUserPassword="demo-not-a-real-password",
        DBSubnetGroupName="prod-public-db",
        VpcSecurityGroupIds=[sg["prod-reporting-db-public"]],
        PubliclyAccessible=True,
        MultiAZ=False,
        StorageEncrypted=False,
        BackupRetentionPeriod=0,
        Tags=tag_list(tags(environment=env, owner="data-team")),
    )
    aws("dynamodb", PRODUCTION).create_table(
        TableName="orders",
        AttributeDefinitions=[
            {"AttributeName": "customer_id", "AttributeType": "S"},
            {"AttributeName": "order_id", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "customer_id", "KeyType": "HASH"},
            {"AttributeName": "order_id", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
        Tags=tag_list(tags(environment=env)),
    )
