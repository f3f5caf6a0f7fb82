"""Systems Manager: the instances it manages (DescribeInstanceInformation, one paged call per
region): instance id, ping status, agent version, platform, last ping. Never a parameter value
(the read-only guard refuses GetParameter*). Which EC2 instance is managed is joined by
instance id in model/operations.py."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import SSM_DESCRIBE_INSTANCE_INFORMATION
from awsexplorer.scan.collectors.base import CollectContext, attributes_of, collector


def _managed(ctx: CollectContext, item: dict[str, Any]) -> Resource:
    instance_id = str(item["InstanceId"])
    attributes = attributes_of(item)
    attributes.update(
        {
            "instance_id": instance_id,
            "ping_status": item.get("PingStatus"),
            "agent_version": item.get("AgentVersion"),
            "platform": item.get("PlatformType"),
            "platform_name": " ".join(
                str(p) for p in (item.get("PlatformName"), item.get("PlatformVersion")) if p
            )
            or None,
            "last_ping": attributes.get("LastPingDateTime"),
            "resource_type": item.get("ResourceType"),
        }
    )
    return Resource(
        arn=ctx.arn("ssm", f"managed-instance/{instance_id}"),
        type=kinds.SSM_MANAGED_INSTANCE,
        id=instance_id,
        name=str(item.get("ComputerName") or item.get("Name") or instance_id),
        region=ctx.region,
        attributes=attributes,
    )


@collector(
    service="ssm",
    calls=[SSM_DESCRIBE_INSTANCE_INFORMATION],
    types=[kinds.SSM_MANAGED_INSTANCE],
)
async def collect_managed_instances(ctx: CollectContext) -> list[Resource]:
    found = await ctx.paginate_all(SSM_DESCRIBE_INSTANCE_INFORMATION, "InstanceInformationList")
    return [_managed(ctx, i) for i in found if i.get("InstanceId")]
