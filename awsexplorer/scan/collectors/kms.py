"""KMS keys: every key ListKeys returns, described; for a customer-managed key its rotation
status and key policy too. AWS-managed keys (KeyManager AWS, the aws/* aliases) are listed and
marked `aws_managed`, so views can hide them by default; they cost no rotation or policy call.
Aliases (one paged call) and tags (the tagging API) are read only when a key exists.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    KMS_DESCRIBE_KEY,
    KMS_GET_KEY_POLICY,
    KMS_GET_KEY_ROTATION_STATUS,
    KMS_LIST_ALIASES,
    KMS_LIST_KEYS,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CallFailure, CollectContext, attributes_of, collector

# A key pending deletion or disabled answers these with an invalid-state error: nothing to say.
_NOT_NOW = ("KMSInvalidStateException", "DisabledException")


async def _aliases(ctx: CollectContext) -> dict[str, list[str]] | None:
    try:
        aliases = await ctx.paginate_all(KMS_LIST_ALIASES, "Aliases")
    except CallFailure as failure:
        ctx.record(failure)
        return None
    by_key: dict[str, list[str]] = {}
    for alias in aliases:
        if alias.get("TargetKeyId") and alias.get("AliasName"):
            by_key.setdefault(str(alias["TargetKeyId"]), []).append(str(alias["AliasName"]))
    return by_key


async def _details(ctx: CollectContext, key_id: str) -> dict[str, Any]:
    """Its metadata; for a customer-managed key, its rotation status and policy."""
    described = await ctx.try_call(KMS_DESCRIBE_KEY, KeyId=key_id)
    metadata = dict((described or {}).get("KeyMetadata") or {})
    details: dict[str, Any] = {"metadata": metadata, "rotation": None, "policy": None}
    if metadata.get("KeyManager") != "CUSTOMER":
        return details
    symmetric = metadata.get("KeySpec") == "SYMMETRIC_DEFAULT"
    rotation, policy = await asyncio.gather(
        ctx.try_call(KMS_GET_KEY_ROTATION_STATUS, KeyId=key_id, ignore_codes=_NOT_NOW)
        if symmetric
        else _nothing(),
        ctx.try_call(KMS_GET_KEY_POLICY, KeyId=key_id, PolicyName="default"),
    )
    if rotation is not None:
        details["rotation"] = bool(rotation.get("KeyRotationEnabled"))
    if policy is not None:
        try:
            parsed = json.loads(str(policy.get("Policy") or ""))
        except ValueError:
            parsed = None
        details["policy"] = parsed if isinstance(parsed, dict) else None
    return details


async def _nothing() -> None:
    return None


def _key(
    ctx: CollectContext,
    listed: dict[str, Any],
    details: dict[str, Any],
    aliases: dict[str, list[str]] | None,
    tags: dict[str, dict[str, str]] | None,
) -> Resource:
    key_id = str(listed["KeyId"])
    metadata = details["metadata"]
    names = (aliases or {}).get(key_id, [])
    attributes = attributes_of({**listed, **metadata})
    attributes.update(
        {
            "state": metadata.get("KeyState"),
            "aws_managed": metadata.get("KeyManager") == "AWS"
            or any(n.startswith("alias/aws/") for n in names),
            "aliases": names,
            "description": metadata.get("Description") or None,
            "key_spec": metadata.get("KeySpec"),
            "key_usage": metadata.get("KeyUsage"),
            # AWS_KMS, EXTERNAL (imported material: cannot rotate automatically), AWS_CLOUDHSM...
            "origin": metadata.get("Origin"),
            "rotation_enabled": details["rotation"],
            "policy": details["policy"],
        }
    )
    if aliases is None:
        attributes["aliases_unknown"] = True
    resource = tagged_resource(
        ctx,
        arn=str(listed.get("KeyArn") or ctx.arn("kms", f"key/{key_id}")),
        rtype=kinds.KMS_KEY_TYPE,
        name=key_id,
        tags=tags,
        attributes=attributes,
    )
    if names and "Name" not in resource.tags:
        resource.name = names[0]
    return resource


@collector(
    service="kms",
    calls=[
        KMS_LIST_KEYS,
        KMS_LIST_ALIASES,
        KMS_DESCRIBE_KEY,
        KMS_GET_KEY_ROTATION_STATUS,
        KMS_GET_KEY_POLICY,
        TAGGING_GET_RESOURCES,
    ],
    types=[kinds.KMS_KEY_TYPE],
)
async def collect_keys(ctx: CollectContext) -> list[Resource]:
    keys = await ctx.paginate_all(KMS_LIST_KEYS, "Keys")
    if not keys:
        return []
    details, aliases, tags = await asyncio.gather(
        asyncio.gather(*(_details(ctx, str(k["KeyId"])) for k in keys)),
        _aliases(ctx),
        tags_by_arn(ctx, kinds.KMS_KEY_TYPE),
    )
    return [_key(ctx, k, d, aliases, tags) for k, d in zip(keys, details, strict=True)]
