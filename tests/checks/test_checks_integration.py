"""Integration checks (issue 13) on literal fixtures: stepfunctions-no-error-handling,
logs-retention-unset, lambda-async-no-failure-destination.

The attributes below are what the collectors write on moto (tests/scan/test_integration.py
proves the scan: task_states and unhandled_tasks, retention_days and stored_bytes, the links of
subscriptions, buckets and rules, a function's dead_letter_target and on_failure_destination).
Each check is shown flagging its pitfall next to a clean look-alike it must not flag, and
"not evaluated" when its input could not be read.
"""

from __future__ import annotations

from typing import Any

from check_fixtures import ACCOUNT_ID, error, flagged, messages, resource, run, scan

from awsexplorer.checks.evaluation import personalise
from awsexplorer.checks.registry import REGISTRY
from awsexplorer.model import Resource
from awsexplorer.model.kinds import (
    BUCKET,
    DEAD_LETTER_LINK,
    EVENT_RULE,
    EVENTBRIDGE_TARGET_LINK,
    FUNCTION,
    LOG_GROUP,
    S3_NOTIFICATION_LINK,
    SNS_SUBSCRIPTION,
    SNS_SUBSCRIPTION_LINK,
    STATE_MACHINE,
)

REGION = "eu-west-1"


def machine(name: str, tasks: list[tuple[str, bool, bool]] | None) -> Resource:
    task_states = (
        None
        if tasks is None
        else [
            {"name": n, "resource": "arn", "target": None, "retry": r, "catch": c}
            for n, r, c in tasks
        ]
    )
    item = resource(
        STATE_MACHINE,
        name,
        task_states=task_states,
        unhandled_tasks=None if tasks is None else [n for n, r, c in tasks if not r and not c],
    )
    item.arn = f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:{name}"
    return item


def test_a_task_without_retry_or_catch_is_named_and_a_handled_machine_is_not() -> None:
    result = scan(
        machine("orders-flow", [("Charge", True, False), ("Notify", False, False)]),
        machine("refunds-flow", [("Refund", True, True), ("Audit", False, True)]),  # clean
    )
    assert flagged("stepfunctions-no-error-handling", result) == ["orders-flow"]
    (message,) = messages("stepfunctions-no-error-handling", result)
    assert message == (
        "state machine orders-flow has 1 of 2 Task state with neither Retry nor Catch: Notify"
    )


def test_a_machine_whose_definition_was_not_read_is_not_passed() -> None:
    result = scan(
        machine("orders-flow", None),
        errors=(error(REGION, "stepfunctions", "DescribeStateMachine"),),
    )
    findings, outcome = run("stepfunctions-no-error-handling", result)
    assert findings == []
    assert outcome.status == "not-evaluated"
    assert "DescribeStateMachine" in (outcome.reason or "")


def group(name: str, retention: int | None, stored: int | None) -> Resource:
    return resource(LOG_GROUP, name, retention_days=retention, stored_bytes=stored)


def test_a_log_group_kept_forever_says_what_it_stores_and_one_with_retention_is_clean() -> None:
    forever = group("/aws/lambda/orders-api", None, 5 * 1024**3 + 1)
    result = scan(forever, group("/app/orders", 30, 10 * 1024**3))  # clean: 30 days
    findings, outcome = run("logs-retention-unset", result)
    assert outcome.status == "evaluated"
    assert [f.resource for f in findings] == [forever.arn]
    (message,) = messages("logs-retention-unset", result)
    assert message == (
        "log group /aws/lambda/orders-api has no retention: its events are kept and billed "
        "forever; it stores 5.0 GiB"
    )


def test_log_groups_not_listed_make_the_check_not_evaluated() -> None:
    result = scan(
        group("/app/orders", 30, 0),
        errors=(error("us-east-1", "logs", "DescribeLogGroups", "AccessDeniedException"),),
    )
    findings, outcome = run("logs-retention-unset", result)
    assert findings == [] and outcome.status == "not-evaluated"
    assert "logs:DescribeLogGroups failed in us-east-1" in (outcome.reason or "")


def test_the_remediation_names_the_log_group_and_its_region() -> None:
    item = group("/aws/lambda/orders-api", None, 0)
    text = personalise(REGISTRY["logs-retention-unset"], item)
    assert (
        "`aws logs put-retention-policy --log-group-name /aws/lambda/orders-api "
        "--retention-in-days 30 --region eu-west-1`" in text
    )


def fn_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"


def function(name: str, **attributes: Any) -> Resource:
    base: dict[str, Any] = {"dead_letter_target": None, "on_failure_destination": None}
    base.update(attributes)
    item = resource(FUNCTION, name, **base)
    item.arn = fn_arn(name)
    return item


def link(kind: str, arn: str) -> dict[str, str]:
    return {"kind": kind, "arn": arn}


