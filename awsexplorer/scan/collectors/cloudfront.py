"""CloudFront distributions: global, listed once for the account (the API lives in us-east-1).

Everything the record needs is in ListDistributions' summaries (origins, aliases, each cache
behaviour's viewer protocol policy, the web ACL id): no call per distribution. Tags come from
the Resource Groups Tagging API, which answers for CloudFront in us-east-1 only."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import GLOBAL_REGION, Resource
from awsexplorer.model.calls import CLOUDFRONT_LIST_DISTRIBUTIONS, TAGGING_GET_RESOURCES
from awsexplorer.model.kinds import DISTRIBUTION
from awsexplorer.scan.collectors._tagging import tags_by_arn, tags_for
from awsexplorer.scan.collectors.base import (
    CollectContext,
    Scope,
    attributes_of,
    collector,
    display_name,
)

# CloudFront is a global service whose control plane (and tags) answer in us-east-1.
CLOUDFRONT_REGION = "us-east-1"


def _items(container: Any) -> list[dict[str, Any]]:
    """CloudFront's {Quantity, Items} lists, as a list (Items is absent when Quantity is 0)."""
    if not isinstance(container, dict):
        return []
    return [i for i in container.get("Items") or [] if isinstance(i, dict)]


def _strings(container: Any) -> list[str]:
    if not isinstance(container, dict):
        return []
    return [str(i) for i in container.get("Items") or []]


def _origin(origin: dict[str, Any]) -> dict[str, Any]:
    custom = origin.get("CustomOriginConfig")
    return {
        "id": origin.get("Id"),
        "domain_name": origin.get("DomainName"),
        "origin_path": origin.get("OriginPath") or None,
        "origin_type": "custom" if custom else "s3",
        # How CloudFront talks to the origin (custom origins only): http-only, https-only...
        "protocol_policy": (custom or {}).get("OriginProtocolPolicy"),
        "origin_access_control": origin.get("OriginAccessControlId") or None,
    }


def viewer_protocol_policies(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each cache behaviour's viewer protocol policy, the default behaviour as path "*"."""
    default = summary.get("DefaultCacheBehavior") or {}
    policies = [{"path_pattern": "*", "policy": default.get("ViewerProtocolPolicy")}]
    policies += [
        {"path_pattern": b.get("PathPattern"), "policy": b.get("ViewerProtocolPolicy")}
        for b in _items(summary.get("CacheBehaviors"))
    ]
    return policies


def distribution_attributes(summary: dict[str, Any]) -> dict[str, Any]:
    certificate = summary.get("ViewerCertificate") or {}
    attributes = attributes_of(summary)
    attributes.update(
        {
            "domain_name": summary.get("DomainName"),
            "status": summary.get("Status"),
            "enabled": bool(summary.get("Enabled")),
            "aliases": _strings(summary.get("Aliases")),
            "origins": [_origin(o) for o in _items(summary.get("Origins"))],
            "viewer_protocol_policies": viewer_protocol_policies(summary),
            "default_viewer_protocol": (summary.get("DefaultCacheBehavior") or {}).get(
                "ViewerProtocolPolicy"
            ),
            "origin_domains": [str(o.get("DomainName")) for o in _items(summary.get("Origins"))],
            # A WAFv2 web ACL's ARN, or a WAF Classic ACL's id; None when unprotected.
            "web_acl_id": summary.get("WebACLId") or None,
            "certificate": certificate.get("ACMCertificateArn")
            or certificate.get("IAMCertificateId")
            or None,
            "minimum_protocol_version": certificate.get("MinimumProtocolVersion"),
            "price_class": summary.get("PriceClass"),
        }
    )
    return attributes


async def list_distributions(ctx: CollectContext) -> list[dict[str, Any]]:
    """Every distribution summary. The paginator's result key is nested (DistributionList.Items),
    so pages are followed by their marker here."""
    summaries: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        params: dict[str, Any] = {"Marker": marker} if marker else {}
        response = await ctx.call(CLOUDFRONT_LIST_DISTRIBUTIONS, region=CLOUDFRONT_REGION, **params)
        page = response.get("DistributionList") or {}
        summaries += _items(page)
        marker = page.get("NextMarker")
        if not page.get("IsTruncated") or not marker:
            return summaries


def _distribution(
    ctx: CollectContext, summary: dict[str, Any], tags: dict[str, dict[str, str]] | None
) -> Resource:
    distribution_id = str(summary["Id"])
    arn = str(
        summary.get("ARN")
        or f"arn:{ctx.partition}:cloudfront::{ctx.account.id}:distribution/{distribution_id}"
    )
    attributes = distribution_attributes(summary)
    if tags is None:
        attributes["tags_unknown"] = True
    resource_tags = tags_for(tags, arn)
    natural = (attributes["aliases"] or [None])[0] or attributes["domain_name"]
    return Resource(
        arn=arn,
        type=DISTRIBUTION,
        id=distribution_id,
        name=display_name(resource_tags, natural, distribution_id),
        region=GLOBAL_REGION,
        tags=resource_tags,
        attributes=attributes,
    )


@collector(
    service="cloudfront",
    scope=Scope.GLOBAL,
    calls=[CLOUDFRONT_LIST_DISTRIBUTIONS, TAGGING_GET_RESOURCES],
    types=[DISTRIBUTION],
)
async def collect_distributions(ctx: CollectContext) -> list[Resource]:
    summaries = await list_distributions(ctx)
    if not summaries:
        return []
    tags = await tags_by_arn(ctx, DISTRIBUTION, region=CLOUDFRONT_REGION)
    return [_distribution(ctx, s, tags) for s in summaries]
