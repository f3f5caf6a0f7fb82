"""Which CloudFormation stack owns a resource: `managed_by`, written once for every resource.

CloudFormation tags what it creates with `aws:cloudformation:stack-name`; every resource carrying
that tag gets the normalised attribute `managed_by` (the stack's name), whatever its collector.
The scanner writes it as resources are found; a snapshot written before it existed is read
through `managed_by`, which falls back to the tag.

Not every type carries the tag (a log group, an SNS subscription, a resource created before the
tags): once the scan has every stack's resource list (ListStackResources), `mark_stack_resources`
gives the resources it names `managed_by` too, matched by service and physical id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from awsexplorer.model.kinds import STACK
from awsexplorer.model.resource import GLOBAL_REGION, Resource

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


# CloudFormation type namespaces (AWS::<Namespace>::...) whose ARN service is spelt otherwise.
_ARN_SERVICE = {
    "stepfunctions": "states",
    "elasticloadbalancingv2": "elasticloadbalancing",
    "efs": "elasticfilesystem",
    "kinesisfirehose": "firehose",
    "opensearchservice": "es",
    "elasticsearch": "es",
    "certificatemanager": "acm",
    "apigatewayv2": "apigateway",
    "applicationautoscaling": "application-autoscaling",
}


def arn_service(cloudformation_type: object) -> str | None:
    """AWS::SQS::Queue -> sqs: the service its resources' ARNs (and our type ids) name."""
    parts = str(cloudformation_type or "").split("::")
    if len(parts) < 3 or parts[0] != "AWS":
        return None
    namespace = parts[1].lower()
    return _ARN_SERVICE.get(namespace, namespace)


def _keys(resource: Resource) -> set[str]:
    """What a stack's physical id may be for this resource: its ARN, id, name or queue URL."""
    keys = {resource.arn, resource.id, resource.name}
    url = resource.attributes.get("url")
    if isinstance(url, str):
        keys.add(url)
    return {k for k in keys if k}


def _physical_keys(stack: Resource, service: str, physical: str) -> list[tuple[str, str]]:
    """How a physical id may name a resource: as it is, and a queue's URL as its ARN (the URL's
    host differs between endpoints; the account and name do not)."""
    keys = [(service, physical)]
    if service == "sqs" and physical.startswith(("https://", "http://")):
        parts = physical.rstrip("/").split("/")
        partition = stack.arn.split(":")[1] if stack.arn.startswith("arn:") else "aws"
        if len(parts) >= 5:
            keys.append((service, f"arn:{partition}:sqs:{stack.region}:{parts[-2]}:{parts[-1]}"))
    return keys


def mark_stack_resources(resources: Iterable[Resource]) -> int:
    """Give `managed_by` to the resources a stack's resource list names that have none yet (the
    tag wins). Matched by service and physical id, in the stack's region or global (IAM).
    Returns how many were marked."""
    found = list(resources)
    stacks = [r for r in found if r.type == STACK]
    if not stacks:
        return 0
    index: dict[tuple[str, str], list[Resource]] = {}
    for resource in found:
        service = resource.type.split(":", 1)[0]
        for key in _keys(resource):
            index.setdefault((service, key), []).append(resource)
    marked = 0
    for stack in stacks:
        for item in stack.attributes.get("resources") or []:
            if not isinstance(item, Mapping):
                continue
            named, physical = arn_service(item.get("type")), item.get("physical_id")
            if not named or not isinstance(physical, str) or not physical:
                continue
            matches = [
                r for key in _physical_keys(stack, named, physical) for r in index.get(key, [])
            ]
            for resource in matches:
                if resource is stack or resource.region not in (stack.region, GLOBAL_REGION):
                    continue
                if not resource.attributes.get(MANAGED_BY):
                    resource.attributes[MANAGED_BY] = stack.id
                    marked += 1
    return marked


def managing_stack(resources: Iterable[Resource], resource: Resource) -> Resource | None:
    """The stack resource that manages `resource` (by its `managed_by`), in the scan: the one in
    the resource's region (and account) first, as a stack's name is unique only there."""
    name = managed_by(resource)
    if name is None:
        return None
    stacks = [r for r in resources if r.type == STACK and r.id == name and r is not resource]

    def rank(stack: Resource) -> tuple[bool, bool]:
        return (stack.region != resource.region, stack.account_id != resource.account_id)

    return min(stacks, key=rank, default=None)
