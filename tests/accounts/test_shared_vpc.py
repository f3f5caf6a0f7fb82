"""VPC sharing (AWS RAM): the owner's VPC and subnet, and a participant's copies of them.

A participant's DescribeVpcs and DescribeSubnets list what is shared with it, with the owner in
`OwnerId`; the owner's route tables and flow logs are not readable from the participant. The
fixtures have those shapes (the raw API fields, brought up to their records by `complete`, as
snapshot.read does); moto does not share subnets between accounts, so no scan makes them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from awsexplorer.checks import analyse
from awsexplorer.model import AccountScan, AccountStatus, Resource, ScanResult
from awsexplorer.model.accounts import assemble
from awsexplorer.model.kinds import complete
from awsexplorer.model.sharing import owned, shared_from
from awsexplorer.model.topology import build_topology
from awsexplorer.ui.views.vpc import build_vpc_tree
from tests.model.test_topology import resource, route, route_table, subnet, vpc

OWNER, PARTICIPANT = "111111111111", "222222222222"
STARTED = "2026-12-04T00:00:00Z"


def in_account(item: Resource, account: str, **raw: Any) -> Resource:
    """`item` as `account`'s scan lists it (its ARN and account), with raw API fields added."""
    parts = item.arn.split(":")
    parts[4] = account
    return complete(
        replace(
            item,
            arn=":".join(parts),
            account_id=account,
            attributes={**item.attributes, **raw},
        )
    )


def owners_network() -> list[Resource]:
    """The network account: a VPC without flow logs, a public subnet nearly full."""
    return [
        in_account(vpc("vpc-shared"), OWNER, OwnerId=OWNER, flow_logs=[]),
        in_account(
            subnet("subnet-shared", "vpc-shared"), OWNER, OwnerId=OWNER, AvailableIpAddressCount=3
        ),
        in_account(
            route_table(
                "rtb-public",
                "vpc-shared",
                [route("0.0.0.0/0", GatewayId="igw-1")],
                subnets=("subnet-shared",),
            ),
            OWNER,
        ),
        in_account(
            resource("ec2:internet-gateway", "igw-1", vpc_id="vpc-shared"),
            OWNER,
            Attachments=[{"VpcId": "vpc-shared", "State": "available"}],
        ),
    ]


def participants_view() -> list[Resource]:
    """A workload account: the copies shared with it, and its own instance in the subnet."""
    return [
        in_account(vpc("vpc-shared"), PARTICIPANT, OwnerId=OWNER, flow_logs=[]),
        in_account(
            subnet("subnet-shared", "vpc-shared"),
            PARTICIPANT,
            OwnerId=OWNER,
            AvailableIpAddressCount=3,
        ),
        in_account(
            resource("ec2:instance", "i-app", vpc_id="vpc-shared", subnet_id="subnet-shared"),
            PARTICIPANT,
            InstanceId="i-app",
            SubnetId="subnet-shared",
            VpcId="vpc-shared",
            PublicIpAddress="203.0.113.10",
            State={"Name": "running"},
        ),
    ]


def account(account_id: str) -> AccountScan:
    return AccountScan(id=account_id, alias=None, name=None, status=AccountStatus.OK)


def scan_of(*accounts: tuple[str, list[Resource]]) -> ScanResult:
    resources = [r for _, listed in accounts for r in listed]
    result = assemble(
        [account(a) for a, _ in accounts],
        resources,
        [],
        started_at=STARTED,
        finished_at=STARTED,
    )
    return analyse(result)


def findings_on(result: ScanResult, check: str) -> list[tuple[str | None, str]]:
    return sorted((f.account_id, f.resource) for f in result.findings if f.check == check)


