"""Tags for services whose list calls carry none: one paginated Resource Groups Tagging API call
per region and resource type, instead of one tag call per resource (no N+1)."""

from __future__ import annotations

from awsexplorer.scan.collectors.base import CallFailure, CollectContext, tags_of

TAGGING_ACTION = "tag:GetResources"


async def tags_by_arn(ctx: CollectContext, resource_type: str) -> dict[str, dict[str, str]] | None:
    """{arn: tags} for every tagged resource of `resource_type` ("lambda:function") in the
    region, or None when the call failed (recorded): tags unknown, not absent."""
    try:
        mappings = await ctx.paginate_all(
            "resourcegroupstaggingapi",
            "get_resources",
            "ResourceTagMappingList",
            ResourceTypeFilters=[resource_type],
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return {str(m["ResourceARN"]): tags_of(m) for m in mappings if m.get("ResourceARN")}


def tags_for(tags: dict[str, dict[str, str]] | None, arn: str) -> dict[str, str]:
    return dict((tags or {}).get(arn, {}))
