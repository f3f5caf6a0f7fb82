"""Target groups (elbv2) and their targets' health: one DescribeTargetHealth per group, asked
only of the groups that exist. `targets` is the shape docs/exposure.md defines."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    ELBV2_DESCRIBE_TARGET_GROUPS,
    ELBV2_DESCRIBE_TARGET_HEALTH,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CollectContext, attributes_of, collector


def _targets(answer: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    if answer is None:
        return None
    targets = []
    for description in answer.get("TargetHealthDescriptions") or []:
        target = description.get("Target") or {}
        if not target.get("Id"):
            continue
        health = description.get("TargetHealth") or {}
        targets.append(
            {
                "id": str(target["Id"]),
                "port": target.get("Port"),
                "zone": target.get("AvailabilityZone"),
                "health": health.get("State"),
                "reason": health.get("Reason"),
            }
        )
    return targets


def group_attributes(group: dict[str, Any], targets: list[dict[str, Any]] | None) -> dict[str, Any]:
    attributes = attributes_of(group)
    attributes.update(
        {
            "protocol": group.get("Protocol"),
            "port": group.get("Port"),
            "target_type": group.get("TargetType"),
            "load_balancers": [str(a) for a in group.get("LoadBalancerArns") or []],
            "targets": targets or [],
        }
    )
    if targets is None:
        attributes["targets_unknown"] = True  # DescribeTargetHealth failed (recorded)
    return attributes


async def _health(ctx: CollectContext, arn: str) -> list[dict[str, Any]] | None:
    return _targets(await ctx.try_call(ELBV2_DESCRIBE_TARGET_HEALTH, TargetGroupArn=arn))


@collector(
    service="elbv2",
    calls=[ELBV2_DESCRIBE_TARGET_GROUPS, ELBV2_DESCRIBE_TARGET_HEALTH, TAGGING_GET_RESOURCES],
    types=[kinds.TARGET_GROUP],
)
async def collect_target_groups(ctx: CollectContext) -> list[Resource]:
    groups = await ctx.paginate_all(ELBV2_DESCRIBE_TARGET_GROUPS, "TargetGroups")
    if not groups:
        return []
    tags, healths = await asyncio.gather(
        tags_by_arn(ctx, kinds.TARGET_GROUP),
        asyncio.gather(*(_health(ctx, str(g["TargetGroupArn"])) for g in groups)),
    )
    return [
        tagged_resource(
            ctx,
            arn=str(group["TargetGroupArn"]),
            rtype=kinds.TARGET_GROUP,
            name=str(group["TargetGroupName"]),
            tags=tags,
            attributes=group_attributes(group, targets),
            vpc_id=group.get("VpcId") or None,
        )
        for group, targets in zip(groups, healths, strict=True)
    ]