def test_a_participants_copy_is_shared_from_its_owner() -> None:
    owner_vpc, owner_subnet = owners_network()[:2]
    participant_vpc, participant_subnet, instance = participants_view()
    assert shared_from(participant_vpc) == OWNER
    assert shared_from(participant_subnet) == OWNER
    assert shared_from(owner_vpc) is None and shared_from(owner_subnet) is None
    assert shared_from(instance) is None  # only VPCs and subnets are shared this way
    assert shared_from(replace(participant_vpc, account_id=None)) is None  # unknown: not said
    assert owned([owner_vpc, participant_vpc, instance]) == [owner_vpc, instance]


def test_the_topology_shows_a_shared_subnet_once_with_every_accounts_resources() -> None:
    """Before: the subnet was listed twice in the VPC (the owner's and the participant's
    copies), and the VPC node held whichever copy came last."""
    result = scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network()))
    (shared,) = build_topology(result.resources)
    assert shared.vpc is not None and shared.vpc.account_id == OWNER
    assert shared.shared_with == [PARTICIPANT] and shared.shared_from is None
    (node,) = shared.subnets
    assert node.resource.account_id == OWNER
    assert node.shared_with == [PARTICIPANT]
    assert [r.id for r in node.resources] == ["i-app"]
    assert node.public is True  # the owner's route table decides


def test_the_participants_instance_is_judged_with_the_owners_routes() -> None:
    result = scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network()))
    instance = next(r for r in result.resources if r.id == "i-app")
    assert instance.attributes["subnet_public"] is True
    assert instance.attributes["internet_facing"] is True


def test_checks_of_a_shared_vpc_judge_the_owners_copy_only() -> None:
    """The participant cannot read the owner's flow logs (its copy says none) nor change the
    VPC or subnet: before, each check also flagged the participant's copy."""
    result = scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network()))
    owner_vpc = f"arn:aws:ec2:eu-west-1:{OWNER}:vpc/vpc-shared"
    owner_subnet = f"arn:aws:ec2:eu-west-1:{OWNER}:subnet/subnet-shared"
    assert findings_on(result, "ec2-vpc-flow-logs-disabled") == [(OWNER, owner_vpc)]
    assert findings_on(result, "ec2-subnet-ip-exhaustion") == [(OWNER, owner_subnet)]


def test_a_participant_scanned_alone_says_why_its_subnet_is_unknown() -> None:
    result = scan_of((PARTICIPANT, participants_view()))
    subnet_ = next(r for r in result.resources if r.id == "subnet-shared")
    assert subnet_.attributes["public"] is None
    reason = subnet_.attributes["public_reason"]
    assert f"shared from account {OWNER}" in reason and f"scan {OWNER} too" in reason
    assert findings_on(result, "ec2-vpc-flow-logs-disabled") == []
    (shared,) = build_topology(result.resources)
    assert shared.shared_from == OWNER


def _plain(text: Any) -> str:
    console = Console(width=200, no_color=True)
    with console.capture() as captured:
        console.print(text)
    return captured.get()


def test_the_vpc_screen_says_what_is_shared_and_with_whom() -> None:
    (item,) = build_vpc_tree(scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network())))
    subnet_item = next(c for zone in item.children for c in zone.children if c.kind == "subnet")
    # Early in the label: at 80 columns its end is cut off.
    assert subnet_item.label.plain.startswith("\u25b2  PUBLIC  shared subnet-shared ")
    assert f"shared with {PARTICIPANT} (VPC sharing)" in _plain(subnet_item.detail)
    assert f"shared with {PARTICIPANT}" in _plain(item.detail)
    assert "flow logs: off" in _plain(item.detail)  # the owner's copy: its own flow logs

    (alone,) = build_vpc_tree(scan_of((PARTICIPANT, participants_view())))
    assert f"flow logs: the owner's ({OWNER})" in _plain(alone.detail)
    assert f"shared from account {OWNER}" in _plain(alone.detail)


