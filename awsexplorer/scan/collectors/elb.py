"""Load balancers: Application/Network/Gateway (elbv2) and Classic (elb), one resource type."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    ELB_DESCRIBE_LOAD_BALANCERS,
    ELB_DESCRIBE_TAGS,
    ELBV2_DESCRIBE_LOAD_BALANCERS,
    ELBV2_DESCRIBE_TAGS,
    Call,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
    display_name,
    tags_of,
)

_TAG_BATCH = 20  # DescribeTags takes at most 20 load balancers per call


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def _tags(
    ctx: CollectContext, call: Call, key: str, ids: list[str]
) -> dict[str, dict[str, str]] | None:
    """{arn or name: tags} in batches of 20, or None if any batch failed (recorded)."""
    try:
        responses = await asyncio.gather(
            *(
                ctx.call(call, **cast("dict[str, Any]", {key: batch}))
                for batch in _chunks(ids, _TAG_BATCH)
            )
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None
    id_key = "ResourceArn" if call.client == "elbv2" else "LoadBalancerName"
    return {str(d[id_key]): tags_of(d) for r in responses for d in r.get("TagDescriptions") or []}


def _resource(
    ctx: CollectContext,
    lb: dict[str, Any],
    *,
    arn: str,
    name: str,
    tags: dict[str, dict[str, str]] | None,
    tag_key: str,
    extra: dict[str, Any],
) -> Resource:
    attributes = attributes_of(lb)
    attributes.update(extra)
    if tags is None:
        attributes["tags_unknown"] = True
    resource_tags = dict((tags or {}).get(tag_key, {}))
    subnet_ids = extra["subnet_ids"]
    return Resource(
        arn=arn,
        type=kinds.LOAD_BALANCER,
        id=name,
        name=display_name(resource_tags, name, name),
        region=ctx.region,
        vpc_id=extra["vpc_id"],
        subnet_id=subnet_ids[0] if subnet_ids else None,
        tags=resource_tags,
        attributes=attributes,
    )


@collector(
    service="elbv2",
    calls=[ELBV2_DESCRIBE_LOAD_BALANCERS, ELBV2_DESCRIBE_TAGS],
    types=[kinds.LOAD_BALANCER],
)
async def collect_load_balancers(ctx: CollectContext) -> list[Resource]:
    lbs = await ctx.paginate_all(ELBV2_DESCRIBE_LOAD_BALANCERS, "LoadBalancers")
    if not lbs:
        return []
    tags = await _tags(
        ctx, ELBV2_DESCRIBE_TAGS, "ResourceArns", [str(lb["LoadBalancerArn"]) for lb in lbs]
    )
    found: list[Resource] = []
    for lb in lbs:
        arn = str(lb["LoadBalancerArn"])
        zones = lb.get("AvailabilityZones") or []
        found.append(
            _resource(
                ctx,
                lb,
                arn=arn,
                name=str(lb["LoadBalancerName"]),
                tags=tags,
                tag_key=arn,
                extra={
                    "scheme": lb.get("Scheme"),
                    "type": lb.get("Type"),
                    "state": (lb.get("State") or {}).get("Code"),
                    "dns_name": lb.get("DNSName"),
                    "vpc_id": lb.get("VpcId") or None,
                    "subnet_ids": [str(z["SubnetId"]) for z in zones if z.get("SubnetId")],
                    "security_groups": [str(g) for g in lb.get("SecurityGroups") or []],
                },
            )
        )
    return found


@collector(
    service="elb",
    calls=[ELB_DESCRIBE_LOAD_BALANCERS, ELB_DESCRIBE_TAGS],
    types=[kinds.LOAD_BALANCER],
    name="elb.classic_load_balancers",
)
async def collect_classic_load_balancers(ctx: CollectContext) -> list[Resource]:
    lbs = await ctx.paginate_all(ELB_DESCRIBE_LOAD_BALANCERS, "LoadBalancerDescriptions")
    if not lbs:
        return []
    names = [str(lb["LoadBalancerName"]) for lb in lbs]
    tags = await _tags(ctx, ELB_DESCRIBE_TAGS, "LoadBalancerNames", names)
    return [
        _resource(
            ctx,
            lb,
            arn=ctx.arn("elasticloadbalancing", f"loadbalancer/{name}"),
            name=name,
            tags=tags,
            tag_key=name,
            extra={
                "scheme": lb.get("Scheme"),
                "type": "classic",
                "state": None,
                "dns_name": lb.get("DNSName"),
                "vpc_id": lb.get("VPCId") or None,
                "subnet_ids": [str(s) for s in lb.get("Subnets") or []],
                "security_groups": [str(g) for g in lb.get("SecurityGroups") or []],
            },
        )
        for lb, name in zip(lbs, names, strict=True)
    ]
