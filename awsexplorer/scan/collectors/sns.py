"""SNS topics with their attributes (encryption, subscriptions, access policy)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    SNS_GET_TOPIC_ATTRIBUTES,
    SNS_LIST_TOPICS,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CollectContext, collector, json_safe


def _json(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) and text else None
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


async def _attributes(ctx: CollectContext, arn: str) -> dict[str, Any] | None:
    # Per topic by design: ListTopics returns only ARNs and there is no batch variant.
    response = await ctx.try_call(
        SNS_GET_TOPIC_ATTRIBUTES, ignore_codes=("NotFound",), TopicArn=arn
    )
    return None if response is None else dict(response.get("Attributes") or {})


def _topic(
    ctx: CollectContext,
    arn: str,
    attrs: dict[str, Any] | None,
    tags: dict[str, dict[str, str]] | None,
) -> Resource:
    name = arn.rsplit(":", 1)[-1]
    attributes: dict[str, Any] = json_safe(attrs or {})
    key = (attrs or {}).get("KmsMasterKeyId")
    attributes.update(
        {
            "display_name": (attrs or {}).get("DisplayName") or None,
            "fifo": name.endswith(".fifo"),
            "policy": _json((attrs or {}).get("Policy")),
            "subscriptions_confirmed": _int((attrs or {}).get("SubscriptionsConfirmed")),
            "subscriptions_pending": _int((attrs or {}).get("SubscriptionsPending")),
            # None: the attributes could not be read (the error is recorded).
            "encryption": None
            if attrs is None
            else {"enabled": bool(key), "type": "SSE-KMS" if key else None, "kms_key_id": key},
        }
    )
    if attrs is None:
        attributes["attributes_unknown"] = True
    return tagged_resource(
        ctx, arn=arn, rtype=kinds.TOPIC, name=name, tags=tags, attributes=attributes
    )


@collector(
    service="sns",
    calls=[SNS_LIST_TOPICS, SNS_GET_TOPIC_ATTRIBUTES, TAGGING_GET_RESOURCES],
    types=[kinds.TOPIC],
)
async def collect_topics(ctx: CollectContext) -> list[Resource]:
    topics = await ctx.paginate_all(SNS_LIST_TOPICS, "Topics")
    arns = [str(t["TopicArn"]) for t in topics if t.get("TopicArn")]
    if not arns:
        return []
    details, tags = await asyncio.gather(
        asyncio.gather(*(_attributes(ctx, arn) for arn in arns)),
        tags_by_arn(ctx, kinds.TOPIC),
    )
    return [_topic(ctx, arn, attrs, tags) for arn, attrs in zip(arns, details, strict=True)]
