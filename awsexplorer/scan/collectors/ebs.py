"""EBS encryption-by-default: a per-region account setting, stored as one small resource per
region (type ec2:ebs-defaults, id ebs-encryption-by-default) so that it has a region, shows in
the tree next to the region's volumes, and a finding can point at it."""

from __future__ import annotations

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import EC2_GET_EBS_ENCRYPTION_BY_DEFAULT
from awsexplorer.scan.collectors.base import CollectContext, collector

EBS_DEFAULTS_TYPE = kinds.EBS_DEFAULTS
EBS_DEFAULTS_ID = "ebs-encryption-by-default"


@collector(
    service="ec2",
    calls=[EC2_GET_EBS_ENCRYPTION_BY_DEFAULT],
    types=[EBS_DEFAULTS_TYPE],
)
async def collect_ebs_defaults(ctx: CollectContext) -> list[Resource]:
    # One call per region. The default KMS key (GetEbsDefaultKmsKeyId) is left out: it is a
    # detail no warning needs, and moto does not implement it.
    enabled = await ctx.try_call(EC2_GET_EBS_ENCRYPTION_BY_DEFAULT)
    if enabled is None and ctx.region_refused:
        return []  # the region could not be read at all: there is no setting to show
    return [
        Resource(
            arn=ctx.arn("ec2", f"ebs-defaults/{EBS_DEFAULTS_ID}"),
            type=EBS_DEFAULTS_TYPE,
            id=EBS_DEFAULTS_ID,
            name="EBS encryption by default",
            region=ctx.region,
            attributes={
                # None: the setting could not be read (the error is recorded).
                "encryption_by_default": None
                if enabled is None
                else bool(enabled.get("EbsEncryptionByDefault")),
                "sse_type": None if enabled is None else enabled.get("SseType"),
            },
        )
    ]
