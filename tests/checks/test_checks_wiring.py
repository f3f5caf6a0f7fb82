"""The wiring checks (issue 13): event sources with no failure handling, functions that may
trigger themselves, resources no alarm watches, and NAT-routed VPCs with no S3 gateway endpoint.

Literal fixtures first (the normalised fields the collectors write), each pitfall beside a clean
look-alike that must not be flagged. Then one moto account seeded with both, scanned through the
real collectors (the event source mapping's retry bound and on-failure destination included),
and judged.
"""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from check_fixtures import (
    ACCOUNT_ID,
    allow,
    error,
    flagged,
    messages,
    policy,
    resource,
    role,
    run,
    scan,
)

from awsexplorer.checks import analyse
from awsexplorer.config import ScanConfig, Settings
from awsexplorer.model import Resource, ScanResult, kinds
from awsexplorer.scan.collectors.awslambda import source_name
from awsexplorer.scan.runner import scan as run_scanner

EU = "eu-west-1"


def queue(name: str, dlq: str | None = None, **attributes: Any) -> Resource:
    item = resource(kinds.QUEUE, name, dead_letter_target=dlq, **attributes)
    item.arn = f"arn:aws:sqs:{EU}:{ACCOUNT_ID}:{name}"
    item.name = name
    return item


def function(name: str, role_name: str = "fn-role") -> Resource:
    item = resource(kinds.FUNCTION, name, role=f"arn:aws:iam::{ACCOUNT_ID}:role/{role_name}")
    item.arn = f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:function:{name}"
    return item


def mapping(uuid: str, source: str, target: Resource, **attributes: Any) -> Resource:
    attributes.setdefault("state", "Enabled")
    return resource(
        kinds.EVENT_SOURCE_MAPPING,
        uuid,
        name=f"{source.rsplit(':', 1)[-1]} -> {target.id}",
        source_arn=source,
        function_arn=target.arn,
        **attributes,
    )


STREAM = f"arn:aws:kinesis:{EU}:{ACCOUNT_ID}:stream/clicks"
TABLE = f"arn:aws:dynamodb:{EU}:{ACCOUNT_ID}:table/orders"
TABLE_STREAM = f"{TABLE}/stream/2026-01-01T00:00:00.000"


def test_event_source_no_failure_handling() -> None:
    worker = function("worker")
    bare, redriven = queue("jobs"), queue("jobs-ok", dlq="arn:dlq")
    result = scan(
        worker,
        bare,
        redriven,
        mapping("m-sqs-bare", bare.arn, worker),
        mapping("m-sqs-ok", redriven.arn, worker),
        mapping("m-off", bare.arn, worker, state="Disabled"),  # disabled: not judged
        mapping("m-kin-bare", STREAM, worker, maximum_retry_attempts=-1),
        mapping("m-ddb-bare", TABLE_STREAM, worker),  # moto/old snapshots: fields absent
        # Look-alikes: bounded retries; an on-failure destination; a record-age bound.
        mapping("m-kin-retry", STREAM, worker, maximum_retry_attempts=3),
        mapping("m-kin-dest", STREAM, worker, on_failure="arn:aws:sqs:eu-west-1:1:failed"),
        mapping("m-ddb-age", TABLE_STREAM, worker, maximum_record_age_seconds=3600),
    )
    assert sorted(flagged("lambda-event-source-no-failure-handling", result)) == [
        "m-ddb-bare",
        "m-kin-bare",
        "m-sqs-bare",
    ]
    found = messages("lambda-event-source-no-failure-handling", result)
    assert any(
        m.startswith("event source mapping jobs -> worker: SQS queue jobs has no redrive policy")
        for m in found
    )
    assert any("Kinesis stream clicks source has no on-failure destination" in m for m in found)
    # A DynamoDB stream is named by its table, not by the timestamp ending its ARN.
    assert any("DynamoDB stream of table orders source has no on-failure" in m for m in found)
    findings, _ = run("lambda-event-source-no-failure-handling", result)
    assert all("--uuid m-" in f.remediation and f"--region {EU}" in f.remediation for f in findings)


