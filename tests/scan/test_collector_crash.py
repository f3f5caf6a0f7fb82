"""A bug in one of our collectors must never read as "nothing there, all clear".

The crash is recorded against every call the collector declares, so the checks that read any of
those calls are "not evaluated" with the reason, and the other collectors' data is unaffected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from awsexplorer.checks import evaluate
from awsexplorer.model import Resource
from awsexplorer.model.calls import EC2_DESCRIBE_VOLUMES
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.collectors.base import REGISTRY, CollectContext


async def _boom(ctx: CollectContext) -> list[Resource]:
    raise KeyError("VolumeId")  # what a collector bug looks like: a field it did not expect


def test_a_crashed_collector_makes_its_checks_not_evaluated(
    monkeypatch: pytest.MonkeyPatch,
    aws: Callable[..., Any],
    scan_config: Callable[..., Any],
    run_scan: Callable[..., Any],
) -> None:
    ec2 = aws("ec2", "eu-west-1")
    ec2.create_volume(AvailabilityZone="eu-west-1a", Size=8)
    ec2.create_security_group(GroupName="web", Description="web")
    volumes = next(c for c in all_collectors() if EC2_DESCRIBE_VOLUMES in c.calls)
    monkeypatch.setitem(REGISTRY, volumes.name, dataclasses.replace(volumes, func=_boom))

    result, _ = run_scan(scan_config(regions=("eu-west-1",)))

    crashed = [e for e in result.errors if e.code == "InternalError"]
    assert {(e.service, e.operation) for e in crashed} == {
        (c.client, c.operation) for c in volumes.calls
    }
    assert all("KeyError" in e.message and volumes.name in e.message for e in crashed)
    assert not any(r.type == "ec2:volume" for r in result.resources)
    assert any(r.type == "ec2:security-group" for r in result.resources)  # others unaffected

    _, checks = evaluate(result)
    status = {c.id: c for c in checks}
    for check_id in ("ec2-ebs-unencrypted", "ec2-volume-unattached"):
        assert status[check_id].status == "not-evaluated"
        assert "DescribeVolumes" in (status[check_id].reason or "")
    assert status["ec2-sg-open-admin-port"].status == "evaluated"