def test_what_uses_the_owners_subnet_reaches_the_participants_resources() -> None:
    """`u` on the owner's subnet: each participant's copy (shared-from), whose own `u` lists
    the instance the participant placed in it. Before, nothing linked the two copies."""
    from awsexplorer.model import relationships

    result = scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network()))
    index = relationships.build(result.resources)
    owners = f"arn:aws:ec2:eu-west-1:{OWNER}:subnet/subnet-shared"
    copy = f"arn:aws:ec2:eu-west-1:{PARTICIPANT}:subnet/subnet-shared"
    instance = f"arn:aws:ec2:eu-west-1:{PARTICIPANT}:instance/i-app"
    assert relationships.grouped(index.used_by(owners), owners) == {"shared-from": [copy]}
    assert relationships.grouped(index.uses(copy), copy)["shared-from"] == [owners]
    assert relationships.grouped(index.used_by(copy), copy) == {"subnet": [instance]}
    vpc_copy = f"arn:aws:ec2:eu-west-1:{PARTICIPANT}:vpc/vpc-shared"
    owners_vpc = f"arn:aws:ec2:eu-west-1:{OWNER}:vpc/vpc-shared"
    assert relationships.grouped(index.uses(vpc_copy), vpc_copy) == {"shared-from": [owners_vpc]}

    alone = relationships.build(scan_of((PARTICIPANT, participants_view())).resources)
    assert "shared-from" not in relationships.grouped(alone.uses(copy), copy)


def test_the_tree_marks_a_participants_copy_as_shared() -> None:
    """Every account's resources of a region are listed together: the two copies of a subnet
    must not read the same."""
    from awsexplorer.ui.labels import key_state

    result = scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network()))
    states = {
        (r.type, r.account_id): key_state(r)
        for r in result.resources
        if r.type in ("ec2:subnet", "ec2:vpc")
    }
    assert states == {
        ("ec2:subnet", OWNER): "public",
        ("ec2:subnet", PARTICIPANT): "public, shared",
        ("ec2:vpc", OWNER): None,
        ("ec2:vpc", PARTICIPANT): "shared",
    }


def test_a_link_to_another_account_names_it() -> None:
    """The used-by screen and the detail list the owner's copy as the participant's: the same
    name, id and type, so the other account is said."""
    from awsexplorer.model import relationships
    from awsexplorer.ui.relations_detail import related

    result = scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network()))
    index = relationships.build(result.resources)
    owners = next(r for r in result.resources if r.id == "subnet-shared" and r.account_id == OWNER)
    (copy,) = [r for r in related(index, owners.arn) if r.kind == "shared-from"]
    assert copy.label(owners.region, OWNER).plain == (
        f"subnet-shared  subnet  account {PARTICIPANT}"
    )
    instance = next(r for r in related(index, copy.arn) if r.kind == "subnet")
    assert "account" not in instance.label(owners.region, PARTICIPANT).plain  # its own account


def test_whois_names_a_shared_subnet_once() -> None:
    """An address no one holds, in the shared subnet: its VPC and subnet, the owner's copies,
    each once (before: each twice, the owner's and the participant's)."""
    from awsexplorer.model import whois

    result = scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network()))
    found = whois.build(result.resources).answer("10.0.1.5")
    assert [(o.kind, o.arn) for o in found] == [
        ("contains", f"arn:aws:ec2:eu-west-1:{OWNER}:vpc/vpc-shared"),
        ("contains", f"arn:aws:ec2:eu-west-1:{OWNER}:subnet/subnet-shared"),
    ]
    alone = whois.build(scan_of((PARTICIPANT, participants_view())).resources)
    assert [o.arn for o in alone.answer("10.0.1.5")] == [
        f"arn:aws:ec2:eu-west-1:{PARTICIPANT}:vpc/vpc-shared",
        f"arn:aws:ec2:eu-west-1:{PARTICIPANT}:subnet/subnet-shared",
    ]


