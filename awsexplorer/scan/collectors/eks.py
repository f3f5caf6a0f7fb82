"""EKS clusters and their managed node groups: list first, describe only what exists."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    EKS_DESCRIBE_CLUSTER,
    EKS_DESCRIBE_NODEGROUP,
    EKS_LIST_CLUSTERS,
    EKS_LIST_NODEGROUPS,
)
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
    display_name,
)


def _resource(
    ctx: CollectContext,
    *,
    arn: str,
    rtype: str,
    name: str,
    item: dict[str, Any],
    attrs: dict[str, Any],
) -> Resource:
    tags = {str(k): str(v) for k, v in (item.get("tags") or {}).items()}
    subnets = attrs.get("subnet_ids") or []
    return Resource(
        arn=arn,
        type=rtype,
        id=name,
        name=display_name(tags, name, name),
        region=ctx.region,
        vpc_id=attrs.pop("_vpc_id", None),
        subnet_id=subnets[0] if subnets else None,
        tags=tags,
        attributes=attrs,
    )


def cluster_attributes(cluster: dict[str, Any]) -> dict[str, Any]:
    vpc = cluster.get("resourcesVpcConfig") or {}
    groups = [str(g) for g in vpc.get("securityGroupIds") or []]
    if vpc.get("clusterSecurityGroupId"):
        groups.append(str(vpc["clusterSecurityGroupId"]))
    logging = [
        str(kind)
        for setup in (cluster.get("logging") or {}).get("clusterLogging") or []
        if isinstance(setup, dict) and setup.get("enabled")
        for kind in setup.get("types") or []
    ]
    public = vpc.get("endpointPublicAccess")
    attributes = attributes_of(cluster, drop=("tags", "certificateAuthority"))
    attributes.update(
        {
            "version": cluster.get("version"),
            "status": cluster.get("status"),
            "endpoint": cluster.get("endpoint"),
            "endpoint_public": public,
            "endpoint_private": vpc.get("endpointPrivateAccess"),
            # AWS answers 0.0.0.0/0 when no CIDR was given: the whole internet.
            "public_cidrs": [str(c) for c in vpc.get("publicAccessCidrs") or []] if public else [],
            "logging": sorted(set(logging)),
            "role": cluster.get("roleArn"),
            "subnet_ids": [str(s) for s in vpc.get("subnetIds") or []],
            "security_groups": list(dict.fromkeys(groups)),
            "_vpc_id": vpc.get("vpcId") or None,
        }
    )
    return attributes


def nodegroup_attributes(group: dict[str, Any]) -> dict[str, Any]:
    scaling = group.get("scalingConfig") or {}
    attributes = attributes_of(group, drop=("tags",))
    attributes.update(
        {
            "cluster": str(group.get("clusterName") or ""),
            "status": group.get("status"),
            "version": group.get("version"),
            "capacity_type": group.get("capacityType"),
            "instance_types": [str(t) for t in group.get("instanceTypes") or []],
            "min_size": scaling.get("minSize"),
            "desired_capacity": scaling.get("desiredSize"),
            "max_size": scaling.get("maxSize"),
            "role": group.get("nodeRole"),
            "subnet_ids": [str(s) for s in group.get("subnets") or []],
        }
    )
    return attributes


async def _nodegroups(ctx: CollectContext, cluster: str) -> list[Resource]:
    names = await ctx.paginate_all(EKS_LIST_NODEGROUPS, "nodegroups", clusterName=cluster)
    answers = await asyncio.gather(
        *(ctx.call(EKS_DESCRIBE_NODEGROUP, clusterName=cluster, nodegroupName=n) for n in names)
    )
    found = []
    for answer in answers:
        group = answer.get("nodegroup") or {}
        name = str(group["nodegroupName"])
        found.append(
            _resource(
                ctx,
                arn=str(group.get("nodegroupArn") or ctx.arn("eks", f"nodegroup/{cluster}/{name}")),
                rtype=kinds.EKS_NODEGROUP,
                name=name,
                item=group,
                attrs=nodegroup_attributes(group),
            )
        )
    return found


async def _cluster(ctx: CollectContext, name: str) -> list[Resource]:
    cluster = (await ctx.call(EKS_DESCRIBE_CLUSTER, name=name)).get("cluster") or {}
    resource = _resource(
        ctx,
        arn=str(cluster.get("arn") or ctx.arn("eks", f"cluster/{name}")),
        rtype=kinds.EKS_CLUSTER,
        name=name,
        item=cluster,
        attrs=cluster_attributes(cluster),
    )
    return [resource, *await _nodegroups(ctx, name)]


@collector(
    service="eks",
    calls=[EKS_LIST_CLUSTERS, EKS_DESCRIBE_CLUSTER, EKS_LIST_NODEGROUPS, EKS_DESCRIBE_NODEGROUP],
    types=[kinds.EKS_CLUSTER, kinds.EKS_NODEGROUP],
)
async def collect_clusters(ctx: CollectContext) -> list[Resource]:
    names = await ctx.paginate_all(EKS_LIST_CLUSTERS, "clusters")
    found = await asyncio.gather(*(_cluster(ctx, str(n)) for n in names))
    return [r for group in found for r in group]