def subscription(topic: str, endpoint: str, pending: bool = False) -> Resource:
    return resource(
        SNS_SUBSCRIPTION,
        f"{topic}-{endpoint.rsplit(':', 1)[-1]}",
        topic_arn=f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{topic}",
        pending=pending,
        links=[link(SNS_SUBSCRIPTION_LINK, endpoint)],
    )


def wiring() -> list[Resource]:
    """Three functions invoked asynchronously (SNS, S3, EventBridge), one via an alias."""
    dlq = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:failed"
    return [
        subscription("alerts", fn_arn("notify")),
        resource(BUCKET, "uploads", links=[link(S3_NOTIFICATION_LINK, fn_arn("thumbnail"))]),
        resource(
            EVENT_RULE,
            "nightly",
            state="ENABLED",
            # The target's own dead-letter queue catches undelivered events, not failed runs.
            links=[
                link(EVENTBRIDGE_TARGET_LINK, fn_arn("report") + ":live"),
                link(DEAD_LETTER_LINK, dlq),
            ],
        ),
        resource(
            EVENT_RULE,
            "paused",
            state="DISABLED",
            links=[link(EVENTBRIDGE_TARGET_LINK, fn_arn("idle"))],
        ),
        subscription("alerts", fn_arn("pending-fn"), pending=True),
    ]


def test_async_functions_without_a_failure_destination_are_flagged_with_their_callers() -> None:
    dlq = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:failed"
    result = scan(
        *wiring(),
        function("notify"),
        function("thumbnail"),
        function("report"),
        function("idle"),  # only a disabled rule targets it
        function("pending-fn"),  # only an unconfirmed subscription
        function("api"),  # invoked by nothing asynchronous
        # Clean look-alikes: the same wiring, with a dead-letter queue or a destination.
        subscription("orders", fn_arn("with-dlq")),
        function("with-dlq", dead_letter_target=dlq),
        resource(BUCKET, "exports", links=[link(S3_NOTIFICATION_LINK, fn_arn("with-dest"))]),
        function("with-dest", on_failure_destination=dlq),
    )
    assert sorted(flagged("lambda-async-no-failure-destination", result)) == [
        "notify",
        "report",
        "thumbnail",
    ]
    assert sorted(messages("lambda-async-no-failure-destination", result)) == [
        "function notify is invoked asynchronously by SNS topic alerts and has neither a "
        "dead-letter queue nor an on-failure destination: an event that fails its retries is "
        "dropped",
        "function report is invoked asynchronously by EventBridge rule nightly and has neither "
        "a dead-letter queue nor an on-failure destination: an event that fails its retries is "
        "dropped",
        "function thumbnail is invoked asynchronously by S3 bucket uploads and has neither a "
        "dead-letter queue nor an on-failure destination: an event that fails its retries is "
        "dropped",
    ]


def test_unread_invoke_settings_or_notifications_make_it_not_evaluated() -> None:
    result = scan(
        subscription("alerts", fn_arn("notify")),
        function("notify", event_invoke_config_unknown=True),
        errors=(error(REGION, "lambda", "GetFunctionEventInvokeConfig"),),
    )
    findings, outcome = run("lambda-async-no-failure-destination", result)
    assert findings == [] and outcome.status == "not-evaluated"
    result = scan(
        *wiring(),
        function("notify"),
        errors=(error("global", "s3", "GetBucketNotificationConfiguration"),),
    )
    findings, outcome = run("lambda-async-no-failure-destination", result)
    assert outcome.status == "not-evaluated"
    assert [f.resource for f in findings] == [fn_arn("notify")]  # what could be judged still is


def test_the_remediation_names_the_function_and_its_region() -> None:
    text = personalise(REGISTRY["lambda-async-no-failure-destination"], function("notify"))
    assert "`aws lambda put-function-event-invoke-config --function-name notify " in text
    assert text.count("--region eu-west-1`") == 2


def test_every_caller_is_named_once() -> None:
    result = scan(
        subscription("alerts", fn_arn("notify")),
        subscription("orders", fn_arn("notify") + ":live"),
        resource(
            EVENT_RULE,
            "nightly",
            state="ENABLED",
            links=[link(EVENTBRIDGE_TARGET_LINK, fn_arn("notify"))],
        ),
        resource(
            EVENT_RULE,
            "hourly",
            state="ENABLED",
            links=[link(EVENTBRIDGE_TARGET_LINK, fn_arn("notify"))],
        ),
        function("notify"),
    )
    (message,) = messages("lambda-async-no-failure-destination", result)
    assert message.startswith(
        "function notify is invoked asynchronously by SNS topic alerts, SNS topic orders, "
        "EventBridge rule hourly and EventBridge rule nightly and has neither"
    )
