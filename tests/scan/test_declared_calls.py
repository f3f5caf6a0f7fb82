"""Each AWS call is declared once (awsexplorer/model/calls.py) and the declarations are the truth:
a scan on moto sends only declared calls, each by a collector that declares it; every check input
is a call some collector declares; the permissions policy is the declared calls' actions, none of
which writes."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from awsexplorer.checks.registry import all_checks, metadata_problems
from awsexplorer.model.calls import ALL_CALLS, BY_KEY, ON_DEMAND_CALLS, RUNNER_CALLS, Call
from awsexplorer.scan import guard
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.collectors.base import REGISTRY
from awsexplorer.scan.runner import Scanner

ROOT = Path(__file__).resolve().parents[2]

# Declared, and not sent against the verification account, each for a stated reason:
NOT_SENT_HERE = {
    # The per-user fallback runs only when the credential report is denied.
    ("iam", "ListUsers"),
    ("iam", "GetLoginProfile"),
    ("iam", "ListMFADevices"),
    # Asked only about what exists: the account has no load balancer, no topic.
    # (test_services.py covers those collectors on their own seeds.)
    ("elbv2", "DescribeTags"),
    ("elb", "DescribeTags"),
    ("sns", "GetTopicAttributes"),
    # Network and data: no snapshot of its own to share, no cache, file system, stream, domain,
    # warehouse or secret here (its KMS keys are asked about); an AMI's Public flag comes with
    # the list.
    # (tests/scan/test_network_data.py covers those collectors on their own seeds.)
    ("ec2", "DescribeSnapshotAttribute"),
    ("ec2", "DescribeImageAttribute"),
    ("rds", "DescribeDBSnapshotAttributes"),
    ("rds", "DescribeDBClusterSnapshotAttributes"),
    ("elasticache", "DescribeCacheSubnetGroups"),
    # No customer gateway, no cache cluster here, so no VPN connection or replication group
    # can exist: not asked (tests/scan/test_scan_skipped_requests.py).
    ("ec2", "DescribeVpnConnections"),
    ("elasticache", "DescribeReplicationGroups"),
    ("efs", "DescribeMountTargets"),
    ("efs", "DescribeMountTargetSecurityGroups"),
    ("kinesis", "DescribeStreamSummary"),
    ("firehose", "DescribeDeliveryStream"),
    ("opensearch", "DescribeDomains"),
    ("redshift", "DescribeClusterSubnetGroups"),
    ("secretsmanager", "GetResourcePolicy"),
    # Edges and APIs: the account has no API, web ACL, zone or certificate to ask about
    # (tests/scan/test_edges_apis.py covers those collectors on their own seeds).
    ("apigateway", "GetStages"),
    ("apigateway", "GetResources"),
    ("apigatewayv2", "GetStages"),
    ("apigatewayv2", "GetIntegrations"),
    ("wafv2", "GetWebACL"),
    ("wafv2", "ListTagsForResource"),
    ("wafv2", "ListResourcesForWebACL"),
    ("route53", "GetHostedZone"),
    ("route53", "ListResourceRecordSets"),
    ("route53", "ListTagsForResources"),
    ("acm", "DescribeCertificate"),
    # Containers and compute: no cluster, repository, load balancer or target group here.
    # (tests/scan/test_containers_compute.py covers them on their own seeds.)
    ("ecs", "DescribeClusters"),
    ("ecs", "ListServices"),
    ("ecs", "DescribeServices"),
    ("ecs", "DescribeTaskDefinition"),
    ("eks", "DescribeCluster"),
    ("eks", "ListNodegroups"),
    ("eks", "DescribeNodegroup"),
    ("ecr", "GetRepositoryPolicy"),
    ("elbv2", "DescribeListeners"),
    ("elbv2", "DescribeTargetHealth"),
    # Guardrails and spend: no detector, recorder or prefix list of its own here
    # (tests/scan/test_operations.py covers them on their own seeds).
    ("guardduty", "GetDetector"),
    ("config", "DescribeConfigurationRecorderStatus"),
    ("ec2", "GetManagedPrefixListEntries"),
    ("budgets", "DescribeNotificationsForBudget"),  # no budget here
    # Integration and operations: no rule, subscription, stack or state machine of its own here
    # (tests/scan/test_integration.py covers them on their own seeds).
    ("events", "ListTargetsByRule"),
    ("sns", "GetSubscriptionAttributes"),
    ("cloudformation", "ListStackResources"),
    ("stepfunctions", "DescribeStateMachine"),
    # A bucket policy is read only when the policy status says one exists: none here
    # (tests/scan/test_s3.py and tests/checks/test_checks_policies.py seed and read some).
    ("s3", "GetBucketPolicy"),
}


def _verify_account() -> Any:
    path = ROOT / "tests" / "checks" / "verify_account.py"
    spec = importlib.util.spec_from_file_location("verify_account_for_calls", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_call_a_scan_sends_is_declared_by_its_sender(
    aws: Callable[..., Any], scan_config: Callable[..., Any]
) -> None:
    account = _verify_account()
    account.seed(aws)
    # --cost too, so that every collector runs (moto's Cost Explorer costs nothing).
    scanner = Scanner(scan_config(regions=account.REGIONS, cost=True))
    result = asyncio.run(scanner.run())
    assert result.resources
    sent = scanner.calls_sent

    undeclared = sorted(s for s in sent if (s[1], s[2]) not in BY_KEY)
    assert undeclared == []
    by_someone_else = sorted(
        (caller, client, operation)
        for caller, client, operation in sent
        if BY_KEY[(client, operation)]
        not in (RUNNER_CALLS if caller == "runner" else REGISTRY[caller].calls)
    )
    assert by_someone_else == []

    # Every collector ran and sent something; every declared call was sent, but the fallback.
    callers = {caller for caller, _, _ in sent}
    assert callers == {"runner", *(c.name for c in all_collectors())}
    declared = {call.key for c in all_collectors() for call in c.calls} | {
        c.key for c in RUNNER_CALLS
    }
    sent_keys = {(client, operation) for _, client, operation in sent}
    assert declared - sent_keys == NOT_SENT_HERE
    # The recorded errors name calls the way a Call does, so a check input can match them.
    assert all((e.service, e.operation) in BY_KEY for e in result.errors), result.errors


def test_every_check_input_is_a_call_a_collector_declares() -> None:
    declared = {call for c in all_collectors() for call in c.calls}
    missing = sorted(
        (check.id, str(call))
        for check in all_checks()
        for call in check.inputs
        if call not in declared
    )
    assert missing == []
    assert all(isinstance(call, Call) for check in all_checks() for call in check.inputs)


def test_an_input_that_is_not_a_declared_call_is_a_metadata_problem() -> None:
    from dataclasses import replace

    item = next(c for c in all_checks() if c.inputs)
    assert metadata_problems(item) == []
    spelt = replace(item, inputs=(("ec2", "DescribeVpcs"),))  # type: ignore[arg-type]
    assert any("not a declared Call" in p for p in metadata_problems(spelt))


def test_declared_calls_agree_with_botocore() -> None:
    session = botocore.session.get_session()
    problems = []
    for call in ALL_CALLS:
        model = session.get_service_model(call.client)
        if call.operation not in model.operation_names:
            problems.append(f"{call}: no such operation")
            continue
        if botocore.xform_name(call.operation) != call.method:
            problems.append(f"{call}: method {call.method}")
        if not re.fullmatch(r"[a-z0-9-]+:[A-Z][A-Za-z0-9]+", call.action):
            problems.append(f"{call}: action {call.action}")
    assert problems == []
    assert len({c.key for c in ALL_CALLS}) == len(ALL_CALLS)  # each call declared once


def test_every_declared_call_is_allowed_by_the_guard() -> None:
    writes = [str(c) for c in ALL_CALLS if not guard.is_allowed(c.client, c.operation)]
    assert writes == []


def test_permissions_policy_is_the_declared_calls_actions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from awsexplorer.cli import main

    assert main(["permissions"]) == 0
    printed = json.loads(capsys.readouterr().out)
    actions = printed["Statement"][0]["Action"]
    # The scan's calls, and those made on request (CloudTrail history: scan/history.py).
    calls = [*RUNNER_CALLS, *(call for c in all_collectors() for call in c.calls), *ON_DEMAND_CALLS]
    assert actions == sorted({call.action for call in calls})
    # Each action is there for a call the guard lets out: the policy grants no write.
    by_action: dict[str, list[Call]] = {}
    for call in calls:
        by_action.setdefault(call.action, []).append(call)
    assert all(all(guard.is_allowed(c.client, c.operation) for c in by_action[a]) for a in actions)
    doc = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    block = doc.split("```json\n", 1)[1].split("```", 1)[0]
    assert json.loads(block) == printed


def test_a_call_whose_client_cannot_be_made_fails_under_its_declared_name() -> None:
    """Before: the operation was rebuilt from the snake_case method when there was no client
    (DescribeDbInstances), which no check input matched, so the RDS checks stayed evaluated."""
    from awsexplorer.config import ScanConfig
    from awsexplorer.model import Account
    from awsexplorer.model.calls import RDS_DESCRIBE_DB_INSTANCES
    from awsexplorer.scan.collectors.base import CallFailure, CallLimiter, CollectContext
    from awsexplorer.scan.session import ClientPool, make_session

    config = ScanConfig(endpoint_url="http://not a host", access_key="k", secret_key="k")

    async def attempt() -> CallFailure:
        async with ClientPool(make_session(config), config) as pool:
            ctx = CollectContext(
                pool=pool,
                region="eu-west-1",
                client_region="eu-west-1",
                account=Account("123456789012", None, "aws", "arn:aws:iam::123456789012:root"),
                limiter=CallLimiter(1, 1),
                record_error=lambda _error: None,
                region_failed=lambda _region: False,
                scanned_regions=frozenset(),
            )
            with pytest.raises(CallFailure) as failed:
                await ctx.call(RDS_DESCRIBE_DB_INSTANCES)
            return failed.value

    failure = asyncio.run(attempt())
    assert (failure.service, failure.operation) == ("rds", "DescribeDBInstances")
    assert "endpoint" in failure.message.lower()