def test_event_source_queue_unread_or_missing_is_not_evaluated() -> None:
    worker = function("worker")
    unread = queue("jobs", attributes_unknown=True)
    result = scan(worker, unread, mapping("m-1", unread.arn, worker))
    findings, outcome = run("lambda-event-source-no-failure-handling", result)
    assert findings == [] and "attributes of queue jobs were not read" in str(outcome.reason)
    # Our account's queue in a scanned region the scan did not find: unknown, not passed.
    missing = f"arn:aws:sqs:{EU}:{ACCOUNT_ID}:gone"
    findings, outcome = run(
        "lambda-event-source-no-failure-handling", scan(worker, mapping("m-2", missing, worker))
    )
    assert findings == [] and outcome.status == "not-evaluated"
    # Another account's queue: not ours to judge, and nothing to wait for.
    theirs = f"arn:aws:sqs:{EU}:999999999999:shared"
    assert (
        flagged(
            "lambda-event-source-no-failure-handling", scan(worker, mapping("m-3", theirs, worker))
        )
        == []
    )


def lambda_role(name: str, *statements: dict[str, Any]) -> Resource:
    return role(name, inline_policies=[{"name": f"{name}-access", "document": policy(*statements)}])


def test_recursive_loop_names_the_permission_and_says_may() -> None:
    looping, safe, table_writer, table_reader = (
        function("looping", "looping-role"),
        function("safe", "safe-role"),
        function("table-writer", "writer-role"),
        function("table-reader", "reader-role"),
    )
    jobs, results = queue("jobs"), queue("results")
    result = scan(
        looping,
        safe,
        table_writer,
        table_reader,
        jobs,
        results,
        mapping("m1", jobs.arn, looping),
        mapping("m2", jobs.arn, safe),
        mapping("m3", TABLE_STREAM, table_writer),
        mapping("m4", TABLE_STREAM, table_reader),
        # sqs:Send* covers SendMessage on every queue, the one it is triggered by included.
        lambda_role("looping-role", allow("sqs:Send*", "*")),
        # Look-alike: it sends, but to another queue only.
        lambda_role("safe-role", allow("sqs:SendMessage", results.arn)),
        lambda_role(
            "writer-role",
            {**allow("dynamodb:UpdateItem", TABLE), "Condition": {"StringEquals": {"aws:x": "1"}}},
        ),
        lambda_role("reader-role", allow(["dynamodb:GetItem", "dynamodb:Query"], TABLE)),
    )
    findings, outcome = run("lambda-recursive-loop", result)
    assert outcome.status == "evaluated"
    by_function = {f.resource.rsplit(":", 1)[-1]: f.message for f in findings}
    assert sorted(by_function) == ["looping", "table-writer"]
    assert (
        "is triggered by SQS queue jobs and may write to it: its role looping-role allows "
        f"sqs:SendMessage on {jobs.arn} (policy looping-role-access (inline))"
    ) in by_function["looping"]
    assert "DynamoDB stream of table orders" in by_function["table-writer"]
    assert "allows dynamodb:UpdateItem" in by_function["table-writer"]
    assert "only if" in by_function["table-writer"]  # the condition is kept, never guessed


def subscription(topic: str, target: Resource, protocol: str = "lambda", **extra: Any) -> Any:
    topic_arn = f"arn:aws:sns:{EU}:{ACCOUNT_ID}:{topic}"
    return resource(
        kinds.SNS_SUBSCRIPTION,
        f"{topic}-{target.id}",
        topic_arn=topic_arn,
        protocol=protocol,
        endpoint=target.arn,
        **{"pending": False, **extra},
    )


def test_recursive_loop_through_an_sns_topic() -> None:
    notifier, listener, pending = (
        function("notifier", "notifier-role"),
        function("listener", "listener-role"),
        function("pending", "notifier-role"),
    )
    topic = f"arn:aws:sns:{EU}:{ACCOUNT_ID}:order-events"
    result = scan(
        notifier,
        listener,
        pending,
        subscription("order-events", notifier),
        subscription("order-events", listener),
        subscription("order-events", pending, pending=True),  # not confirmed: delivers nothing
        lambda_role("notifier-role", allow("sns:Publish", topic)),
        # Look-alike: subscribed too, but it publishes elsewhere.
        lambda_role("listener-role", allow("sns:Publish", f"{topic}-audit")),
    )
    findings, outcome = run("lambda-recursive-loop", result)
    assert outcome.status == "evaluated"
    assert [f.resource.rsplit(":", 1)[-1] for f in findings] == ["notifier"]
    assert "triggered by SNS topic order-events and may write to it" in findings[0].message
    assert f"allows sns:Publish on {topic}" in findings[0].message


