"""Secrets Manager secrets: metadata only.

ListSecrets gives rotation, last rotated/accessed/changed, the key and the tags; one
GetResourcePolicy per secret gives its resource policy. A secret's value is never requested:
GetSecretValue is not declared here, and scan/guard.py refuses it on every client. The version
ids ListSecrets returns (SecretVersionsToStages) are dropped as well: no value, but no use either.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    SECRETSMANAGER_GET_RESOURCE_POLICY,
    SECRETSMANAGER_LIST_SECRETS,
)
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
    display_name,
    json_safe,
    tags_of,
)

_DROP = ("Tags", "SecretVersionsToStages")


async def _policy(ctx: CollectContext, arn: str) -> dict[str, Any] | None:
    answer = await ctx.try_call(SECRETSMANAGER_GET_RESOURCE_POLICY, SecretId=arn)
    text = (answer or {}).get("ResourcePolicy")
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _secret(ctx: CollectContext, item: dict[str, Any], policy: dict[str, Any] | None) -> Resource:
    name = str(item["Name"])
    arn = str(item.get("ARN") or ctx.arn("secretsmanager", f"secret:{name}"))
    tags = tags_of(item)
    rotation_function = item.get("RotationLambdaARN") or None
    attributes = attributes_of(item, drop=_DROP)
    attributes.update(
        {
            "description": item.get("Description") or None,
            "rotation_enabled": bool(item.get("RotationEnabled")),
            "rotation_function": rotation_function,
            "rotation_days": (item.get("RotationRules") or {}).get("AutomaticallyAfterDays"),
            "last_rotated": json_safe(item.get("LastRotatedDate")),
            "last_accessed": json_safe(item.get("LastAccessedDate")),
            "last_changed": json_safe(item.get("LastChangedDate")),
            "created": json_safe(item.get("CreatedDate")),
            "kms_key_id": item.get("KmsKeyId"),
            "policy": policy,
            "links": (
                [{"kind": "rotated-by", "arn": str(rotation_function)}] if rotation_function else []
            ),
        }
    )
    return Resource(
        arn=arn,
        type=kinds.SECRET,
        id=name,
        name=display_name(tags, name, name),
        region=ctx.region,
        tags=tags,
        attributes=attributes,
    )


@collector(
    service="secretsmanager",
    calls=[SECRETSMANAGER_LIST_SECRETS, SECRETSMANAGER_GET_RESOURCE_POLICY],
    types=[kinds.SECRET],
)
async def collect_secrets(ctx: CollectContext) -> list[Resource]:
    secrets = await ctx.paginate_all(SECRETSMANAGER_LIST_SECRETS, "SecretList")
    policies = await asyncio.gather(*(_policy(ctx, str(s["ARN"])) for s in secrets))
    return [_secret(ctx, s, p) for s, p in zip(secrets, policies, strict=True)]
