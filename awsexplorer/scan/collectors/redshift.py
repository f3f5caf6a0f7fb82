"""Redshift provisioned clusters (tags included in DescribeClusters), placed in their subnets
through the cluster subnet groups: one more call, made only when a cluster exists."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    REDSHIFT_DESCRIBE_CLUSTER_SUBNET_GROUPS,
    REDSHIFT_DESCRIBE_CLUSTERS,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
    display_name,
    tags_of,
)


async def _subnet_groups(ctx: CollectContext) -> dict[str, dict[str, Any]]:
    try:
        groups = await ctx.paginate_all(
            REDSHIFT_DESCRIBE_CLUSTER_SUBNET_GROUPS, "ClusterSubnetGroups"
        )
    except CallFailure as failure:
        ctx.record(failure)  # the subnets are a detail; the clusters stand
        return {}
    return {str(g.get("ClusterSubnetGroupName")): g for g in groups}


def _cluster(
    ctx: CollectContext, cluster: dict[str, Any], groups: dict[str, dict[str, Any]]
) -> Resource:
    cluster_id = str(cluster["ClusterIdentifier"])
    tags = tags_of(cluster)
    group = groups.get(str(cluster.get("ClusterSubnetGroupName") or "")) or {}
    subnet_ids = [
        str(s["SubnetIdentifier"]) for s in group.get("Subnets") or [] if s.get("SubnetIdentifier")
    ]
    endpoint = cluster.get("Endpoint") or {}
    attributes = attributes_of(cluster)
    attributes.update(
        {
            "status": cluster.get("ClusterStatus"),
            "node_type": cluster.get("NodeType"),
            "nodes": cluster.get("NumberOfNodes"),
            "endpoint": endpoint.get("Address"),
            "port": endpoint.get("Port"),
            "publicly_accessible": bool(cluster.get("PubliclyAccessible")),
            "encrypted": bool(cluster.get("Encrypted")),
            "kms_key_id": cluster.get("KmsKeyId"),
            "subnet_group": cluster.get("ClusterSubnetGroupName"),
            "subnet_ids": subnet_ids,
            "security_groups": [
                str(g["VpcSecurityGroupId"])
                for g in cluster.get("VpcSecurityGroups") or []
                if g.get("VpcSecurityGroupId")
            ],
        }
    )
    return Resource(
        arn=ctx.arn("redshift", f"cluster:{cluster_id}"),
        type=kinds.REDSHIFT_CLUSTER,
        id=cluster_id,
        name=display_name(tags, cluster_id, cluster_id),
        region=ctx.region,
        vpc_id=cluster.get("VpcId") or group.get("VpcId") or None,
        subnet_id=subnet_ids[0] if subnet_ids else None,
        tags=tags,
        attributes=attributes,
    )


@collector(
    service="redshift",
    calls=[REDSHIFT_DESCRIBE_CLUSTERS, REDSHIFT_DESCRIBE_CLUSTER_SUBNET_GROUPS],
    types=[kinds.REDSHIFT_CLUSTER],
)
async def collect_clusters(ctx: CollectContext) -> list[Resource]:
    clusters = await ctx.paginate_all(REDSHIFT_DESCRIBE_CLUSTERS, "Clusters")
    if not clusters:
        return []
    groups = await _subnet_groups(ctx)
    return [_cluster(ctx, c, groups) for c in clusters]
