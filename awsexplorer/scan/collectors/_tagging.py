"""Tags for services whose list calls carry none: one paginated Resource Groups Tagging API call
per region and resource type, instead of one tag call per resource (no N+1)."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource
from awsexplorer.model.calls import TAGGING_GET_RESOURCES
from awsexplorer.scan.collectors.base import CallFailure, CollectContext, display_name, tags_of


async def tags_by_arn(
    ctx: CollectContext, resource_type: str, *, region: str | None = None
) -> dict[str, dict[str, str]] | None:
    """{arn: tags} for every tagged resource of `resource_type` ("lambda:function") in the
    region (or `region`: CloudFront's tags answer in us-east-1 only), or None when the call
    failed (recorded): tags unknown, not absent."""
    try:
        mappings = await ctx.paginate_all(
            TAGGING_GET_RESOURCES,
            "ResourceTagMappingList",
            region=region,
            ResourceTypeFilters=[resource_type],
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return {str(m["ResourceARN"]): tags_of(m) for m in mappings if m.get("ResourceARN")}


def tags_for(tags: dict[str, dict[str, str]] | None, arn: str) -> dict[str, str]:
    return dict((tags or {}).get(arn, {}))


def tagged_resource(
    ctx: CollectContext,
    *,
    arn: str,
    rtype: str,
    name: str,
    tags: dict[str, dict[str, str]] | None,
    attributes: dict[str, Any],
    vpc_id: str | None = None,
    subnet_id: str | None = None,
) -> Resource:
    """A resource named by its natural name, its tags taken from `tags_by_arn`'s answer
    (marked unknown, not absent, when that call failed)."""
    if tags is None:
        attributes["tags_unknown"] = True
    resource_tags = tags_for(tags, arn)
    return Resource(
        arn=arn,
        type=rtype,
        id=name,
        name=display_name(resource_tags, name, name),
        region=ctx.region,
        vpc_id=vpc_id,
        subnet_id=subnet_id,
        tags=resource_tags,
        attributes=attributes,
    )
