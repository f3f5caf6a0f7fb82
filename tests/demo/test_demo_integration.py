"""The demo's integration and operations (awsexplorer/demo/integration.py), as seeded: each pitfall
next to its look-alike, read back through boto3 (what the scan makes of them is proven in
tests/checks/test_checks_demo.py and tests/demo/test_demo_scan.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from awsexplorer.demo._aws import FAR_AWAY, PRODUCTION

ACCOUNT = "123456789012"


def _tasks(sfn: Any, name: str, region: str) -> dict[str, tuple[bool, bool]]:
    arn = f"arn:aws:states:{region}:{ACCOUNT}:stateMachine:{name}"
    states = json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"])["States"]
    return {n: ("Retry" in s, "Catch" in s) for n, s in states.items() if s.get("Type") == "Task"}


def test_state_machines_with_and_without_error_handling(demo_aws: Callable[..., Any]) -> None:
    prod = demo_aws("stepfunctions", PRODUCTION)
    assert _tasks(prod, "order-fulfilment", PRODUCTION) == {
        "ReserveStock": (False, False),
        "ChargeCard": (True, True),
    }
    assert set(_tasks(prod, "refund-flow", PRODUCTION).values()) == {(True, True)}
    far = demo_aws("stepfunctions", FAR_AWAY)
    assert _tasks(far, "load-test-orchestrator", FAR_AWAY) == {"RunLoad": (False, False)}


def test_async_callers_and_failure_destinations(demo_aws: Callable[..., Any]) -> None:
    events = demo_aws("events", PRODUCTION)
    targets = {
        rule: [
            t["Arn"].rsplit(":", 1)[-1] for t in events.list_targets_by_rule(Rule=rule)["Targets"]
        ]
        for rule in ("order-placed", "invoice-due")
    }
    assert targets == {"order-placed": ["order-events-handler"], "invoice-due": ["invoice-mailer"]}
    lambda_ = demo_aws("lambda", PRODUCTION)
    mailer = lambda_.get_function_event_invoke_config(FunctionName="invoice-mailer")
    assert mailer["DestinationConfig"]["OnFailure"]["Destination"].endswith(":orders-dlq")
    handler = lambda_.get_function_configuration(FunctionName="order-events-handler")
    assert not handler.get("DeadLetterConfig", {}).get("TargetArn")
    subscriptions = demo_aws("sns", PRODUCTION).list_subscriptions()["Subscriptions"]
    assert ("lambda", "order-events-handler") in {
        (s["Protocol"], s["Endpoint"].rsplit(":", 1)[-1]) for s in subscriptions
    }


def test_log_retention_and_the_stack_that_owns_resources(demo_aws: Callable[..., Any]) -> None:
    groups = {
        g["logGroupName"]: g.get("retentionInDays")
        for region in (PRODUCTION, FAR_AWAY)
        for g in demo_aws("logs", region).describe_log_groups()["logGroups"]
    }
    assert groups == {
        "/aws/lambda/order-events-handler": None,
        "/aws/lambda/invoice-mailer": 30,
        "/aws/lambda/load-test-runner": None,
    }
    cfn = demo_aws("cloudformation", PRODUCTION)
    owned = cfn.list_stack_resources(StackName="orders-integration")["StackResourceSummaries"]
    assert {r["ResourceType"] for r in owned} == {"AWS::SQS::Queue", "AWS::Logs::LogGroup"}
