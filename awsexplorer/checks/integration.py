"""Integration: how services call each other, and what happens to what fails on the way.

Reads the normalised attributes of the integration collectors (Step Functions `task_states` and
`unhandled_tasks`; log groups' `retention_days` and `stored_bytes`; the `links` of SNS
subscriptions, S3 buckets and EventBridge rules) and the Lambda function's
`dead_letter_target` and `on_failure_destination`.
"""

from __future__ import annotations

from collections.abc import Iterator

from awsexplorer.checks.api import CheckContext, Outcome, flag, label, unknown
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.calls import (
    EVENTS_LIST_RULES,
    EVENTS_LIST_TARGETS_BY_RULE,
    LAMBDA_GET_FUNCTION_EVENT_INVOKE_CONFIG,
    LAMBDA_LIST_FUNCTIONS,
    LOGS_DESCRIBE_LOG_GROUPS,
    S3_GET_BUCKET_NOTIFICATION_CONFIGURATION,
    S3_LIST_BUCKETS,
    SFN_DESCRIBE_STATE_MACHINE,
    SFN_LIST_STATE_MACHINES,
    SNS_LIST_SUBSCRIPTIONS,
)

_SHOWN = 5  # names listed in a message before "and N more"


def _names(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c", "a, b, c, d, e and 2 more"."""
    if len(items) > _SHOWN:
        return ", ".join(items[:_SHOWN]) + f" and {len(items) - _SHOWN} more"
    return " and ".join(filter(None, (", ".join(items[:-1]), items[-1] if items else "")))


def human_bytes(value: int) -> str:
    size = float(value)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{value} bytes"  # pragma: no cover - the loop always returns


@check(
    id="stepfunctions-no-error-handling",
    title="State machine Task without Retry or Catch",
    severity=Severity.LOW,
    types=[kinds.STATE_MACHINE],
    remediation=(
        "Give each Task a `Retry` (with backoff, for transient errors such as "
        "Lambda.ServiceException, Lambda.TooManyRequestsException and States.Timeout) and a "
        "`Catch` that leads to a failure-handling state, then `aws stepfunctions "
        "update-state-machine --state-machine-arn ARN --definition file://definition.json`."
    ),
    inputs=[SFN_LIST_STATE_MACHINES, SFN_DESCRIBE_STATE_MACHINE],
    placeholders={"ARN": "arn"},
)
def stepfunctions_no_error_handling(ctx: CheckContext) -> Iterator[Outcome]:
    """A Task state with neither Retry nor Catch fails the whole execution on the first
    throttle, timeout or transient service error: the work done so far is abandoned and
    nothing handles the failure. Task states nested in Parallel branches and Map iterators
    count too."""
    for machine in ctx.of_type(kinds.STATE_MACHINE):
        tasks = machine.attributes.get("task_states")
        unhandled = machine.attributes.get("unhandled_tasks")
        if tasks is None or unhandled is None:
            yield unknown(machine, "its definition was not read")
        elif unhandled:
            plural = "s" if len(unhandled) > 1 else ""
            yield flag(
                machine,
                f"state machine {label(machine)} has {len(unhandled)} of {len(tasks)} Task "
                f"state{plural} with neither Retry nor Catch: {_names(list(unhandled))}",
            )


@check(
    id="logs-retention-unset",
    title="Log group kept forever",
    severity=Severity.LOW,
    types=[kinds.LOG_GROUP],
    remediation=(
        "`aws logs put-retention-policy --log-group-name GROUP --retention-in-days 30` "
        "(or the period your audit rules require; export what must be kept longer to S3)."
    ),
    inputs=[LOGS_DESCRIBE_LOG_GROUPS],
    placeholders={"GROUP": "id"},
)
def logs_retention_unset(ctx: CheckContext) -> Iterator[Outcome]:
    """A log group without a retention setting never expires: every event is kept, and billed
    for its storage, forever."""
    for group in ctx.of_type(kinds.LOG_GROUP):
        if group.attributes.get("retention_days") is not None:
            continue
        stored = group.attributes.get("stored_bytes")
        size = (
            f"it stores {human_bytes(stored)}"
            if isinstance(stored, int)
            else "its stored bytes are unknown"
        )
        yield flag(
            group,
            f"log group {group.id} has no retention: its events are kept and billed forever; "
            f"{size}",
        )


_ASYNC_SOURCE = {
    kinds.SNS_SUBSCRIPTION_LINK: "SNS topic",
    kinds.S3_NOTIFICATION_LINK: "S3 bucket",
    kinds.EVENTBRIDGE_TARGET_LINK: "EventBridge rule",
}


def _function_arn(arn: str) -> str | None:
    """A Lambda function's unqualified ARN (no version or alias), or None for another ARN."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function":
        return None
    return ":".join(parts[:7])


def _async_invokers(ctx: CheckContext) -> dict[str, list[str]]:
    """{function ARN: ["SNS topic alerts", ...]}: who invokes each function asynchronously."""
    sources: list[tuple[Resource, str]] = []
    for sub in ctx.of_type(kinds.SNS_SUBSCRIPTION):
        if not sub.attributes.get("pending"):
            topic = str(sub.attributes.get("topic_arn") or sub.arn).rsplit(":", 1)[-1]
            sources.append((sub, f"{_ASYNC_SOURCE[kinds.SNS_SUBSCRIPTION_LINK]} {topic}"))
    for bucket in ctx.of_type(kinds.BUCKET):
        sources.append((bucket, f"{_ASYNC_SOURCE[kinds.S3_NOTIFICATION_LINK]} {bucket.id}"))
    for rule in ctx.of_type(kinds.EVENT_RULE):
        if str(rule.attributes.get(kinds.STATE) or "").upper() != "DISABLED":
            sources.append((rule, f"{_ASYNC_SOURCE[kinds.EVENTBRIDGE_TARGET_LINK]} {rule.id}"))
    invokers: dict[str, list[str]] = {}
    for source, name in sources:
        for link in source.attributes.get(kinds.LINKS) or []:
            if not isinstance(link, dict) or link.get("kind") not in _ASYNC_SOURCE:
                continue
            function = _function_arn(str(link.get("arn") or ""))
            if function and name not in invokers.setdefault(function, []):
                invokers[function].append(name)
    return invokers


@check(
    id="lambda-async-no-failure-destination",
    title="Asynchronously invoked function drops its failures",
    severity=Severity.MEDIUM,
    types=[kinds.FUNCTION, kinds.SNS_SUBSCRIPTION, kinds.BUCKET, kinds.EVENT_RULE],
    remediation=(
        "Send failed invocations somewhere: `aws lambda put-function-event-invoke-config "
        "--function-name FUNCTION --destination-config "
        '\'{"OnFailure":{"Destination":"arn:aws:sqs:REGION:ACCOUNT:QUEUE"}}\'` (or a '
        "dead-letter queue: `aws lambda update-function-configuration --function-name FUNCTION "
        "--dead-letter-config TargetArn=arn:aws:sqs:REGION:ACCOUNT:QUEUE`), and alarm on it."
    ),
    inputs=[
        LAMBDA_LIST_FUNCTIONS,
        LAMBDA_GET_FUNCTION_EVENT_INVOKE_CONFIG,
        SNS_LIST_SUBSCRIPTIONS,
        S3_LIST_BUCKETS,
        S3_GET_BUCKET_NOTIFICATION_CONFIGURATION,
        EVENTS_LIST_RULES,
        EVENTS_LIST_TARGETS_BY_RULE,
    ],
    placeholders={"FUNCTION": "id"},
)
def lambda_async_no_failure_destination(ctx: CheckContext) -> Iterator[Outcome]:
    """SNS, S3 notifications and EventBridge invoke a function asynchronously: Lambda retries a
    failed event twice, then drops it unless the function has a dead-letter queue or an
    on-failure destination. (An EventBridge target's or an SNS subscription's own dead-letter
    queue catches events that could not be delivered to Lambda, not those the function failed
    on.) Functions outside the scan are not judged."""
    invokers = _async_invokers(ctx)
    for function in ctx.of_type(kinds.FUNCTION):
        sources = invokers.get(_function_arn(function.arn) or function.arn)
        if not sources:
            continue
        attrs = function.attributes
        if attrs.get("dead_letter_target") or attrs.get("on_failure_destination"):
            continue
        if attrs.get("event_invoke_config_unknown"):
            yield unknown(function, "its asynchronous invocation settings were not read")
            continue
        yield flag(
            function,
            f"function {label(function)} is invoked asynchronously by {_names(sources)} and "
            "has neither a dead-letter queue nor an on-failure destination: an event that "
            "fails its retries is dropped",
        )
