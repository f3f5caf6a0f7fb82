"""`--demo --org`: the demo account as the management account of an Organization with three
member accounts (awsexplorer/demo/organization.py), read through sts:AssumeRole as a real one.

The Organization stays in this process's moto backends: each test here empties the demo server
afterwards, so the other demo tests see the demo account as they expect it (seeded again)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import demo
from awsexplorer.cli import main
from awsexplorer.cli.accounts import account_choice
from awsexplorer.cli.app import refuse_accounts_with_one_source
from awsexplorer.cli.parser import build_parser
from awsexplorer.demo.organization import MEMBER_ROLE, MEMBERS

REGIONS = ["--region", "eu-west-1", "--region", "eu-central-1", "--region", "us-east-1"]


@pytest.fixture
def organization_left_behind() -> Iterator[None]:
    yield
    config = demo.demo_config()  # the server is up; empty it (the next demo test seeds it)
    assert config.endpoint_url is not None
    demo._reset(config.endpoint_url)


def test_the_demo_organization_puts_each_account_in_its_place(
    tmp_path: Path, capsys: Any, organization_left_behind: None
) -> None:
    out = tmp_path / "org.json"
    assert main(["scan", "--demo", "--org", *REGIONS, "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    by_alias = {a["alias"]: a for a in data["accounts"]}
    assert set(by_alias) == {"acme-demo", *(name for name, *_ in MEMBERS)}
    assert all(a["status"] == "ok" for a in data["accounts"])
    assert [by_alias[name]["ou_path"] for name, *_ in MEMBERS] == [
        "Root/Workloads/Prod",
        "Root/Workloads",
        "Root",
    ]
    # Each member's VPC in its own account and region (sandbox's region is not scanned here).
    vpcs = {
        r["name"]: (r["account_id"], r["region"])
        for r in data["resources"]
        if r["type"] == "ec2:vpc" and r["name"] in {f"{name}-vpc" for name, *_ in MEMBERS}
    }
    assert vpcs == {
        "acme-prod-web-vpc": (by_alias["acme-prod-web"]["id"], "eu-west-1"),
        "acme-staging-vpc": (by_alias["acme-staging"]["id"], "eu-central-1"),
    }
    # Every member's own warnings, filed under it: the SSH left open to the world.
    open_ssh = {f["account_id"] for f in data["findings"] if f["check"] == "ec2-sg-open-admin-port"}
    assert {by_alias["acme-prod-web"]["id"], by_alias["acme-staging"]["id"]} <= open_ssh
    # No resource lost to another account's: every ARN in one account only (the demo's Access
    # Analyzer once gave all 4 accounts the management account's analyzer ARNs, and the TUI,
    # keyed by ARN, showed 6 fewer resources than were scanned).
    accounts_of: dict[str, set[str]] = {}
    for r in data["resources"]:
        accounts_of.setdefault(r["arn"], set()).add(r["account_id"])
    assert {arn: ids for arn, ids in accounts_of.items() if len(ids) > 1} == {}
    analyzers = [r for r in data["resources"] if r["type"] == "access-analyzer:analyzer"]
    assert {r["account_id"] for r in analyzers} == set(by_alias[a]["id"] for a in by_alias)
    assert all(r["arn"].split(":")[4] == r["account_id"] for r in analyzers)
    # VPC sharing: the management account's prod-private-a, listed by acme-prod-web too, with
    # the owner's OwnerId, classified by the owner's route table (the member cannot read it),
    # the member's worker placed in it, and no flow-log warning on the member's copy of the VPC.
    home, web = by_alias["acme-demo"]["id"], by_alias["acme-prod-web"]["id"]
    copies = [
        r
        for r in data["resources"]
        if r["type"] in ("ec2:vpc", "ec2:subnet") and r["attributes"]["owner_id"] != r["account_id"]
    ]
    assert {(r["type"], r["account_id"], r["attributes"]["owner_id"]) for r in copies} == {
        ("ec2:vpc", web, home),
        ("ec2:subnet", web, home),
    }
    (subnet,) = [r for r in copies if r["type"] == "ec2:subnet"]
    assert subnet["name"] == "prod-private-a" and subnet["attributes"]["public"] is False
    (worker,) = [r for r in data["resources"] if r["name"] == "acme-prod-web-worker-1"]
    assert (worker["account_id"], worker["subnet_id"]) == (web, subnet["id"])
    flow_logs = {
        f["resource"] for f in data["findings"] if f["check"] == "ec2-vpc-flow-logs-disabled"
    }
    assert not flow_logs & {r["arn"] for r in copies}
    # The transit gateway shared with it (RAM): the member's copy under an ARN of its own
    # account (AWS lists it under the owner's: two accounts' resources under one ARN, which the
    # check of ARNs above would catch), the owner named.
    gateways = {r["account_id"]: r for r in data["resources"] if r["type"] == "ec2:transit-gateway"}
    assert set(gateways) == {home, web}
    assert gateways[web]["attributes"]["owner_id"] == home
    assert gateways[web]["arn"].split(":")[4] == web
    assert gateways[home]["arn"].split(":")[4] == home
    printed = capsys.readouterr()
    # Each account told as it was read; the production one marked in the accounts' table.
    assert sum(line.startswith("[") and "/4] " in line for line in printed.err.splitlines()) == 4
    assert "PROD acme-prod-web" in printed.out


def test_the_demo_is_one_account_or_its_organization(capsys: Any) -> None:
    for many in (["--profile", "a", "--profile", "b"], ["--all-profiles"]):
        assert main(["scan", "--demo", *many]) == 2
        assert "--demo" in capsys.readouterr().err
    args = build_parser().parse_args(["--demo", "--org"])
    choice = account_choice(args)
    assert choice is not None and choice.org_role == MEMBER_ROLE
    with pytest.raises(Exception, match="--demo --org"):
        refuse_accounts_with_one_source(build_parser().parse_args(["--demo", "--all-profiles"]))


def test_the_header_names_the_demo_organization() -> None:
    from awsexplorer.cli.app import make_app
    from awsexplorer.config import AppOptions

    args = build_parser().parse_args(["--demo", "--org"])
    org = make_app(AppOptions(demo=True, accounts=account_choice(args)))
    assert org.source == "demo Organization"  # type: ignore[attr-defined]
    assert make_app(AppOptions(demo=True)).source == "demo account"  # type: ignore[attr-defined]
