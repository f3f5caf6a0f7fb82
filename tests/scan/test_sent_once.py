"""A paged read two collectors of one region both need is sent once (#18: DescribeFlowLogs was
sent by the VPC collector, which attaches flow logs to their VPC, and again by the flow-log
collector), and both collectors still get it: the VPC carries its flow log, the flow log is a
resource, and both collectors are recorded as having read it."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import boto3

from awsexplorer.model import kinds
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.runner import Scanner
from awsexplorer.scan.session import make_session
from tests.conftest import TEST_KEY

REGION = "eu-west-3"


def test_flow_logs_are_read_once_per_region_for_both_collectors(
    scan_config: Any, moto_url: str
) -> None:
    ec2 = boto3.client(
        "ec2",
        region_name=REGION,
        endpoint_url=moto_url,
        aws_access_key_id=TEST_KEY,
        aws_secret_access_key=TEST_KEY,
    )
    boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=moto_url,
        aws_access_key_id=TEST_KEY,
        aws_secret_access_key=TEST_KEY,
    ).create_bucket(Bucket="flow-log-bucket")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    made = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-log-bucket",
    )
    assert made["FlowLogIds"], made
    config = scan_config(regions=[REGION])
    session = make_session(config)
    sent: Counter[str] = Counter()

    def count(model: Any = None, **_: Any) -> None:
        sent[model.name] += 1

    session.register("before-call.ec2", count)
    chosen = [c for c in all_collectors() if c.name in ("ec2.vpcs", "ec2.flow_logs")]
    assert len(chosen) == 2, [c.name for c in all_collectors() if "flow" in c.name]
    scanner = Scanner(config, collectors=chosen, session=session)
    result = asyncio.run(scanner.run())

    assert sent["DescribeFlowLogs"] == 1
    vpcs = [r for r in result.resources if r.type == kinds.VPC and r.id == vpc]
    assert [f["destination"] for f in vpcs[0].attributes["flow_logs"]] == [
        "arn:aws:s3:::flow-log-bucket"
    ]
    logs = [r for r in result.resources if r.type == kinds.VPC_FLOW_LOG]
    assert [r.vpc_id for r in logs] == [vpc]
    readers = {c[0] for c in scanner.calls_sent if c[2] == "DescribeFlowLogs"}
    assert readers == {c.name for c in chosen}


def test_metric_and_composite_alarms_come_from_one_paged_call(
    scan_config: Any, moto_url: str
) -> None:
    """DescribeAlarms was sent twice per region (AlarmTypes=MetricAlarm, then CompositeAlarm);
    one call asking for both returns both lists in each page."""
    cloudwatch = boto3.client(
        "cloudwatch",
        region_name=REGION,
        endpoint_url=moto_url,
        aws_access_key_id=TEST_KEY,
        aws_secret_access_key=TEST_KEY,
    )
    cloudwatch.put_metric_alarm(
        AlarmName="cpu-high",
        MetricName="CPUUtilization",
        Namespace="AWS/EC2",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=90.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    config = scan_config(regions=[REGION])
    session = make_session(config)
    sent: Counter[str] = Counter()

    def count(model: Any = None, **_: Any) -> None:
        sent[model.name] += 1

    def composite_page(parsed: dict[str, Any], model: Any = None, **_: Any) -> None:
        # moto 5.2.5 does not implement composite alarms (PutCompositeAlarm raises
        # NotImplementedError): a literal composite alarm, in AWS's response shape, is added to
        # the page moto answered, through the same client path, when both types were asked.
        if model.name == "DescribeAlarms":
            parsed.setdefault("CompositeAlarms", []).append(
                {
                    "AlarmName": "service-down",
                    "AlarmArn": f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:service-down",
                    "AlarmRule": 'ALARM("cpu-high")',
                    "StateValue": "OK",
                    "ActionsEnabled": True,
                }
            )

    session.register("before-call.cloudwatch", count)
    session.register("after-call.cloudwatch.DescribeAlarms", composite_page)
    chosen = [c for c in all_collectors() if c.name == "cloudwatch.alarms"]
    assert len(chosen) == 1, [c.name for c in all_collectors() if "alarm" in c.name]
    result = asyncio.run(Scanner(config, collectors=chosen, session=session).run())

    assert sent["DescribeAlarms"] == 1
    alarms = {r.name for r in result.resources if r.type == kinds.ALARM}
    assert alarms == {"cpu-high", "service-down"}


def test_tags_come_from_the_catch_alls_one_get_resources_per_region(
    scan_config: Any, moto_url: str
) -> None:
    """#12/#18: the catch-all's unfiltered GetResources lists every tagged resource of the
    region; the collectors that read their tags from the Tagging API (here SQS and SNS) take
    them from that same answer instead of a GetResources of their own filtered by type: one
    request per region, each resource still with its own tags, every reader recorded."""

    def client(service: str) -> Any:
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=moto_url,
            aws_access_key_id=TEST_KEY,
            aws_secret_access_key=TEST_KEY,
        )

    queue = client("sqs").create_queue(QueueName="tagged-q", tags={"team": "red"})["QueueUrl"]
    topic = client("sns").create_topic(Name="tagged-t", Tags=[{"Key": "team", "Value": "blue"}])
    bare = client("sns").create_topic(Name="bare-t")
    config = scan_config(regions=[REGION])
    session = make_session(config)
    sent: Counter[str] = Counter()

    def count(model: Any = None, **_: Any) -> None:
        sent[model.name] += 1

    session.register("before-call.resource-groups-tagging-api", count)
    names = ("sqs.queues", "sns.topics", "resourcegroupstaggingapi.tagged")
    chosen = [c for c in all_collectors() if c.name in names]
    assert len(chosen) == 3, [c.name for c in chosen]
    scanner = Scanner(config, collectors=chosen, session=session)
    result = asyncio.run(scanner.run())

    assert sent["GetResources"] == 1
    tags = {r.name: r.tags for r in result.resources if r.type in (kinds.QUEUE, kinds.TOPIC)}
    assert tags["tagged-q"] == {"team": "red"}, queue
    assert tags["tagged-t"] == {"team": "blue"}, topic
    assert tags["bare-t"] == {}, bare
    assert not any(r.attributes.get("tags_unknown") for r in result.resources)
    readers = {c[0] for c in scanner.calls_sent if c[2] == "GetResources"}
    assert readers == set(names)
