"""EventBridge: event buses, and the rules on each with their targets as links.

ListEventBuses names the buses (every region has a `default` one: listed as a resource only when
someone gave it a policy, otherwise it is AWS's own), ListRules the rules of each bus, and one
ListTargetsByRule per rule where they are sent, with each target's dead-letter queue. A target's
Input, InputTransformer and HTTP parameters are never kept: they may carry literal values.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    EVENTS_LIST_EVENT_BUSES,
    EVENTS_LIST_RULES,
    EVENTS_LIST_TARGETS_BY_RULE,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
)

DEFAULT_BUS = "default"
_PAGES_LIMIT = 50  # ListEventBuses has no paginator; 50 pages of buses is far beyond real use


def _json(text: Any) -> dict[str, Any] | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"unparsed": text}
    return parsed if isinstance(parsed, dict) else {"unparsed": text}


async def _buses(ctx: CollectContext) -> list[dict[str, Any]]:
    buses: list[dict[str, Any]] = []
    token: str | None = None
    for _ in range(_PAGES_LIMIT):
        page = await ctx.call(EVENTS_LIST_EVENT_BUSES, **({"NextToken": token} if token else {}))
        buses += page.get("EventBuses") or []
        token = page.get("NextToken")
        if not token:
            break
    return buses


async def _targets(ctx: CollectContext, rule: dict[str, Any]) -> list[dict[str, Any]] | None:
    try:
        return await ctx.paginate_all(
            EVENTS_LIST_TARGETS_BY_RULE,
            "Targets",
            Rule=rule["Name"],
            EventBusName=rule.get("EventBusName") or DEFAULT_BUS,
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None


def target_summary(target: dict[str, Any]) -> dict[str, Any]:
    """What a target is, without the literal input it is sent."""
    retry = target.get("RetryPolicy") or {}
    return {
        "id": target.get("Id"),
        "arn": target.get("Arn"),
        "role": target.get("RoleArn"),
        "dead_letter_arn": (target.get("DeadLetterConfig") or {}).get("Arn"),
        "max_retry_attempts": retry.get("MaximumRetryAttempts"),
        "max_event_age_s": retry.get("MaximumEventAgeInSeconds"),
    }


def rule_attributes(rule: dict[str, Any], targets: list[dict[str, Any]] | None) -> dict[str, Any]:
    summaries = None if targets is None else [target_summary(t) for t in targets]
    links: list[dict[str, str]] = []
    for target in summaries or []:
        for kind, arn in (
            (kinds.EVENTBRIDGE_TARGET_LINK, target["arn"]),
            (kinds.DEAD_LETTER_LINK, target["dead_letter_arn"]),
        ):
            link = {"kind": kind, "arn": str(arn)}
            if arn and link not in links:
                links.append(link)
    attributes = attributes_of(rule)
    attributes.update(
        {
            kinds.STATE: rule.get("State"),
            "event_bus": rule.get("EventBusName") or DEFAULT_BUS,
            "schedule": rule.get("ScheduleExpression") or None,
            "event_pattern": _json(rule.get("EventPattern")),
            kinds.ROLE: rule.get("RoleArn"),
            "targets": summaries,
            "target_arns": [str(t["arn"]) for t in summaries or [] if t["arn"]],
            kinds.LINKS: links,
        }
    )
    if targets is None:
        attributes["targets_unknown"] = True
    return attributes


def bus_attributes(bus: dict[str, Any]) -> dict[str, Any]:
    attributes = attributes_of(bus)
    attributes.update(
        {"is_default": bus.get("Name") == DEFAULT_BUS, "policy": _json(bus.get("Policy"))}
    )
    return attributes


def _rule_arn(ctx: CollectContext, rule: dict[str, Any]) -> str:
    bus = rule.get("EventBusName") or DEFAULT_BUS
    path = f"rule/{rule['Name']}" if bus == DEFAULT_BUS else f"rule/{bus}/{rule['Name']}"
    return str(rule.get("Arn") or ctx.arn("events", path))


@collector(
    service="events",
    calls=[
        EVENTS_LIST_EVENT_BUSES,
        EVENTS_LIST_RULES,
        EVENTS_LIST_TARGETS_BY_RULE,
        TAGGING_GET_RESOURCES,
    ],
    types=[kinds.EVENT_BUS, kinds.EVENT_RULE],
)
async def collect_buses_and_rules(ctx: CollectContext) -> list[Resource]:
    # The default bus's rules are listed at once, beside the bus list: an empty region costs
    # these two calls and nothing more.
    buses, default_rules = await asyncio.gather(
        _buses(ctx), ctx.paginate_all(EVENTS_LIST_RULES, "Rules", EventBusName=DEFAULT_BUS)
    )
    others = [b for b in buses if b.get("Name") and b.get("Name") != DEFAULT_BUS]
    more = await asyncio.gather(
        *(ctx.paginate_all(EVENTS_LIST_RULES, "Rules", EventBusName=b["Name"]) for b in others)
    )
    rules = [r for r in [*default_rules, *(r for page in more for r in page)] if r.get("Name")]
    shown = [b for b in buses if b.get("Name") != DEFAULT_BUS or b.get("Policy")]
    if not rules and not shown:
        return []
    targets, rule_tags, bus_tags = await asyncio.gather(
        asyncio.gather(*(_targets(ctx, r) for r in rules)),
        tags_by_arn(ctx, kinds.EVENT_RULE) if rules else asyncio.sleep(0, {}),
        tags_by_arn(ctx, kinds.EVENT_BUS) if shown else asyncio.sleep(0, {}),
    )
    found = [
        tagged_resource(
            ctx,
            arn=str(bus.get("Arn") or ctx.arn("events", f"event-bus/{bus['Name']}")),
            rtype=kinds.EVENT_BUS,
            name=str(bus["Name"]),
            tags=bus_tags,
            attributes=bus_attributes(bus),
        )
        for bus in shown
    ]
    found += [
        tagged_resource(
            ctx,
            arn=_rule_arn(ctx, rule),
            rtype=kinds.EVENT_RULE,
            name=str(rule["Name"]),
            tags=rule_tags,
            attributes=rule_attributes(rule, rule_targets),
        )
        for rule, rule_targets in zip(rules, targets, strict=True)
    ]
    return found
