"""Tags for services whose list calls carry none: the region's one paginated Resource Groups
Tagging API call, instead of one tag call per resource (no N+1).

The catch-all (tagged.py) lists every tagged resource of the region with an unfiltered
GetResources; every collector here reads its tags from that same answer (sent once per region,
`paginate_all_once`), not from a GetResources of its own filtered by type: one request per
region instead of one per type found there, and the same facts (a resource's tags are looked up
by its exact ARN)."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource
from awsexplorer.model.calls import TAGGING_GET_RESOURCES
from awsexplorer.scan.collectors.base import CallFailure, CollectContext, display_name, tags_of


async def tags_by_arn(
    ctx: CollectContext, resource_type: str, *, region: str | None = None
) -> dict[str, dict[str, str]] | None:
    """{arn: tags} for every tagged resource of `resource_type`'s service ("lambda:function":
    every lambda ARN) in the region (or `region`: CloudFront's tags answer in us-east-1 only),
    or None when the call failed (recorded): tags unknown, not absent."""
    where = {"region": region} if region else {}
    try:
        mappings = await ctx.paginate_all_once(
            TAGGING_GET_RESOURCES, "ResourceTagMappingList", **where
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None
    service = resource_type.split(":", 1)[0]
    return {
        arn: tags_of(m)
        for m in mappings
        if (arn := str(m.get("ResourceARN") or "")) and arn.split(":", 3)[2:3] == [service]
    }


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
