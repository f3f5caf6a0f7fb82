"""Region discovery: enabled vs opt-in, the caller's partition, --region narrowing."""

from __future__ import annotations

from typing import Any

import pytest

from awsexplorer.errors import UserError
from awsexplorer.model import GLOBAL_REGION, RegionStatus
from awsexplorer.scan import regions


def test_plan_splits_enabled_from_not_enabled_and_drops_other_partitions() -> None:
    described = [
        {"RegionName": "eu-west-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "af-south-1", "OptInStatus": "opted-in"},
        {"RegionName": "ap-east-1", "OptInStatus": "not-opted-in"},
        {"RegionName": "us-gov-west-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "cn-north-1", "OptInStatus": "opt-in-not-required"},
    ]
    plan = regions.plan(described, "aws")
    assert plan.enabled == ["af-south-1", "eu-west-1"]
    assert plan.not_enabled == ["ap-east-1"]
    assert regions.plan(described, "aws-us-gov").enabled == ["us-gov-west-1"]


def test_partition_of_known_and_future_regions() -> None:
    assert regions.partition_of("eu-west-1") == "aws"
    assert regions.partition_of("cn-northwest-1") == "aws-cn"
    assert regions.partition_of("us-gov-east-1") == "aws-us-gov"
    # A region botocore has not heard of yet still falls in the right partition by its name.
    assert regions.partition_of("eu-north-9") == "aws"
    assert regions.is_known_region("eu-west-1") and not regions.is_known_region("eu-north-9")
    # botocore's partition data names pseudo-regions for global endpoints: not regions.
    assert not regions.is_known_region("aws-global")
    assert "aws-global" not in regions.known_regions("aws")
    assert "eu-west-1" in regions.known_regions("aws")


def test_the_partitions_name_the_same_regions_as_botocores_endpoint_data() -> None:
    from botocore.loaders import create_loader

    endpoints = create_loader().load_data("endpoints")["partitions"]
    assert {p["partition"]: sorted(p.get("regions", {})) for p in endpoints} == {
        p["partition"]: regions.known_regions(p["partition"]) for p in endpoints
    }


def test_scan_covers_every_enabled_region_and_records_the_rest(
    scan_config: Any, run_scan: Any
) -> None:
    result, _ = run_scan(scan_config())
    statuses = {r.name: r.status for r in result.regions}
    # moto lists the opt-in regions as not opted in, and other partitions' regions too.
    assert statuses["eu-west-1"] is RegionStatus.OK
    assert statuses["ap-east-1"] is RegionStatus.NOT_ENABLED
    assert "us-gov-west-1" not in statuses
    assert "cn-north-1" not in statuses
    assert statuses[GLOBAL_REGION] is RegionStatus.OK
    assert len(result.scanned_regions) >= 17
    # every enabled region really was scanned: each has moto's default VPC
    vpc_regions = {r.region for r in result.resources if r.type == "ec2:vpc"}
    assert vpc_regions == set(result.scanned_regions)


def test_region_option_narrows_the_scan(scan_config: Any, run_scan: Any) -> None:
    result, _ = run_scan(scan_config(regions=("eu-west-1", "ap-east-1")))
    assert result.scanned_regions == ["eu-west-1"]
    assert result.region("ap-east-1").status is RegionStatus.NOT_ENABLED  # type: ignore[union-attr]
    assert {r.region for r in result.resources if r.type == "ec2:vpc"} == {"eu-west-1"}


def test_unknown_region_is_a_usage_error_with_a_suggestion(scan_config: Any, run_scan: Any) -> None:
    with pytest.raises(UserError) as caught:
        run_scan(scan_config(regions=("eu-west-7",)))
    assert "Unknown region: eu-west-7" in caught.value.message
    assert caught.value.hint and "eu-west-" in caught.value.hint


def test_only_regions_that_are_not_enabled_is_a_usage_error(
    scan_config: Any, run_scan: Any
) -> None:
    with pytest.raises(UserError) as caught:
        run_scan(scan_config(regions=("ap-east-1",)))
    assert "None of the requested regions is enabled" in caught.value.message
    assert caught.value.hint and "eu-west-1" in caught.value.hint
