"""`:exposed`, the detail pane's exposure block and the path view (`p`), issue 16, on a literal
snapshot (moto cannot express network ACL decisions; the analysis reads only the snapshot):

- eu-west-1: bastion (SSH open, public address) reachable; orders-pg (PostgreSQL open, public
  address) reachable; shop-web (443 open, public address) in a subnet whose network ACL lets
  443 in but denies the replies; alb-web (internet-facing, listener 443) forwarding to the
  private app-1 on 8080;
- us-east-1: report-box (8443 open, public address) reachable: a second region.

Every view reads the one exposure result; a test checks they agree with the checks and with
`awsexplorer exposure --format json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from awsexplorer import snapshot
from awsexplorer.checks import analyse
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.model import Account, RegionScan, RegionStatus, Resource, ScanResult, Severity
from awsexplorer.model.exposure import exposure_of
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.screens.exposed import ExposedScreen, row_prompt
from awsexplorer.ui.screens.exposure_path import PathScreen
from awsexplorer.ui.screens.main import MainScreen

ACCOUNT = "123456789012"
EU, US = "eu-west-1", "us-east-1"
SIZE = (80, 24)
ANY = "0.0.0.0/0"


def res(region: str, rtype: str, rid: str, attributes: dict[str, Any], **kw: Any) -> Resource:
    service, kind = rtype.split(":")
    name = kw.pop("name", rid)
    arn = f"arn:aws:{service}:{region}:{ACCOUNT}:{kind}/{rid}"
    return Resource(arn, rtype, rid, name, region, attributes=attributes, **kw)


def network(region: str, vpc: str) -> list[Resource]:
    """A VPC whose main table routes to an internet gateway; its default ACL allows all."""
    every = [{"RuleNumber": 100, "RuleAction": "allow", "Protocol": "-1", "CidrBlock": ANY}]
    return [
        res(region, "ec2:vpc", vpc, {"cidr": "10.0.0.0/16"}, vpc_id=vpc),
        res(
            region,
            "ec2:subnet",
            f"subnet-{vpc}-pub",
            {"VpcId": vpc, "CidrBlock": "10.0.1.0/24", "public": True},
            vpc_id=vpc,
        ),
        res(
            region,
            "ec2:subnet",
            f"subnet-{vpc}-app",
            {"VpcId": vpc, "CidrBlock": "10.0.2.0/24", "public": False},
            vpc_id=vpc,
        ),
        res(
            region,
            "ec2:route-table",
            f"rtb-{vpc}",
            {
                "VpcId": vpc,
                "Associations": [{"Main": True}],
                "Routes": [{"DestinationCidrBlock": ANY, "GatewayId": f"igw-{vpc}"}],
            },
            vpc_id=vpc,
        ),
        res(
            region,
            "ec2:network-acl",
            f"acl-{vpc}-default",
            {
                "VpcId": vpc,
                "IsDefault": True,
                "Entries": [*every, *({**e, "Egress": True} for e in every)],
            },
            vpc_id=vpc,
        ),
    ]


def group(region: str, gid: str, *ports: int, source: str | None = None) -> Resource:
    perms = []
    for port in ports:
        perm: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
        if source:
            perm["UserIdGroupPairs"] = [{"GroupId": source}]
        else:
            perm["IpRanges"] = [{"CidrIp": ANY}]
        perms.append(perm)
    attrs = {"GroupId": gid, "group_name": gid, "IpPermissions": perms}
    return res(region, "ec2:security-group", gid, attrs)


def host(region: str, iid: str, name: str, subnet: str, gid: str, ip: str | None) -> Resource:
    attrs = {"state": "running", "public_ip": ip, "security_groups": [gid]}
    return res(region, "ec2:instance", iid, attrs, name=name, subnet_id=subnet, vpc_id="vpc-eu")


def estate() -> ScanResult:
    web_acl = [
        {"RuleNumber": 100, "RuleAction": "allow", "Protocol": "6", "CidrBlock": ANY}
        | {"PortRange": {"From": 443, "To": 443}},
        {"RuleNumber": 100, "RuleAction": "allow", "Protocol": "6", "CidrBlock": ANY}
        | {"PortRange": {"From": 443, "To": 443}, "Egress": True},
        {"RuleNumber": 32767, "RuleAction": "deny", "Protocol": "-1", "CidrBlock": ANY},
        {"RuleNumber": 32767, "RuleAction": "deny", "Protocol": "-1", "CidrBlock": ANY}
        | {"Egress": True},
    ]
    tg_arn = f"arn:aws:elasticloadbalancing:{EU}:{ACCOUNT}:targetgroup/app/1"
    resources = [
        *network(EU, "vpc-eu"),
        *network(US, "vpc-us"),
        res(
            EU,
            "ec2:subnet",
            "subnet-web",
            {"VpcId": "vpc-eu", "CidrBlock": "10.0.3.0/24", "public": True},
            vpc_id="vpc-eu",
        ),
        res(
            EU,
            "ec2:network-acl",
            "acl-web",
            {"VpcId": "vpc-eu", "Associations": [{"SubnetId": "subnet-web"}], "Entries": web_acl},
            vpc_id="vpc-eu",
        ),
        group(EU, "sg-bastion", 22),
        group(EU, "sg-pg", 5432),
        group(EU, "sg-https", 443),
        group(EU, "sg-alb", 443),
        group(EU, "sg-app", 8080, source="sg-alb"),
        group(US, "sg-reports", 8443),
        host(EU, "i-0bastion", "bastion", "subnet-vpc-eu-pub", "sg-bastion", "203.0.113.10"),
        host(EU, "i-0pg", "orders-pg", "subnet-vpc-eu-pub", "sg-pg", "203.0.113.11"),
        host(EU, "i-0web", "shop-web", "subnet-web", "sg-https", "203.0.113.12"),
        host(EU, "i-0app", "app-1", "subnet-vpc-eu-app", "sg-app", None),
        host(US, "i-0reports", "report-box", "subnet-vpc-us-pub", "sg-reports", "198.51.100.7"),
        Resource(
            f"arn:aws:elasticloadbalancing:{EU}:{ACCOUNT}:loadbalancer/app/alb-web/1",
            "elasticloadbalancing:loadbalancer",
            "alb-web",
            "alb-web",
            EU,
            vpc_id="vpc-eu",
            attributes={
                "scheme": "internet-facing",
                "type": "application",
                "dns_name": "alb-web-1.eu-west-1.elb.amazonaws.com",
                "subnet_ids": ["subnet-vpc-eu-pub"],
                "security_groups": ["sg-alb"],
                "listeners": [{"port": 443, "protocol": "HTTPS", "target_group_arns": [tg_arn]}],
            },
        ),
        Resource(
            tg_arn,
            "elasticloadbalancing:targetgroup",
            "app",
            "app",
            EU,
            vpc_id="vpc-eu",
            attributes={"port": 8080, "target_type": "instance", "targets": [{"id": "i-0app"}]},
        ),
    ]
    result = ScanResult(
        account=Account(ACCOUNT, "acme-prod", "aws", f"arn:aws:iam::{ACCOUNT}:user/me"),
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:01:00+00:00",
        regions=[RegionScan(EU, RegionStatus.OK), RegionScan(US, RegionStatus.OK)],
        resources=resources,
    )
    return analyse(result)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return snapshot.write(estate(), tmp_path / "exposed.json")


def app_for(path: Path) -> AwsExplorerApp:
    app = make_app(AppOptions(snapshot=path))
    assert isinstance(app, AwsExplorerApp)
    return app


async def settle(pilot: Pilot[int]) -> None:
    await pilot.pause()
    pilot.app.clear_notifications()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def plain(renderable: object, width: int = 100) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def rows(screen: ExposedScreen) -> list[tuple[str, str]]:
    return [
        (r.verdict.port_text, r.verdict.resource_id) for r in (screen.rows[i] for i in screen.shown)
    ]


async def open_exposed(pilot: Pilot[int]) -> ExposedScreen:
    await settle(pilot)
    await pilot.press("colon", *"exposed", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ExposedScreen)
    return screen


async def test_exposed_lists_every_region_riskiest_first(saved: Path) -> None:
    async with app_for(saved).run_test(size=SIZE) as pilot:
        screen = await open_exposed(pilot)
        assert rows(screen) == [
            ("tcp/22", "i-0bastion"),
            ("tcp/5432", "i-0pg"),
            ("tcp/443", "alb-web"),
            ("tcp/8080", "i-0app"),
            ("tcp/8443", "i-0reports"),
        ]
        assert "5 reachable on 5 resources" in screen.title_text()
        app1 = next(r for r in screen.rows if r.verdict.resource_id == "i-0app")
        assert app1.how == "via alb-web (listener 443)"
        # shop-web is not listed: the ACL keeps its replies from leaving
        assert "i-0web" not in {r.verdict.resource_id for r in screen.rows}


async def test_filter_unfold_and_enter_jumps_to_another_region(saved: Path) -> None:
    async with app_for(saved).run_test(size=SIZE) as pilot:
        screen = await open_exposed(pilot)
        await pilot.press("slash", *"8443", "enter")
        await settle(pilot)
        assert rows(screen) == [("tcp/8443", "i-0reports")]
        await pilot.press("space")
        await settle(pilot)
        prompt = str(screen.option_list.get_option("row:4").prompt)
        assert "nacl-in" in prompt and "acl-vpc-us-default" in prompt
        assert "198.51.100.7" in prompt
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MainScreen)
        ref = pilot.app.main.cursor_ref
        assert ref is not None and ref.arn is not None and ref.arn.endswith("i-0reports")
        assert ref.region == US


async def test_p_on_a_row_opens_its_path_on_that_port(saved: Path) -> None:
    async with app_for(saved).run_test(size=SIZE) as pilot:
        screen = await open_exposed(pilot)
        await pilot.press("j")  # the database row
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        path = pilot.app.screen
        assert isinstance(path, PathScreen)
        assert path.current is not None and path.current.port_text == "tcp/5432"
        hops = path.path_shown.plain
        assert "Reachable from the internet: tcp/5432 direct at 203.0.113.11" in hops
        assert "security-group" in hops and "sg-pg" in hops
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen


async def test_path_view_names_the_return_traffic_block(saved: Path) -> None:
    async with app_for(saved).run_test(size=SIZE) as pilot:
        await settle(pilot)
        web = next(r for r in pilot.app.state.resources() if r.id == "i-0web")
        pilot.app.main.jump(web.arn)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        path = pilot.app.screen
        assert isinstance(path, PathScreen)
        hops = path.path_shown.plain
        assert (
            "Not reachable from the internet: tcp/443 blocked by acl-web rule * deny all "
            "traffic to 0.0.0.0/0: blocks return traffic to the client's ports 1024-65535"
        ) in " ".join(hops.split())
        assert "nacl-in" in hops and "rule 100 allow tcp 443 from 0.0.0.0/0" in hops


async def test_p_on_a_resource_that_cannot_be_exposed_says_so(saved: Path) -> None:
    async with app_for(saved).run_test(size=SIZE) as pilot:
        await settle(pilot)
        vpc = next(r for r in pilot.app.state.resources() if r.id == "vpc-eu")
        pilot.app.main.jump(vpc.arn)
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
        assert any("p traces the internet's path" in n.message for n in pilot.app._notifications)


def test_detail_pane_says_reachable_and_why_not() -> None:
    from awsexplorer.ui import details
    from awsexplorer.ui.state import ExplorerState, NodeRef

    state = ExplorerState()
    state.load(estate())

    def said(rid: str) -> str:
        arn = next(r.arn for r in state.resources() if r.id == rid)
        return " ".join(plain(details.describe(state, NodeRef("resource", arn=arn)), 200).split())

    assert "Reachable from the internet: tcp/8080 via alb-web (listener 443)" in said("i-0app")
    assert (
        "Not reachable from the internet: tcp/443: blocked by acl-web rule * deny all traffic "
        "to 0.0.0.0/0: blocks return traffic to the client's ports 1024-65535"
    ) in said("i-0web")
    lb = said("alb-web")
    assert "Reachable from the internet: tcp/443 direct at alb-web-1.eu-west-1.elb" in lb
    assert "tcp/8080 on app-1 via alb-web (listener 443)" in lb
    vpc = said("vpc-eu")
    assert "Internet exposure" not in vpc


async def test_every_view_gives_the_same_answer(saved: Path, capsys: Any) -> None:
    from awsexplorer.cli import main as cli_main

    assert cli_main(["exposure", str(saved), "--format", "json"]) == 0
    cli = {(v["id"], v["protocol"], tuple(v["ports"])) for v in json.loads(capsys.readouterr().out)}
    result = snapshot.read(saved)
    async with app_for(saved).run_test(size=SIZE) as pilot:
        screen = await open_exposed(pilot)
        shown = {(r.verdict.resource_id, r.verdict.protocol, r.verdict.ports) for r in screen.rows}
        state_exposure = exposure_of(pilot.app.state.resources())
        assert screen.exposure is state_exposure  # one result, not recomputed per view
    assert shown == cli
    critical = {
        f.resource.rsplit("/", 1)[-1] for f in result.findings if f.severity is Severity.CRITICAL
    }
    assert {"sg-bastion", "sg-pg"} <= critical  # the ports :exposed lists first
    flagged = {f.check: f for f in result.findings if f.resource.endswith("acl-web")}
    assert "ec2-nacl-blocks-return-traffic" in flagged


async def test_several_accounts_name_each_row_in_the_view_and_the_cli(
    tmp_path: Path, capsys: Any
) -> None:
    """Two accounts with the same estate: their rows read alike but for the account, which the
    view (before the region) and `awsexplorer exposure` (the same place) both name."""
    from awsexplorer.cli import main as cli_main
    from awsexplorer.model.accounts import merge

    first = snapshot.write(estate(), tmp_path / "prod.json")
    text = first.read_text().replace(ACCOUNT, "222233334444").replace("acme-prod", "acme-stage")
    (tmp_path / "stage.json").write_text(text)
    merged = merge([snapshot.read(first), snapshot.read(tmp_path / "stage.json")])
    path = snapshot.write(merged, tmp_path / "both.json")
    assert cli_main(["exposure", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    lines = [line for line in out if line.startswith("REACHABLE") and "i-0bastion" in line]
    assert len(lines) == 2
    assert [line.split("i-0bastion (bastion) ")[1].split()[:2] for line in lines] == [
        ["acme-prod", "eu-west-1"],
        ["acme-stage", "eu-west-1"],
    ]
    async with app_for(path).run_test(size=SIZE) as pilot:
        screen = await open_exposed(pilot)
        bastions = [r for r in screen.rows if r.verdict.resource_id == "i-0bastion"]
        assert sorted(r.account for r in bastions) == ["acme-prod", "acme-stage"]
        shown = [plain(row_prompt(r, False, 78)) for r in bastions]
        assert any("bastion (i-0bastion)  acme-stage  eu-west-1" in line for line in shown)
        await pilot.press("slash", *"stage")
        await pilot.pause()
        assert {screen.rows[i].account for i in screen.shown} == {"acme-stage"}


# -- snapshots (SVG) at 80x24 ---------------------------------------------------------------------


def test_exposed_snapshot(snap_compare: Any, saved: Path) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await open_exposed(pilot)
        await pilot.press("space")  # the bastion's hops
        await settle(pilot)

    assert snap_compare(app_for(saved), terminal_size=SIZE, run_before=run_before)


def test_path_view_snapshot(snap_compare: Any, saved: Path) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        web = next(r for r in pilot.app.state.resources() if r.id == "i-0web")
        pilot.app.main.jump(web.arn)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(pilot.app.screen.query_one("#path-list", OptionList), OptionList)

    assert snap_compare(app_for(saved), terminal_size=SIZE, run_before=run_before)


def test_the_detail_pane_answers_the_internet_once() -> None:
    """One fact, one place: for a type the exposure verdict covers, the verdict block alone says
    whether the internet reaches it; the old shallow "internet" row (a public address in a public
    subnet), which called i-0web internet-facing while the verdict says its return traffic is
    blocked, is gone. A type the verdict does not cover keeps the row."""
    from awsexplorer.ui import details
    from awsexplorer.ui.state import ExplorerState, NodeRef

    state = ExplorerState()
    state.load(estate())

    def said(rid: str) -> str:
        arn = next(r.arn for r in state.resources() if r.id == rid)
        return " ".join(plain(details.describe(state, NodeRef("resource", arn=arn)), 200).split())

    old_row = "a public address in a public subnet"
    web = said("i-0web")
    assert "Not reachable from the internet: tcp/443" in web
    assert old_row not in web
    for rid in ("i-0app", "alb-web"):
        assert "Internet exposure" in said(rid) and old_row not in said(rid), rid
    cluster = Resource(
        arn="arn:aws:rds:eu-west-1:123456789012:cluster:warehouse",
        type="rds:cluster",
        id="warehouse",
        name="warehouse",
        region="eu-west-1",
        attributes={"internet_facing": True},
    )
    shown = " ".join(plain(details.resource_detail(state, cluster), 200).split())
    assert "Internet exposure" not in shown and f"internet internet-facing: {old_row}" in shown
