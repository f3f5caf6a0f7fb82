"""`scan --processes N` spreads one account's regions over N processes (runner.scan's
`processes`, POOL's): through the CLI, the snapshot and the report are the same as with 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.cli import main


@pytest.fixture
def moto_env(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    return moto_url


def _scan(moto_url: str, tmp_path: Path, capsys: Any, processes: int) -> tuple[dict[str, Any], str]:
    out_file = tmp_path / f"p{processes}.json"
    code = main(
        [
            "scan",
            "--endpoint-url",
            moto_url,
            "--region",
            "eu-west-1,ap-southeast-2,us-west-2",
            "--processes",
            str(processes),
            "--output",
            str(out_file),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out_file.read_text()), out


def _same_parts(data: dict[str, Any]) -> dict[str, Any]:
    (account,) = data["accounts"]
    return {
        "resources": sorted(json.dumps(r, sort_keys=True) for r in data["resources"]),
        "findings": sorted(json.dumps(f, sort_keys=True) for f in data["findings"]),
        "regions": sorted((r["name"], r["status"]) for r in account["regions"]),
    }


def test_processes_reaches_the_scan_of_one_account(
    moto_env: str, aws: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws("ec2", "ap-southeast-2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    aws("sqs", "us-west-2").create_queue(QueueName="jobs")
    import awsexplorer.scan.runner as runner

    asked: list[int | None] = []
    real = runner.scan

    async def spy(config: Any, on_event: Any = None, processes: int | None = None) -> Any:
        asked.append(processes)
        return await real(config, on_event, processes)

    monkeypatch.setattr(runner, "scan", spy)
    one, one_out = _scan(moto_env, tmp_path, capsys, 1)
    two, two_out = _scan(moto_env, tmp_path, capsys, 2)
    assert asked == [1, 2]
    assert _same_parts(two) == _same_parts(one)
    assert any(r["type"] == "ec2:instance" for r in one["resources"])
    # The report differs only in the scan's times.
    strip = [line for line in one_out.splitlines() if not line.startswith("Scanned ")]
    assert [line for line in two_out.splitlines() if not line.startswith("Scanned ")] == strip
