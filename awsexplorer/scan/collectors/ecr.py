"""ECR repositories: scan on push, tag immutability, encryption, and the repository policy
(asked only of the repositories that exist; "no policy" is not an error)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    ECR_DESCRIBE_REPOSITORIES,
    ECR_GET_REPOSITORY_POLICY,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CollectContext, attributes_of, collector

_NO_POLICY = ("RepositoryPolicyNotFoundException",)


def _policy(text: object) -> dict[str, Any] | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"unparsed": text}
    return parsed if isinstance(parsed, dict) else {"unparsed": text}


def repository_attributes(repo: dict[str, Any], policy: dict[str, Any] | None) -> dict[str, Any]:
    encryption = repo.get("encryptionConfiguration") or {}
    attributes = attributes_of(repo)
    attributes.update(
        {
            "uri": repo.get("repositoryUri"),
            "scan_on_push": (repo.get("imageScanningConfiguration") or {}).get("scanOnPush"),
            "tag_immutability": repo.get("imageTagMutability"),
            "encryption_type": encryption.get("encryptionType"),
            "kms_key_id": encryption.get("kmsKey"),
            "policy": policy,
        }
    )
    return attributes


async def _policy_of(ctx: CollectContext, name: str) -> dict[str, Any] | None:
    answer = await ctx.try_call(
        ECR_GET_REPOSITORY_POLICY, repositoryName=name, ignore_codes=_NO_POLICY
    )
    return _policy((answer or {}).get("policyText"))


@collector(
    service="ecr",
    calls=[ECR_DESCRIBE_REPOSITORIES, ECR_GET_REPOSITORY_POLICY, TAGGING_GET_RESOURCES],
    types=[kinds.ECR_REPOSITORY],
)
async def collect_repositories(ctx: CollectContext) -> list[Resource]:
    repos = await ctx.paginate_all(ECR_DESCRIBE_REPOSITORIES, "repositories")
    if not repos:
        return []
    tags, policies = await asyncio.gather(
        tags_by_arn(ctx, kinds.ECR_REPOSITORY),
        asyncio.gather(*(_policy_of(ctx, str(r["repositoryName"])) for r in repos)),
    )
    return [
        tagged_resource(
            ctx,
            arn=str(repo["repositoryArn"]),
            rtype=kinds.ECR_REPOSITORY,
            name=str(repo["repositoryName"]),
            tags=tags,
            attributes=repository_attributes(repo, policy),
        )
        for repo, policy in zip(repos, policies, strict=True)
    ]