def test_a_participants_copy_links_to_the_owners_account() -> None:
    """A cross-account fact like a peering's: the owner's account, and its copy when scanned
    (Enter goes there); unscanned, the account is named all the same."""
    from awsexplorer.model.accounts import CrossAccountIndex

    result = scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network()))
    index = CrossAccountIndex(result.account_scans(), result.resources)
    for rtype, kind in (("ec2:subnet", "subnet/subnet-shared"), ("ec2:vpc", "vpc/vpc-shared")):
        copy = next(r for r in result.resources if r.type == rtype and r.account_id == PARTICIPANT)
        (link,) = index.links(copy)
        assert (link.account_id, link.via, link.scanned) == (OWNER, "VPC sharing owner", True)
        assert link.target == f"arn:aws:ec2:eu-west-1:{OWNER}:{kind}"
        owners = next(r for r in result.resources if r.type == rtype and r.account_id == OWNER)
        assert index.links(owners) == []

    other = "333333333333"
    result = scan_of((PARTICIPANT, participants_view()), (other, []))
    index = CrossAccountIndex(result.account_scans(), result.resources)
    copy = next(r for r in result.resources if r.type == "ec2:subnet")
    (link,) = index.links(copy)
    assert (link.account_id, link.scanned, link.target) == (OWNER, False, None)


@pytest.mark.ui
async def test_x_on_a_participants_copy_goes_to_the_owners(tmp_path: Path) -> None:
    """In the TUI: the detail names the owner's account, and `x` lands on the owner's subnet
    (before: on the owner's account node, the index the TUI hands its types to leaving out
    subnets)."""
    from awsexplorer import snapshot
    from awsexplorer.cli import make_app
    from awsexplorer.config import AppOptions

    path = snapshot.write(
        scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network())),
        tmp_path / "shared.json",
    )
    async with make_app(AppOptions(snapshot=path)).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        main = pilot.app.main
        assert main.jump(f"arn:aws:ec2:eu-west-1:{PARTICIPANT}:subnet/subnet-shared")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        ref = main.cursor_ref
        assert ref is not None and ref.arn == f"arn:aws:ec2:eu-west-1:{OWNER}:subnet/subnet-shared"


def test_the_owner_and_a_participant_in_two_files_merge_as_one_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Shards (or one file per account) judged apart: the participant's subnet is unknown in
    its file. `merge` judges them again together, so the merged file says what one scan of
    both does (before: the participant's subnet stayed unknown, its instance's exposure too)."""
    import json

    from awsexplorer import snapshot
    from awsexplorer.cli import main

    files = []
    for account, resources in ((PARTICIPANT, participants_view()), (OWNER, owners_network())):
        files.append(snapshot.write(scan_of((account, resources)), tmp_path / f"{account}.json"))
    merged = tmp_path / "merged.json"
    assert main(["merge", *map(str, files), "--output", str(merged)]) == 0
    assert f"VPCs shared across the files (owned by {OWNER})" in capsys.readouterr().err
    one = tmp_path / "one.json"
    snapshot.write(scan_of((PARTICIPANT, participants_view()), (OWNER, owners_network())), one)

    def comparable(path: Path) -> dict[str, Any]:
        data = json.loads(path.read_text())
        for key in ("started_at", "finished_at"):
            data.pop(key)
        return data

    assert comparable(merged) == comparable(one)
    copy = next(
        r
        for r in comparable(merged)["resources"]
        if r["id"] == "subnet-shared" and r["account_id"] == PARTICIPANT
    )
    assert copy["attributes"]["public"] is True


def test_files_that_share_nothing_merge_as_they_were_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from awsexplorer import snapshot
    from awsexplorer.cli import main
    from awsexplorer.model.accounts import shared_across

    owner = scan_of((OWNER, owners_network()))
    other = scan_of(("333333333333", []))
    assert shared_across([owner, other]) == []
    assert shared_across([scan_of((PARTICIPANT, participants_view())), owner]) == [OWNER]
    files = [snapshot.write(r, tmp_path / f"{n}.json") for n, r in enumerate((owner, other))]
    assert main(["merge", *map(str, files), "--output", str(tmp_path / "m.json")]) == 0
    assert "shared across" not in capsys.readouterr().err


def test_the_tui_given_both_files_judges_them_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`awsexplorer --snapshot OWNER.json PARTICIPANT.json` (or their folder) shows what
    `merge` writes: the participant's copy classified by the owner's route table."""
    from awsexplorer import snapshot
    from awsexplorer.cli import app as cli_app
    from awsexplorer.cli.parser import build_parser

    files = [
        snapshot.write(scan_of((account, resources)), tmp_path / f"{account}.json")
        for account, resources in ((PARTICIPANT, participants_view()), (OWNER, owners_network()))
    ]
    given: list[Any] = []

    class Kept:  # what run_tui runs, kept instead of run: the options it was given
        return_code = 0

        def __init__(self, options: Any) -> None:
            given.append(options)

        def run(self) -> None:
            pass

    monkeypatch.setattr(cli_app, "make_app", Kept)
    argv = ["--snapshot", *map(str, files)]
    assert cli_app.run_tui(build_parser(argv).parse_args(argv)) == 0
    (options,) = given
    copy = next(
        r
        for r in options.loaded.resources
        if r.id == "subnet-shared" and r.account_id == PARTICIPANT
    )
    assert copy.attributes["public"] is True
    instance = next(r for r in options.loaded.resources if r.id == "i-app")
    assert instance.attributes["internet_facing"] is True


