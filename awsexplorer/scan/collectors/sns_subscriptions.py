"""SNS subscriptions as wiring: one paginated ListSubscriptions per region names every topic's
subscriptions (protocol, endpoint), one GetSubscriptionAttributes per confirmed subscription adds
its redrive policy (dead-letter queue), filter policy and raw delivery. An endpoint that is an
ARN (a function, a queue, a Firehose stream) becomes a link; an HTTP(S) endpoint is kept without
the credentials or query string its URL may carry."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import SNS_GET_SUBSCRIPTION_ATTRIBUTES, SNS_LIST_SUBSCRIPTIONS
from awsexplorer.scan.collectors.base import CollectContext, attributes_of, collector

PENDING = "PendingConfirmation"


def _json(text: Any) -> dict[str, Any] | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"unparsed": text}
    return parsed if isinstance(parsed, dict) else {"unparsed": text}


def safe_endpoint(protocol: str, endpoint: str | None) -> str | None:
    """The endpoint, an HTTP(S) URL without its user:password@ and its ?query."""
    if not endpoint or protocol not in ("http", "https"):
        return endpoint or None
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def subscription_attributes(
    item: dict[str, Any], detail: dict[str, Any] | None, confirmed: bool
) -> dict[str, Any]:
    protocol = str(item.get("Protocol") or "")
    endpoint = safe_endpoint(protocol, item.get("Endpoint"))
    redrive = _json((detail or {}).get("RedrivePolicy")) or {}
    dead_letter = redrive.get("deadLetterTargetArn")
    links: list[dict[str, str]] = []
    if endpoint and endpoint.startswith("arn:"):
        links.append({"kind": kinds.SNS_SUBSCRIPTION_LINK, "arn": endpoint})
    if isinstance(dead_letter, str) and dead_letter:
        links.append({"kind": kinds.DEAD_LETTER_LINK, "arn": dead_letter})
    raw = (detail or {}).get("RawMessageDelivery")
    attributes = attributes_of({**item, "Endpoint": endpoint})
    attributes.update(
        {
            "topic_arn": item.get("TopicArn"),
            "protocol": protocol or None,
            "endpoint": endpoint,
            "pending": not confirmed,
            "raw_message_delivery": None if raw is None else str(raw).lower() == "true",
            "dead_letter_target": dead_letter if isinstance(dead_letter, str) else None,
            "filter_policy": _json((detail or {}).get("FilterPolicy")),
            kinds.LINKS: links,
        }
    )
    if confirmed and detail is None:
        attributes["attributes_unknown"] = True
    return attributes


def _subscription(
    ctx: CollectContext, index: int, item: dict[str, Any], detail: dict[str, Any] | None
) -> Resource:
    topic = str(item.get("TopicArn") or "")
    arn = str(item.get("SubscriptionArn") or "")
    confirmed = arn.startswith("arn:")
    attributes = subscription_attributes(item, detail, confirmed)
    if not confirmed:  # no ARN until confirmed: one made from its topic and its place
        arn = f"{topic}:{PENDING}:{index}"
    endpoint = str(attributes["endpoint"] or "")
    target = endpoint.rsplit(":", 1)[-1] if endpoint.startswith("arn:") else endpoint
    return Resource(
        arn=arn,
        type=kinds.SNS_SUBSCRIPTION,
        id=arn.rsplit(":", 1)[-1],
        name=f"{topic.rsplit(':', 1)[-1]} -> {target}" if target else arn,
        region=ctx.region,
        attributes=attributes,
    )


async def _detail(ctx: CollectContext, arn: str) -> dict[str, Any] | None:
    if not arn.startswith("arn:"):
        return None  # pending: nothing to read yet
    response = await ctx.try_call(
        SNS_GET_SUBSCRIPTION_ATTRIBUTES, ignore_codes=("NotFound",), SubscriptionArn=arn
    )
    return None if response is None else dict(response.get("Attributes") or {})


@collector(
    service="sns",
    calls=[SNS_LIST_SUBSCRIPTIONS, SNS_GET_SUBSCRIPTION_ATTRIBUTES],
    types=[kinds.SNS_SUBSCRIPTION],
)
async def collect_subscriptions(ctx: CollectContext) -> list[Resource]:
    listed = await ctx.paginate_all(SNS_LIST_SUBSCRIPTIONS, "Subscriptions")
    details = await asyncio.gather(
        *(_detail(ctx, str(s.get("SubscriptionArn") or "")) for s in listed)
    )
    return [
        _subscription(ctx, i, item, detail)
        for i, (item, detail) in enumerate(zip(listed, details, strict=True))
    ]
