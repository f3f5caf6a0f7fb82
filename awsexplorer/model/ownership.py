"""Which CloudFormation stack owns a resource: `managed_by`, written once for every resource.

CloudFormation tags what it creates with `aws:cloudformation:stack-name`; every resource carrying
that tag gets the normalised attribute `managed_by` (the stack's name), whatever its collector.
The scanner writes it as resources are found; a snapshot written before it existed is read
through `managed_by`, which falls back to the tag.
"""

from __future__ import annotations

from collections.abc import Iterable

from awsexplorer.model.resource import Resource

STACK_TAG = "aws:cloudformation:stack-name"
MANAGED_BY = "managed_by"


def managed_by(resource: Resource) -> str | None:
    """The name of the stack that owns the resource, or None."""
    value = resource.attributes.get(MANAGED_BY) or resource.tags.get(STACK_TAG)
    return str(value) if value else None


def mark_ownership(resources: Iterable[Resource]) -> None:
    """Write `managed_by` on every resource its stack tag names (in place; idempotent)."""
    for resource in resources:
        stack = resource.tags.get(STACK_TAG)
        if stack:
            resource.attributes[MANAGED_BY] = stack
