"""Snapshot format version 2 (issue 17): several accounts in one file, version 1 still read.

A committed version 1 file (fixtures/v1-one-account.json, as an older awsexplorer wrote it)
reads as one account; a three-account result (one account failed) round-trips; the checks judge
each account on its own; the readers (`findings`, `diff`) take both versions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot
from awsexplorer.checks import evaluate, rejudge
from awsexplorer.cli import main
from awsexplorer.config import Settings
from awsexplorer.model import (
    Account,
    AccountScan,
    AccountStatus,
    CallError,
    CheckSettings,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
)
from awsexplorer.model.accounts import AccountsOverlap, failed_account, merge, split
from awsexplorer.model.kinds import complete

V1 = Path(__file__).parent / "fixtures" / "v1-one-account.json"
STAMP = "2026-11-27T10:00:00Z"


def root(account_id: str, policy_status: str) -> Resource:
    return complete(
        Resource(
            arn=f"arn:aws:iam::{account_id}:root",
            type="iam:root",
            id="root",
            name="root",
            region="global",
            attributes={
                "mfa_enabled": True,
                "access_keys_present": False,
                "access_keys": [],
                "password_policy_status": policy_status,
                "password_policy": {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24}
                if policy_status == "set"
                else None,
                "credential_report_status": "ok",
            },
            account_id=account_id,
        )
    )


def vpc(account_id: str, vpc_id: str) -> Resource:
    # with every normalised field of its record, as a scan writes it (model/kinds.complete)
    return complete(
        Resource(
            arn=f"arn:aws:ec2:eu-west-1:{account_id}:vpc/{vpc_id}",
            type="ec2:vpc",
            id=vpc_id,
            name=vpc_id,
            region="eu-west-1",
            vpc_id=vpc_id,
            attributes={"CidrBlock": "10.0.0.0/16", "cidr": "10.0.0.0/16", "flow_logs": []},
            account_id=account_id,
        )
    )


def one_account(account_id: str, alias: str | None, policy: str, **extra: Any) -> ScanResult:
    regions = [
        RegionScan("global", RegionStatus.OK),
        RegionScan("eu-west-1", RegionStatus.OK),
    ]
    return ScanResult(
        account=Account(account_id, alias, "aws", f"arn:aws:sts::{account_id}:assumed-role/r/s"),
        started_at=STAMP,
        finished_at=STAMP,
        regions=regions,
        resources=[root(account_id, policy), vpc(account_id, f"vpc-{account_id[-4:]}")],
        **extra,
    )


def three_accounts() -> ScanResult:
    """prod (no password policy), staging (a policy; one call denied), and a member whose role
    could not be assumed."""
    prod = one_account("111111111111", "acme-prod", "none")
    staging = one_account("222222222222", None, "set")
    staging.regions[1] = RegionScan(
        "eu-west-1",
        RegionStatus.PARTIAL,
        [CallError("eu-west-1", "ec2", "DescribeVolumes", "AccessDenied", "denied")],
    )
    merged = merge([prod, staging])
    merged.accounts[1].name = "Staging"
    merged.accounts[1].ou_path = "Root/Workloads/NonProd"
    merged.accounts.append(
        failed_account(
            "333333333333",
            "AccessDenied: not authorized to perform sts:AssumeRole; create the role "
            "AuditRole in 333333333333 trusting the management account",
            name="Sandbox",
            ou_path="Root/Sandbox",
        )
    )
    merged = merge([merged])  # the failed account sorted in, regions merged again
    merged.findings, merged.checks = evaluate(merged)
    return merged


def test_a_version_1_file_reads_as_one_account() -> None:
    result = snapshot.read(V1)
    (account,) = result.account_scans()
    assert (account.id, account.alias, account.name, account.ou_path) == (
        "111122223333",
        "acme-prod",
        None,
        None,
    )
    assert account.status is AccountStatus.PARTIAL  # eu-west-1 had an error
    assert account.profile == "prod"
    assert {r.name for r in account.regions} == {"ap-east-1", "eu-west-1", "global", "us-east-1"}
    assert result.region("eu-west-1").errors[0].code == "UnauthorizedOperation"  # type: ignore[union-attr]
    assert {r.account_id for r in result.resources} == {"111122223333"}
    assert {f.account_id for f in result.findings} == {"111122223333"}
    # A finding written without its scope is still read as before (legacy_scope).
    trail = next(f for f in result.findings if f.check == "cloudtrail-no-multi-region-trail")
    assert trail.account_level
    assert not result.multi_account


def test_a_version_1_file_is_written_back_as_version_2_without_loss(tmp_path: Path) -> None:
    old = snapshot.read(V1)
    path = snapshot.write(old, tmp_path / "v2.json")
    data = json.loads(path.read_text())
    assert data["version"] == 2 and "regions" not in data
    (account,) = data["accounts"]
    assert account["id"] == "111122223333" and account["status"] == "partial"
    assert [r["name"] for r in account["regions"]] == [
        "ap-east-1",
        "eu-west-1",
        "global",
        "us-east-1",
    ]
    assert all(r["account_id"] == "111122223333" for r in data["resources"])
    assert all(f["account_id"] == "111122223333" for f in data["findings"])
    again = snapshot.read(path)
    assert snapshot.to_dict(again) == snapshot.to_dict(old)
    # The v1 file and its v2 rewrite are the same scan: `diff` sees no change.
    assert main(["diff", str(V1), str(path)]) == 0


def test_diff_reads_version_1_against_version_2(tmp_path: Path, capsys: Any) -> None:
    newer = snapshot.read(V1)
    newer.resources = [r for r in newer.resources if r.type != "s3:bucket"]
    path = snapshot.write(newer, tmp_path / "new.json")
    capsys.readouterr()
    assert main(["diff", str(V1), str(path)]) == 0
    out = capsys.readouterr().out
    assert "0 added, 1 removed, 0 changed" in out and "acme-prod-logs" in out


def test_several_accounts_round_trip(tmp_path: Path) -> None:
    original = three_accounts()
    path = snapshot.write(original, tmp_path / "all.json")
    data = json.loads(path.read_text())
    assert data["version"] == 2
    assert [a["id"] for a in data["accounts"]] == ["111111111111", "222222222222", "333333333333"]
    assert [a["status"] for a in data["accounts"]] == ["ok", "partial", "failed"]
    failed = data["accounts"][2]
    assert failed["regions"] == [] and "sts:AssumeRole" in failed["reason"]
    assert (failed["name"], failed["ou_path"]) == ("Sandbox", "Root/Sandbox")
    assert {r["account_id"] for r in data["resources"]} == {"111111111111", "222222222222"}

    loaded = snapshot.read(path)
    assert snapshot.to_dict(loaded) == snapshot.to_dict(original)
    assert loaded.multi_account and not loaded.complete
    assert [a.label for a in loaded.accounts] == ["acme-prod", "Staging", "Sandbox"]
    # The merged region view: eu-west-1 is partial (staging's error, with its account).
    eu = loaded.region("eu-west-1")
    assert eu is not None and eu.status is RegionStatus.PARTIAL
    assert [(e.account_id, e.operation) for e in eu.errors] == [("222222222222", "DescribeVolumes")]
    # The two vpcs keep their own accounts.
    assert {r.id: r.account_id for r in loaded.resources if r.type == "ec2:vpc"} == {
        "vpc-1111": "111111111111",
        "vpc-2222": "222222222222",
    }


def test_checks_judge_each_account_on_its_own() -> None:
    result = three_accounts()
    weak = [f for f in result.findings if f.check == "iam-password-policy-weak"]
    # Only prod has no password policy; judged over the merged resources, one root would have
    # answered for all three accounts.
    assert [(f.account_id, f.resource) for f in weak] == [
        ("111111111111", "arn:aws:iam::111111111111:root")
    ]
    assert all(f.account_id for f in result.findings)
    assert "333333333333" not in {f.account_id for f in result.findings}  # not read, not judged
    policy = next(c for c in result.checks if c.id == "iam-password-policy-weak")
    assert not policy.evaluated and "333333333333: the account could not be read" in str(
        policy.reason
    )
    by_account = {a.id: a for a in result.accounts}
    assert next(
        c for c in by_account["111111111111"].checks if c.id == "iam-password-policy-weak"
    ).evaluated


def test_rejudging_several_accounts_keeps_each_finding_in_its_account(tmp_path: Path) -> None:
    result = three_accounts()
    result.settings = CheckSettings(stale_days=90)
    loaded = snapshot.read(snapshot.write(result, tmp_path / "all.json"))
    note = rejudge(loaded, Settings(stale_days=30))
    assert note and "stale_days 30" in note
    weak = [f.account_id for f in loaded.findings if f.check == "iam-password-policy-weak"]
    assert weak == ["111111111111"]


def test_findings_command_reads_both_versions(tmp_path: Path, capsys: Any) -> None:
    assert main(["findings", str(V1), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {f["account_id"] for f in data["findings"]} == {"111122223333"}
    path = snapshot.write(three_accounts(), tmp_path / "all.json")
    assert main(["findings", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    weak = [f for f in data["findings"] if f["check"] == "iam-password-policy-weak"]
    assert [f["account_id"] for f in weak] == ["111111111111"]


def test_the_tui_loader_opens_a_version_1_file(tmp_path: Path) -> None:
    from awsexplorer.ui.state import ExplorerState

    copy = tmp_path / "old.json"
    shutil.copy(V1, copy)
    state = ExplorerState()
    state.load(snapshot.read(copy))
    assert state.account is not None and state.account.id == "111122223333"
    saved = state.result()
    assert snapshot.to_dict(saved)["accounts"][0]["id"] == "111122223333"


def test_merge_refuses_an_account_twice() -> None:
    a = one_account("111111111111", None, "set")
    b = one_account("111111111111", None, "set")
    with pytest.raises(AccountsOverlap, match=r"111111111111 is in both x\.json and y\.json"):
        merge([a, b], ["x.json", "y.json"])


def test_split_gives_each_account_its_own_part() -> None:
    result = three_accounts()
    parts = {account.id: part for account, part in split(result)}
    assert {r.id for r in parts["222222222222"].resources} == {"root", "vpc-2222"}
    assert parts["333333333333"].resources == []
    assert isinstance(next(iter(split(result)))[0], AccountScan)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"accounts": []}, "'accounts' is empty"),
        ({"accounts__1__id": "111111111111"}, "'accounts[1].id' repeats an earlier account"),
        ({"accounts__0__ou_path": 7}, "'accounts[0].ou_path' is a number, not a string or null"),
        ({"accounts__0__regions__0__status": "x"}, "'accounts[0].regions[0].status' is not"),
        ({"resources__0__account_id": 5}, "'resources[0].account_id' is a number, not a string"),
    ],
)
def test_a_damaged_version_2_document_names_the_field(
    tmp_path: Path, change: dict[str, Any], expected: str
) -> None:
    data: dict[str, Any] = json.loads(snapshot.dumps(three_accounts()))
    for path, value in change.items():
        target: Any = data
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[int(last) if isinstance(target, list) else last] = value
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(data))
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.read(file)
    assert expected in caught.value.message and "\n" not in caught.value.message


def test_findings_account_narrows_to_one_account(tmp_path: Path, capsys: Any) -> None:
    path = snapshot.write(three_accounts(), tmp_path / "all.json")
    capsys.readouterr()
    for wanted in ("111111111111", "ACME-PROD"):  # its id, or its alias in any case
        assert main(["findings", str(path), "--account", wanted, "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["account"]["id"] == "111111111111"
        assert data["findings"] and {f["account_id"] for f in data["findings"]} == {"111111111111"}
        policy = next(c for c in data["checks"] if c["id"] == "iam-password-policy-weak")
        assert policy["status"] == "evaluated"  # this account's own check result
    assert main(["findings", str(path), "--account", "Staging", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {f["account_id"] for f in data["findings"]} <= {"222222222222"}
    assert not any(f["check"] == "iam-password-policy-weak" for f in data["findings"])
    assert main(["findings", str(path), "--account", "nope"]) == 2
    err = capsys.readouterr().err
    assert "No account 'nope'" in err and "222222222222 (Staging)" in err


def test_findings_text_names_each_findings_account(tmp_path: Path, capsys: Any) -> None:
    path = snapshot.write(three_accounts(), tmp_path / "all.json")
    capsys.readouterr()
    assert main(["findings", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Account, region" in out
    assert "account acme-prod" in out and "acme-prod eu-west-1" in out


def test_an_empty_shard_is_a_valid_file_that_merges_into_nothing(tmp_path: Path) -> None:
    from awsexplorer.model.accounts import empty_shard

    empty = snapshot.write(empty_shard(STAMP), tmp_path / "part-3.json")
    data = json.loads(empty.read_text())
    assert data["accounts"] == [] and data["resources"] == [] and data["account"] is None
    assert snapshot.read(empty).account_scans() == []
    full = snapshot.write(three_accounts(), tmp_path / "part-0.json")
    merged = snapshot.read_many([empty, full])
    assert snapshot.to_dict(merged)["accounts"] == snapshot.to_dict(snapshot.read(full))["accounts"]


def test_findings_csv_carries_each_findings_account(tmp_path: Path, capsys: Any) -> None:
    import csv
    import io

    path = snapshot.write(three_accounts(), tmp_path / "all.json")
    capsys.readouterr()
    assert main(["findings", str(path), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["account_id"] for r in rows} == {"111111111111", "222222222222"}
    weak = [r["account_id"] for r in rows if r["check"] == "iam-password-policy-weak"]
    assert weak == ["111111111111"]
