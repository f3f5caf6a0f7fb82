"""DynamoDB tables: billing mode and encryption at rest."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    DYNAMODB_DESCRIBE_TABLE,
    DYNAMODB_LIST_TABLES,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
)


def encryption_of(table: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB always encrypts at rest; no SSEDescription means an AWS-owned key."""
    sse = table.get("SSEDescription") or {}
    if not sse:
        return {"enabled": True, "type": "AWS_OWNED_KEY", "kms_key_arn": None, "status": None}
    return {
        "enabled": sse.get("Status") in (None, "ENABLED", "ENABLING", "UPDATING"),
        "type": sse.get("SSEType") or "KMS",
        "kms_key_arn": sse.get("KMSMasterKeyArn"),
        "status": sse.get("Status"),
    }


async def _describe(ctx: CollectContext, name: str) -> dict[str, Any] | None:
    # Per table by design: ListTables returns only names.
    response = await ctx.try_call(
        DYNAMODB_DESCRIBE_TABLE, ignore_codes=("ResourceNotFoundException",), TableName=name
    )
    return None if response is None else dict(response.get("Table") or {})


def _table(
    ctx: CollectContext,
    name: str,
    table: dict[str, Any] | None,
    tags: dict[str, dict[str, str]] | None,
) -> Resource:
    arn = str((table or {}).get("TableArn") or ctx.arn("dynamodb", f"table/{name}"))
    attributes = attributes_of(table or {})
    if table is None:
        attributes.update({"billing_mode": None, "encryption": None, "attributes_unknown": True})
    else:
        attributes.update(
            {
                # Tables created before on-demand existed carry no BillingModeSummary.
                "billing_mode": (table.get("BillingModeSummary") or {}).get("BillingMode")
                or "PROVISIONED",
                "encryption": encryption_of(table),
                "status": table.get("TableStatus"),
                "item_count": table.get("ItemCount"),
                "size_bytes": table.get("TableSizeBytes"),
                "deletion_protection": bool(table.get("DeletionProtectionEnabled")),
            }
        )
    return tagged_resource(
        ctx, arn=arn, rtype=kinds.DYNAMODB_TABLE, name=name, tags=tags, attributes=attributes
    )


@collector(
    service="dynamodb",
    calls=[DYNAMODB_LIST_TABLES, DYNAMODB_DESCRIBE_TABLE, TAGGING_GET_RESOURCES],
    types=[kinds.DYNAMODB_TABLE],
)
async def collect_tables(ctx: CollectContext) -> list[Resource]:
    names = [str(n) for n in await ctx.paginate_all(DYNAMODB_LIST_TABLES, "TableNames")]
    if not names:
        return []
    details, tags = await asyncio.gather(
        asyncio.gather(*(_describe(ctx, name) for name in names)),
        tags_by_arn(ctx, kinds.DYNAMODB_TABLE),
    )
    return [_table(ctx, name, table, tags) for name, table in zip(names, details, strict=True)]
