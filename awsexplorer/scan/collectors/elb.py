"""Load balancers: Application/Network/Gateway (elbv2) and Classic (elb), one resource type."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    ELB_DESCRIBE_LOAD_BALANCERS,
    ELB_DESCRIBE_TAGS,
    ELBV2_DESCRIBE_LISTENERS,
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


def _forwards_to(action: dict[str, Any]) -> list[str]:
    arns = [str(action["TargetGroupArn"])] if action.get("TargetGroupArn") else []
    for group in (action.get("ForwardConfig") or {}).get("TargetGroups") or []:
        if group.get("TargetGroupArn") and str(group["TargetGroupArn"]) not in arns:
            arns.append(str(group["TargetGroupArn"]))
    return arns


def listener_of(listener: dict[str, Any]) -> dict[str, Any]:
    """One elbv2 listener in the shape docs/exposure.md defines."""
    actions = sorted(listener.get("DefaultActions") or [], key=lambda a: a.get("Order") or 0)
    first = actions[0] if actions else {}
    redirect = first.get("RedirectConfig") or {}
    return {
        "arn": listener.get("ListenerArn"),
        "port": listener.get("Port"),
        "protocol": listener.get("Protocol"),
        "default_action": first.get("Type"),
        "redirect_to": (f"{redirect.get('Protocol')}:{redirect.get('Port')}" if redirect else None),
        "target_group_arns": [arn for action in actions for arn in _forwards_to(action)],
        "ssl_policy": listener.get("SslPolicy"),
        "certificates": [
            str(c["CertificateArn"])
            for c in listener.get("Certificates") or []
            if c.get("CertificateArn")
        ],
    }


async def _listeners(ctx: CollectContext, arn: str) -> list[dict[str, Any]] | None:
    """The load balancer's listeners, or None when the call failed (recorded): unknown."""
    try:
        found = await ctx.paginate_all(ELBV2_DESCRIBE_LISTENERS, "Listeners", LoadBalancerArn=arn)
    except CallFailure as failure:
        ctx.record(failure)
        return None
    return [listener_of(item) for item in found]


def classic_listeners(lb: dict[str, Any]) -> list[dict[str, Any]]:
    """A classic load balancer's listeners (docs/exposure.md: port, protocol, instance_port)."""
    found = []
    for description in lb.get("ListenerDescriptions") or []:
        listener = description.get("Listener") or {}
        found.append(
            {
                "port": listener.get("LoadBalancerPort"),
                "protocol": listener.get("Protocol"),
                "instance_port": listener.get("InstancePort"),
                "instance_protocol": listener.get("InstanceProtocol"),
                "default_action": "forward",
                "certificates": (
                    [str(listener["SSLCertificateId"])] if listener.get("SSLCertificateId") else []
                ),
            }
        )
    return found


@collector(
    service="elbv2",
    calls=[ELBV2_DESCRIBE_LOAD_BALANCERS, ELBV2_DESCRIBE_TAGS, ELBV2_DESCRIBE_LISTENERS],
    types=[kinds.LOAD_BALANCER],
)
async def collect_load_balancers(ctx: CollectContext) -> list[Resource]:
    lbs = await ctx.paginate_all(ELBV2_DESCRIBE_LOAD_BALANCERS, "LoadBalancers")
    if not lbs:
        return []
    arns = [str(lb["LoadBalancerArn"]) for lb in lbs]
    tags, *listeners = await asyncio.gather(
        _tags(ctx, ELBV2_DESCRIBE_TAGS, "ResourceArns", arns),
        *(_listeners(ctx, arn) for arn in arns),
    )
    found: list[Resource] = []
    for lb, lb_listeners in zip(lbs, listeners, strict=True):
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
                    "listeners": lb_listeners,
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
                "listeners": classic_listeners(lb),
                "instances": [
                    str(i["InstanceId"]) for i in lb.get("Instances") or [] if i.get("InstanceId")
                ],
            },
        )
        for lb, name in zip(lbs, names, strict=True)
    ]
