"""Firehose delivery streams: where each reads from and delivers to, as links.

ListDeliveryStreams names them (no paginator: it pages by the last name seen), then one
DescribeDeliveryStream each, which carries the source, the destinations, the role and the key.
Tags from the tagging API, only when a stream exists.
"""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    FIREHOSE_DESCRIBE_DELIVERY_STREAM,
    FIREHOSE_LIST_DELIVERY_STREAMS,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CollectContext, attributes_of, collector

# Destination descriptions and the ARN each delivers to (S3: the bucket; Redshift and
# OpenSearch: the cluster or domain).
_TARGETS = (
    ("ExtendedS3DestinationDescription", "BucketARN", "s3"),
    ("S3DestinationDescription", "BucketARN", "s3"),
    ("AmazonopensearchserviceDestinationDescription", "DomainARN", "opensearch"),
    ("ElasticsearchDestinationDescription", "DomainARN", "elasticsearch"),
    ("RedshiftDestinationDescription", "ClusterJDBCURL", "redshift"),
    ("HttpEndpointDestinationDescription", None, "http-endpoint"),
    ("SplunkDestinationDescription", None, "splunk"),
    ("SnowflakeDestinationDescription", None, "snowflake"),
    ("IcebergDestinationDescription", None, "iceberg"),
)


# Credentials a destination description may carry (Splunk's HEC token, an HTTP endpoint's access
# key): dropped wherever they appear, never stored.
_SECRET_KEYS = frozenset({"HECToken", "AccessKey", "Password", "PrivateKey", "KeyPassphrase"})


def _scrubbed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items() if k not in _SECRET_KEYS}
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    return value


async def _names(ctx: CollectContext) -> list[str]:
    names: list[str] = []
    params: dict[str, Any] = {}
    while True:
        page = await ctx.call(FIREHOSE_LIST_DELIVERY_STREAMS, **params)
        batch = [str(n) for n in page.get("DeliveryStreamNames") or []]
        names.extend(batch)
        if not page.get("HasMoreDeliveryStreams") or not batch:
            return names
        params = {"ExclusiveStartDeliveryStreamName": batch[-1]}


def _destinations(described: dict[str, Any]) -> tuple[list[str], list[dict[str, str]], str | None]:
    """(destination kinds, links to the ARNs delivered to, the first role named)."""
    kinds: list[str] = []
    links: list[dict[str, str]] = []
    role = None
    for destination in described.get("Destinations") or []:
        for key, arn_key, kind in _TARGETS:
            part = destination.get(key)
            if not isinstance(part, dict):
                continue
            if kind not in kinds:
                kinds.append(kind)
            arn = part.get(arn_key) if arn_key else None
            if isinstance(arn, str) and arn.startswith("arn:"):
                link = {"kind": "delivers-to", "arn": arn}
                if link not in links:
                    links.append(link)
            role = role or part.get("RoleARN")
    return kinds, links, role


async def _describe(ctx: CollectContext, name: str) -> dict[str, Any] | None:
    answer = await ctx.try_call(FIREHOSE_DESCRIBE_DELIVERY_STREAM, DeliveryStreamName=name)
    return (
        None if answer is None else _scrubbed(dict(answer.get("DeliveryStreamDescription") or {}))
    )


def _stream(
    ctx: CollectContext,
    name: str,
    described: dict[str, Any] | None,
    tags: dict[str, dict[str, str]] | None,
) -> Resource:
    described = described or {"DeliveryStreamName": name, "details_unknown": True}
    destinations, links, role = _destinations(described)
    source = described.get("Source") or {}
    kinesis = (source.get("KinesisStreamSourceDescription") or {}).get("KinesisStreamARN")
    msk = (source.get("MSKSourceDescription") or {}).get("MSKClusterARN")
    for arn in (kinesis, msk):
        if isinstance(arn, str) and arn:
            links.insert(0, {"kind": "reads-from", "arn": arn})
    encryption = described.get("DeliveryStreamEncryptionConfiguration") or {}
    attributes = attributes_of(described)
    attributes.update(
        {
            "status": described.get("DeliveryStreamStatus"),
            "source_type": described.get("DeliveryStreamType"),
            "destinations": destinations,
            "role": role,
            "kms_key_id": encryption.get("KeyARN"),
            "encryption": encryption.get("Status"),
            "links": links,
        }
    )
    arn = str(described.get("DeliveryStreamARN") or ctx.arn("firehose", f"deliverystream/{name}"))
    return tagged_resource(
        ctx, arn=arn, rtype=kinds.FIREHOSE_STREAM, name=name, tags=tags, attributes=attributes
    )


@collector(
    service="firehose",
    calls=[
        FIREHOSE_LIST_DELIVERY_STREAMS,
        FIREHOSE_DESCRIBE_DELIVERY_STREAM,
        TAGGING_GET_RESOURCES,
    ],
    types=[kinds.FIREHOSE_STREAM],
)
async def collect_delivery_streams(ctx: CollectContext) -> list[Resource]:
    names = await _names(ctx)
    if not names:
        return []
    described, tags = await asyncio.gather(
        asyncio.gather(*(_describe(ctx, name) for name in names)),
        tags_by_arn(ctx, kinds.FIREHOSE_STREAM),
    )
    return [_stream(ctx, n, d, tags) for n, d in zip(names, described, strict=True)]
