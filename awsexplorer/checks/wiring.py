"""Wiring: how services call each other, and what happens when a call fails. Event sources that
retry a failing batch with nowhere to put it, functions that may trigger themselves, and the
resources whose failures nobody is alarmed about.

Read from the event source mappings (`lambda:event-source-mapping`), the queues' redrive
policies, the functions' roles through the one policy evaluator (model/policy.py, via
model/principals.py), and the CloudWatch alarms' metric dimensions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from awsexplorer.checks.api import CheckContext, Outcome, flag, label, unknown
from awsexplorer.checks.edges import function_arn_of
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.calls import (
    CLOUDWATCH_DESCRIBE_ALARMS,
    IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS,
    LAMBDA_LIST_EVENT_SOURCE_MAPPINGS,
    LAMBDA_LIST_FUNCTIONS,
    RDS_DESCRIBE_DB_INSTANCES,
    SNS_LIST_SUBSCRIPTIONS,
    SQS_GET_QUEUE_ATTRIBUTES,
    SQS_LIST_QUEUES,
)
from awsexplorer.model.principals import admin_answers

DISABLED_STATES = ("Disabled", "Disabling")
STREAM_SERVICES = {"kinesis": "Kinesis stream", "dynamodb": "DynamoDB stream"}
UNBOUNDED = (None, -1)  # AWS's default for a stream source's retries and record age


def arn_service(arn: str) -> str:
    parts = arn.split(":")
    return parts[2] if len(parts) > 5 else ""


def arn_name(arn: str) -> str:
    return arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def ours(ctx: CheckContext, arn: str) -> bool:
    """An ARN of the scanned account in a scanned region: the scan should have seen it."""
    parts = arn.split(":")
    return len(parts) > 5 and parts[4] == ctx.account.id and parts[3] in ctx.scanned_regions


def live_mappings(ctx: CheckContext) -> list[Resource]:
    return [
        m
        for m in ctx.of_type(kinds.EVENT_SOURCE_MAPPING)
        if m.attributes.get("state") not in DISABLED_STATES
    ]


def stream_text(arn: str) -> str:
    """'Kinesis stream clicks', 'DynamoDB stream of table orders' (not its ARN's timestamp)."""
    if arn_service(arn) == "dynamodb":
        return f"DynamoDB stream of table {arn.split('/stream/', 1)[0].rsplit('/', 1)[-1]}"
    return f"{STREAM_SERVICES.get(arn_service(arn), 'stream')} {arn_name(arn)}"


def mapping_text(mapping: Resource) -> str:
    """The mapping by its name ("orders-queue -> orders-api"): the UUID is in its ARN and in
    the remediation's command, and would cost a line at 80 columns."""
    return f"event source mapping {mapping.name or mapping.id}"


@check(
    id="lambda-event-source-no-failure-handling",
    title="Event source with no failure handling",
    severity=Severity.MEDIUM,
    types=[kinds.EVENT_SOURCE_MAPPING],
    remediation=(
        "SQS: give the queue a dead-letter queue (`aws sqs set-queue-attributes --queue-url "
        "QUEUE_URL --attributes file://redrive.json`, RedrivePolicy with deadLetterTargetArn "
        "and maxReceiveCount). Kinesis or DynamoDB stream: bound the retries and keep what "
        "fails: `aws lambda update-event-source-mapping --uuid UUID --maximum-retry-attempts 5 "
        "--bisect-batch-on-function-error --destination-config "
        "'OnFailure={Destination=QUEUE_OR_TOPIC_ARN}'`."
    ),
    inputs=[LAMBDA_LIST_EVENT_SOURCE_MAPPINGS, SQS_LIST_QUEUES, SQS_GET_QUEUE_ATTRIBUTES],
    placeholders={"UUID": "id"},
)
def lambda_event_source_no_failure_handling(ctx: CheckContext) -> Iterator[Outcome]:
    """An SQS event source whose queue has no redrive policy: a message the function keeps
    failing on goes back to the queue and is retried until the queue's retention drops it,
    unseen. A Kinesis or DynamoDB stream source with no on-failure destination and no bound on
    retries (maximum retry attempts and maximum record age both unlimited, AWS's default): one
    bad record blocks its shard, retried until it expires, then is lost without a trace.
    Disabled mappings are not judged."""
    for mapping in live_mappings(ctx):
        source = str(mapping.attributes.get("source_arn") or "")
        service = arn_service(source)
        if service == "sqs":
            queue = ctx.inventory.get(source)
            if queue is None:
                if ours(ctx, source):
                    yield unknown(mapping, f"its source queue {source} was not found")
                continue
            if queue.attributes.get("attributes_unknown"):
                yield unknown(mapping, f"the attributes of queue {queue.id} were not read")
                continue
            if not queue.attributes.get("dead_letter_target"):
                yield flag(
                    mapping,
                    f"{mapping_text(mapping)}: SQS queue {queue.name} has no redrive policy "
                    "(no dead-letter queue): a message the function keeps failing on is "
                    "retried until the queue's retention drops it",
                )
        elif service in STREAM_SERVICES:
            attrs = mapping.attributes
            if attrs.get("on_failure"):
                continue
            if (
                attrs.get("maximum_retry_attempts") in UNBOUNDED
                and attrs.get("maximum_record_age_seconds") in UNBOUNDED
            ):
                yield flag(
                    mapping,
                    f"{mapping_text(mapping)}: {stream_text(source)} source has no "
                    "on-failure destination and no retry bound (maximum retry "
                    "attempts and maximum record age unlimited): a failing batch blocks its "
                    "shard until the records expire, then is dropped unrecorded",
                )


@dataclass(frozen=True, slots=True)
class Trigger:
    """Something that invokes a function, and the write to it that would invoke it again."""

    kind: str  # "SQS queue", "DynamoDB stream of table", "SNS topic"
    source: str  # the ARN a write goes to (the queue, the table, the topic)
    actions: tuple[str, ...]  # any of these on `source` writes to it


DYNAMODB_WRITES = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
)


