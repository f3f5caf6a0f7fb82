"""Recognising what AWS creates by itself, so that regions with real workloads stand out."""

from __future__ import annotations

from awsexplorer.model import Resource
from awsexplorer.model.defaults import (
    default_vpcs,
    is_aws_default,
    only_aws_defaults,
    regions_with_only_defaults,
)


def _r(
    rtype: str, rid: str, vpc: str | None = None, region: str = "eu-west-1", **attrs: object
) -> Resource:
    return Resource(f"arn:{rid}", rtype, rid, rid, region, vpc_id=vpc, attributes=dict(attrs))


def test_default_vpc_plumbing_is_default_but_workloads_in_it_are_not() -> None:
    resources = [
        _r("ec2:vpc", "vpc-d", "vpc-d", is_default=True),
        _r("ec2:vpc", "vpc-p", "vpc-p", is_default=False),
        _r("ec2:subnet", "subnet-d", "vpc-d"),
        _r("ec2:security-group", "sg-d", "vpc-d", group_name="default"),
        _r("ec2:security-group", "sg-open", "vpc-d", group_name="launch-wizard-1"),
        _r("ec2:instance", "i-stray", "vpc-d"),
        _r("ec2:subnet", "subnet-p", "vpc-p"),
        _r("ec2:ebs-defaults", "ebs-encryption-by-default"),
        # same VPC id in another region is a different VPC
        _r("ec2:subnet", "subnet-x", "vpc-d", region="us-east-1"),
    ]
    defaults = default_vpcs(resources)
    assert defaults == {("eu-west-1", "vpc-d")}
    verdict = {r.id: is_aws_default(r, defaults) for r in resources}
    assert verdict == {
        "vpc-d": True,
        "vpc-p": False,
        "subnet-d": True,
        "sg-d": True,
        "sg-open": False,
        "i-stray": False,
        "subnet-p": False,
        "ebs-encryption-by-default": True,
        "subnet-x": False,
    }


def test_only_aws_defaults_is_one_rule_for_a_region_and_a_vpc() -> None:
    plumbing = [
        _r("ec2:vpc", "vpc-d", "vpc-d", is_default=True),
        _r("ec2:subnet", "subnet-d", "vpc-d"),
        _r("ec2:security-group", "sg-d", "vpc-d", group_name="default"),
        _r("ec2:ebs-defaults", "ebs-encryption-by-default"),
    ]
    assert only_aws_defaults(plumbing)
    assert not only_aws_defaults([])  # nothing at all is not "only defaults"
    # a group the user added to the default VPC is theirs
    added = _r("ec2:security-group", "sg-w", "vpc-d", group_name="launch-wizard-1")
    assert not only_aws_defaults([*plumbing, added])
    # plumbing of a VPC that is not the default is the user's
    assert not only_aws_defaults([_r("ec2:subnet", "subnet-p", "vpc-p")])


def test_regions_with_only_defaults_judges_each_region_on_its_own() -> None:
    resources = [
        _r("ec2:vpc", "vpc-d", "vpc-d", is_default=True),
        _r("ec2:subnet", "subnet-d", "vpc-d"),
        _r("ec2:vpc", "vpc-d", "vpc-d", region="us-east-1", is_default=True),
        _r("ec2:instance", "i-1", "vpc-d", region="us-east-1"),
        # the default VPC of eu-west-1 does not make this subnet of ap-south-1 a default
        _r("ec2:subnet", "subnet-x", "vpc-d", region="ap-south-1"),
    ]
    assert regions_with_only_defaults(resources) == {"eu-west-1"}
