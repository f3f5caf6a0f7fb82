"""ECS container environment values never leave the collector: not in the snapshot, not in the
CLI's JSON or text output, not in the debug log, not in the scan's events. Only each variable's
name and whether it looks like a credential are kept (as for Lambda: test_lambda_secrets.py)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.cli import main

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
def cli_env(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield ["scan", "--endpoint-url", moto_url, "--region", REGION]
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def _assert_no_values(text: str, where: str) -> None:
    for name, value in SECRET_VALUES.items():
        assert value not in text, f"the value of {name} leaked into {where}"


@pytest.mark.usefixtures("task_with_secrets")
@pytest.mark.parametrize("output_format", ["json", "text"])
def test_values_never_reach_snapshot_output_or_log(
    cli_env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    snapshot_path = tmp_path / "s.json"
    log_path = tmp_path / "debug.log"
    code = main(
        [
            "--log-file",
            str(log_path),
            *cli_env,
            "--format",
            output_format,
            "--output",
            str(snapshot_path),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    snapshot_text = snapshot_path.read_text()
    log_text = log_path.read_text()
    assert "DescribeTaskDefinition" in log_text  # the debug log did record the call
    for text, where in (
        (snapshot_text, "the snapshot"),
        (out, "stdout"),
        (err, "stderr"),
        (log_text, "the debug log"),
    ):
        _assert_no_values(text, where)
    resources = json.loads(snapshot_text)["resources"]
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