def triggers(ctx: CheckContext) -> dict[str, list[Trigger]]:
    """function ARN -> what triggers it that a write can feed: SQS queues and DynamoDB streams
    through event source mappings, SNS topics through their confirmed lambda subscriptions."""
    found: dict[str, list[Trigger]] = defaultdict(list)
    for mapping in live_mappings(ctx):
        function = str(mapping.attributes.get("function_arn") or "")
        source = str(mapping.attributes.get("source_arn") or "")
        service = arn_service(source)
        if service == "sqs":
            found[function].append(Trigger("SQS queue", source, ("sqs:SendMessage",)))
        elif service == "dynamodb" and "/stream/" in source:
            table = source.split("/stream/", 1)[0]
            found[function].append(Trigger("DynamoDB stream of table", table, DYNAMODB_WRITES))
    for subscription in ctx.of_type(kinds.SNS_SUBSCRIPTION):
        attrs = subscription.attributes
        if attrs.get("pending") or str(attrs.get("protocol") or "").lower() != "lambda":
            continue
        topic, endpoint = str(attrs.get("topic_arn") or ""), str(attrs.get("endpoint") or "")
        if topic and endpoint:
            found[function_arn_of(endpoint)].append(Trigger("SNS topic", topic, ("sns:Publish",)))
    return found


@check(
    id="lambda-recursive-loop",
    title="Function may trigger itself",
    severity=Severity.HIGH,
    types=[kinds.FUNCTION],
    remediation=(
        "Write somewhere else than the source that triggers the function, or narrow its role "
        "so it cannot (remove the permission the finding names: `aws iam "
        "put-role-policy`/`detach-role-policy` on the role); if the write is meant, make it "
        "conditional in the code and keep Lambda's recursive loop detection on (`aws lambda "
        "put-function-recursion-config --function-name FUNCTION --recursive-loop Terminate`)."
    ),
    inputs=[
        LAMBDA_LIST_FUNCTIONS,
        LAMBDA_LIST_EVENT_SOURCE_MAPPINGS,
        SNS_LIST_SUBSCRIPTIONS,
        IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS,
    ],
    placeholders={"FUNCTION": "id"},
)
def lambda_recursive_loop(ctx: CheckContext) -> Iterator[Outcome]:
    """A function triggered by a DynamoDB stream, an SQS queue or an SNS topic whose own role
    may write to that same table, queue or topic: one bad write can make it call itself
    again and again, a loop that runs until someone notices the bill. "May": the role's
    policies allow it (judged by the policy evaluator, conditions kept); whether the code
    does it is not something a scan can see. Resource policies granting the role are not
    counted."""
    wired = triggers(ctx)
    answers = admin_answers(ctx.result.resources)
    for function in ctx.of_type(kinds.FUNCTION):
        sources = wired.get(function.arn)
        if not sources:
            continue
        role_arn = str(function.attributes.get(kinds.ROLE) or "")
        found = answers.get(role_arn)
        if found is None or found.policy_set is None:
            yield unknown(function, f"the policies of its role {role_arn or '?'} were not read")
            continue
        for trigger in sources:
            allowed = None
            for action in trigger.actions:
                answer = found.policy_set.allows(action, trigger.source)
                if answer.grants:
                    allowed = (action, answer)
                    break
            if allowed is None:
                if found.unread:
                    yield unknown(
                        function,
                        f"policies of role {arn_name(role_arn)} not read: "
                        f"{', '.join(found.unread)}",
                    )
                continue
            action, answer = allowed
            by = ", ".join(answer.sources) or "its policies"
            yield flag(
                function,
                f"function {label(function)} is triggered by {trigger.kind} "
                f"{arn_name(trigger.source)} and may write to it: its role "
                f"{arn_name(role_arn)} allows {action} on {trigger.source} (policy {by})"
                f"{answer.qualifiers()}",
            )


