"""ElastiCache: cache clusters (each node group member is one) and replication groups.

Their list calls carry no tags: one tagging API call per type, made only when something exists.
Subnets come from the cache subnet groups, one call, made only when a cluster exists.
"""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    ELASTICACHE_DESCRIBE_CACHE_CLUSTERS,
    ELASTICACHE_DESCRIBE_CACHE_SUBNET_GROUPS,
    ELASTICACHE_DESCRIBE_REPLICATION_GROUPS,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CallFailure, CollectContext, attributes_of, collector


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


async def _subnet_groups(ctx: CollectContext) -> dict[str, dict[str, Any]]:
    """{name: group}; empty (recorded) when they could not be read: the subnets are a detail."""
    try:
        groups = await ctx.paginate_all(
            ELASTICACHE_DESCRIBE_CACHE_SUBNET_GROUPS, "CacheSubnetGroups"
        )
    except CallFailure as failure:
        ctx.record(failure)
        return {}
    return {str(g.get("CacheSubnetGroupName")): g for g in groups}


def _cluster(
    ctx: CollectContext,
    cluster: dict[str, Any],
    groups: dict[str, dict[str, Any]],
    tags: dict[str, dict[str, str]] | None,
) -> Resource:
    cluster_id = str(cluster["CacheClusterId"])
    arn = str(cluster.get("ARN") or ctx.arn("elasticache", f"cluster:{cluster_id}"))
    group = groups.get(str(cluster.get("CacheSubnetGroupName") or "")) or {}
    subnet_ids = [
        str(s["SubnetIdentifier"]) for s in group.get("Subnets") or [] if s.get("SubnetIdentifier")
    ]
    attributes = attributes_of(cluster)
    attributes.update(
        {
            "engine": cluster.get("Engine"),
            "engine_version": cluster.get("EngineVersion"),
            "status": cluster.get("CacheClusterStatus"),
            "node_type": cluster.get("CacheNodeType"),
            "nodes": cluster.get("NumCacheNodes"),
            "replication_group": cluster.get("ReplicationGroupId"),
            "transit_encryption": _bool(cluster.get("TransitEncryptionEnabled")),
            "at_rest_encryption": _bool(cluster.get("AtRestEncryptionEnabled")),
            "auth_token": _bool(cluster.get("AuthTokenEnabled")),
            "subnet_group": cluster.get("CacheSubnetGroupName"),
            "subnet_ids": subnet_ids,
            "security_groups": [
                str(g["SecurityGroupId"])
                for g in cluster.get("SecurityGroups") or []
                if g.get("SecurityGroupId")
            ],
            "availability_zone": cluster.get("PreferredAvailabilityZone"),
        }
    )
    return tagged_resource(
        ctx,
        arn=arn,
        rtype=kinds.CACHE_CLUSTER,
        name=cluster_id,
        tags=tags,
        attributes=attributes,
        vpc_id=group.get("VpcId") or None,
        subnet_id=subnet_ids[0] if subnet_ids else None,
    )


@collector(
    service="elasticache",
    calls=[
        ELASTICACHE_DESCRIBE_CACHE_CLUSTERS,
        ELASTICACHE_DESCRIBE_CACHE_SUBNET_GROUPS,
        TAGGING_GET_RESOURCES,
    ],
    types=[kinds.CACHE_CLUSTER],
)
async def collect_cache_clusters(ctx: CollectContext) -> list[Resource]:
    # Read once with the replication-group collector (see there).
    clusters = await ctx.paginate_all_once(ELASTICACHE_DESCRIBE_CACHE_CLUSTERS, "CacheClusters")
    if not clusters:
        return []
    groups = await _subnet_groups(ctx)
    tags = await tags_by_arn(ctx, kinds.CACHE_CLUSTER)
    return [_cluster(ctx, c, groups, tags) for c in clusters]


def _endpoint(group: dict[str, Any]) -> str | None:
    configuration = group.get("ConfigurationEndpoint") or {}
    if configuration.get("Address"):
        return str(configuration["Address"])
    for node_group in group.get("NodeGroups") or []:
        address = (node_group.get("PrimaryEndpoint") or {}).get("Address")
        if address:
            return str(address)
    return None


@collector(
    service="elasticache",
    calls=[
        ELASTICACHE_DESCRIBE_CACHE_CLUSTERS,
        ELASTICACHE_DESCRIBE_REPLICATION_GROUPS,
        TAGGING_GET_RESOURCES,
    ],
    types=[kinds.CACHE_REPLICATION_GROUP],
)
async def collect_replication_groups(ctx: CollectContext) -> list[Resource]:
    # No cache cluster in the region: no replication group, so DescribeReplicationGroups is not
    # sent (one request per region in most accounts). A replication group is made of cache
    # clusters (each node is one, MemberClusters names them; CreateReplicationGroup makes at
    # least a primary or adopts an existing one), and DescribeCacheClusters lists the members
    # of replication groups too (ShowCacheClustersNotInReplicationGroups is not set). The
    # clusters are read once for both collectors (paginate_all_once). If they could not be
    # read, nothing is proven: the groups are asked for as before (the cluster collector
    # records that failure).
    try:
        clusters: list[dict[str, Any]] | None = await ctx.paginate_all_once(
            ELASTICACHE_DESCRIBE_CACHE_CLUSTERS, "CacheClusters"
        )
    except CallFailure:
        clusters = None
    if clusters is not None and not clusters:
        return []
    found = await ctx.paginate_all(ELASTICACHE_DESCRIBE_REPLICATION_GROUPS, "ReplicationGroups")
    if not found:
        return []
    tags = await tags_by_arn(ctx, kinds.CACHE_REPLICATION_GROUP)
    resources = []
    for group in found:
        group_id = str(group["ReplicationGroupId"])
        attributes = attributes_of(group)
        attributes.update(
            {
                "status": group.get("Status"),
                "description": group.get("Description"),
                "members": [str(m) for m in group.get("MemberClusters") or []],
                "primary_endpoint": _endpoint(group),
                "automatic_failover": group.get("AutomaticFailover"),
                "multi_az": group.get("MultiAZ"),
                "transit_encryption": _bool(group.get("TransitEncryptionEnabled")),
                "at_rest_encryption": _bool(group.get("AtRestEncryptionEnabled")),
                "auth_token": _bool(group.get("AuthTokenEnabled")),
                "kms_key_id": group.get("KmsKeyId"),
            }
        )
        arn = str(group.get("ARN") or ctx.arn("elasticache", f"replicationgroup:{group_id}"))
        resources.append(
            tagged_resource(
                ctx,
                arn=arn,
                rtype=kinds.CACHE_REPLICATION_GROUP,
                name=group_id,
                tags=tags,
                attributes=attributes,
            )
        )
    return resources