def test_a_shared_transit_gateway_is_the_owners() -> None:
    """A transit gateway shared through RAM is listed by the participant too: its copy names
    the owner, and an attachment of the participant links to the owner's gateway (before: to
    whichever account listed the gateway last, the participant's own copy included)."""
    from awsexplorer.model.accounts import CrossAccountIndex

    def gateway(account: str) -> Resource:
        return in_account(resource("ec2:transit-gateway", "tgw-hub"), account, owner_id=OWNER)

    attachment = in_account(
        resource("ec2:transit-gateway-attachment", "tgw-attach-1", vpc_id="vpc-app"),
        PARTICIPANT,
        transit_gateway_id="tgw-hub",
        vpc_owner_id=PARTICIPANT,
    )
    participant = [gateway(PARTICIPANT), attachment]
    result = scan_of((OWNER, [gateway(OWNER)]), (PARTICIPANT, participant))
    index = CrossAccountIndex(result.account_scans(), result.resources)
    owners_tgw = f"arn:aws:ec2:eu-west-1:{OWNER}:transit-gateway/tgw-hub"
    (link,) = index.links(next(r for r in result.resources if r.id == "tgw-attach-1"))
    assert (link.account_id, link.via, link.target) == (OWNER, "transit gateway owner", owners_tgw)
    copy = next(r for r in result.resources if r.id == "tgw-hub" and r.account_id == PARTICIPANT)
    assert shared_from(copy) == OWNER
    (link,) = index.links(copy)
    assert (link.via, link.target) == ("shared transit gateway owner", owners_tgw)


def test_the_detail_says_who_owns_a_shared_copy_in_words_for_its_type() -> None:
    from awsexplorer.ui.details import placement
    from awsexplorer.ui.state import ExplorerState

    tgw = in_account(resource("ec2:transit-gateway", "tgw-hub"), PARTICIPANT, owner_id=OWNER)
    result = scan_of((PARTICIPANT, [*participants_view(), tgw]))
    state = ExplorerState()
    state.load(result)
    said = {
        r.type: dict(placement(state, r)).get("owner")
        for r in result.resources
        if r.type in ("ec2:transit-gateway", "ec2:subnet")
    }
    assert said["ec2:transit-gateway"] == (
        f"account {OWNER}: shared with this account (RAM); the owner manages it"
    )
    assert str(said["ec2:subnet"]).startswith(f"account {OWNER}: shared with this account (VPC")
