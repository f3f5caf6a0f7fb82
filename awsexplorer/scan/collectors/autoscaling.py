"""Auto Scaling groups: sizes, subnets, target groups, launch template."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import AUTOSCALING_DESCRIBE_AUTO_SCALING_GROUPS
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
    display_name,
    tags_of,
)


def _launch_template(group: dict[str, Any]) -> dict[str, Any] | None:
    template = group.get("LaunchTemplate") or (
        ((group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}).get(
            "LaunchTemplateSpecification"
        )
    )
    if not template:
        return None
    return {
        "id": template.get("LaunchTemplateId"),
        "name": template.get("LaunchTemplateName"),
        "version": template.get("Version"),
    }


def group_attributes(group: dict[str, Any]) -> dict[str, Any]:
    zone_subnets = str(group.get("VPCZoneIdentifier") or "")
    attributes = attributes_of(group)
    attributes.update(
        {
            "min_size": group.get("MinSize"),
            "desired_capacity": group.get("DesiredCapacity"),
            "max_size": group.get("MaxSize"),
            "launch_template": _launch_template(group),
            "launch_configuration": group.get("LaunchConfigurationName"),
            "target_groups": [str(t) for t in group.get("TargetGroupARNs") or []],
            "load_balancers": [str(lb) for lb in group.get("LoadBalancerNames") or []],
            "instances": [
                str(i["InstanceId"]) for i in group.get("Instances") or [] if i.get("InstanceId")
            ],
            "subnet_ids": [s.strip() for s in zone_subnets.split(",") if s.strip()],
        }
    )
    return attributes


def _group(ctx: CollectContext, group: dict[str, Any]) -> Resource:
    name = str(group["AutoScalingGroupName"])
    tags = tags_of(group)
    attributes = group_attributes(group)
    subnets = attributes["subnet_ids"]
    return Resource(
        arn=str(
            group.get("AutoScalingGroupARN")
            or ctx.arn("autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{name}")
        ),
        type=kinds.AUTOSCALING_GROUP,
        id=name,
        name=display_name(tags, name, name),
        region=ctx.region,
        subnet_id=subnets[0] if subnets else None,
        tags=tags,
        attributes=attributes,
    )


@collector(
    service="autoscaling",
    calls=[AUTOSCALING_DESCRIBE_AUTO_SCALING_GROUPS],
    types=[kinds.AUTOSCALING_GROUP],
)
async def collect_groups(ctx: CollectContext) -> list[Resource]:
    groups = await ctx.paginate_all(AUTOSCALING_DESCRIBE_AUTO_SCALING_GROUPS, "AutoScalingGroups")
    return [_group(ctx, g) for g in groups]
