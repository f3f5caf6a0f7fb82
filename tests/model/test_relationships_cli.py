"""`awsexplorer related`: the JSON contract of docs/relationships.md, exit codes, inert text, and
a version 1 snapshot read through the snapshot loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from awsexplorer import snapshot
from awsexplorer.cli import main
from awsexplorer.model import Account, RegionScan, RegionStatus, ScanResult
from awsexplorer.model import kinds as k
from awsexplorer.model import relationships as rel
from tests.model.test_relationships import R, res

HOSTILE = "web\x1b]52;c;aGk=\x07\u202e[bold]"


def write(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    group = res(k.SECURITY_GROUP, "sg-1", name=HOSTILE)
    lonely = res(k.SECURITY_GROUP, "sg-2", name="lonely")
    vpc = res(k.VPC, "vpc-1", name="main")
    group.vpc_id = "vpc-1"
    instance = res(k.INSTANCE, "i-1", security_groups=["sg-1"], name="app")
    function = res(k.FUNCTION, "f", security_groups=["sg-1"], name="app")  # same name
    result = ScanResult(
        account=Account("123456789012", None, "aws", "arn:aws:iam::123456789012:user/t"),
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:01:00Z",
        regions=[RegionScan(R, RegionStatus.OK)],
        resources=[group, lonely, vpc, instance, function],
    )
    path = snapshot.write(result, tmp_path / "s.json")
    arns = {"sg": group.arn, "vpc": vpc.arn, "i": instance.arn, "f": function.arn}
    return path, arns


def test_json_is_the_documented_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, arns = write(tmp_path)
    assert main(["related", str(path), "sg-1", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert json.loads(out) == {
        "resource": arns["sg"],
        "uses": [{"kind": rel.VPC, "arn": arns["vpc"]}],
        "used_by": [
            {"kind": rel.SECURITY_GROUP, "arn": arns["i"]},  # by kind, then ARN
            {"kind": rel.SECURITY_GROUP, "arn": arns["f"]},
        ],
    }


def test_by_arn_and_by_name_give_the_same_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, arns = write(tmp_path)
    assert main(["related", str(path), arns["sg"], "--format", "json"]) == 0
    by_arn = capsys.readouterr().out
    assert main(["related", str(path), HOSTILE, "--format", "json"]) == 0
    assert capsys.readouterr().out == by_arn


def test_text_is_inert_and_names_each_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, arns = write(tmp_path)
    assert main(["related", str(path), "sg-1"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "␛]52;c;aGk=␇" in out
    assert "used by (2):" in out and arns["i"] in out and "uses (1):" in out


def test_nothing_related_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = write(tmp_path)
    assert main(["related", str(path), "sg-2", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["used_by"] == []


@pytest.mark.parametrize("ref", ["nothing-here", "app"])
def test_unknown_or_ambiguous_ref_is_a_one_line_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str
) -> None:
    path, _ = write(tmp_path)
    assert main(["related", str(path), ref]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1


V1 = Path(__file__).parents[1] / "ui" / "fixtures" / "small-account.json"


def test_a_version_1_snapshot_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    assert json.loads(V1.read_text())["version"] == 1
    group = "sg-0a1b2c3d4e5f60051"
    assert main(["related", str(V1), group, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["resource"].endswith(f":security-group/{group}")
    users = {item["arn"].rsplit("/", 1)[-1] for item in found["used_by"]}
    assert users == {"i-0a1b2c3d4e5f60061"}  # its raw SecurityGroups, completed on reading
