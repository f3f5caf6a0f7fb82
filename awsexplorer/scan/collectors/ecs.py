"""ECS: clusters, their services, and the latest ACTIVE revision of each task definition family.

Container environment VALUES never leave this module, exactly as for Lambda (awslambda.py): each
variable is judged (does its name or value look like a credential?) and only its name and the
verdict are kept; the values are dropped before the Resource is built. A container's `secrets`
are references (a Secrets Manager or SSM ARN), kept with their names.
"""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    ECS_DESCRIBE_CLUSTERS,
    ECS_DESCRIBE_SERVICES,
    ECS_DESCRIBE_TASK_DEFINITION,
    ECS_LIST_CLUSTERS,
    ECS_LIST_SERVICES,
    ECS_LIST_TASK_DEFINITION_FAMILIES,
)
from awsexplorer.scan.collectors.awslambda import judge_variable
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
    display_name,
)

_CLUSTER_BATCH = 100  # DescribeClusters takes at most 100 clusters
_SERVICE_BATCH = 10  # DescribeServices takes at most 10 services


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _ecs_tags(item: dict[str, Any]) -> dict[str, str]:
    """ECS tags are [{key, value}] (lower case)."""
    return {
        str(t["key"]): str(t.get("value", ""))
        for t in item.get("tags") or []
        if isinstance(t, dict) and "key" in t
    }


def _resource(
    ctx: CollectContext,
    *,
    arn: str,
    rtype: str,
    name: str,
    item: dict[str, Any],
    attributes: dict[str, Any],
    vpc_id: str | None = None,
) -> Resource:
    tags = _ecs_tags(item)
    subnets = attributes.get("subnet_ids") or []
    return Resource(
        arn=arn,
        type=rtype,
        id=name,
        name=display_name(tags, name, name),
        region=ctx.region,
        vpc_id=vpc_id,
        subnet_id=subnets[0] if subnets else None,
        tags=tags,
        attributes=attributes,
    )


def _setting(cluster: dict[str, Any], name: str) -> str | None:
    for item in cluster.get("settings") or []:
        if isinstance(item, dict) and item.get("name") == name:
            return str(item.get("value"))
    return None


def _cluster(ctx: CollectContext, cluster: dict[str, Any]) -> Resource:
    attributes = attributes_of(cluster, drop=("tags",))
    attributes.update(
        {
            "status": cluster.get("status"),
            "active_services": cluster.get("activeServicesCount"),
            "running_tasks": cluster.get("runningTasksCount"),
            "pending_tasks": cluster.get("pendingTasksCount"),
            "container_insights": _setting(cluster, "containerInsights"),
        }
    )
    return _resource(
        ctx,
        arn=str(cluster["clusterArn"]),
        rtype=kinds.ECS_CLUSTER,
        name=str(cluster.get("clusterName") or cluster["clusterArn"].rsplit("/", 1)[-1]),
        item=cluster,
        attributes=attributes,
    )


def service_attributes(service: dict[str, Any]) -> dict[str, Any]:
    vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    public = vpc.get("assignPublicIp")
    launch_type = service.get("launchType")
    if not launch_type and service.get("capacityProviderStrategy"):
        launch_type = "capacity provider"
    attributes = attributes_of(service, drop=("tags", "events"))
    attributes.update(
        {
            "cluster": service.get("clusterArn"),
            "status": service.get("status"),
            "launch_type": launch_type,
            "desired_count": service.get("desiredCount"),
            "running_count": service.get("runningCount"),
            "task_definition": service.get("taskDefinition"),
            "assign_public_ip": None if public is None else public == "ENABLED",
            "load_balancers": [
                {
                    "target_group_arn": lb.get("targetGroupArn"),
                    "load_balancer_name": lb.get("loadBalancerName"),
                    "container": lb.get("containerName"),
                    "port": lb.get("containerPort"),
                }
                for lb in service.get("loadBalancers") or []
                if isinstance(lb, dict)
            ],
            "subnet_ids": [str(s) for s in vpc.get("subnets") or []],
            "security_groups": [str(g) for g in vpc.get("securityGroups") or []],
        }
    )
    return attributes


