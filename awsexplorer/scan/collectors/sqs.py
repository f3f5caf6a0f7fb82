"""SQS queues: redrive (dead-letter) wiring in both directions, and encryption at rest."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    SQS_GET_QUEUE_ATTRIBUTES,
    SQS_LIST_QUEUES,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CollectContext, collector, json_safe


def _json(text: Any) -> Any:
    if not isinstance(text, str) or not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def queue_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def encryption_of(attributes: dict[str, Any]) -> dict[str, Any]:
    """SSE-KMS (a KMS key), SSE-SQS (SQS-managed keys) or not encrypted."""
    key = attributes.get("KmsMasterKeyId")
    if key:
        return {"enabled": True, "type": "SSE-KMS", "kms_key_id": key}
    if str(attributes.get("SqsManagedSseEnabled", "")).lower() == "true":
        return {"enabled": True, "type": "SSE-SQS", "kms_key_id": None}
    return {"enabled": False, "type": None, "kms_key_id": None}


async def _attributes(ctx: CollectContext, url: str) -> dict[str, Any] | None:
    # GetQueueAttributes is per queue by design: there is no account-wide variant.
    response = await ctx.try_call(
        SQS_GET_QUEUE_ATTRIBUTES,
        ignore_codes=("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"),
        QueueUrl=url,
        AttributeNames=["All"],
    )
    return None if response is None else dict(response.get("Attributes") or {})


@collector(
    service="sqs",
    calls=[SQS_LIST_QUEUES, SQS_GET_QUEUE_ATTRIBUTES, TAGGING_GET_RESOURCES],
    types=[kinds.QUEUE],
)
async def collect_queues(ctx: CollectContext) -> list[Resource]:
    urls = [str(u) for u in await ctx.paginate_all(SQS_LIST_QUEUES, "QueueUrls")]
    if not urls:
        return []
    details, tags = await asyncio.gather(
        asyncio.gather(*(_attributes(ctx, url) for url in urls)),
        tags_by_arn(ctx, kinds.QUEUE),
    )
    redrive = {
        url: _json((attrs or {}).get("RedrivePolicy"))
        for url, attrs in zip(urls, details, strict=True)
    }
    # A queue is a dead-letter queue when another queue in the region redrives into it.
    targets = {
        str(policy["deadLetterTargetArn"])
        for policy in redrive.values()
        if isinstance(policy, dict) and policy.get("deadLetterTargetArn")
    }
    found: list[Resource] = []
    for url, attrs in zip(urls, details, strict=True):
        name = queue_name(url)
        arn = str((attrs or {}).get("QueueArn") or ctx.arn("sqs", name))
        policy = redrive[url]
        attributes: dict[str, Any] = json_safe(attrs or {})
        attributes.update(
            {
                "url": url,
                "fifo": name.endswith(".fifo"),
                "policy": _json((attrs or {}).get("Policy")),
                "redrive_policy": policy,
                "dead_letter_target": policy.get("deadLetterTargetArn")
                if isinstance(policy, dict)
                else None,
                "max_receive_count": policy.get("maxReceiveCount")
                if isinstance(policy, dict)
                else None,
                "redrive_allow_policy": _json((attrs or {}).get("RedriveAllowPolicy")),
                "is_dead_letter_queue": arn in targets,
                # None: the attributes could not be read (the error is recorded).
                "encryption": None if attrs is None else encryption_of(attrs),
            }
        )
        if attrs is None:
            attributes["attributes_unknown"] = True
        found.append(
            tagged_resource(
                ctx, arn=arn, rtype=kinds.QUEUE, name=name, tags=tags, attributes=attributes
            )
        )
    return found
