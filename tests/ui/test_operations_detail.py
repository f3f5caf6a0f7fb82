"""The detail pane says whether Systems Manager manages an EC2 instance (joined by instance id in
model/operations.py) and, with --cost, a region's spend; at 80 columns both stay readable. The
resources are what the collectors write on moto (tests/scan/test_operations.py)."""

from __future__ import annotations

import re

from rich.console import Console

from awsexplorer.model import Account, CallError, RegionScan, RegionStatus, Resource, ScanResult
from awsexplorer.model.kinds import INSTANCE, REGION_SPEND, SSM_MANAGED_INSTANCE
from awsexplorer.ui.details import region_detail, resource_detail
from awsexplorer.ui.state import ExplorerState

ACCOUNT = Account("123456789012", None, "aws", "arn:aws:iam::123456789012:user/me")
EU, AU = "eu-west-1", "ap-southeast-2"


def _resource(rtype: str, rid: str, region: str, **attributes: object) -> Resource:
    service, kind = rtype.split(":", 1)
    return Resource(
        arn=f"arn:aws:{service}:{region}:123456789012:{kind}/{rid}",
        type=rtype,
        id=rid,
        name=rid,
        region=region,
        attributes=dict(attributes),
    )


def _state(*resources: Resource, errors: tuple[CallError, ...] = ()) -> ExplorerState:
    regions = [RegionScan("global", RegionStatus.OK)]
    for name in (EU, AU):
        mine = [e for e in errors if e.region == name]
        regions.append(RegionScan(name, RegionStatus.PARTIAL if mine else RegionStatus.OK, mine))
    state = ExplorerState()
    state.load(
        ScanResult(ACCOUNT, "2026-06-01T00:00:00Z", "2026-06-01T00:01:00Z", regions, [*resources])
    )
    return state


def _text(renderable: object, width: int = 80) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_an_instance_says_whether_systems_manager_manages_it() -> None:
    app = _resource(INSTANCE, "i-app", EU, state="running")
    bastion = _resource(INSTANCE, "i-bastion", EU, state="running")
    far = _resource(INSTANCE, "i-far", AU, state="running")
    record = _resource(
        SSM_MANAGED_INSTANCE,
        "i-app",
        EU,
        instance_id="i-app",
        ping_status="Online",
        agent_version="3.3.987.0",
    )
    denied = CallError(AU, "ssm", "DescribeInstanceInformation", "AccessDenied", "no")
    state = _state(app, bastion, far, record, errors=(denied,))
    assert re.search(
        r"SSM +managed \(Online, agent 3\.3\.987\.0\)",
        _text(resource_detail(state, app)),
    )
    assert re.search(
        r"SSM +not managed \(no SSM agent reports in",
        _text(resource_detail(state, bastion), width=200),
    )
    assert re.search(
        r"SSM +unknown \(DescribeInstanceInformation could not be read\)",
        _text(resource_detail(state, far), width=200),
    )
    assert not re.search(
        r"^SSM +(managed|not managed|unknown)", _text(resource_detail(state, record)), re.M
    )


def test_a_region_shows_its_spend_when_the_scan_read_it() -> None:
    spend = _resource(
        REGION_SPEND,
        "last-30-days",
        EU,
        total=412.8,
        unit="USD",
        start="2026-05-02",
        end="2026-06-01",
        services=[
            {"service": "Amazon Elastic Compute Cloud - Compute", "amount": 380.1},
            {"service": "EC2 - Other", "amount": 32.7},
        ],
    )
    state = _state(spend)
    text = _text(region_detail(state, EU))
    assert re.search(r"spend 30 days +USD 412\.80 \(Amazon Elastic Compute Cloud - Compute", text)
    assert "380.10, EC2 - Other 32.70)" in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "spend 30 days" not in _text(region_detail(state, AU))  # not read there: no row
