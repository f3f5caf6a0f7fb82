"""VPC flow logs as resources of their own: what each records (a VPC, subnet or network
interface), its traffic type, destination and status. One paged DescribeFlowLogs per region
(the VPC collector reads the same list to say whether each VPC has one)."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import EC2_DESCRIBE_FLOW_LOGS
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
    display_name,
    tags_of,
)


def _flow_log(ctx: CollectContext, item: dict[str, Any]) -> Resource:
    log_id = str(item["FlowLogId"])
    tags = tags_of(item)
    target = str(item.get("ResourceId") or "")
    attributes = attributes_of(item)
    attributes.update(
        {
            "resource_id": target or None,
            "status": item.get("FlowLogStatus"),
            "traffic_type": item.get("TrafficType"),
            "destination_type": item.get("LogDestinationType"),
            "destination": item.get("LogDestination") or item.get("LogGroupName"),
            "deliver_status": item.get("DeliverLogsStatus"),
            "role": item.get("DeliverLogsPermissionArn"),
        }
    )
    return Resource(
        arn=ctx.arn("ec2", f"vpc-flow-log/{log_id}"),
        type=kinds.VPC_FLOW_LOG,
        id=log_id,
        name=display_name(tags, None, log_id),
        region=ctx.region,
        vpc_id=target if target.startswith("vpc-") else None,
        subnet_id=target if target.startswith("subnet-") else None,
        tags=tags,
        attributes=attributes,
    )


@collector(service="ec2", calls=[EC2_DESCRIBE_FLOW_LOGS], types=[kinds.VPC_FLOW_LOG])
async def collect_flow_logs(ctx: CollectContext) -> list[Resource]:
    return [
        _flow_log(ctx, item)
        for item in await ctx.paginate_all_once(EC2_DESCRIBE_FLOW_LOGS, "FlowLogs")
        if item.get("FlowLogId")
    ]
