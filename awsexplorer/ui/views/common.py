"""Small look-ups the views share."""

from __future__ import annotations

from collections.abc import Iterable

from awsexplorer.model import Resource


def index_by_arn(resources: Iterable[Resource]) -> dict[str, Resource]:
    return {r.arn: r for r in resources}


def name_from_arn(arn: str) -> str:
    """A readable name when the resource itself is not in the scan (yet).

    `arn:aws:iam::123:root` -> `root`; `arn:aws:ec2:eu-west-1:123:instance/i-0abc` -> `i-0abc`;
    `arn:aws:s3:::bucket` -> `bucket`.
    """
    tail = arn.rsplit(":", 1)[-1] if arn.count(":") >= 5 else arn
    return tail.rsplit("/", 1)[-1] or arn


def label_for(arn: str, index: dict[str, Resource]) -> str:
    """`name (id)` when they differ, else the one of them; falls back to the ARN's tail."""
    resource = index.get(arn)
    if resource is None:
        return name_from_arn(arn)
    if resource.name and resource.name != resource.id:
        return f"{resource.name} ({resource.id})"
    return resource.id


def matches(needle: str, *haystack: str | None) -> bool:
    """Case-insensitive: every word of `needle` appears in one of the fields."""
    words = needle.lower().split()
    if not words:
        return True
    text = " ".join(h for h in haystack if h).lower()
    return all(word in text for word in words)
