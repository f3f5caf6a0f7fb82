"""WAF (v2) web ACLs and what each protects.

REGIONAL ACLs are listed in every region; what each protects comes from ListResourcesForWebACL
(load balancers, API Gateway stages...), one call per ACL and resource type. CLOUDFRONT-scope
ACLs are listed once, in us-east-1, and shown under global beside the distributions; what each
protects is read off the distributions (each names its web ACL), one ListDistributions.

List first: a region without an ACL costs one ListWebACLs."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import GLOBAL_REGION, Resource
from awsexplorer.model.calls import (
    CLOUDFRONT_LIST_DISTRIBUTIONS,
    WAFV2_GET_WEB_ACL,
    WAFV2_LIST_RESOURCES_FOR_WEB_ACL,
    WAFV2_LIST_TAGS_FOR_RESOURCE,
    WAFV2_LIST_WEB_ACLS,
)
from awsexplorer.model.kinds import WEB_ACL
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    Scope,
    attributes_of,
    collector,
    display_name,
    tags_of,
)
from awsexplorer.scan.collectors.cloudfront import CLOUDFRONT_REGION, list_distributions

# The resource types a regional web ACL can be associated with that this explorer lists.
PROTECTED_TYPES = ("APPLICATION_LOAD_BALANCER", "API_GATEWAY")
_PAGE = 100


async def _list(ctx: CollectContext, scope: str, region: str | None) -> list[dict[str, Any]]:
    """Every ACL summary of a scope (ListWebACLs has no botocore paginator: NextMarker)."""
    found: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        params: dict[str, Any] = {"Scope": scope, "Limit": _PAGE}
        if marker:
            params["NextMarker"] = marker
        response = await ctx.call(WAFV2_LIST_WEB_ACLS, region=region, **params)
        page = list(response.get("WebACLs") or [])
        found += page
        marker = response.get("NextMarker")
        if not marker or not page:
            return found


async def _detail(
    ctx: CollectContext, summary: dict[str, Any], scope: str, region: str | None
) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
    acl, tags = await asyncio.gather(
        ctx.try_call(
            WAFV2_GET_WEB_ACL,
            region=region,
            Name=summary["Name"],
            Id=summary["Id"],
            Scope=scope,
        ),
        ctx.try_call(WAFV2_LIST_TAGS_FOR_RESOURCE, region=region, ResourceARN=summary["ARN"]),
    )
    web_acl = None if acl is None else dict(acl.get("WebACL") or {})
    tag_list = None if tags is None else (tags.get("TagInfoForResource") or {}).get("TagList")
    return web_acl, None if tags is None else tags_of({"Tags": tag_list or []})


async def _protected(ctx: CollectContext, arn: str) -> list[str] | None:
    """The ARNs of what a regional ACL protects; None when a call failed (recorded)."""
    try:
        answers = await asyncio.gather(
            *(
                ctx.call(WAFV2_LIST_RESOURCES_FOR_WEB_ACL, WebACLArn=arn, ResourceType=kind)
                for kind in PROTECTED_TYPES
            )
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return sorted({str(a) for answer in answers for a in answer.get("ResourceArns") or []})


def _default_action(acl: dict[str, Any]) -> str | None:
    action = acl.get("DefaultAction") or {}
    return "block" if "Block" in action else "allow" if "Allow" in action else None


def _web_acl(
    ctx: CollectContext,
    summary: dict[str, Any],
    scope: str,
    acl: dict[str, Any] | None,
    tags: dict[str, str] | None,
    protects: list[str] | None,
    region: str,
) -> Resource:
    name = str(summary["Name"])
    attributes = attributes_of({**summary, **(acl or {})})
    attributes.pop("LockToken", None)
    rules = None if acl is None else [str(r.get("Name")) for r in acl.get("Rules") or []]
    attributes.update(
        {
            "waf_scope": scope,
            "default_action": None if acl is None else _default_action(acl),
            "rules": rules,
            "capacity": None if acl is None else acl.get("Capacity"),
            "protects": protects,
        }
    )
    if acl is None:
        attributes["detail_unknown"] = True
    if tags is None:
        attributes["tags_unknown"] = True
    return Resource(
        arn=str(summary["ARN"]),
        type=WEB_ACL,
        id=str(summary["Id"]),
        name=display_name(tags or {}, name, name),
        region=region,
        tags=dict(tags or {}),
        attributes=attributes,
    )


@collector(
    service="wafv2",
    calls=[
        WAFV2_LIST_WEB_ACLS,
        WAFV2_GET_WEB_ACL,
        WAFV2_LIST_TAGS_FOR_RESOURCE,
        WAFV2_LIST_RESOURCES_FOR_WEB_ACL,
    ],
    types=[WEB_ACL],
)
async def collect_regional_web_acls(ctx: CollectContext) -> list[Resource]:
    summaries = await _list(ctx, "REGIONAL", None)
    if not summaries:
        return []
    details, protected = await asyncio.gather(
        asyncio.gather(*(_detail(ctx, s, "REGIONAL", None) for s in summaries)),
        asyncio.gather(*(_protected(ctx, str(s["ARN"])) for s in summaries)),
    )
    return [
        _web_acl(ctx, s, "REGIONAL", acl, tags, protects, ctx.region)
        for s, (acl, tags), protects in zip(summaries, details, protected, strict=True)
    ]


async def _protected_distributions(ctx: CollectContext) -> dict[str, list[str]] | None:
    """{web ACL ARN: [distribution ARNs]}; None when the distributions could not be listed."""
    try:
        summaries = await list_distributions(ctx)
    except CallFailure as failure:
        ctx.record(failure)
        return None
    by_acl: dict[str, list[str]] = {}
    for summary in summaries:
        if summary.get("WebACLId") and summary.get("ARN"):
            by_acl.setdefault(str(summary["WebACLId"]), []).append(str(summary["ARN"]))
    return by_acl


@collector(
    service="wafv2",
    scope=Scope.GLOBAL,
    calls=[
        WAFV2_LIST_WEB_ACLS,
        WAFV2_GET_WEB_ACL,
        WAFV2_LIST_TAGS_FOR_RESOURCE,
        CLOUDFRONT_LIST_DISTRIBUTIONS,
    ],
    types=[WEB_ACL],
)
async def collect_cloudfront_web_acls(ctx: CollectContext) -> list[Resource]:
    if ctx.partition != "aws":
        return []  # CloudFront, and so its web ACLs, is in the commercial partition only
    summaries = await _list(ctx, "CLOUDFRONT", CLOUDFRONT_REGION)
    if not summaries:
        return []
    details, by_acl = await asyncio.gather(
        asyncio.gather(*(_detail(ctx, s, "CLOUDFRONT", CLOUDFRONT_REGION) for s in summaries)),
        _protected_distributions(ctx),
    )
    return [
        _web_acl(
            ctx,
            s,
            "CLOUDFRONT",
            acl,
            tags,
            None if by_acl is None else sorted(by_acl.get(str(s["ARN"]), [])),
            GLOBAL_REGION,
        )
        for s, (acl, tags) in zip(summaries, details, strict=True)
    ]
