"""CloudFormation stacks: one paginated DescribeStacks gives each stack's status and the last
drift detection's result as CloudFormation recorded it (the scan never starts one), then one
ListStackResources per stack that exists names what it owns, so a resource without the
`aws:cloudformation:stack-name` tag still gets `managed_by` (model/ownership.py).

Parameter and output VALUES are never kept (a parameter without NoEcho may hold a password):
their names only.
"""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    CLOUDFORMATION_DESCRIBE_STACKS,
    CLOUDFORMATION_LIST_STACK_RESOURCES,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
    display_name,
    json_safe,
    tags_of,
)

# A stack's resources kept in the snapshot; beyond it they are counted (and still own theirs).
RESOURCE_LIMIT = 500


async def _resources(ctx: CollectContext, stack: dict[str, Any]) -> list[dict[str, Any]] | None:
    try:
        summaries = await ctx.paginate_all(
            CLOUDFORMATION_LIST_STACK_RESOURCES,
            "StackResourceSummaries",
            StackName=stack.get("StackId") or stack["StackName"],
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return [
        {
            "logical_id": s.get("LogicalResourceId"),
            "physical_id": s.get("PhysicalResourceId"),
            "type": s.get("ResourceType"),
            "status": s.get("ResourceStatus"),
        }
        for s in summaries
    ]


def stack_attributes(
    stack: dict[str, Any], resources: list[dict[str, Any]] | None
) -> dict[str, Any]:
    drift = stack.get("DriftInformation") or {}
    attributes = attributes_of(stack, drop=("Tags", "Parameters", "Outputs"))
    attributes.update(
        {
            "parameter_names": [str(p.get("ParameterKey")) for p in stack.get("Parameters") or []],
            "output_names": [str(o.get("OutputKey")) for o in stack.get("Outputs") or []],
            "status": stack.get("StackStatus"),
            "drift_status": drift.get("StackDriftStatus"),
            "drift_checked": json_safe(drift.get("LastCheckTimestamp")),
            kinds.ROLE: stack.get("RoleARN"),
            "termination_protection": stack.get("EnableTerminationProtection"),
            "parent_stack": stack.get("ParentId"),
            "resources": None if resources is None else resources[:RESOURCE_LIMIT],
            "resource_count": None if resources is None else len(resources),
        }
    )
    if resources is None:
        attributes["resources_unknown"] = True
    return attributes


def _stack(
    ctx: CollectContext, stack: dict[str, Any], resources: list[dict[str, Any]] | None
) -> Resource:
    name = str(stack["StackName"])
    tags = tags_of(stack)
    return Resource(
        arn=str(stack.get("StackId") or ctx.arn("cloudformation", f"stack/{name}")),
        type=kinds.STACK,
        id=name,
        name=display_name(tags, name, name),
        region=ctx.region,
        tags=tags,
        attributes=stack_attributes(stack, resources),
    )


@collector(
    service="cloudformation",
    calls=[CLOUDFORMATION_DESCRIBE_STACKS, CLOUDFORMATION_LIST_STACK_RESOURCES],
    types=[kinds.STACK],
)
async def collect_stacks(ctx: CollectContext) -> list[Resource]:
    stacks = [
        s
        for s in await ctx.paginate_all(CLOUDFORMATION_DESCRIBE_STACKS, "Stacks")
        if s.get("StackName")
    ]
    if not stacks:
        return []
    owned = await asyncio.gather(*(_resources(ctx, s) for s in stacks))
    return [_stack(ctx, s, r) for s, r in zip(stacks, owned, strict=True)]
