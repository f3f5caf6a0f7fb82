"""Several profiles in one scan, failing profiles as failed accounts, and shards that merge into
the unsharded scan (issue 17), on the moto server through the CLI's own credential chain.

Each profile holds credentials of a role assumed on moto in its own account (moto maps
assumed-role credentials to the role's account), so two profiles really are two accounts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from awsexplorer import snapshot
from awsexplorer.cli import main
from awsexplorer.errors import EXIT_PARTIAL
from awsexplorer.scan.accounts import Shard, parse_shard, pick, profile_targets

ACCOUNTS = {"prod": "111111111111", "staging": "222222222222", "tools": "333333333333"}
SSO_ACCOUNT = "444455556666"


def _credentials(moto_url: str, account_id: str) -> dict[str, str]:
    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=moto_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    found = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/Audit", RoleSessionName="seed"
    )["Credentials"]
    return {
        "aws_access_key_id": found["AccessKeyId"],
        "aws_secret_access_key": found["SecretAccessKey"],
        "aws_session_token": found["SessionToken"],
    }


@pytest.fixture
def profiles(moto_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """An AWS config with three working profiles (three accounts, each with a VPC named after
    it), one without credentials and one SSO profile never logged in."""
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    config_lines, credential_lines = [], []
    for name, account_id in ACCOUNTS.items():
        keys = _credentials(moto_url, account_id)
        ec2 = boto3.client("ec2", region_name="eu-west-1", endpoint_url=moto_url, **keys)
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": f"{name}-vpc"}])
        config_lines += [f"[profile {name}]", "region = us-east-1", ""]
        credential_lines += [f"[{name}]", *(f"{k} = {v}" for k, v in keys.items()), ""]
    config_lines += ["[profile nocreds]", "region = us-east-1", ""]
    config_lines += [
        "[profile sso-expired]",
        "sso_start_url = https://example.awsapps.com/start",
        "sso_region = us-east-1",
        f"sso_account_id = {SSO_ACCOUNT}",
        "sso_role_name = ReadOnly",
        "region = us-east-1",
        "",
    ]
    config.write_text("\n".join(config_lines))
    credentials.write_text("\n".join(credential_lines))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("HOME", str(tmp_path))  # no SSO token cache of anyone's
    return {"args": ["scan", "--endpoint-url", moto_url, "--region", "eu-west-1"]}


def _vpcs(data: dict[str, Any]) -> dict[str, str]:
    return {
        r["name"]: r["account_id"]
        for r in data["resources"]
        if r["type"] == "ec2:vpc" and r["name"].endswith("-vpc")
    }


def test_profile_twice_scans_two_accounts(profiles: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "two.json"
    args = [*profiles["args"], "--profile", "prod", "--profile", "staging", "-o", str(out)]
    assert main([*args, "--processes", "1"]) == 0
    data = json.loads(out.read_text())
    assert [a["id"] for a in data["accounts"]] == ["111111111111", "222222222222"]
    assert [a["profile"] for a in data["accounts"]] == ["prod", "staging"]
    assert _vpcs(data) == {"prod-vpc": "111111111111", "staging-vpc": "222222222222"}
    # Every resource and finding is in one of the two accounts, each account has its regions.
    assert {r["account_id"] for r in data["resources"]} == {"111111111111", "222222222222"}
    assert {f["account_id"] for f in data["findings"]} <= {"111111111111", "222222222222"}
    for account in data["accounts"]:
        assert {r["name"] for r in account["regions"]} >= {"global", "eu-west-1"}
    # The TUI's loader and `findings --account` read it.
    loaded = snapshot.read(out)
    assert loaded.multi_account


def test_all_profiles_keeps_going_past_the_ones_that_fail(
    profiles: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "all.json"
    code = main([*profiles["args"], "--all-profiles", "--processes", "1", "-o", str(out)])
    assert code == EXIT_PARTIAL  # two accounts could not be read: not complete
    data = json.loads(out.read_text())
    by_id = {a["id"]: a for a in data["accounts"]}
    assert set(by_id) == {*ACCOUNTS.values(), SSO_ACCOUNT, "profile:nocreds"}
    assert _vpcs(data) == {f"{n}-vpc": a for n, a in ACCOUNTS.items()}
    sso = by_id[SSO_ACCOUNT]
    assert sso["status"] == "failed" and sso["profile"] == "sso-expired"
    assert "SSO" in sso["reason"] and "aws sso login --profile sso-expired" in sso["reason"]
    assert "\n" not in sso["reason"]
    nocreds = by_id["profile:nocreds"]
    assert nocreds["status"] == "failed" and "credentials" in nocreds["reason"].lower()
    assert "aws configure --profile nocreds" in nocreds["reason"]
    assert all(by_id[a]["status"] == "ok" for a in ACCOUNTS.values())
    out_text = capsys.readouterr().out
    assert "profile:nocreds" in out_text and "failed" in out_text


def test_sharded_scans_merged_equal_one_unsharded_scan(
    profiles: dict[str, Any], tmp_path: Path
) -> None:
    chosen = ["--profile", "prod", "--profile", "staging", "--profile", "tools"]
    whole = tmp_path / "whole.json"
    # The unsharded scan spreads the accounts over two worker processes.
    assert main([*profiles["args"], *chosen, "--processes", "2", "-o", str(whole)]) == 0
    parts = []
    for index in range(2):
        part = tmp_path / f"part-{index}.json"
        assert main([*profiles["args"], *chosen, "--shard", f"{index}/2", "-o", str(part)]) == 0
        parts.append(part)
    merged = tmp_path / "merged.json"
    assert main(["merge", *map(str, parts), "--output", str(merged)]) == 0

    def comparable(path: Path) -> dict[str, Any]:
        data = json.loads(path.read_text())
        for key in ("started_at", "finished_at"):
            data.pop(key)
        return data

    a, b = comparable(whole), comparable(merged)
    assert [x["id"] for x in a["accounts"]] == sorted(ACCOUNTS.values())
    assert a == b
    # The shards split the accounts without overlap, as the hash says.
    held = [{x["id"] for x in json.loads(p.read_text())["accounts"]} for p in parts]
    assert held[0].isdisjoint(held[1]) and held[0] | held[1] == set(ACCOUNTS.values())
    # A folder of shards opens merged too (the TUI's --snapshot DIR).
    folder = tmp_path / "shards"
    folder.mkdir()
    for part in parts:
        (folder / part.name).write_text(part.read_text())
    assert snapshot.to_dict(snapshot.read_many([folder])) == snapshot.to_dict(snapshot.read(merged))


def test_merge_refuses_the_same_account_twice(tmp_path: Path, capsys: Any) -> None:
    v1 = Path(__file__).parent / "fixtures" / "v1-one-account.json"
    out = tmp_path / "out.json"
    assert main(["merge", str(v1), str(v1), "-o", str(out)]) == 0  # the same file once
    capsys.readouterr()
    copy = tmp_path / "copy.json"
    copy.write_text(v1.read_text())
    assert main(["merge", str(v1), str(copy), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "account 111122223333 is in both" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "environ", "expected"),
    [
        ("1/4", {}, Shard(1, 4)),
        ("4", {"AWS_BATCH_JOB_ARRAY_INDEX": "3"}, Shard(3, 4)),
        ("4", {"JOB_COMPLETION_INDEX": "2"}, Shard(2, 4)),
    ],
)
def test_shard_index_from_flag_or_environment(
    value: str, environ: dict[str, str], expected: Shard
) -> None:
    assert parse_shard(value, environ) == expected


@pytest.mark.parametrize("value", ["4/4", "-1/2", "a/b", "3", "0/0"])
def test_bad_shards_are_one_line_errors(value: str) -> None:
    from awsexplorer.errors import UserError

    with pytest.raises(UserError) as caught:
        parse_shard(value, {})
    assert "\n" not in caught.value.message and caught.value.hint


def test_every_account_is_in_exactly_one_shard() -> None:
    targets = profile_targets([f"p{n}" for n in range(40)])
    for count in (1, 2, 3, 7):
        shards = [pick(targets, Shard(i, count)) for i in range(count)]
        keys: Callable[[list[Any]], list[str]] = lambda ts: [t.key for t in ts]  # noqa: E731
        everything = sorted(k for s in shards for k in keys(s))
        assert everything == sorted(t.key for t in targets)


def test_the_tui_account_options_are_checked_before_the_screen(capsys: Any) -> None:
    assert main(["--profile", "a", "--profile", "b", "--demo"]) == 2
    assert "--snapshot and --demo open one thing" in capsys.readouterr().err
    assert main(["--org"]) == 2
    assert "--org needs --role NAME" in capsys.readouterr().err
    assert main(["--role", "R"]) == 2
    assert "--role go with --org" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--org"], "--org needs --role NAME"),
        (["--role", "R"], "--role go with --org."),
        (["--external-id", "x", "--accounts", "1"], "--external-id, --accounts go with --org."),
        (["--all-profiles", "--profile", "a"], "Give --profile or --all-profiles, not both."),
    ],
)
def test_scan_and_the_tui_refuse_the_same_account_options(
    options: list[str], said: str, capsys: Any, tmp_path: Path
) -> None:
    """The account options are read in one place (cli/accounts.py): `scan` refuses what the TUI
    refuses, in the same words, before any request (no endpoint is given: a request would go
    to AWS and fail otherwise). `scan --role R` without --org was ignored before."""
    assert main(options) == 2
    tui = capsys.readouterr().err
    assert main(["scan", *options, "--output", str(tmp_path / "s.json")]) == 2
    scan = capsys.readouterr().err
    assert said in tui and said in scan
    assert tui.strip().splitlines()[0] == scan.strip().splitlines()[0]
    assert not (tmp_path / "s.json").exists()


async def test_the_tui_scans_several_profiles_live(profiles: dict[str, Any], moto_url: str) -> None:
    """`awsexplorer --profile prod --profile staging --profile nocreds`: all three scanned in
    the worker, shown account by account as each is read, the one without credentials a failed
    account with its reason; each VPC under its own account."""
    import time

    from awsexplorer.cli.accounts import account_choice
    from awsexplorer.cli.parser import build_parser
    from awsexplorer.config import AppOptions, ScanConfig
    from awsexplorer.ui.app import AwsExplorerApp
    from awsexplorer.ui.widgets.resource_tree import ResourceTree

    args = build_parser().parse_args(
        ["--profile", "prod", "--profile", "staging", "--profile", "nocreds"]
    )
    choice = account_choice(args)
    assert choice is not None and choice.profiles == ("prod", "staging", "nocreds")
    config = ScanConfig(endpoint_url=moto_url, regions=("eu-west-1",))
    app = AwsExplorerApp(AppOptions(config=config, accounts=choice))
    shown: list[tuple[int, str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        show = app._show_accounts_so_far

        def spy_show() -> None:  # the UI shows the accounts read so far
            show()
            shown.append((len(app.state.member_accounts) or 1, app.state.note or ""))

        app._show_accounts_so_far = spy_show  # type: ignore[method-assign]
        deadline = time.monotonic() + 120
        while app.state.scanning or app.analysing or not app.state.findings:
            assert time.monotonic() < deadline, "timed out waiting for the scan"
            await pilot.pause(0.1)
        await pilot.pause()
        state = app.state
        by_id = {a.id: a for a in state.member_accounts}
        assert set(by_id) >= {ACCOUNTS["prod"], ACCOUNTS["staging"]}
        failed = [a for a in by_id.values() if a.status.value == "failed"]
        assert [a.profile for a in failed] == ["nocreds"]
        assert failed[0].reason and "nocreds" in failed[0].reason
        vpcs = {r.name: r.account_id for r in state.resources() if r.type == "ec2:vpc"}
        assert vpcs["prod-vpc"] == ACCOUNTS["prod"] and vpcs["staging-vpc"] == ACCOUNTS["staging"]
        tree = app.screen.query_one(ResourceTree)
        nodes = [n for n in tree.root.children if n.data and n.data.kind == "member-account"]
        assert len(nodes) == 3 and any("failed" in n.label.plain for n in nodes)
        assert {f.account_id for f in state.findings} <= set(by_id)
    # Streamed: the tree grew account by account, the header saying how far.
    assert shown and shown[0][0] < 3 == shown[-1][0]
    assert shown[-1][1] == "Scanning 3 accounts: 3 read, 1 failed"


@pytest.mark.parametrize("processes", ["1", "2"])
def test_each_account_is_told_as_it_is_read(
    profiles: dict[str, Any], tmp_path: Path, capsys: Any, processes: str
) -> None:
    """One stderr line per account as it is read, from this process or from the worker
    processes (their events come back as they happen), the failed ones with their reason."""
    chosen = ["--profile", "prod", "--profile", "staging", "--profile", "nocreds"]
    out = tmp_path / "told.json"
    code = main([*profiles["args"], *chosen, "--processes", processes, "-o", str(out)])
    assert code == EXIT_PARTIAL
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("[")]
    assert sorted(line[:5] for line in lines) == ["[1/3]", "[2/3]", "[3/3]"]
    by_account = {line.split()[1].rstrip(":"): line for line in lines}
    assert set(by_account) == {"111111111111", "222222222222", "profile:nocreds"}
    for account_id, name in (("111111111111", "prod"), ("222222222222", "staging")):
        resources = sum(
            r["account_id"] == account_id for r in json.loads(out.read_text())["resources"]
        )
        assert f"{account_id} {name}: ok, {resources:,} resources in 2 regions" in err
    failed = by_account["profile:nocreds"]
    assert failed.startswith("[") and "profile:nocreds: failed: profile nocreds: " in failed
    assert "aws configure --profile nocreds" in failed


def test_a_bad_shard_is_refused_before_the_organization_is_listed(
    capsys: Any, tmp_path: Path
) -> None:
    """`scan --org --role R --shard 3/2`: the shard's one-line error, not a failed call to
    Organizations first (the endpoint is a closed local port: a request would fail otherwise)."""
    argv = ["scan", "--org", "--role", "R", "--endpoint-url", "http://127.0.0.1:9"]
    assert main([*argv, "--shard", "3/2", "--output", str(tmp_path / "s.json")]) == 2
    said = capsys.readouterr().err
    assert "--shard: index 3 of 2 shards" in said and "Organizations" not in said
    assert "could not" not in said
