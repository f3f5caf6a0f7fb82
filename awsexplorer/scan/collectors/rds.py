"""RDS database instances, placed in their VPC and subnets via the DB subnet group."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    RDS_DESCRIBE_DB_CLUSTERS,
    RDS_DESCRIBE_DB_INSTANCES,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
    display_name,
    tags_of,
)


def _db(ctx: CollectContext, db: dict[str, Any]) -> Resource:
    db_id = str(db["DBInstanceIdentifier"])
    tags = tags_of(db, "TagList")
    group = db.get("DBSubnetGroup") or {}
    # DescribeDBInstances embeds the subnet group with its subnets: no DescribeDBSubnetGroups.
    subnet_ids = [str(s["SubnetIdentifier"]) for s in group.get("Subnets") or []]
    endpoint = db.get("Endpoint") or {}
    attributes = attributes_of(db, drop=("TagList",))
    attributes.update(
        {
            "engine": db.get("Engine"),
            "engine_version": db.get("EngineVersion"),
            "class": db.get("DBInstanceClass"),
            "status": db.get("DBInstanceStatus"),
            "endpoint": endpoint.get("Address"),
            "port": endpoint.get("Port"),
            "publicly_accessible": bool(db.get("PubliclyAccessible")),
            "multi_az": bool(db.get("MultiAZ")),
            "backup_retention_period": int(db.get("BackupRetentionPeriod") or 0),
            "storage_encrypted": bool(db.get("StorageEncrypted")),
            "kms_key_id": db.get("KmsKeyId"),
            "cluster_id": db.get("DBClusterIdentifier"),
            "subnet_group": group.get("DBSubnetGroupName"),
            "subnet_ids": subnet_ids,
            "security_groups": [
                str(g["VpcSecurityGroupId"]) for g in db.get("VpcSecurityGroups") or []
            ],
            "availability_zone": db.get("AvailabilityZone"),
        }
    )
    return Resource(
        arn=str(db.get("DBInstanceArn") or ctx.arn("rds", f"db:{db_id}")),
        type=kinds.DATABASE,
        id=db_id,
        name=display_name(tags, db_id, db_id),
        region=ctx.region,
        vpc_id=group.get("VpcId") or None,
        subnet_id=subnet_ids[0] if subnet_ids else None,
        tags=tags,
        attributes=attributes,
    )


async def _clusters(ctx: CollectContext) -> dict[str, dict[str, Any]] | None:
    """The DB clusters' availability facts by identifier; None when they could not be read."""
    try:
        found = await ctx.paginate_all(RDS_DESCRIBE_DB_CLUSTERS, "DBClusters")
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return {
        str(c.get("DBClusterIdentifier")): {
            "id": c.get("DBClusterIdentifier"),
            "engine": c.get("Engine"),
            "engine_mode": c.get("EngineMode"),
            "multi_az": c.get("MultiAZ"),
        }
        for c in found
    }


@collector(
    service="rds",
    calls=[RDS_DESCRIBE_DB_INSTANCES, RDS_DESCRIBE_DB_CLUSTERS],
    types=[kinds.DATABASE],
)
async def collect_db_instances(ctx: CollectContext) -> list[Resource]:
    found = [
        _db(ctx, db) for db in await ctx.paginate_all(RDS_DESCRIBE_DB_INSTANCES, "DBInstances")
    ]
    # A cluster member's failover is the cluster's (Aurora, Multi-AZ DB clusters): "cluster"
    # holds the cluster's facts, None when DescribeDBClusters could not be read.
    members = [db for db in found if db.attributes.get("DBClusterIdentifier")]
    if members:
        clusters = await _clusters(ctx)
        for db in members:
            name = str(db.attributes["DBClusterIdentifier"])
            db.attributes["cluster"] = None if clusters is None else clusters.get(name)
    return found
