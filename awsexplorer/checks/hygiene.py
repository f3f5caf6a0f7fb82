"""Hygiene: the tags that say whose a resource is and what it costs whom."""

from __future__ import annotations

from collections.abc import Iterator

from awsexplorer.checks.api import (
    CheckContext,
    NotEvaluated,
    Outcome,
    flag,
    label,
    unknown,
)
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.calls import (
    DYNAMODB_LIST_TABLES,
    EC2_DESCRIBE_INSTANCES,
    EC2_DESCRIBE_VOLUMES,
    EC2_DESCRIBE_VPCS,
    ELB_DESCRIBE_LOAD_BALANCERS,
    ELBV2_DESCRIBE_LOAD_BALANCERS,
    LAMBDA_LIST_FUNCTIONS,
    RDS_DESCRIBE_DB_INSTANCES,
    S3_LIST_BUCKETS,
    SQS_LIST_QUEUES,
)

TAGGABLE_TYPES = (
    kinds.INSTANCE,
    kinds.VOLUME,
    kinds.DATABASE,
    kinds.FUNCTION,
    kinds.BUCKET,
    kinds.VPC,
    kinds.LOAD_BALANCER,
    kinds.DYNAMODB_TABLE,
    kinds.QUEUE,
)


def skipped(resource: Resource) -> bool:
    if resource.type == kinds.INSTANCE and resource.attributes.get("state") == "terminated":
        return True
    # AWS creates a default VPC in every region; one in use is ec2-default-vpc-in-use's finding,
    # and tagging it would not make it any less the default.
    return resource.type == kinds.VPC and bool(resource.attributes.get("is_default"))


@check(
    id="tag-missing-required",
    title="Required tags missing",
    severity=Severity.LOW,
    types=list(TAGGABLE_TYPES),
    remediation=(
        "Tag it: `aws resourcegroupstaggingapi tag-resources --resource-arn-list ARN --tags "
        "project=...,environment=...,owner=...`; enforce with a tag policy or IaC defaults. "
        "The required keys are a setting (--required-tags, `required_tags` in the config file)."
    ),
    inputs=[
        EC2_DESCRIBE_INSTANCES,
        EC2_DESCRIBE_VOLUMES,
        EC2_DESCRIBE_VPCS,
        RDS_DESCRIBE_DB_INSTANCES,
        LAMBDA_LIST_FUNCTIONS,
        S3_LIST_BUCKETS,
        ELBV2_DESCRIBE_LOAD_BALANCERS,
        ELB_DESCRIBE_LOAD_BALANCERS,
        DYNAMODB_LIST_TABLES,
        SQS_LIST_QUEUES,
    ],
    placeholders={"ARN": "arn"},
)
def tag_missing_required(ctx: CheckContext) -> Iterator[Outcome]:
    """A taggable resource (instance, volume, database, function, bucket, VPC, load balancer,
    table, queue) missing a required tag key (default project, environment, owner; compared
    case-insensitively). Default VPCs (AWS creates them) and terminated instances are skipped."""
    required = ctx.settings.required_tag_keys
    if not required:
        raise NotEvaluated("no required tag keys are configured")
    ordered = list(
        {k.strip().lower(): k.strip() for k in ctx.settings.required_tags if k.strip()}.values()
    )
    for resource in ctx.of_type(*TAGGABLE_TYPES):
        if skipped(resource):
            continue
        present = {key.lower() for key in resource.tags}
        missing = [k for k in ordered if k.lower() not in present]
        if not missing:
            continue
        if resource.attributes.get("tags_unknown"):
            yield unknown(resource, "tags not read")
            continue
        kind = resource.type.split(":", 1)[1]
        yield flag(resource, f"{kind} {label(resource)} is missing tag(s) {', '.join(missing)}")
