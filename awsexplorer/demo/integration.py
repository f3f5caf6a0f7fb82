"""Integration and operations of the demo account (issue 12), each pitfall beside its look-alike.

Production (eu-west-1)
- lambda-async-no-failure-destination: function `order-events-handler`, invoked by EventBridge
  rule `order-placed` and by a subscription to SNS topic `orders-events`, with neither a
  dead-letter queue nor an on-failure destination. Look-alike: `invoice-mailer`, invoked by rule
  `invoice-due` (a schedule), its failed invocations sent to `orders-dlq` (its on-failure
  destination). Both have an Errors alarm.
- stepfunctions-no-error-handling: state machine `order-fulfilment` (Task `ReserveStock` has
  neither Retry nor Catch). Look-alike: `refund-flow`, every Task retries and catches.
- logs-retention-unset: log group `/aws/lambda/order-events-handler`. Look-alike:
  `/aws/lambda/invoice-mailer`, 30 days.
- EventBridge bus `partner-events` (for the partners' events; no rule yet).
- CloudFormation stack `orders-integration` owns queue `invoice-requests` (redrives to
  `orders-dlq`) and `/aws/lambda/invoice-mailer` (from its resource list: neither carries the
  stack tag on moto).
Far away (ap-southeast-2), forgotten with the load test: state machine `load-test-orchestrator`
  (no error handling), started nightly by rule `load-test-nightly`; log group
  `/aws/lambda/load-test-runner` kept forever.

Names only, no uuid or time of our own: the same seed makes the same account.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from awsexplorer.demo._aws import FAR_AWAY, PRODUCTION, Aws, tag_list, tags
from awsexplorer.demo.identity import LAMBDA_ROLE, Identity

ACCOUNT = "123456789012"
STACK_NAME = "orders-integration"
HANDLER = "order-events-handler"
MAILER = "invoice-mailer"
REQUESTS = "invoice-requests"
DLQ = "orders-dlq"  # demo/messaging.py's dead-letter queue
ALARM_TOPIC = f"arn:aws:sns:{PRODUCTION}:{ACCOUNT}:prod-ops-alerts"  # demo/messaging.py's

_STACK_TEMPLATE = {
    "Description": "Orders integration: the invoice requests queue and the mailer's logs",
    "Resources": {
        "InvoiceRequests": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": REQUESTS,
                "RedrivePolicy": {
                    "deadLetterTargetArn": f"arn:aws:sqs:{PRODUCTION}:{ACCOUNT}:{DLQ}",
                    "maxReceiveCount": 5,
                },
                "Tags": tag_list(tags(environment="production")),
            },
        },
        "MailerLogs": {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": f"/aws/lambda/{MAILER}", "RetentionInDays": 30},
        },
    },
}

_RETRY = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3}]
_CATCH = [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}]


def _arn(service: str, region: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}"


def _definition(tasks: list[tuple[str, str, bool]]) -> str:
    """A chain of Task states (name, function, handled), and the failure state they catch to."""
    states: dict[str, Any] = {}
    for i, (name, function, handled) in enumerate(tasks):
        state: dict[str, Any] = {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": function, "Payload.$": "$"},
        }
        if handled:
            state.update(Retry=_RETRY, Catch=_CATCH)
        if i + 1 < len(tasks):
            state["Next"] = tasks[i + 1][0]
        else:
            state["End"] = True
        states[name] = state
    states["Failed"] = {"Type": "Fail", "Error": "Unhandled"}
    return json.dumps({"StartAt": tasks[0][0], "States": states})


def _code() -> dict[str, bytes]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("handler.py", date_time=(2024, 1, 1, 0, 0, 0))  # same bytes
        archive.writestr(info, "def handle(event, context):\n    return None\n")
    return {"ZipFile": buffer.getvalue()}


def _production(aws: Aws, role: str) -> None:
    env = "production"
    aws("cloudformation", PRODUCTION).create_stack(
        StackName=STACK_NAME,
        TemplateBody=json.dumps(_STACK_TEMPLATE),
        Tags=tag_list(tags(environment=env)),
    )
    lambda_ = aws("lambda", PRODUCTION)
    for name in (HANDLER, MAILER):
        lambda_.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="handler.handle",
            Code=_code(),
            Tags=tags(environment=env),
        )
    # Look-alike: the mailer's failed invocations go to the dead-letter queue.
    lambda_.put_function_event_invoke_config(
        FunctionName=MAILER,
        DestinationConfig={"OnFailure": {"Destination": _arn("sqs", PRODUCTION, DLQ)}},
    )
    for name in (HANDLER, MAILER):  # both watched: monitoring-no-alarm's look-alikes
        aws("cloudwatch", PRODUCTION).put_metric_alarm(
            AlarmName=f"{name}-errors",
            Namespace="AWS/Lambda",
            MetricName="Errors",
            Dimensions=[{"Name": "FunctionName", "Value": name}],
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=[ALARM_TOPIC],
        )
    # Pitfall: events and messages invoke the handler asynchronously; a failure is dropped.
    events = aws("events", PRODUCTION)
    events.create_event_bus(Name="partner-events", Tags=tag_list(tags(environment=env)))
    rules = (
        ("order-placed", HANDLER, {"EventPattern": json.dumps({"source": ["orders.api"]})}),
        ("invoice-due", MAILER, {"ScheduleExpression": "cron(0 6 * * ? *)"}),
    )
    for rule, function, trigger in rules:
        events.put_rule(Name=rule, State="ENABLED", Tags=tag_list(tags(environment=env)), **trigger)
        events.put_targets(
            Rule=rule,
            Targets=[{"Id": function, "Arn": _arn("lambda", PRODUCTION, f"function:{function}")}],
        )
    aws("sns", PRODUCTION).subscribe(
        TopicArn=_arn("sns", PRODUCTION, "orders-events"),
        Protocol="lambda",
        Endpoint=_arn("lambda", PRODUCTION, f"function:{HANDLER}"),
    )
    sfn = aws("stepfunctions", PRODUCTION)
    machines = (
        ("order-fulfilment", [("ReserveStock", HANDLER, False), ("ChargeCard", HANDLER, True)]),
        ("refund-flow", [("Refund", MAILER, True), ("NotifyCustomer", MAILER, True)]),
    )
    for name, tasks in machines:
        sfn.create_state_machine(
            name=name,
            definition=_definition(tasks),
            roleArn=role,
            tags=[{"key": k, "value": v} for k, v in tags(environment=env).items()],
        )
    # Pitfall: the handler's logs kept forever (the mailer's are the stack's, 30 days).
    aws("logs", PRODUCTION).create_log_group(
        logGroupName=f"/aws/lambda/{HANDLER}", tags=tags(environment=env)
    )


def _far_away(aws: Aws, role: str) -> None:
    env = "load-test"
    machine = aws("stepfunctions", FAR_AWAY).create_state_machine(
        name="load-test-orchestrator",
        definition=_definition([("RunLoad", "load-test-runner", False)]),
        roleArn=role,
        tags=[{"key": k, "value": v} for k, v in tags(environment=env).items()],
    )["stateMachineArn"]
    events = aws("events", FAR_AWAY)
    events.put_rule(
        Name="load-test-nightly",
        ScheduleExpression="rate(1 day)",
        State="ENABLED",
        Tags=tag_list(tags(environment=env)),
    )
    events.put_targets(
        Rule="load-test-nightly", Targets=[{"Id": "orchestrator", "Arn": machine, "RoleArn": role}]
    )
    aws("logs", FAR_AWAY).create_log_group(
        logGroupName="/aws/lambda/load-test-runner", tags=tags(environment=env)
    )


def build_integration(aws: Aws, identity: Identity) -> None:
    role = identity.role_arns[LAMBDA_ROLE]
    _production(aws, role)
    _far_away(aws, role)