@dataclass(frozen=True, slots=True)
class Watched:
    """What a resource's CloudWatch metrics are keyed by: the dimension name and value."""

    what: str
    dimension: str
    value: str


def watched(ctx: CheckContext) -> Iterator[tuple[Resource, Watched]]:
    for db in ctx.of_type(kinds.DATABASE):
        yield db, Watched("RDS instance", "DBInstanceIdentifier", db.id)
    for function in ctx.of_type(kinds.FUNCTION):
        yield function, Watched("Lambda function", "FunctionName", function.name or function.id)
    for queue in ctx.of_type(kinds.QUEUE):
        if queue.attributes.get("is_dead_letter_queue"):
            yield queue, Watched("SQS dead-letter queue", "QueueName", queue.name or queue.id)


@check(
    id="monitoring-no-alarm",
    title="No CloudWatch alarm",
    severity=Severity.LOW,
    types=[kinds.DATABASE, kinds.FUNCTION, kinds.QUEUE],
    remediation=(
        "Alarm on what says it is failing, notifying a topic someone reads: a function's "
        "Errors (`aws cloudwatch put-metric-alarm --alarm-name NAME-errors --namespace "
        "AWS/Lambda --metric-name Errors --dimensions Name=FunctionName,Value=NAME "
        "--statistic Sum --period 300 --evaluation-periods 1 --threshold 1 "
        "--comparison-operator GreaterThanOrEqualToThreshold --alarm-actions TOPIC_ARN`), a DB "
        "instance's CPUUtilization or FreeStorageSpace (namespace AWS/RDS, dimension "
        "DBInstanceIdentifier), a dead-letter queue's ApproximateNumberOfMessagesVisible above "
        "0 (namespace AWS/SQS, dimension QueueName)."
    ),
    inputs=[
        CLOUDWATCH_DESCRIBE_ALARMS,
        RDS_DESCRIBE_DB_INSTANCES,
        LAMBDA_LIST_FUNCTIONS,
        SQS_LIST_QUEUES,
        SQS_GET_QUEUE_ATTRIBUTES,
    ],
    placeholders={"NAME": "name"},
)
def monitoring_no_alarm(ctx: CheckContext) -> Iterator[Outcome]:
    """An RDS instance, a Lambda function or an SQS dead-letter queue that no CloudWatch alarm
    in its region watches (no alarm has a metric dimension naming it): it can fail, fill up or
    collect failed messages for weeks before anyone looks. Any alarm on any of its metrics
    counts; for a metric-math alarm, the dimensions of its first metric are read."""
    alarmed: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for alarm in ctx.of_type(kinds.ALARM):
        for dimension in alarm.attributes.get("dimensions") or []:
            if isinstance(dimension, dict):
                alarmed[alarm.region].add((str(dimension.get("name")), str(dimension.get("value"))))
    for resource, watch in watched(ctx):
        if (watch.dimension, watch.value) in alarmed[resource.region]:
            continue
        if ctx.errors(CLOUDWATCH_DESCRIBE_ALARMS, resource.region):
            yield unknown(resource, f"the alarms of {resource.region} were not read")
            continue
        yield flag(
            resource,
            f"{watch.what} {label(resource)} has no CloudWatch alarm on any of its metrics "
            f"(none with dimension {watch.dimension}={watch.value} in {resource.region})",
        )
