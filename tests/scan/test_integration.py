"""Integration and operations (issue 12) on moto: Step Functions state machines (their Task
states with Retry/Catch, what the tasks call as links), EventBridge buses and rules (targets and
their dead-letter queues as links), SNS subscriptions (endpoint and redrive policy as links), S3
event notifications (links on the bucket), CloudWatch log groups (retention, stored bytes, KMS),
CloudFormation stacks (status, recorded drift, the resources each owns: `managed_by`) and the
Lambda on-failure destination (GetFunctionEventInvokeConfig).

Every type is seeded in two regions and must be found in its own region, with its key facts,
matching its record (kinds.schema_problems == []). One seeded account and one scan serve the
module; the empty-region and denied-service tests seed and scan their own.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.checks import analyse
from awsexplorer.model import ScanResult
from awsexplorer.model.kinds import (
    BUCKET,
    DEAD_LETTER_LINK,
    EVENT_BUS,
    EVENT_RULE,
    EVENTBRIDGE_TARGET_LINK,
    FUNCTION,
    INTEGRATION_AND_OPERATIONS,
    LOG_GROUP,
    ON_FAILURE_LINK,
    QUEUE,
    S3_NOTIFICATION_LINK,
    SNS_SUBSCRIPTION,
    SNS_SUBSCRIPTION_LINK,
    STACK,
    STATE_MACHINE,
    TASK_LINK,
    schema_problems,
    state_of,
)
from awsexplorer.model.ownership import managed_by
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.collectors.base import Collector
from awsexplorer.scan.runner import Scanner

# The fault proxy lives with the resilience tests; the test directory is not on sys.path.
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
from resilience.fault_proxy import Fault, FaultProxy, Rule  # noqa: E402

from tests.scan.seeding import regional_calls, scan_config, seeding  # noqa: E402

ACCOUNT = "123456789012"
WEST, FAR, EMPTY = "eu-west-1", "ap-southeast-2", "sa-east-1"
REGIONS = (WEST, FAR)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/integration"

STACK_TEMPLATE = {
    "Resources": {
        "JobsQueue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "stack-jobs"}},
        "JobsLog": {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": "/stack/jobs", "RetentionInDays": 14},
        },
    }
}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def fn_arn(region: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"


def _definition(region: str) -> str:
    """Charge retries, Notify has neither Retry nor Catch, Audit (in a Parallel branch)
    catches."""
    return json.dumps(
        {
            "StartAt": "Charge",
            "States": {
                "Charge": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "handler:$LATEST", "Payload.$": "$"},
                    "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
                    "Next": "Fan",
                },
                "Fan": {
                    "Type": "Parallel",
                    "Branches": [
                        {
                            "StartAt": "Audit",
                            "States": {
                                "Audit": {
                                    "Type": "Task",
                                    "Resource": fn_arn(region, "worker") + ":live",
                                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Gave"}],
                                    "End": True,
                                },
                                "Gave": {"Type": "Pass", "End": True},
                            },
                        }
                    ],
                    "Next": "Notify",
                },
                "Notify": {"Type": "Task", "Resource": fn_arn(region, "worker"), "End": True},
            },
        }
    )


def _seed_region(aws: Callable[..., Any], r: str) -> dict[str, str]:
    sqs = aws("sqs", r)
    dlq_url = sqs.create_queue(QueueName="failed")["QueueUrl"]
    dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    inbox_url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    inbox = sqs.get_queue_attributes(QueueUrl=inbox_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    lam = aws("lambda", r)
    for name in ("worker", "handler"):
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=ROLE,
            Handler="app.handler",
            Code={"ZipFile": _zip()},
        )
    # handler: failed asynchronous invocations go to the queue; worker: nowhere.
    lam.put_function_event_invoke_config(
        FunctionName="handler",
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": dlq}},
    )
    aws("stepfunctions", r).create_state_machine(
        name="orders-flow",
        definition=_definition(r),
        roleArn=ROLE,
        tags=[{"key": "team", "value": "orders"}],
    )
    events = aws("events", r)
    events.create_event_bus(Name="partners")
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)", State="ENABLED")
    events.put_targets(
        Rule="nightly",
        Targets=[
            {
                "Id": "w",
                "Arn": fn_arn(r, "worker"),
                "Input": '{"password": "literal-input-never-kept"}',
                "DeadLetterConfig": {"Arn": dlq},
            }
        ],
    )
    events.put_rule(
        Name="partner-orders",
        EventBusName="partners",
        EventPattern=json.dumps({"source": ["partner.orders"]}),
        State="DISABLED",
    )
    events.put_targets(
        Rule="partner-orders",
        EventBusName="partners",
        Targets=[{"Id": "h", "Arn": fn_arn(r, "handler")}],
    )
    sns = aws("sns", r)
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    to_fn = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn_arn(r, "worker"))[
        "SubscriptionArn"
    ]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=inbox,
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq})},
        ReturnSubscriptionArn=True,
    )
    sns.subscribe(
        TopicArn=topic, Protocol="https", Endpoint="https://ops:hunter2@hooks.example/in?t=tok"
    )
    logs = aws("logs", r)
    logs.create_log_group(logGroupName=f"/app/{r}")
    logs.put_retention_policy(logGroupName=f"/app/{r}", retentionInDays=30)
    logs.create_log_group(logGroupName="/legacy/kept-forever")
    s3 = aws("s3", r)
    bucket = f"uploads-{r}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": r})
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": fn_arn(r, "worker"), "Events": ["s3:ObjectCreated:*"]}
            ],
            "QueueConfigurations": [{"QueueArn": inbox, "Events": ["s3:ObjectRemoved:*"]}],
        },
    )
    stack = aws("cloudformation", r).create_stack(
        StackName="platform", TemplateBody=json.dumps(STACK_TEMPLATE)
    )["StackId"]
    return {"dlq": dlq, "inbox": inbox, "topic": topic, "to_fn": to_fn, "stack": stack}


def _seed(aws: Callable[..., Any]) -> dict[str, dict[str, str]]:
    aws("iam").create_role(RoleName="integration", AssumeRolePolicyDocument="{}")
    return {r: _seed_region(aws, r) for r in REGIONS}


MINE = {k.type for k in INTEGRATION_AND_OPERATIONS}
# What the links point at and what carries them besides: functions, queues, buckets.
ALSO = {FUNCTION, QUEUE, BUCKET}


def _collectors() -> list[Collector]:
    return [c for c in all_collectors() if set(c.types) & (MINE | ALSO)]


def _scan(
    scan_config: Callable[..., Any], regions: tuple[str, ...] = REGIONS, **config: Any
) -> tuple[ScanResult, Scanner]:
    scanner = Scanner(scan_config(regions=regions, **config), collectors=_collectors())
    return asyncio.run(scanner.run()), scanner


def _one(result: ScanResult, rtype: str, region: str, name: str) -> Any:
    (found,) = (
        r for r in result.resources if r.type == rtype and r.region == region and r.name == name
    )
    return found


@pytest.fixture(scope="module")
def scanned(moto_server: str) -> Iterator[tuple[ScanResult, dict[str, dict[str, str]]]]:
    """Seeded and scanned once for the module."""
    with seeding(moto_server) as client:
        seeded = _seed(client)
        config = scan_config(moto_server, (*REGIONS, "us-east-1"))
        scanner = Scanner(config, collectors=_collectors())
        yield analyse(asyncio.run(scanner.run())), seeded


def _of(result: ScanResult, rtype: str, region: str) -> list[Any]:
    return [r for r in result.resources if r.type == rtype and r.region == region]


def test_every_type_is_found_in_its_region_matching_its_record(
    scanned: tuple[ScanResult, dict[str, dict[str, str]]],
) -> None:
    result, _ = scanned
    assert [e for r in result.regions for e in r.errors] == []
    for region in REGIONS:
        where = sorted((r.type, r.name) for r in result.resources if r.region == region)
        mine = [item for item in where if item[0] in MINE]
        assert mine == sorted(
            [
                (STATE_MACHINE, "orders-flow"),
                (EVENT_BUS, "partners"),  # the untouched default bus is AWS's own: not listed
                (EVENT_RULE, "nightly"),
                (EVENT_RULE, "partner-orders"),
                (SNS_SUBSCRIPTION, "alerts -> worker"),
                (SNS_SUBSCRIPTION, "alerts -> inbox"),
                (SNS_SUBSCRIPTION, "alerts -> https://hooks.example/in"),
                (LOG_GROUP, f"/app/{region}"),
                (LOG_GROUP, "/legacy/kept-forever"),
                (LOG_GROUP, "/stack/jobs"),
                (STACK, "platform"),
            ]
        ), region
    # Nothing of this group in the region where nothing was seeded.
    assert [r for r in result.resources if r.type in MINE and r.region == "us-east-1"] == []
    checked = [r for r in result.resources if r.type in MINE | ALSO]
    assert [p for r in checked for p in schema_problems(r)] == []


def test_state_machines_keep_their_task_states_and_what_they_call(
    scanned: tuple[ScanResult, dict[str, dict[str, str]]],
) -> None:
    result, _ = scanned
    for region in REGIONS:
        machine = _one(result, STATE_MACHINE, region, "orders-flow")
        assert machine.arn == f"arn:aws:states:{region}:{ACCOUNT}:stateMachine:orders-flow"
        assert machine.tags == {"team": "orders"}
        attrs = machine.attributes
        assert (attrs["role"], attrs["machine_type"], attrs["logging_level"]) == (
            ROLE,
            "STANDARD",
            "OFF",
        )
        tasks = {t["name"]: (t["target"], t["retry"], t["catch"]) for t in attrs["task_states"]}
        assert tasks == {
            # lambda:invoke by a qualified name
            "Charge": (fn_arn(region, "handler"), True, False),
            "Audit": (fn_arn(region, "worker"), False, True),  # in a Parallel branch, an alias
            "Notify": (fn_arn(region, "worker"), False, False),
        }
        assert attrs["unhandled_tasks"] == ["Notify"]
        assert attrs["links"] == [
            {"kind": TASK_LINK, "arn": fn_arn(region, "handler")},
            {"kind": TASK_LINK, "arn": fn_arn(region, "worker")},
        ]
        assert "definition" not in attrs  # parsed, never kept as text
        assert state_of(machine) == "active"


def test_rules_carry_schedule_pattern_state_and_targets_as_links(
    scanned: tuple[ScanResult, dict[str, dict[str, str]]],
) -> None:
    result, seeded = scanned
    for region in REGIONS:
        dlq = seeded[region]["dlq"]
        nightly = _one(result, EVENT_RULE, region, "nightly")
        assert nightly.arn == f"arn:aws:events:{region}:{ACCOUNT}:rule/nightly"
        assert nightly.attributes["schedule"] == "rate(1 day)"
        assert nightly.attributes["event_bus"] == "default"
        assert state_of(nightly) == "enabled"
        assert nightly.attributes["links"] == [
            {"kind": EVENTBRIDGE_TARGET_LINK, "arn": fn_arn(region, "worker")},
            {"kind": DEAD_LETTER_LINK, "arn": dlq},
        ]
        assert nightly.attributes["targets"][0]["dead_letter_arn"] == dlq
        partner = _one(result, EVENT_RULE, region, "partner-orders")
        assert partner.arn == f"arn:aws:events:{region}:{ACCOUNT}:rule/partners/partner-orders"
        assert partner.attributes["event_pattern"] == {"source": ["partner.orders"]}
        assert partner.attributes["event_bus"] == "partners"
        assert state_of(partner) == "disabled"
        assert partner.attributes["target_arns"] == [fn_arn(region, "handler")]
        bus = _one(result, EVENT_BUS, region, "partners")
        assert bus.attributes["is_default"] is False


def test_subscriptions_and_bucket_notifications_are_links(
    scanned: tuple[ScanResult, dict[str, dict[str, str]]],
) -> None:
    result, seeded = scanned
    for region in REGIONS:
        wired = seeded[region]
        to_fn = _one(result, SNS_SUBSCRIPTION, region, "alerts -> worker")
        assert to_fn.arn == wired["to_fn"]
        assert (to_fn.attributes["protocol"], to_fn.attributes["topic_arn"]) == (
            "lambda",
            wired["topic"],
        )
        assert to_fn.attributes["links"] == [
            {"kind": SNS_SUBSCRIPTION_LINK, "arn": fn_arn(region, "worker")}
        ]
        to_queue = _one(result, SNS_SUBSCRIPTION, region, "alerts -> inbox")
        assert to_queue.attributes["dead_letter_target"] == wired["dlq"]
        assert to_queue.attributes["links"] == [
            {"kind": SNS_SUBSCRIPTION_LINK, "arn": wired["inbox"]},
            {"kind": DEAD_LETTER_LINK, "arn": wired["dlq"]},
        ]
        hook = _one(result, SNS_SUBSCRIPTION, region, "alerts -> https://hooks.example/in")
        assert hook.attributes["endpoint"] == "https://hooks.example/in"  # no user:pass, no query
        assert hook.attributes["links"] == []
        bucket = _one(result, BUCKET, region, f"uploads-{region}")
        assert bucket.attributes["links"] == [
            {"kind": S3_NOTIFICATION_LINK, "arn": fn_arn(region, "worker")},
            {"kind": S3_NOTIFICATION_LINK, "arn": wired["inbox"]},
        ]
        assert bucket.attributes["notifications"][0]["events"] == ["s3:ObjectCreated:*"]


def test_literal_inputs_and_endpoint_credentials_never_reach_the_scan(
    scanned: tuple[ScanResult, dict[str, dict[str, str]]],
) -> None:
    result, _ = scanned
    text = json.dumps(
        [(r.arn, r.id, r.name, r.tags, r.attributes) for r in result.resources], default=str
    )
    for leak in ("literal-input-never-kept", "hunter2", "t=tok"):
        assert leak not in text


def test_log_groups_say_retention_bytes_and_key(
    scanned: tuple[ScanResult, dict[str, dict[str, str]]],
) -> None:
    result, _ = scanned
    for region in REGIONS:
        kept = _one(result, LOG_GROUP, region, f"/app/{region}")
        assert kept.arn == f"arn:aws:logs:{region}:{ACCOUNT}:log-group:/app/{region}"
        assert (kept.attributes["retention_days"], kept.attributes["stored_bytes"]) == (30, 0)
        assert kept.attributes["kms_key_id"] is None
        assert state_of(kept) == "30 days"
        forever = _one(result, LOG_GROUP, region, "/legacy/kept-forever")
        assert forever.attributes["retention_days"] is None
        assert state_of(forever) == "kept forever"


def test_stacks_own_their_resources_with_or_without_the_tag(
    scanned: tuple[ScanResult, dict[str, dict[str, str]]],
) -> None:
    result, seeded = scanned
    for region in REGIONS:
        stack = _one(result, STACK, region, "platform")
        assert stack.arn == seeded[region]["stack"]
        assert stack.attributes["status"] == "CREATE_COMPLETE"
        assert stack.attributes["resource_count"] == 2
        assert {r["logical_id"] for r in stack.attributes["resources"]} == {"JobsQueue", "JobsLog"}
        assert state_of(stack) == "create_complete"
        # Neither carries the stack tag on moto: ownership comes from the resource list (the
        # queue's physical id is its URL on AWS's endpoint, matched by account and name).
        for rtype, name in ((QUEUE, "stack-jobs"), (LOG_GROUP, "/stack/jobs")):
            owned = _one(result, rtype, region, name)
            assert "aws:cloudformation:stack-name" not in owned.tags
            assert managed_by(owned) == "platform", (rtype, region)
        assert managed_by(_one(result, QUEUE, region, "inbox")) is None


def test_the_lambda_on_failure_destination_is_read(
    scanned: tuple[ScanResult, dict[str, dict[str, str]]],
) -> None:
    result, seeded = scanned
    for region in REGIONS:
        handler = _one(result, FUNCTION, region, "handler")
        assert handler.attributes["on_failure_destination"] == seeded[region]["dlq"]
        assert handler.attributes["async_max_retries"] == 1
        assert handler.attributes["links"] == [
            {"kind": ON_FAILURE_LINK, "arn": seeded[region]["dlq"]}
        ]
        worker = _one(result, FUNCTION, region, "worker")
        assert worker.attributes["on_failure_destination"] is None
        assert "event_invoke_config_unknown" not in worker.attributes


def test_a_region_with_nothing_costs_one_list_call_per_service(
    aws: Callable[..., Any], scan_config: Callable[..., Any]
) -> None:
    _seed(aws)  # elsewhere: the empty region must not pay for it
    scanner = Scanner(
        scan_config(regions=(EMPTY,)),
        collectors=[c for c in all_collectors() if set(c.types) & MINE],
    )
    asyncio.run(scanner.run())
    regional = regional_calls(scanner)
    # EventBridge: the bus list and the default bus's rules (two types, asked at once).
    assert regional == sorted(
        [
            ("stepfunctions", "ListStateMachines"),
            ("events", "ListEventBuses"),
            ("events", "ListRules"),
            ("sns", "ListSubscriptions"),
            ("logs", "DescribeLogGroups"),
            ("cloudformation", "DescribeStacks"),
        ]
    )


def test_a_denied_service_in_one_region_is_an_error_there_not_an_empty_list(
    aws: Callable[..., Any], scan_config: Callable[..., Any], moto_url: str
) -> None:
    for region in REGIONS:
        aws("logs", region).create_log_group(logGroupName=f"/app/{region}")
        aws("stepfunctions", region).create_state_machine(
            name="flow", definition=_definition(region), roleArn=ROLE
        )
    proxy = FaultProxy(moto_url).start()
    try:
        for service, operation in (
            ("logs", "DescribeLogGroups"),
            ("states", "DescribeStateMachine"),
        ):
            proxy.add(
                Rule(
                    Fault.ERROR,
                    service=service,
                    region=FAR,
                    operation=operation,
                    code="AccessDeniedException",
                )
            )
        result, _ = _scan(scan_config, endpoint_url=proxy.url)
    finally:
        proxy.stop()
    errors = {(e.region, e.service, e.operation, e.code) for r in result.regions for e in r.errors}
    assert errors == {
        (FAR, "logs", "DescribeLogGroups", "AccessDeniedException"),
        (FAR, "stepfunctions", "DescribeStateMachine", "AccessDeniedException"),
    }
    groups = {(r.region, r.name) for r in result.resources if r.type == LOG_GROUP}
    assert groups == {(WEST, f"/app/{WEST}")}
    # A denied detail spoils only the detail: the machine is there, its tasks unknown.
    far = _one(result, STATE_MACHINE, FAR, "flow")
    assert far.attributes["task_states"] is None and far.attributes["definition_unknown"]
    assert schema_problems(far) == []
    assert _one(result, STATE_MACHINE, WEST, "flow").attributes["unhandled_tasks"] == ["Notify"]
