"""The relationship index of a snapshot of several accounts: a reference by name, alias or
private address is read in its own account (issue 17). Accounts built from one template hold
the same names, aliases and addresses: an instance profile `web`, a key alias `alias/data`, a
target at 10.0.0.9. Before, the index looked them up by region only, so one account's instance
was said to use every account's role `web`, and a target group to send traffic to another
account's interface. An id AWS generates (vpc-..., subnet-...) is unique across accounts, so a
peering still finds the peer VPC in the other scanned account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from awsexplorer.model import kinds as k
from awsexplorer.model import relationships as rel
from tests.accounts.cross_account import res

A, B = "111111111111", "222222222222"


def _estate(account: str) -> list:  # type: ignore[type-arg]
    return [
        res(account, k.IAM_ROLE, "web", instance_profiles=["web"]),
        res(
            account,
            k.INSTANCE,
            "i-" + account[:4],
            role=f"arn:aws:iam::{account}:instance-profile/web",
        ),
        res(account, k.KMS_KEY_TYPE, "key-" + account[:4], aliases=["alias/data"]),
        res(account, k.VOLUME, "vol-" + account[:4], kms_key_id="alias/data"),
        res(account, k.NETWORK_INTERFACE, "eni-" + account[:4], private_ip="10.0.0.9"),
        res(account, k.TARGET_GROUP, "tg", target_type="ip", targets=[{"id": "10.0.0.9"}]),
    ]


def _account(arn: str) -> str:
    return arn.split(":")[4]


def _account(arn: str) -> str:
    return arn.split(":")[4]


def test_names_aliases_and_addresses_are_read_in_their_own_account() -> None:
    resources = _estate(A) + _estate(B)
    index = rel.build(resources)
    edges = list(index.edges())
    crossing = [e for e in edges if _account(e.target) != _account(e.source)]
    assert crossing == []
    # and each account's own edges are all there, as in a scan of it alone
    for account in (A, B):
        alone = {(e.source, e.target, e.kind) for e in rel.build(_estate(account)).edges()}
        together = {(e.source, e.target, e.kind) for e in edges if _account(e.source) == account}
        assert together == alone
        assert {kind for _s, _t, kind in alone} >= {rel.ROLE, rel.KMS_KEY, rel.TARGET}


def test_a_generated_id_is_found_in_the_other_scanned_account() -> None:
    peer = res(B, k.VPC, "vpc-0b0b0b0b0b0b0b0b0")
    own = res(A, k.VPC, "vpc-0a0a0a0a0a0a0a0a0")
    peering = res(
        A,
        "ec2:vpc-peering-connection",
        "pcx-0123456789abcdef0",
        requester_vpc_id=own.id,
        accepter_vpc_id=peer.id,
    )
    edges = {(e.source, e.target, e.kind) for e in rel.build([peer, own, peering]).edges()}
    assert (peering.arn, peer.arn, rel.VPC) in edges
    assert (peering.arn, own.arn, rel.VPC) in edges


def test_an_id_two_accounts_hold_finds_both() -> None:
    index = rel.build(_estate(A) + _estate(B))
    assert sorted(r.account_id for r in index.find("web")) == [A, B]
    assert [r.account_id for r in index.find("i-1111")] == [A]


def test_related_on_a_merged_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`awsexplorer related` on a snapshot of two accounts from one template: an instance uses
    its own account's role only; a REF both accounts hold is ambiguous, said with the accounts."""
    from awsexplorer import snapshot
    from awsexplorer.cli import main
    from awsexplorer.model import Account, RegionScan, RegionStatus, ScanResult
    from awsexplorer.model.accounts import merge

    def part(account: str) -> ScanResult:
        return ScanResult(
            account=Account(account, None, "aws", f"arn:aws:iam::{account}:user/t"),
            started_at="2026-01-01T00:00:00Z",
            finished_at="2026-01-01T00:01:00Z",
            regions=[RegionScan("eu-west-1", RegionStatus.OK)],
            resources=_estate(account),
        )

    path = snapshot.write(merge([part(A), part(B)]), tmp_path / "two.json")
    instance = _estate(A)[1]
    assert main(["related", str(path), instance.arn, "--format", "json"]) == 0
    uses = json.loads(capsys.readouterr().out)["uses"]
    assert {u["arn"] for u in uses if u["kind"] == rel.ROLE} == {f"arn:aws:iam::{A}:role/web"}
    assert main(["related", str(path), "web"]) == 2
    said = capsys.readouterr().err
    assert "names 2 resources" in said and f"account {A}" in said and f"account {B}" in said