def test_recursive_loop_role_not_read_is_not_evaluated() -> None:
    looping, jobs = function("looping", "unknown-role"), queue("jobs")
    findings, outcome = run(
        "lambda-recursive-loop", scan(looping, jobs, mapping("m1", jobs.arn, looping))
    )
    assert findings == [] and "unknown-role were not read" in str(outcome.reason)


def alarm(name: str, *dimensions: tuple[str, str], region: str = EU) -> Resource:
    return resource(
        kinds.ALARM,
        name,
        region,
        namespace="AWS/Lambda",
        metric_name="Errors",
        dimensions=[{"name": n, "value": v} for n, v in dimensions],
    )


def test_monitoring_no_alarm() -> None:
    watched_fn, bare_fn = function("watched"), function("bare")
    result = scan(
        watched_fn,
        bare_fn,
        resource(kinds.DATABASE, "orders-db"),
        resource(kinds.DATABASE, "reports-db"),
        queue("orders-dlq", is_dead_letter_queue=True),
        queue("audit-dlq", is_dead_letter_queue=True),
        queue("orders", dlq="arn:dlq", is_dead_letter_queue=False),  # not a DLQ: not judged
        alarm("fn-errors", ("FunctionName", "watched")),
        alarm("db-cpu", ("DBInstanceIdentifier", "orders-db")),
        alarm("dlq-depth", ("QueueName", "orders-dlq")),
        # An alarm on the same name in another region watches another resource.
        alarm("elsewhere", ("FunctionName", "bare"), region="us-east-1"),
    )
    assert sorted(flagged("monitoring-no-alarm", result)) == ["audit-dlq", "bare", "reports-db"]
    found = messages("monitoring-no-alarm", result)
    assert any(
        "Lambda function bare has no CloudWatch alarm" in m and "FunctionName=bare" in m
        for m in found
    )
    assert any(m.startswith("SQS dead-letter queue audit-dlq") for m in found)


def test_monitoring_alarms_unread_is_not_evaluated() -> None:
    result = scan(function("bare"), errors=(error(EU, "cloudwatch", "DescribeAlarms"),))
    findings, outcome = run("monitoring-no-alarm", result)
    assert findings == [] and "alarms of eu-west-1 were not read" in str(outcome.reason)


LOCAL = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}


def vpc_with_nat(vpc: str, endpoint: dict[str, Any] | None) -> list[Resource]:
    found = [
        resource(kinds.VPC, vpc, vpc_id=vpc),
        resource(kinds.NAT_GATEWAY, f"nat-{vpc}", vpc_id=vpc, state="available"),
        resource(kinds.SUBNET, f"subnet-{vpc}", vpc_id=vpc, VpcId=vpc, public=False),
        resource(
            kinds.ROUTE_TABLE,
            f"rtb-{vpc}",
            vpc_id=vpc,
            VpcId=vpc,
            Routes=[
                LOCAL,
                {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "NatGatewayId": f"nat-{vpc}",
                    "State": "active",
                },
            ],
            Associations=[{"SubnetId": f"subnet-{vpc}", "Main": False}],
        ),
    ]
    if endpoint is not None:
        found.append(resource(kinds.VPC_ENDPOINT, f"vpce-{vpc}", vpc_id=vpc, **endpoint))
    return found


S3_GATEWAY = {
    "service_name": f"com.amazonaws.{EU}.s3",
    "endpoint_type": "Gateway",
    "state": "available",
}


def test_nat_without_s3_endpoint() -> None:
    result = scan(
        *vpc_with_nat("vpc-bare", None),
        # An interface endpoint for S3 does not spare the NAT for the gateway's free path.
        *vpc_with_nat("vpc-iface", {**S3_GATEWAY, "endpoint_type": "Interface"}),
        *vpc_with_nat("vpc-ok", S3_GATEWAY),  # the look-alike
        resource(kinds.VPC, "vpc-no-nat", vpc_id="vpc-no-nat"),
    )
    assert sorted(flagged("ec2-nat-without-s3-endpoint", result)) == ["vpc-bare", "vpc-iface"]
    findings, _ = run("ec2-nat-without-s3-endpoint", result)
    message = next(f.message for f in findings if f.resource.endswith("vpc-bare"))
    assert "(subnet-vpc-bare through nat-vpc-bare) but has no S3 gateway endpoint" in message
    assert "--vpc-id vpc-bare" in findings[0].remediation
    assert f"com.amazonaws.{EU}.s3" in findings[0].remediation


