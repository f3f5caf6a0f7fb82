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


def _cluster(ctx: CollectContext, cluster: dict[str, Any], groups: dict[str, Any]) -> Resource:
    """An Aurora or Multi-AZ DB cluster. Its subnets come from a member's embedded subnet group
    (DescribeDBClusters names the group only): a cluster with no member has none."""
    cluster_id = str(cluster["DBClusterIdentifier"])
    tags = tags_of(cluster, "TagList")
    group = groups.get(str(cluster.get("DBSubnetGroup") or "")) or {}
    subnet_ids = [str(s["SubnetIdentifier"]) for s in group.get("Subnets") or []]
    attributes = attributes_of(cluster, drop=("TagList",))
    public = cluster.get("PubliclyAccessible")
    attributes.update(
        {
            "engine": cluster.get("Engine"),
            "engine_version": cluster.get("EngineVersion"),
            "engine_mode": cluster.get("EngineMode"),
            "status": cluster.get("Status"),
            "endpoint": cluster.get("Endpoint"),
            "reader_endpoint": cluster.get("ReaderEndpoint"),
            "port": cluster.get("Port"),
            "members": [
                str(m.get("DBInstanceIdentifier"))
                for m in cluster.get("DBClusterMembers") or []
                if m.get("DBInstanceIdentifier")
            ],
            "multi_az": bool(cluster.get("MultiAZ")),
            "publicly_accessible": public if isinstance(public, bool) else None,
            "storage_encrypted": bool(cluster.get("StorageEncrypted")),
            "kms_key_id": cluster.get("KmsKeyId"),
            "backup_retention_period": cluster.get("BackupRetentionPeriod"),
            "subnet_group": cluster.get("DBSubnetGroup"),
            "subnet_ids": subnet_ids,
            "security_groups": [
                str(g["VpcSecurityGroupId"]) for g in cluster.get("VpcSecurityGroups") or []
            ],
        }
    )
    return Resource(
        arn=str(cluster.get("DBClusterArn") or ctx.arn("rds", f"cluster:{cluster_id}")),
        type=kinds.DB_CLUSTER,
        id=cluster_id,
        name=display_name(tags, cluster_id, cluster_id),
        region=ctx.region,
        vpc_id=group.get("VpcId") or None,
        subnet_id=subnet_ids[0] if subnet_ids else None,
        tags=tags,
        attributes=attributes,
    )


def _cluster_facts(cluster: Resource) -> dict[str, Any]:
    """What a member reads of its cluster: its failover is the cluster's."""
    attrs = cluster.attributes
    return {
        "id": cluster.id,
        "engine": attrs.get("engine"),
        "engine_mode": attrs.get("engine_mode"),
        "multi_az": attrs.get("MultiAZ"),
    }


@collector(
    service="rds",
    calls=[RDS_DESCRIBE_DB_INSTANCES, RDS_DESCRIBE_DB_CLUSTERS],
    types=[kinds.DATABASE, kinds.DB_CLUSTER],
)
async def collect_db_instances(ctx: CollectContext) -> list[Resource]:
    """DB instances and DB clusters (Aurora, Multi-AZ DB clusters): one list call each, the
    clusters serving both as resources and as their members' failover facts."""
    raw = await ctx.paginate_all(RDS_DESCRIBE_DB_INSTANCES, "DBInstances")
    found = [_db(ctx, db) for db in raw]
    groups = {
        str(g.get("DBSubnetGroupName")): g
        for db in raw
        if isinstance(g := db.get("DBSubnetGroup"), dict)
    }
    try:
        listed = await ctx.paginate_all(RDS_DESCRIBE_DB_CLUSTERS, "DBClusters")
    except CallFailure as failure:
        # The instances stand on their own; the clusters are an error here, not an empty list.
        ctx.record(failure)
        clusters = None
    else:
        clusters = {str(c["DBClusterIdentifier"]): _cluster(ctx, c, groups) for c in listed}
    # A cluster member's failover is the cluster's: "cluster" holds the cluster's facts, None
    # when DescribeDBClusters could not be read.
    for db in found:
        name = db.attributes.get("DBClusterIdentifier")
        if name:
            member_of = None if clusters is None else clusters.get(str(name))
            db.attributes["cluster"] = None if member_of is None else _cluster_facts(member_of)
    return found + list((clusters or {}).values())
