"""The catch-all: every tagged resource of a type no dedicated collector covers.

Per region, one paginated Resource Groups Tagging API GetResources (no filter) lists every
tagged (or once tagged) resource of every service. An ARN whose type (its service and resource
type segment) has a dedicated collector is left to that collector; any other becomes a generic
resource marked `catch_all`, which the tree groups under "Other (tagged)" in its region.

What it cannot see: an untagged resource of a type without a collector (docs/coverage.md).
"""

from __future__ import annotations

from awsexplorer.model import GLOBAL_REGION, Resource, kinds
from awsexplorer.model.calls import TAGGING_GET_RESOURCES
from awsexplorer.scan.collectors import base
from awsexplorer.scan.collectors.base import CollectContext, collector, tags_of

CATCH_ALL = kinds.CATCH_ALL
# Global services' resources (no region in their ARN) answer in us-east-1, as CloudFront's do.
GLOBAL_TAGS_REGION = "us-east-1"

# ARNs whose resource part has no type segment, or names it otherwise than our type ids do.
_WHOLE_SERVICE = {"sqs": kinds.QUEUE, "sns": kinds.TOPIC}  # arn:...:sqs:r:a:name
_API_GATEWAY = {"restapis": kinds.REST_API, "apis": kinds.HTTP_API}  # ::/restapis/id


def arn_type(arn: str) -> str | None:
    """`service:resource-type` of an ARN, as our type ids spell it; None if it is no ARN."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not parts[2]:
        return None
    service, resource = parts[2], parts[5]
    if service in _WHOLE_SERVICE:
        return _WHOLE_SERVICE[service]
    if service == "s3" and "/" not in resource and ":" not in resource:
        return kinds.BUCKET
    if service == "apigateway":
        segment = resource.strip("/").split("/", 1)[0]
        return _API_GATEWAY.get(segment, f"apigateway:{segment}")
    if service == "wafv2":  # regional/webacl/name/id, global/ipset/...
        pieces = resource.split("/")
        return f"wafv2:{pieces[1]}" if len(pieces) > 1 else f"wafv2:{resource}"
    cut = min((i for i in (resource.find("/"), resource.find(":")) if i >= 0), default=-1)
    return f"{service}:{resource[:cut] if cut >= 0 else resource}"


def covered_types() -> set[str]:
    """Every type a dedicated collector yields (and has a record for)."""
    declared = {t for c in base.REGISTRY.values() for t in c.types}
    return declared | set(kinds.REGISTRY)


def last_segment(arn: str) -> str:
    resource = arn.split(":", 5)[-1]
    return resource.replace(":", "/").rstrip("/").rsplit("/", 1)[-1] or resource


def _home(ctx: CollectContext, arn: str) -> str:
    return arn.split(":", 5)[3] or GLOBAL_REGION


def _belongs_here(ctx: CollectContext, arn: str) -> bool:
    """An ARN is listed by its own region; a global one (no region) by us-east-1 only, so it
    is not repeated for every region."""
    region = arn.split(":", 5)[3]
    return region == ctx.region if region else ctx.region == GLOBAL_TAGS_REGION


def generic_resource(ctx: CollectContext, arn: str, rtype: str, tags: dict[str, str]) -> Resource:
    resource_part = arn.split(":", 5)[-1]
    natural = last_segment(arn)
    return Resource(
        arn=arn,
        type=rtype,
        id=resource_part,
        name=tags.get("Name") or natural,
        region=_home(ctx, arn),
        tags=tags,
        attributes={CATCH_ALL: True, "arn_service": rtype.split(":", 1)[0]},
    )


@collector(service="resourcegroupstaggingapi", calls=[TAGGING_GET_RESOURCES], types=[])
async def collect_tagged(ctx: CollectContext) -> list[Resource]:
    """Every tagged resource in the region whose type has no dedicated collector."""
    covered = covered_types()
    found: dict[str, Resource] = {}
    # Sent once per region: the collectors that take their tags from it share this answer.
    mappings = await ctx.paginate_all_once(TAGGING_GET_RESOURCES, "ResourceTagMappingList")
    for mapping in mappings:
        arn = str(mapping.get("ResourceARN") or "")
        rtype = arn_type(arn)
        if rtype is None or rtype in covered or arn in found or not _belongs_here(ctx, arn):
            continue
        found[arn] = generic_resource(ctx, arn, rtype, tags_of(mapping))
    return list(found.values())
