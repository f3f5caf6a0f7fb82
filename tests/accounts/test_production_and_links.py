"""Issue 17: the production marker (one verdict, configurable) and the links a resource makes to
another scanned account (model level: pure)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.cli import main
from awsexplorer.config import Settings
from awsexplorer.errors import UserError
from awsexplorer.model import AccountScan, AccountStatus
from awsexplorer.model.accounts import (
    BadProductionPattern,
    CrossAccountIndex,
    production_ids,
    production_pattern,
)
from tests.accounts.cross_account import res

PROD, STAGING, OTHER = "111111111111", "222233334444", "999988887777"


def account(account_id: str, alias: str | None = None, name: str | None = None) -> AccountScan:
    return AccountScan(id=account_id, alias=alias, name=name, status=AccountStatus.OK)


@pytest.mark.parametrize(
    ("name", "production"),
    [
        ("acme-prod", True),
        ("Prod EU", True),
        ("PRODUCTION", True),
        ("shop_prod_2", True),
        ("prod2", True),
        ("product-team", False),
        ("nonprod", False),
        ("non-prod", False),
        ("preprod", False),
        ("pre-prod", False),
        ("staging", False),
    ],
)
def test_default_pattern_is_prod_as_a_word_part(name: str, production: bool) -> None:
    by_alias = production_ids([account(PROD, alias=name)])
    by_name = production_ids([account(PROD, name=name)])
    assert by_alias == by_name == (frozenset({PROD}) if production else frozenset())


def test_the_id_never_makes_an_account_production() -> None:
    assert production_ids([account("123prod45678")]) == frozenset()


def test_a_pattern_of_ones_own() -> None:
    accounts = [account(PROD, alias="shop-live"), account(STAGING, alias="acme-prod")]
    assert production_ids(accounts, "live") == {PROD}
    assert production_ids(accounts, production_pattern("LIVE|prod")) == {PROD, STAGING}


def test_a_bad_pattern_is_one_line_with_the_fix() -> None:
    with pytest.raises(BadProductionPattern) as caught:
        production_pattern("prod(")
    message = str(caught.value)
    assert "\n" not in message and "prod(" in message and "e.g." in message
    with pytest.raises(UserError) as user:
        Settings(production_pattern="(")
    assert "production_pattern" in user.value.message and "\n" not in user.value.message


ACCOUNTS = [account(PROD, alias="acme-prod"), account(STAGING, name="staging")]


def test_vpc_peering_links_to_the_peer_vpc_when_scanned() -> None:
    peer_vpc = res(STAGING, "ec2:vpc", "vpc-b")
    peering = res(
        PROD,
        "ec2:vpc-peering-connection",
        "pcx-1",
        requester_owner_id=PROD,
        requester_vpc_id="vpc-a",
        accepter_owner_id=STAGING,
        accepter_vpc_id="vpc-b",
    )
    index = CrossAccountIndex(ACCOUNTS, [peer_vpc, peering])
    (link,) = index.links(peering)
    assert (link.account_id, link.via, link.scanned, link.label, link.target) == (
        STAGING,
        "VPC peering accepter",
        True,
        "staging",
        peer_vpc.arn,
    )


def test_an_unscanned_account_is_said_to_be_so() -> None:
    peering = res(
        PROD,
        "ec2:vpc-peering-connection",
        "pcx-2",
        requester_owner_id=PROD,
        accepter_owner_id=OTHER,
        accepter_vpc_id="vpc-x",
    )
    (link,) = CrossAccountIndex(ACCOUNTS, [peering]).links(peering)
    assert (link.account_id, link.scanned, link.target, link.label) == (OTHER, False, None, None)


def test_transit_gateway_attachment_links_to_the_gateways_account() -> None:
    tgw = res(STAGING, "ec2:transit-gateway", "tgw-1")
    attachment = res(
        PROD, "ec2:transit-gateway-attachment", "tgw-attach-1", transit_gateway_id="tgw-1"
    )
    (link,) = CrossAccountIndex(ACCOUNTS, [tgw, attachment]).links(attachment)
    assert (link.account_id, link.via, link.target) == (STAGING, "transit gateway owner", tgw.arn)


def test_role_trust_and_resource_policy_principals() -> None:
    role = res(STAGING, "iam:role", "deployer")
    trusting = res(
        PROD,
        "iam:role",
        "ci",
        trust_policy={
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": role.arn}, "Action": "sts:AssumeRole"},
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"}},
                {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{STAGING}:root"}},
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}},
            ]
        },
    )
    bucket = res(
        PROD,
        "s3:bucket",
        "logs",
        policy={"Statement": [{"Effect": "Allow", "Principal": {"AWS": STAGING}, "Action": "*"}]},
    )
    index = CrossAccountIndex(ACCOUNTS, [role, trusting, bucket])
    links = index.links(trusting)
    assert [(k.account_id, k.via, k.scanned, k.target) for k in links] == [
        (STAGING, "role trust policy", True, role.arn),
        (OTHER, "role trust policy", False, None),
    ]
    (policy_link,) = index.links(bucket)
    assert (policy_link.account_id, policy_link.via, policy_link.target) == (
        STAGING,
        "resource policy",
        None,
    )


def test_one_account_has_no_links_and_own_account_is_no_link() -> None:
    own = res(
        PROD,
        "iam:role",
        "self",
        trust_policy={"Statement": [{"Effect": "Allow", "Principal": {"AWS": PROD}}]},
    )
    assert CrossAccountIndex(ACCOUNTS, [own]).links(own) == []
    single = res(
        PROD,
        "iam:role",
        "x",
        trust_policy={"Statement": [{"Effect": "Allow", "Principal": {"AWS": STAGING}}]},
    )
    assert CrossAccountIndex(ACCOUNTS[:1], [single]).links(single) == []


THREE = Path(__file__).parent / "fixtures" / "three-accounts.json"


def test_findings_json_and_text_carry_the_same_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["findings", str(THREE), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {a["id"]: a["production"] for a in document["accounts"]} == {
        "123456789012": True,  # acme-prod
        "222233334444": False,
        "555566667777": False,
    }
    assert main(["findings", str(THREE), "--production-pattern", "^stag"]) == 0
    text = capsys.readouterr().out
    assert "PROD Staging" in text and "PROD acme-prod" not in text
    assert main(["findings", str(THREE), "--format", "json", "--account", "staging"]) == 0
    (only,) = json.loads(capsys.readouterr().out)["accounts"]
    assert (only["id"], only["production"]) == ("222233334444", False)


def test_a_bad_pattern_on_the_command_line_and_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["findings", str(THREE), "--production-pattern", "prod("]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "prod(" in err and "e.g." in err
    config = tmp_path / "config.toml"
    config.write_text('production_pattern = "live|prod"\n')
    assert main(["findings", str(THREE), "--config", str(config), "--format", "json"]) == 0
    assert [a["production"] for a in json.loads(capsys.readouterr().out)["accounts"]] == [
        True,
        False,
        False,
    ]


def test_a_scan_of_several_accounts_computes_exposure_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The checks of every account read one exposure of the whole scan, the one the UI then
    shows (state.resources() are the same objects): before, one per account and one more for
    the UI."""
    from awsexplorer import snapshot
    from awsexplorer.checks import analyse
    from awsexplorer.model import exposure

    computed: list[int] = []
    real = exposure.analyse

    def counting(resources: Any, pause: Any = None) -> Any:
        computed.append(len(resources))
        return real(resources, pause)

    monkeypatch.setattr(exposure, "analyse", counting)
    result = snapshot.read(THREE)
    assert len([a for a in result.account_scans() if a.status.value != "failed"]) == 2
    analyse(result)
    exposure.exposure_of(list(result.resources))  # what the UI asks for
    assert computed == [len(result.resources)]
