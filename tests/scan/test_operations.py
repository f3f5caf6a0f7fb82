"""Guardrails and operations (issue 12) on moto: GuardDuty detectors, AWS Config recorders, IAM
Access Analyzer analyzers (on in one region, off in the other: "off" is a record, not an empty
list), Systems Manager managed instances joined to EC2 instances, customer-managed prefix lists
(resolved by the exposure analysis), VPC flow logs, budget notifications, and --cost's Cost
Explorer spend per region and service.

moto 5.2 lacks SSM's DescribeInstanceInformation and the whole IAM Access Analyzer API: both are
served by the in-process extension of moto (awsexplorer/demo/operations.extend_moto, installed
for every test's moto server in tests/conftest.py), through the same client path as on AWS.
Cost Explorer is moto's own: GetCostAndUsage answers from a queue of results that this module
fills through moto's API (/moto-api/static/ce/cost-and-usage-results).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.checks import analyse
from awsexplorer.config import ScanConfig
from awsexplorer.demo.operations import queue_cost_results, register_managed_instance
from awsexplorer.model import Resource, ScanResult
from awsexplorer.model.exposure import analyse as exposure_of
from awsexplorer.model.exposure import hop_text
from awsexplorer.model.kinds import (
    ACCESS_ANALYZER,
    BUDGET,
    CONFIG_RECORDER,
    GUARDDUTY_DETECTOR,
    GUARDRAILS_AND_OPERATIONS,
    INSTANCE,
    PREFIX_LIST,
    REGION_SPEND,
    SSM_MANAGED_INSTANCE,
    VPC_FLOW_LOG,
    schema_problems,
    state_of,
)
from awsexplorer.model.operations import managed_instances, ssm_status, ssm_unread
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.runner import Scanner

_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
from resilience.fault_proxy import Fault, FaultProxy, Rule  # noqa: E402

from tests.scan.seeding import regional_calls, scan_config, seeding  # noqa: E402

ACCOUNT = "123456789012"
WEST, FAR = "eu-west-1", "ap-southeast-2"
REGIONS = (WEST, FAR)
MINE = {k.type for k in GUARDRAILS_AND_OPERATIONS}
SPEND = {
    WEST: {"Amazon Elastic Compute Cloud - Compute": "120.50", "AWS Config": "2.10"},
    FAR: {"Amazon Relational Database Service": "96.00"},  # no database there
}


def _cost_results() -> dict[str, Any]:
    groups = [
        {"Keys": [r, s], "Metrics": {"UnblendedCost": {"Amount": a, "Unit": "USD"}}}
        for r, services in SPEND.items()
        for s, a in services.items()
    ]
    period = {"Start": "2026-01-01", "End": "2026-01-31"}
    return {
        "results": [
            {
                "ResultsByTime": [{"TimePeriod": period, "Groups": groups, "Estimated": True}],
                "DimensionValueAttributes": [],
            }
        ]
    }


def _seed(client: Callable[[str, str], Any], endpoint: str) -> dict[str, Any]:
    seeded: dict[str, Any] = {}
    # eu-west-1: all three guardrails on, a public subnet with two instances, a prefix list.
    client("guardduty", WEST).create_detector(Enable=True, FindingPublishingFrequency="SIX_HOURS")
    config = client("config", WEST)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "cfg"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    client("accessanalyzer", WEST).create_analyzer(analyzerName="account", type="ACCOUNT")
    ec2 = client("ec2", WEST)
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    anywhere = ec2.create_managed_prefix_list(
        PrefixListName="anywhere",
        AddressFamily="IPv4",
        MaxEntries=5,
        Entries=[{"Cidr": "0.0.0.0/0", "Description": "everyone"}],
    )["PrefixList"]["PrefixListId"]
    office = ec2.create_managed_prefix_list(
        PrefixListName="office",
        AddressFamily="IPv4",
        MaxEntries=5,
        Entries=[
            {"Cidr": "198.51.100.0/24", "Description": "hq"},
            {"Cidr": "203.0.113.64/26", "Description": "desk"},
        ],
    )["PrefixList"]["PrefixListId"]
    group = ec2.create_security_group(GroupName="web", Description="w", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "PrefixListIds": [{"PrefixListId": anywhere}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "PrefixListIds": [{"PrefixListId": office}],
            },
        ],
    )
    ids = {}
    for name in ("app", "bastion"):
        ids[name] = ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            NetworkInterfaces=[
                {
                    "DeviceIndex": 0,
                    "SubnetId": subnet,
                    "Groups": [group],
                    "AssociatePublicIpAddress": True,
                }
            ],
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )["Instances"][0]["InstanceId"]
    register_managed_instance(endpoint, WEST, ids["app"])
    client("s3", WEST).create_bucket(
        Bucket="flow-logs-bucket", CreateBucketConfiguration={"LocationConstraint": WEST}
    )
    flow = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="REJECT",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-logs-bucket",
    )["FlowLogIds"][0]
    seeded.update(vpc=vpc, instances=ids, anywhere=anywhere, office=office, flow=flow)
    # ap-southeast-2: a queue (something of the user's), no guardrail, a stopped config recorder
    # is not made: nothing at all.
    client("sqs", FAR).create_queue(QueueName="forgotten")
    far_instance = client("ec2", FAR).run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)[
        "Instances"
    ][0]["InstanceId"]
    seeded["far_instance"] = far_instance
    # Budgets (global): one that warns only on ACTUAL spend.
    client("budgets", "us-east-1").create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": "monthly",
            "BudgetLimit": {"Amount": "100", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
        NotificationsWithSubscribers=[
            {
                "Notification": {
                    "NotificationType": "ACTUAL",
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": 80,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "a@example.com"}],
            }
        ],
    )
    queue_cost_results(endpoint, _cost_results())
    return seeded


def _config(endpoint: str, **overrides: Any) -> ScanConfig:
    return scan_config(endpoint, REGIONS, **overrides)


@pytest.fixture(scope="module")
def account(moto_server: str) -> Iterator[tuple[ScanResult, dict[str, Any], set[Any]]]:
    with seeding(moto_server) as client:
        seeded = _seed(client, moto_server)
        scanner = Scanner(_config(moto_server, cost=True))
        result = asyncio.run(scanner.run())
        yield analyse(result), seeded, scanner.calls_sent


def _of(result: ScanResult, rtype: str, region: str) -> list[Resource]:
    return sorted(
        (r for r in result.resources if r.type == rtype and r.region == region), key=lambda r: r.id
    )


def _one(result: ScanResult, rtype: str, region: str) -> Resource:
    found = _of(result, rtype, region)
    assert len(found) == 1, f"{rtype} in {region}: {[r.id for r in found]}"
    return found[0]


def test_every_type_is_found_in_its_region_matching_its_record(
    account: tuple[ScanResult, dict[str, Any], set[Any]],
) -> None:
    result, _, _ = account
    assert result.errors == []
    mine = [r for r in result.resources if r.type in MINE]
    assert {r.type for r in mine} == MINE
    assert [p for r in mine for p in schema_problems(r)] == []
    assert {r.region for r in mine if r.type in {SSM_MANAGED_INSTANCE, PREFIX_LIST}} == {WEST}
    assert {r.region for r in mine if r.type == VPC_FLOW_LOG} == {WEST}


def test_guardrails_are_on_in_one_region_and_recorded_off_in_the_other(
    account: tuple[ScanResult, dict[str, Any], set[Any]],
) -> None:
    result, _, _ = account
    detector = _one(result, GUARDDUTY_DETECTOR, WEST)
    assert detector.attributes["enabled"] is True and detector.attributes["present"] is True
    assert detector.attributes["finding_publishing_frequency"] == "SIX_HOURS"
    recorder = _one(result, CONFIG_RECORDER, WEST)
    assert recorder.id == "default"
    assert recorder.attributes["recording"] is True and recorder.attributes["all_supported"]
    assert recorder.attributes["role"] == f"arn:aws:iam::{ACCOUNT}:role/config"
    analyzer = _one(result, ACCESS_ANALYZER, WEST)
    assert (analyzer.id, analyzer.attributes["analyzer_type"]) == ("account", "ACCOUNT")
    assert analyzer.arn == f"arn:aws:access-analyzer:{WEST}:{ACCOUNT}:analyzer/account"
    for rtype in (GUARDDUTY_DETECTOR, CONFIG_RECORDER, ACCESS_ANALYZER):
        assert state_of(_one(result, rtype, WEST)) == "on"
        off = _one(result, rtype, FAR)
        assert (off.attributes["present"], off.attributes["enabled"]) == (False, False)
        assert state_of(off) == "off"
    # The far region holds a queue and an instance: one finding naming all three; the west
    # region (all on) is the clean look-alike.
    findings = [f for f in result.findings if f.check == "guardrail-off"]
    assert [(f.region, f.message) for f in findings] == [
        (
            FAR,
            f"{FAR} holds 4 resources of yours but guardrails are off there: GuardDuty: no "
            "detector; AWS Config: no recorder; IAM Access Analyzer: no analyzer",
        )
    ]


def test_systems_manager_says_which_instance_it_manages(
    account: tuple[ScanResult, dict[str, Any], set[Any]],
) -> None:
    result, seeded, _ = account
    app_id, bastion_id = seeded["instances"]["app"], seeded["instances"]["bastion"]
    record = _one(result, SSM_MANAGED_INSTANCE, WEST)
    assert record.id == app_id and record.attributes["instance_id"] == app_id
    assert record.attributes["ping_status"] == "Online"
    assert record.attributes["platform_name"] == "Amazon Linux 2023"
    managed = managed_instances(result.resources)
    instances = {r.id: r for r in result.resources if r.type == INSTANCE}
    assert ssm_status(instances[app_id], managed, unread=False).managed is True
    status = ssm_status(instances[bastion_id], managed, unread=False)
    assert status.managed is False and status.text.startswith("not managed")
    flagged = sorted(
        f.resource.rsplit("/", 1)[-1]
        for f in result.findings
        if f.check == ("ec2-instance-unmanaged")
    )
    assert flagged == sorted([bastion_id, seeded["far_instance"]])


def test_prefix_lists_hold_their_entries_and_the_exposure_analysis_resolves_them(
    account: tuple[ScanResult, dict[str, Any], set[Any]],
) -> None:
    result, seeded, _ = account
    lists = {r.id: r for r in _of(result, PREFIX_LIST, WEST)}
    # Only the account's own lists: AWS's service lists (S3, DynamoDB) are left out.
    assert set(lists) == {seeded["anywhere"], seeded["office"]}
    office = lists[seeded["office"]]
    assert office.name == "office"
    assert office.attributes["entries"] == ["198.51.100.0/24", "203.0.113.64/26"]
    exposure = exposure_of(result.resources)
    texts = [hop_text(h) for v in exposure.verdicts for h in v.path]
    assert not [t for t in texts if "unresolved prefix list" in t]
    reachable = {(v.resource_id, v.ports) for v in exposure.reachable()}
    for name in ("app", "bastion"):
        assert (seeded["instances"][name], (443, 443)) in reachable
        assert (seeded["instances"][name], (22, 22)) not in reachable  # office only
    assert any(f"from {seeded['anywhere']} (0.0.0.0/0)" in t for t in texts)


def test_flow_logs_and_budget_notifications(
    account: tuple[ScanResult, dict[str, Any], set[Any]],
) -> None:
    result, seeded, _ = account
    flow = _one(result, VPC_FLOW_LOG, WEST)
    assert flow.id == seeded["flow"] and flow.vpc_id == seeded["vpc"]
    assert flow.attributes["resource_id"] == seeded["vpc"]
    assert flow.attributes["traffic_type"] == "REJECT"
    assert flow.attributes["destination"] == "arn:aws:s3:::flow-logs-bucket"
    budget = _one(result, BUDGET, "global")
    assert budget.attributes["notifications"] == [
        {
            "type": "ACTUAL",
            "threshold": 80,
            "threshold_type": "PERCENTAGE",
            "comparison": "GREATER_THAN",
            "state": None,
        }
    ]
    assert budget.attributes["notification_summary"] == "ACTUAL 80%"
    assert [f.check for f in result.findings if f.resource == budget.arn] == [
        "budget-no-forecast-alert"
    ]


def test_cost_explorer_spend_is_stored_per_region_and_read_by_the_check(
    account: tuple[ScanResult, dict[str, Any], set[Any]],
) -> None:
    result, _, sent = account
    assert [(client, op) for _, client, op in sent if client == "ce"] == [("ce", "GetCostAndUsage")]
    west = _one(result, REGION_SPEND, WEST)
    assert west.attributes["total"] == 122.6 and west.attributes["unit"] == "USD"
    assert west.attributes["services"][0] == {
        "service": "Amazon Elastic Compute Cloud - Compute",
        "amount": 120.5,
    }
    assert state_of(west) == "122.60 USD/30d"
    far = _one(result, REGION_SPEND, FAR)
    assert far.attributes["total"] == 96.0
    findings = [f for f in result.findings if f.check == "region-spend-unexplained"]
    assert [(f.region, f.resource) for f in findings] == [(FAR, far.arn)]
    assert findings[0].message.endswith("Amazon Relational Database Service USD 96.00")


def test_without_cost_nothing_is_sent_to_cost_explorer(
    aws: Callable[..., Any], scan_config: Callable[..., ScanConfig]
) -> None:
    aws("sqs", WEST).create_queue(QueueName="q")
    scanner = Scanner(scan_config(regions=(WEST,)))
    result = analyse(asyncio.run(scanner.run()))
    assert [c for c in scanner.calls_sent if c[1] == "ce"] == []
    assert [r for r in result.resources if r.type == REGION_SPEND] == []
    (outcome,) = [c for c in result.checks if c.id == "region-spend-unexplained"]
    assert outcome.status == "not-evaluated" and "--cost" in (outcome.reason or "")


def test_an_empty_region_costs_one_list_call_per_service(
    scan_config: Callable[..., ScanConfig],
) -> None:
    scanner = Scanner(
        scan_config(regions=(FAR,)),
        collectors=[c for c in all_collectors() if set(c.types) & MINE and not c.opt_in],
    )
    asyncio.run(scanner.run())
    regional = regional_calls(scanner)
    assert regional == sorted(
        [
            ("guardduty", "ListDetectors"),
            ("config", "DescribeConfigurationRecorders"),
            ("accessanalyzer", "ListAnalyzers"),
            ("ssm", "DescribeInstanceInformation"),
            ("ec2", "DescribeManagedPrefixLists"),
            ("ec2", "DescribeFlowLogs"),
        ]
    )


def test_ssm_denied_in_one_region_is_an_error_there_and_its_instances_are_not_judged(
    aws: Callable[..., Any], scan_config: Callable[..., ScanConfig], moto_url: str
) -> None:
    for region in REGIONS:
        aws("ec2", region).run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    proxy = FaultProxy(moto_url).start()
    try:
        proxy.add(
            Rule(
                Fault.ERROR,
                service="ssm",
                region=FAR,
                operation="DescribeInstanceInformation",
                code="AccessDeniedException",
            )
        )
        config = scan_config(endpoint_url=proxy.url, regions=REGIONS)
        result = analyse(asyncio.run(Scanner(config).run()))
    finally:
        proxy.stop()
    errors = {(e.region, e.service, e.operation, e.code) for e in result.errors}
    assert errors == {(FAR, "ssm", "DescribeInstanceInformation", "AccessDeniedException")}
    assert ssm_unread(result.errors, FAR) and not ssm_unread(result.errors, WEST)
    findings = [f for f in result.findings if f.check == "ec2-instance-unmanaged"]
    assert [f.region for f in findings] == [WEST]
    (outcome,) = [c for c in result.checks if c.id == "ec2-instance-unmanaged"]
    assert outcome.status == "not-evaluated"
    assert "DescribeInstanceInformation" in (outcome.reason or "")
