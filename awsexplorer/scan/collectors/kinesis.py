"""Kinesis data streams: ListStreams names them (with their summaries), one summary call per
stream gives retention, shards and encryption; tags from the tagging API, only when a stream
exists."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    KINESIS_DESCRIBE_STREAM_SUMMARY,
    KINESIS_LIST_STREAMS,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CollectContext, attributes_of, collector


async def _summary(ctx: CollectContext, name: str) -> dict[str, Any]:
    answer = await ctx.try_call(KINESIS_DESCRIBE_STREAM_SUMMARY, StreamName=name)
    return dict((answer or {}).get("StreamDescriptionSummary") or {})


@collector(
    service="kinesis",
    calls=[KINESIS_LIST_STREAMS, KINESIS_DESCRIBE_STREAM_SUMMARY, TAGGING_GET_RESOURCES],
    types=[kinds.KINESIS_STREAM],
)
async def collect_streams(ctx: CollectContext) -> list[Resource]:
    listed = await ctx.paginate_all(KINESIS_LIST_STREAMS, "StreamSummaries")
    if not listed:
        return []
    names = [str(s["StreamName"]) for s in listed]
    summaries, tags = await asyncio.gather(
        asyncio.gather(*(_summary(ctx, name) for name in names)),
        tags_by_arn(ctx, kinds.KINESIS_STREAM),
    )
    found = []
    for item, summary in zip(listed, summaries, strict=True):
        merged = {**item, **summary}
        name = str(item["StreamName"])
        attributes = attributes_of(merged)
        encryption = summary.get("EncryptionType")
        attributes.update(
            {
                "status": merged.get("StreamStatus"),
                "mode": (merged.get("StreamModeDetails") or {}).get("StreamMode"),
                "retention_hours": summary.get("RetentionPeriodHours"),
                "shards": summary.get("OpenShardCount"),
                "encryption": None if encryption is None else str(encryption),
                "kms_key_id": summary.get("KeyId"),
            }
        )
        arn = str(merged.get("StreamARN") or ctx.arn("kinesis", f"stream/{name}"))
        found.append(
            tagged_resource(
                ctx,
                arn=arn,
                rtype=kinds.KINESIS_STREAM,
                name=name,
                tags=tags,
                attributes=attributes,
            )
        )
    return found
