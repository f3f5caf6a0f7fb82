"""ACM certificates: domains, status, expiry and what uses each.

List first: a region without a certificate costs one ListCertificates; DescribeCertificate only
for those that exist (InUseBy is not in the list's summaries). Tags from the Tagging API."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource
from awsexplorer.model.calls import (
    ACM_DESCRIBE_CERTIFICATE,
    ACM_LIST_CERTIFICATES,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.model.kinds import CERTIFICATE
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CollectContext, attributes_of, collector, json_safe

# ListCertificates returns RSA-2048 certificates only unless asked for every key type.
KEY_TYPES = [
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
]


async def _describe(ctx: CollectContext, arn: str) -> dict[str, Any] | None:
    response = await ctx.try_call(
        ACM_DESCRIBE_CERTIFICATE, ignore_codes=("ResourceNotFoundException",), CertificateArn=arn
    )
    return None if response is None else dict(response.get("Certificate") or {})


def certificate_attributes(
    summary: dict[str, Any], detail: dict[str, Any] | None
) -> dict[str, Any]:
    merged = {**summary, **(detail or {})}
    attributes = attributes_of(merged)
    not_after = json_safe(merged.get("NotAfter"))
    domains = (
        merged.get("SubjectAlternativeNames")
        or merged.get("SubjectAlternativeNameSummaries")
        or ([merged["DomainName"]] if merged.get("DomainName") else [])
    )
    attributes.update(
        {
            "domain_name": merged.get("DomainName"),
            "domains": [str(d) for d in domains],
            "status": merged.get("Status"),
            "not_after": str(not_after) if not_after else None,
            "in_use_by": [str(a) for a in (detail or {}).get("InUseBy") or []],
            "certificate_type": merged.get("Type"),
            "renewal_eligibility": merged.get("RenewalEligibility"),
        }
    )
    if detail is None:
        attributes["detail_unknown"] = True
    return attributes


@collector(
    service="acm",
    calls=[ACM_LIST_CERTIFICATES, ACM_DESCRIBE_CERTIFICATE, TAGGING_GET_RESOURCES],
    types=[CERTIFICATE],
)
async def collect_certificates(ctx: CollectContext) -> list[Resource]:
    summaries = await ctx.paginate_all(
        ACM_LIST_CERTIFICATES, "CertificateSummaryList", Includes={"keyTypes": KEY_TYPES}
    )
    if not summaries:
        return []
    arns = [str(s["CertificateArn"]) for s in summaries]
    details, tags = await asyncio.gather(
        asyncio.gather(*(_describe(ctx, arn) for arn in arns)),
        tags_by_arn(ctx, CERTIFICATE),
    )
    return [
        _certificate(ctx, arn, summary, detail, tags)
        for arn, summary, detail in zip(arns, summaries, details, strict=True)
    ]


def _certificate(
    ctx: CollectContext,
    arn: str,
    summary: dict[str, Any],
    detail: dict[str, Any] | None,
    tags: dict[str, dict[str, str]] | None,
) -> Resource:
    """Named by its domain; its id is the certificate's own (several may share a domain)."""
    resource = tagged_resource(
        ctx,
        arn=arn,
        rtype=CERTIFICATE,
        name=arn.rsplit("/", 1)[-1],
        tags=tags,
        attributes=certificate_attributes(summary, detail),
    )
    domain = resource.attributes.get("domain_name")
    if domain and "Name" not in resource.tags:
        resource.name = str(domain)
    return resource