def test_nat_without_s3_endpoint_unread_endpoints() -> None:
    result = scan(
        *vpc_with_nat("vpc-bare", None), errors=(error(EU, "ec2", "DescribeVpcEndpoints"),)
    )
    findings, outcome = run("ec2-nat-without-s3-endpoint", result)
    assert findings == [] and outcome.status == "not-evaluated"


# -- on moto ------------------------------------------------------------------------------------


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def _seed(aws: Callable[..., Any]) -> None:
    iam = aws("iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    sqs = aws("sqs", EU)

    def make_queue(name: str, **attributes: str) -> str:
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return str(
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
        )

    dlq = make_queue("jobs-dlq")
    jobs = make_queue("jobs")  # pitfall: no redrive policy
    safe = make_queue(
        "safe-jobs", RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq, "maxReceiveCount": 5})
    )
    roles = {}
    for name, document in (
        ("loop-role", {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": jobs}),
        ("safe-role", {"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "*"}),
    ):
        roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        iam.put_role_policy(
            RoleName=name,
            PolicyName="access",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [document]}),
        )
    lambda_ = aws("lambda", EU)
    for name, role_name in (("looping", "loop-role"), ("calm", "safe-role")):
        lambda_.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=roles[role_name],
            Handler="app.handler",
            Code={"ZipFile": _zip()},
        )
    lambda_.create_event_source_mapping(EventSourceArn=jobs, FunctionName="looping")
    lambda_.create_event_source_mapping(EventSourceArn=safe, FunctionName="calm")
    kinesis = aws("kinesis", EU)
    for stream in ("clicks", "payments"):
        kinesis.create_stream(StreamName=stream, ShardCount=1)
    arn = {
        s: kinesis.describe_stream_summary(StreamName=s)["StreamDescriptionSummary"]["StreamARN"]
        for s in ("clicks", "payments")
    }
    lambda_.create_event_source_mapping(
        EventSourceArn=arn["clicks"], FunctionName="calm", StartingPosition="LATEST"
    )
    lambda_.create_event_source_mapping(
        EventSourceArn=arn["payments"],
        FunctionName="calm",
        StartingPosition="LATEST",
        MaximumRetryAttempts=3,
        BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": dlq}},
    )
    cloudwatch = aws("cloudwatch", EU)
    for alarm_name, namespace, dimension, value in (
        ("calm-errors", "AWS/Lambda", "FunctionName", "calm"),
        ("dlq-depth", "AWS/SQS", "QueueName", "jobs-dlq"),
    ):
        cloudwatch.put_metric_alarm(
            AlarmName=alarm_name,
            Namespace=namespace,
            MetricName="Errors",
            Dimensions=[{"Name": dimension, "Value": value}],
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )


@pytest.fixture
def judged(aws: Callable[..., Any], scan_config: Callable[..., ScanConfig]) -> ScanResult:
    _seed(aws)
    return analyse(asyncio.run(run_scanner(scan_config(regions=(EU,)))), Settings())


@pytest.mark.moto
def test_wiring_checks_on_moto(judged: ScanResult) -> None:
    by_arn = {r.arn: r for r in judged.resources}
    status = {c.id: c.status for c in judged.checks}
    found: dict[str, set[str]] = {}
    for finding in judged.findings:
        found.setdefault(finding.check, set()).add(by_arn[finding.resource].name)
    for check_id in (
        "lambda-event-source-no-failure-handling",
        "lambda-recursive-loop",
        "monitoring-no-alarm",
    ):
        assert status[check_id] == "evaluated", check_id
    # The collector reads the stream source's retry bound and on-failure destination.
    payments = next(
        r
        for r in judged.resources
        if r.type == kinds.EVENT_SOURCE_MAPPING and r.name == "stream/payments -> calm"
    )
    assert payments.attributes["maximum_retry_attempts"] == 3
    assert payments.attributes["bisect_on_error"] is True
    assert payments.attributes["on_failure"].endswith(":jobs-dlq")
    assert found["lambda-event-source-no-failure-handling"] == {
        "jobs -> looping",
        "stream/clicks -> calm",
    }
    assert found["lambda-recursive-loop"] == {"looping"}
    # looping has no alarm, calm has one; jobs-dlq (the redrive target) is watched.
    assert found["monitoring-no-alarm"] == {"looping"}


def test_a_dynamodb_stream_mapping_is_named_by_its_table() -> None:
    # The collector's name for a mapping: the source's name, a DynamoDB stream's table.
    assert source_name(TABLE_STREAM) == "orders stream"
    assert source_name(f"arn:aws:sqs:{EU}:{ACCOUNT_ID}:jobs") == "jobs"
