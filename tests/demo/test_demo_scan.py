"""The demo end to end: the scanner and `awsexplorer scan --demo`."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from awsexplorer.cli import main
from awsexplorer.demo import demo_config
from awsexplorer.demo._aws import DEMO_REGIONS
from awsexplorer.scan.runner import scan


def test_full_scan_finds_instances_in_four_regions_and_the_stray_one() -> None:
    result = asyncio.run(scan(demo_config()))
    instances = [r for r in result.resources if r.type == "ec2:instance"]
    by_region: dict[str, set[str]] = {}
    for instance in instances:
        by_region.setdefault(instance.region, set()).add(instance.name)
    assert set(DEMO_REGIONS) <= set(by_region)
    assert by_region["ap-southeast-2"] == {"load-test-tmp"}
    assert by_region["eu-west-1"] == {"prod-bastion", "prod-app-a", "prod-app-b"}
    (stray,) = (i for i in instances if i.name == "load-test-tmp")
    default_vpcs = {
        r.id for r in result.resources if r.type == "ec2:vpc" and r.attributes.get("IsDefault")
    }
    assert stray.vpc_id in default_vpcs
    # Every enabled region of the demo was scanned without a failed call.
    failed = {r.name: r.errors for r in result.regions if r.errors}
    assert failed == {}
    assert result.account.alias == "acme-demo"


def test_cli_scan_demo_prints_the_per_region_summary(capsys: pytest.CaptureFixture[Any]) -> None:
    code = main(["scan", "--demo", "--format", "text", "--region", ",".join(DEMO_REGIONS)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "acme-demo" in out
    for region in DEMO_REGIONS:
        assert region in out
    assert "instance" in out
    assert "HTTP/1.1" not in err  # moto's request log stays quiet
