"""Lambda environment values never leave the collector: not in the snapshot, not in the CLI's
JSON or text output, not in the debug log, not in the scan's events. Only each variable's name
and whether it looks like a credential (and why) are kept."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.scan.collectors.awslambda import function_attributes, judge_variable
from tests.cli_scan import scan_with_debug_log

REGION = "eu-west-1"
# Each value is unique so that a leak anywhere is found by a plain substring search.
SECRET_VALUES = {
    "DB_PASSWORD": "pw-7f3a9c-never-shown",
    "STRIPE_API_KEY": "apikey-2b8e41-never-shown",
    "UPSTREAM": "AKIAIOSFODNN7EXAMPLE",
    "LOG_LEVEL": "loglevel-c0ffee-never-shown",
    "DB_PASSWORD_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-XyZ",
}
EXPECTED = [
    {"name": "DB_PASSWORD", "looks_secret": True, "reason": "name"},
    {"name": "DB_PASSWORD_SECRET_ARN", "looks_secret": False, "reason": None},
    {"name": "LOG_LEVEL", "looks_secret": False, "reason": None},
    {"name": "STRIPE_API_KEY", "looks_secret": True, "reason": "name"},
    {"name": "UPSTREAM", "looks_secret": True, "reason": "value"},
]


@pytest.mark.parametrize(
    ("name", "value", "looks_secret", "reason"),
    [
        ("DB_PASSWORD", "x1", True, "name"),
        ("db-passwd", "x1", True, "name"),
        ("CLIENT_SECRET", "x1", True, "name"),
        ("GITHUB_TOKEN", "x1", True, "name"),
        ("ApiKey", "x1", True, "name"),
        ("SSH_PRIVATE_KEY", "x1", True, "name"),
        ("AWS_SECRET_ACCESS_KEY", "x1", True, "name"),
        ("ANYTHING", "AKIAIOSFODNN7EXAMPLE", True, "value"),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", True, "value"),
        ("CERT", "-----BEGIN RSA PRIVATE KEY-----\nMIIE", True, "value"),
        ("HOOK", "xoxb-1234567890-abcdefghij", True, "value"),
        # References to a secret kept elsewhere are good practice, not a leak.
        ("DB_PASSWORD_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:x", False, None),
        ("API_KEY_PARAM", "/prod/api-key", False, None),
        ("TOKEN", "arn:aws:ssm:eu-west-1:1:parameter/token", False, None),
        ("PASSWORD", "", False, None),  # set but empty: nothing to leak
        ("LOG_LEVEL", "debug", False, None),
        ("REGION", "eu-west-1", False, None),
    ],
)
def test_judge_variable(name: str, value: str, looks_secret: bool, reason: str | None) -> None:
    assert judge_variable(name, value) == {
        "name": name,
        "looks_secret": looks_secret,
        "reason": reason,
    }


def test_function_attributes_drop_values_and_keep_the_rest() -> None:
    item = {
        "FunctionName": "f",
        "Runtime": "nodejs20.x",
        "Role": "arn:aws:iam::1:role/r",
        "KMSKeyArn": "arn:aws:kms:eu-west-1:1:key/k",
        "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:eu-west-1:1:dlq"},
        "VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"], "VpcId": "vpc-1"},
        "Environment": {
            "Variables": {"API_TOKEN": "tok-123-never-shown"},
            "Error": {"ErrorCode": "KMSAccessDenied", "Message": "no decrypt"},
        },
    }
    attributes = function_attributes(item)
    assert "tok-123-never-shown" not in json.dumps(attributes)
    assert attributes["environment"] == [
        {"name": "API_TOKEN", "looks_secret": True, "reason": "name"}
    ]
    assert attributes["Environment"] == {
        "Error": {"ErrorCode": "KMSAccessDenied", "Message": "no decrypt"}
    }
    assert attributes["dead_letter_target"] == "arn:aws:sqs:eu-west-1:1:dlq"
    assert attributes["kms_key_arn"] == "arn:aws:kms:eu-west-1:1:key/k"
    assert attributes["subnet_ids"] == ["subnet-1"]
    assert attributes["security_groups"] == ["sg-1"]
    assert attributes["Runtime"] == "nodejs20.x"  # raw fields kept


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


@pytest.fixture
def function_with_secrets(aws: Callable[..., Any]) -> None:
    role = aws("iam").create_role(
        RoleName="fn",
        AssumeRolePolicyDocument=json.dumps(
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
        ),
    )["Role"]["Arn"]
    aws("lambda", REGION).create_function(
        FunctionName="payments",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": _zip()},
        Environment={"Variables": SECRET_VALUES},
    )


@pytest.fixture
def cli_env(cli_scan_args: list[str]) -> list[str]:
    return [*cli_scan_args, "--region", REGION]


def _assert_no_values(text: str, where: str) -> None:
    for name, value in SECRET_VALUES.items():
        assert value not in text, f"the value of {name} leaked into {where}"


@pytest.mark.usefixtures("function_with_secrets")
@pytest.mark.parametrize("output_format", ["json", "text"])
def test_values_never_reach_snapshot_output_or_log(
    cli_env: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    output_format: str,
) -> None:
    run = scan_with_debug_log(cli_env, tmp_path, capsys, output_format)
    assert "ListFunctions" in run.log  # the debug log did record the call
    for text, where in run.places():
        _assert_no_values(text, where)
    resources = json.loads(run.snapshot)["resources"]
    (function,) = [r for r in resources if r["type"] == "lambda:function"]
    assert function["region"] == REGION
    assert function["attributes"]["environment"] == EXPECTED
    if output_format == "json":
        assert json.loads(run.out)["resources"] == resources


@pytest.mark.usefixtures("function_with_secrets")
def test_values_never_reach_scan_events(
    scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    result, events = run_scan(scan_config(regions=(REGION,)))
    # What the UI receives: every event, with every resource in it.
    _assert_no_values(repr(events), "the scan events")
    _assert_no_values(repr(result), "the scan result")
    (function,) = [r for r in result.resources if r.type == "lambda:function"]
    assert function.attributes["environment"] == EXPECTED
