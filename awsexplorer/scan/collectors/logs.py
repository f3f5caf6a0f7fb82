"""CloudWatch Logs log groups: one paginated DescribeLogGroups gives each group's retention (none:
kept and billed forever), stored bytes and KMS key; tags from the tagging API, only when a group
exists."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import LOGS_DESCRIBE_LOG_GROUPS, TAGGING_GET_RESOURCES
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CollectContext, attributes_of, collector


def group_arn(ctx: CollectContext, group: dict[str, Any]) -> str:
    """The group's ARN as the tagging API spells it: DescribeLogGroups' `arn` ends in `:*`."""
    if group.get("logGroupArn"):
        return str(group["logGroupArn"])
    arn = str(group.get("arn") or "")
    return arn.removesuffix(":*") or ctx.arn("logs", f"log-group:{group['logGroupName']}")


def group_attributes(group: dict[str, Any]) -> dict[str, Any]:
    attributes = attributes_of(group)
    stored = group.get("storedBytes")
    retention = group.get("retentionInDays")
    attributes.update(
        {
            "retention_days": int(retention) if retention is not None else None,
            "stored_bytes": int(stored) if stored is not None else None,
            kinds.KMS_KEY: group.get("kmsKeyId"),
            "log_group_class": group.get("logGroupClass"),
        }
    )
    return attributes


@collector(
    service="logs",
    calls=[LOGS_DESCRIBE_LOG_GROUPS, TAGGING_GET_RESOURCES],
    types=[kinds.LOG_GROUP],
)
async def collect_log_groups(ctx: CollectContext) -> list[Resource]:
    groups = [
        g
        for g in await ctx.paginate_all(LOGS_DESCRIBE_LOG_GROUPS, "logGroups")
        if g.get("logGroupName")
    ]
    if not groups:
        return []
    tags = await tags_by_arn(ctx, kinds.LOG_GROUP)
    return [
        tagged_resource(
            ctx,
            arn=group_arn(ctx, group),
            rtype=kinds.LOG_GROUP,
            name=str(group["logGroupName"]),
            tags=tags,
            attributes=group_attributes(group),
        )
        for group in groups
    ]
