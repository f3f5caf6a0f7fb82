"""OpenSearch Service domains (client opensearch, IAM prefix and ARN service es).

ListDomainNames, then DescribeDomains in batches of five (its limit): the VPC placement, the
encryption settings and the access policy. Tags from the tagging API, only when a domain exists.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    OPENSEARCH_DESCRIBE_DOMAINS,
    OPENSEARCH_LIST_DOMAIN_NAMES,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CollectContext, attributes_of, collector

_BATCH = 5  # DescribeDomains takes at most five names


def _policy(text: Any) -> dict[str, Any] | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _enabled(section: Any, key: str = "Enabled") -> bool | None:
    value = section.get(key) if isinstance(section, dict) else None
    return value if isinstance(value, bool) else None


def _domain(
    ctx: CollectContext, domain: dict[str, Any], tags: dict[str, dict[str, str]] | None
) -> Resource:
    name = str(domain["DomainName"])
    vpc = domain.get("VPCOptions") or {}
    subnet_ids = [str(s) for s in vpc.get("SubnetIds") or []]
    endpoints = domain.get("Endpoints") or {}
    at_rest = domain.get("EncryptionAtRestOptions") or {}
    attributes = attributes_of(domain, drop=("Tags", "AccessPolicies"))
    attributes.update(
        {
            "engine_version": domain.get("EngineVersion"),
            "endpoint": domain.get("Endpoint") or endpoints.get("vpc"),
            "in_vpc": bool(vpc.get("VPCId") or subnet_ids),
            "encryption_at_rest": _enabled(at_rest),
            "node_to_node_encryption": _enabled(domain.get("NodeToNodeEncryptionOptions")),
            "enforce_https": _enabled(domain.get("DomainEndpointOptions"), "EnforceHTTPS"),
            "access_policy": _policy(domain.get("AccessPolicies")),
            "kms_key_id": at_rest.get("KmsKeyId"),
            "subnet_ids": subnet_ids,
            "security_groups": [str(g) for g in vpc.get("SecurityGroupIds") or []],
        }
    )
    return tagged_resource(
        ctx,
        arn=str(domain.get("ARN") or ctx.arn("es", f"domain/{name}")),
        rtype=kinds.SEARCH_DOMAIN,
        name=name,
        tags=tags,
        attributes=attributes,
        vpc_id=vpc.get("VPCId") or None,
        subnet_id=subnet_ids[0] if subnet_ids else None,
    )


async def _describe(ctx: CollectContext, names: list[str]) -> list[dict[str, Any]]:
    answer = await ctx.call(OPENSEARCH_DESCRIBE_DOMAINS, DomainNames=names)
    return list(answer.get("DomainStatusList") or [])


@collector(
    service="opensearch",
    calls=[OPENSEARCH_LIST_DOMAIN_NAMES, OPENSEARCH_DESCRIBE_DOMAINS, TAGGING_GET_RESOURCES],
    types=[kinds.SEARCH_DOMAIN],
)
async def collect_domains(ctx: CollectContext) -> list[Resource]:
    listed = await ctx.call(OPENSEARCH_LIST_DOMAIN_NAMES)  # not paginated
    names = [str(d["DomainName"]) for d in listed.get("DomainNames") or [] if d.get("DomainName")]
    if not names:
        return []
    batches, tags = await asyncio.gather(
        asyncio.gather(
            *(_describe(ctx, names[i : i + _BATCH]) for i in range(0, len(names), _BATCH))
        ),
        tags_by_arn(ctx, kinds.SEARCH_DOMAIN),
    )
    return [_domain(ctx, d, tags) for batch in batches for d in batch]
