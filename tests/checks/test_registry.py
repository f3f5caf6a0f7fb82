"""The registry: every check's metadata is valid, the catalog matches the issue's ids, the docs
are current, evaluation is honest about what it could not judge, and checks stay pure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from check_fixtures import NOW, resource, root, scan

from awsexplorer.checks import evaluate
from awsexplorer.checks.api import CheckContext, Flag
from awsexplorer.checks.docs import render_markdown
from awsexplorer.checks.evaluation import run_check
from awsexplorer.checks.registry import Check, all_checks, metadata_problems
from awsexplorer.config import Settings
from awsexplorer.model import Severity

# The ids are a public contract (issue 5): none may disappear or be renamed.
CONTRACT_IDS = {
    "iam-root-mfa-disabled": "critical",
    "iam-root-access-keys": "critical",
    "iam-user-console-no-mfa": "high",
    "iam-access-key-unused": "medium",
    "iam-access-key-not-rotated": "medium",
    "iam-principal-unused": "low",
    "iam-admin-access": "high",
    "iam-service-wildcard": "medium",
    "iam-password-policy-weak": "medium",
    "cloudtrail-multi-region-missing": "high",
    "ec2-sg-open-admin-port": "high",
    "ec2-sg-open-database-port": "high",
    "ec2-vpc-cidr-small": "low",
    "ec2-default-vpc-in-use": "low",
    "ec2-vpc-flow-logs-disabled": "low",
    "ec2-subnet-ip-exhaustion": "medium",
    "rds-publicly-accessible": "high",
    "rds-in-public-subnet": "high",
    "rds-single-az": "medium",
    "rds-backups-disabled": "high",
    "rds-storage-unencrypted": "medium",
    "s3-public-access-not-blocked": "high",
    "s3-versioning-without-lifecycle": "low",
    "ec2-ebs-unencrypted": "medium",
    "lambda-env-plaintext-secret": "high",
    "sqs-no-dead-letter-queue": "low",
    # Issue 13: idle is the finding (medium); a NAT in use is a low cost note per finding.
    "ec2-nat-gateway-cost": "medium",
    "ec2-volume-unattached": "low",
    "ec2-eip-unattached": "low",
    "billing-alarm-missing": "medium",
    "tag-missing-required": "low",
    # Issue 13: edges and wiring (checks/edges.py, checks/wiring.py, cost.py).
    "cloudfront-http-allowed": "medium",
    "elb-http-not-redirected": "medium",
    "waf-missing": "medium",
    "apigw-lambda-timeout-mismatch": "medium",
    "lambda-event-source-no-failure-handling": "medium",
    "lambda-recursive-loop": "high",
    "monitoring-no-alarm": "low",
    "ec2-nat-without-s3-endpoint": "low",
    # Issue 13: policies and keys (checks/policies.py, checks/keys.py).
    "ec2-snapshot-public": "critical",
    "rds-snapshot-public": "critical",
    "ec2-image-public": "high",
    "resource-policy-public": "critical",
    "resource-policy-cross-account": "medium",
    "lambda-url-public": "high",
    "s3-tls-not-enforced": "medium",
    "cloudtrail-bucket-no-lifecycle": "low",
    "kms-key-rotation-disabled": "medium",
    "secret-rotation-disabled": "medium",
    "secret-unused": "low",
    "acm-certificate-expiring": "high",  # critical per finding once expired
    "eks-endpoint-public": "high",
    "ecs-task-env-plaintext-secret": "high",
    # Issue 13: integration (checks/integration.py).
    "stepfunctions-no-error-handling": "low",
    "logs-retention-unset": "low",
    "lambda-async-no-failure-destination": "medium",
    # Issue 13: guardrails and spend (checks/guardrails.py).
    "ec2-instance-unmanaged": "low",
    "budget-no-forecast-alert": "low",
    "guardrail-off": "medium",
    "region-spend-unexplained": "high",
}


@pytest.mark.parametrize("item", all_checks(), ids=lambda c: c.id)
def test_metadata_is_valid(item: Check) -> None:
    assert metadata_problems(item) == []
    assert isinstance(item.severity, Severity)


# Checks beyond the contract (its ids and severities are never changed).
EXTRA_IDS = {
    "ec2-instance-imdsv1": "medium",
    "ec2-ebs-encryption-by-default-off": "low",
    # issue 16 (exposure): reachability, from model/exposure.py
    "ec2-nacl-blocks-return-traffic": "medium",
    "ec2-internet-exposed-port": "high",
}


def test_catalog_is_the_contract() -> None:
    assert {c.id: c.severity.value for c in all_checks()} == CONTRACT_IDS | EXTRA_IDS


# The repository's copy, not one next to an installed package (CI installs non-editable).
DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "checks.md"


def test_docs_are_current() -> None:
    assert DOCS_PATH.read_text(encoding="utf-8") == render_markdown(), (
        "docs/checks.md is stale: run `python -m awsexplorer.checks.docs`"
    )


def test_remediations_give_a_cli_command_where_one_exists() -> None:
    # Root MFA and root keys can only be fixed in the console as root; every other has a CLI.
    console_only = {"iam-root-mfa-disabled", "iam-root-access-keys"}
    missing = [
        c.id for c in all_checks() if c.id not in console_only and "`aws " not in c.remediation
    ]
    assert missing == []


def test_evaluate_returns_a_result_for_every_check_and_sorted_findings() -> None:
    result = scan(
        root(mfa_enabled=False, password_policy_status="none"),
        resource("ec2:volume", "vol-1", state="available", encrypted=False, tags={}),
    )
    findings, results = evaluate(result, Settings())
    assert sorted(r.id for r in results) == sorted(CONTRACT_IDS | EXTRA_IDS)
    ranks = [f.severity.rank for f in findings]
    assert ranks == sorted(ranks)
    assert {f.check for f in findings} >= {
        "iam-root-mfa-disabled",
        "iam-password-policy-weak",
        "ec2-volume-unattached",
        "ec2-ebs-unencrypted",
        "tag-missing-required",
    }
    finding = next(f for f in findings if f.check == "ec2-ebs-unencrypted")
    assert finding.remediation and finding.region == "eu-west-1"


def test_disabled_checks_do_not_run_and_say_so() -> None:
    result = scan(root(mfa_enabled=False))
    findings, results = evaluate(
        result, Settings(disabled_checks=frozenset({"iam-root-mfa-disabled"}))
    )
    assert "iam-root-mfa-disabled" not in {f.check for f in findings}
    outcome = next(r for r in results if r.id == "iam-root-mfa-disabled")
    assert (outcome.status, outcome.reason) == ("not-evaluated", "disabled in settings")


def test_a_check_that_crashes_is_not_evaluated_and_the_others_still_run() -> None:
    def broken(ctx: CheckContext) -> list[Flag]:
        """Fails."""
        raise KeyError("oops")

    item = Check("broken", "Broken", Severity.LOW, ("ec2:vpc",), "Fix it.", (), False, broken)
    findings, outcome = run_check(item, CheckContext(scan(), Settings(), NOW))
    assert findings == [] and outcome.status == "not-evaluated"
    assert "internal error" in (outcome.reason or "")


def test_evaluation_does_not_change_the_resources() -> None:
    volume = resource("ec2:volume", "vol-1", state="available", encrypted=False)
    before = volume.to_dict()
    evaluate(scan(volume))
    assert volume.to_dict() == before


def test_checks_import_neither_aiobotocore_nor_textual() -> None:
    code = (
        "import sys, awsexplorer.checks, awsexplorer.config, awsexplorer.checks.docs\n"
        "awsexplorer.checks.all_checks()\n"
        "bad = [m for m in ('aiobotocore', 'botocore', 'textual', 'moto') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]"


def test_inputs_are_real_api_operations() -> None:
    import botocore.session

    session = botocore.session.get_session()
    unknown = [
        (c.id, call.client, call.operation)
        for c in all_checks()
        for call in c.inputs
        if call.operation not in session.get_service_model(call.client).operation_names
    ]
    assert unknown == []
