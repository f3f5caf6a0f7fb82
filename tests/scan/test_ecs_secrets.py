"""ECS container environment values never leave the collector: not in the snapshot, not in the
CLI's JSON or text output, not in the debug log, not in the scan's events. Only each variable's
name and whether it looks like a credential are kept (as for Lambda: test_lambda_secrets.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli_scan import scan_with_debug_log

REGION = "eu-west-1"
# Each value is unique so that a leak anywhere is found by a plain substring search.
SECRET_VALUES = {
    "DB_PASSWORD": "pw-ecs-5d1e0b-never-shown",
    "UPSTREAM": "AKIAIOSFODNN7ECSEXMP",
    "LOG_LEVEL": "loglevel-ecs-f00d-never-shown",
}
EXPECTED = [
    {"container": "app", "name": "DB_PASSWORD", "looks_secret": True, "reason": "name"},
    {"container": "app", "name": "LOG_LEVEL", "looks_secret": False, "reason": None},
    {"container": "app", "name": "UPSTREAM", "looks_secret": True, "reason": "value"},
]


@pytest.fixture
def task_with_secrets(aws: Callable[..., Any]) -> None:
    aws("ecs", REGION).register_task_definition(
        family="payments",
        containerDefinitions=[
            {
                "name": "app",
                "image": "payments:1",
                "memory": 256,
                "environment": [{"name": k, "value": v} for k, v in SECRET_VALUES.items()],
            }
        ],
    )


@pytest.fixture
def cli_env(cli_scan_args: list[str]) -> list[str]:
    return [*cli_scan_args, "--region", REGION]


def _assert_no_values(text: str, where: str) -> None:
    for name, value in SECRET_VALUES.items():
        assert value not in text, f"the value of {name} leaked into {where}"


@pytest.mark.usefixtures("task_with_secrets")
@pytest.mark.parametrize("output_format", ["json", "text"])
def test_values_never_reach_snapshot_output_or_log(
    cli_env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    run = scan_with_debug_log(cli_env, tmp_path, capsys, output_format)
    assert "DescribeTaskDefinition" in run.log  # the debug log did record the call
    for text, where in run.places():
        _assert_no_values(text, where)
    resources = json.loads(run.snapshot)["resources"]
    (task,) = [r for r in resources if r["type"] == "ecs:task-definition"]
    assert task["region"] == REGION
    assert task["attributes"]["environment"] == EXPECTED


@pytest.mark.usefixtures("task_with_secrets")
def test_values_never_reach_scan_events(
    scan_config: Callable[..., Any], run_scan: Callable[..., Any]
) -> None:
    result, events = run_scan(scan_config(regions=(REGION,)))
    _assert_no_values(repr(events), "the scan events")
    _assert_no_values(repr(result), "the scan result")
    (task,) = [r for r in result.resources if r.type == "ecs:task-definition"]
    assert task.attributes["environment"] == EXPECTED