async def _services(ctx: CollectContext, cluster_arn: str) -> list[Resource]:
    arns = [
        str(a)
        for a in await ctx.paginate_all(ECS_LIST_SERVICES, "serviceArns", cluster=cluster_arn)
    ]
    if not arns:
        return []
    answers = await asyncio.gather(
        *(
            ctx.call(ECS_DESCRIBE_SERVICES, cluster=cluster_arn, services=batch, include=["TAGS"])
            for batch in _chunks(arns, _SERVICE_BATCH)
        )
    )
    return [
        _resource(
            ctx,
            arn=str(service["serviceArn"]),
            rtype=kinds.ECS_SERVICE,
            name=str(service.get("serviceName") or service["serviceArn"].rsplit("/", 1)[-1]),
            item=service,
            attributes=service_attributes(service),
        )
        for answer in answers
        for service in answer.get("services") or []
    ]


@collector(
    service="ecs",
    calls=[ECS_LIST_CLUSTERS, ECS_DESCRIBE_CLUSTERS, ECS_LIST_SERVICES, ECS_DESCRIBE_SERVICES],
    types=[kinds.ECS_CLUSTER, kinds.ECS_SERVICE],
)
async def collect_clusters(ctx: CollectContext) -> list[Resource]:
    arns = [str(a) for a in await ctx.paginate_all(ECS_LIST_CLUSTERS, "clusterArns")]
    if not arns:
        return []
    answers = await asyncio.gather(
        *(
            ctx.call(ECS_DESCRIBE_CLUSTERS, clusters=batch, include=["TAGS", "SETTINGS"])
            for batch in _chunks(arns, _CLUSTER_BATCH)
        )
    )
    clusters = [c for answer in answers for c in answer.get("clusters") or []]
    found = [_cluster(ctx, c) for c in clusters]
    services = await asyncio.gather(*(_services(ctx, str(c["clusterArn"])) for c in clusters))
    return found + [s for group in services for s in group]


def _without_values(container: dict[str, Any]) -> dict[str, Any]:
    """A container definition minus every environment value: only the names are kept."""
    raw = {k: v for k, v in container.items() if k != "environment"}
    raw["environment"] = [
        {"name": str(v.get("name"))} for v in container.get("environment") or [] if v
    ]
    return raw


def task_definition_attributes(definition: dict[str, Any]) -> dict[str, Any]:
    """A DescribeTaskDefinition answer as attributes: raw fields minus environment values."""
    containers = [c for c in definition.get("containerDefinitions") or [] if isinstance(c, dict)]
    raw = dict(definition)
    raw["containerDefinitions"] = [_without_values(c) for c in containers]
    environment = []
    secrets = []
    for container in containers:
        name = str(container.get("name") or "")
        for variable in sorted(
            (v for v in container.get("environment") or [] if isinstance(v, dict)),
            key=lambda v: str(v.get("name")),
        ):
            judged = judge_variable(str(variable.get("name")), variable.get("value"))
            environment.append({"container": name, **judged})
        for secret in container.get("secrets") or []:
            if isinstance(secret, dict):
                secrets.append(
                    {
                        "container": name,
                        "name": str(secret.get("name")),
                        "value_from": secret.get("valueFrom"),
                    }
                )
    attributes = attributes_of(raw)
    attributes.update(
        {
            "family": str(definition.get("family") or ""),
            "revision": definition.get("revision"),
            "status": definition.get("status"),
            "role": definition.get("taskRoleArn"),
            "execution_role": definition.get("executionRoleArn"),
            "network_mode": definition.get("networkMode"),
            "images": [str(c.get("image")) for c in containers if c.get("image")],
            "environment": environment,
            "secrets": secrets,
        }
    )
    return attributes


async def _task_definition(ctx: CollectContext, family: str) -> Resource | None:
    # The family alone names its latest ACTIVE revision.
    answer = await ctx.call(ECS_DESCRIBE_TASK_DEFINITION, taskDefinition=family, include=["TAGS"])
    definition = answer.get("taskDefinition")
    if not definition:
        return None
    arn = str(definition["taskDefinitionArn"])
    return _resource(
        ctx,
        arn=arn,
        rtype=kinds.ECS_TASK_DEFINITION,
        name=arn.rsplit("/", 1)[-1],  # family:revision
        item={"tags": answer.get("tags") or []},
        attributes=task_definition_attributes(definition),
    )


@collector(
    service="ecs",
    calls=[ECS_LIST_TASK_DEFINITION_FAMILIES, ECS_DESCRIBE_TASK_DEFINITION],
    types=[kinds.ECS_TASK_DEFINITION],
)
async def collect_task_definitions(ctx: CollectContext) -> list[Resource]:
    families = await ctx.paginate_all(
        ECS_LIST_TASK_DEFINITION_FAMILIES, "families", status="ACTIVE"
    )
    found = await asyncio.gather(*(_task_definition(ctx, str(f)) for f in families))
    return [r for r in found if r is not None]
