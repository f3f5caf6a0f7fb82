"""Hostile data in every field the TUI shows: nothing reaches the terminal raw, nothing is markup.

A snapshot whose every user-controlled string (names, ids, tag keys and values, descriptions, IAM
paths and policy names, queue and function names, finding and error messages, the account alias)
holds a string of the hostile corpus (tests/hostile.py) is opened offline, and every renderer is
visited with Pilot: the tree, the detail pane of each hostile resource, :vpc, :iam, :findings, the
error log, each view's `/` filter, the command palette, the `:` suggestions, toasts and the copy
key. The bytes the app writes to the terminal are captured: Textual's headless driver discards
them, so the driver used here is the headless one that says it is not headless, so that the app
hands it every frame exactly as it would hand the real terminal driver (`App._display`). The copy
key's OSC 52 sequence (the only escape sequence of the app's own that carries data) is taken apart
and its payload checked on its own.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.drivers import headless_driver
from textual.drivers.headless_driver import HeadlessDriver
from textual.pilot import Pilot

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.model import (
    Account,
    CallError,
    CheckResult,
    CheckStatus,
    Finding,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.ui import details, labels
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.screens.main import MainScreen
from awsexplorer.ui.state import ExplorerState, NodeRef, RegionView
from tests.hostile import CORPUS, ESCAPES, MARKUP, leaks

FIXTURE = Path(__file__).parent / "fixtures" / "small-account.json"
SIZE = (80, 24)
ACCOUNT = "123456789012"
REGION = "eu-west-1"
VPC = "vpc-0a1b2c3d4e5f60001"
SUBNET = "subnet-0a1b2c3d4e5f60011"
ALIAS = ESCAPES["osc52-clipboard"] + MARKUP["close"]
OSC52_COPY = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
POINTER_SHAPE = re.compile(r"\x1b\]22;[a-z-]+\x07")  # Kitty's pointer shape: the app's own
NEVER_RAW = ("Cc", "Cf", "Cs", "Zl", "Zp")


def _raw_characters(text: str) -> list[str]:
    """Characters a renderer must never let through (newline is how a renderer breaks lines)."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in NEVER_RAW]


# -- the hostile scan ---------------------------------------------------------------------------


def _iam(kind: str, n: int, value: str) -> Resource:
    name = value
    return Resource(
        arn=f"arn:aws:iam::{ACCOUNT}:{kind}/hostile/{n}/{name}",
        type=f"iam:{kind}",
        id=name,
        name=name,
        region="global",
        tags={value: value},
        attributes={
            "path": f"/{value}/",
            "Description": value,
            "last_used": "2024-05-01T00:00:00Z",
            "last_used_known": True,
            "last_used_detail": {
                "kind": "access-key",
                "key_id": value,
                "service": value,
                "region": value,
                "member": value,
            },
            "created": "2020-01-01T00:00:00Z",
            "attached_policies": [
                {"name": value, "arn": f"arn:aws:iam::{ACCOUNT}:policy/{value}", "document": {}}
            ],
            "inline_policies": [{"name": value, "document": {"Statement": [{"Sid": value}]}}],
            "console_access": True,
            "mfa_enabled": False,
            "access_keys": [{"id": value, "status": "Active", "created": "2020-01-01T00:00:00Z"}],
            "groups": [value],
            "members": [value],
        },
    )


HOSTILE_SG = "sg-0hostile"


def exposure_network(values: list[str]) -> list[Resource]:
    """What makes the hostile instances reachable from the internet (issue 16): the VPC's main
    route table to an internet gateway, a default network ACL allowing all, a group open on
    tcp/8443 named by the corpus, and an internet-facing load balancer per corpus string (its
    name, DNS name and listener protocol hostile) in front of them."""

    def ec2(kind: str, rid: str, name: str, attributes: dict[str, object]) -> Resource:
        arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{rid}"
        return Resource(arn, f"ec2:{kind}", rid, name, REGION, vpc_id=VPC, attributes=attributes)

    every = [{"RuleNumber": 100, "RuleAction": "allow", "Protocol": "-1", "CidrBlock": "0.0.0.0/0"}]
    built = [
        ec2(
            "route-table",
            "rtb-0hostile",
            values[0],
            {
                "VpcId": VPC,
                "Associations": [{"Main": True}],
                "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0hostile"}],
            },
        ),
        ec2(
            "network-acl",
            "acl-0hostile",
            values[1],
            {
                "VpcId": VPC,
                "IsDefault": True,
                "Entries": [*every, *({**e, "Egress": True} for e in every)],
            },
        ),
        ec2(
            "security-group",
            HOSTILE_SG,
            values[2],
            {
                "GroupId": HOSTILE_SG,
                "group_name": values[2],
                "IpPermissions": [
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 8443,
                        "ToPort": 8443,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    }
                ],
            },
        ),
    ]
    for n, value in enumerate(values):
        arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/lb{n}/0hostile"
        built.append(
            Resource(
                arn,
                "elasticloadbalancing:loadbalancer",
                f"lb-0hostile{n:04d}",
                value,
                REGION,
                vpc_id=VPC,
                attributes={
                    "scheme": "internet-facing",
                    "type": "application",
                    "dns_name": value,
                    "subnet_ids": [SUBNET],
                    "security_groups": [HOSTILE_SG],
                    "listeners": [
                        {"port": 8443, "protocol": value, "arn": value, "target_group_arns": []}
                    ],
                },
            )
        )
    return built


def hostile_result() -> ScanResult:
    """The small account of the other UI tests, with the corpus in every field we read."""
    base = snapshot.read(FIXTURE)
    resources = list(base.resources)
    findings = list(base.findings)
    checks = list(base.checks)
    errors: list[CallError] = []
    for n, (key, value) in enumerate(CORPUS.items()):
        tags = {value: value, "Name": value, "Description": value, f"k{n}": MARKUP["close"]}
        instance = Resource(
            arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0hostile{n:04d}",
            type="ec2:instance",
            id=f"i-0hostile{n:04d}",
            name=value,
            region=REGION,
            vpc_id=VPC,
            subnet_id=SUBNET,
            tags=tags,
            attributes={
                "state": value,
                "InstanceType": value,
                "Description": value,
                "public_ip": "203.0.113.7",
                "security_groups": [HOSTILE_SG],  # reachable: :exposed and p list it (issue 16)
                "internet_facing": n % 2 == 0,
                "role": value,
                "LaunchTime": value,
            },
        )
        function = Resource(
            arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{value}",
            type="lambda:function",
            id=value,
            name=value,
            region=REGION,
            tags=tags,
            attributes={"runtime": value, "role": value, "Description": value},
        )
        queue = Resource(
            arn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:{value}",
            type="sqs:queue",
            id=f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{value}",
            name=value,
            region=REGION,
            tags=tags,
            attributes={"Policy": value},
        )
        subnet = Resource(
            arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0hostile{n:04d}",
            type="ec2:subnet",
            id=f"subnet-0hostile{n:04d}",
            name=value,
            region=REGION,
            vpc_id=VPC,
            tags=tags,
            attributes={
                "CidrBlock": "10.0.200.0/24",
                "AvailabilityZone": value,
                "public": n % 2 == 0,
                "public_reason": value,
            },
        )
        resources += [instance, function, queue, subnet, _iam("user", n, value)]
        resources.append(_iam("role", n, value))
        for resource in (instance, function, queue):
            findings.append(
                Finding(
                    check=f"hostile.{key}",
                    severity=list(Severity)[n % len(Severity)],
                    resource=resource.arn,
                    region=REGION,
                    message=value,
                    remediation=value,
                )
            )
        checks.append(
            CheckResult(
                id=f"hostile-unchecked-{key}", status=CheckStatus.NOT_EVALUATED, reason=value
            )
        )
        errors.append(CallError(REGION, value, value, value, value))
    resources += exposure_network(list(CORPUS.values()))
    regions = []
    for region in base.regions:
        if region.name == REGION:
            region.errors = [*region.errors, *errors]
        if region.status is RegionStatus.FAILED:
            region.reason = ESCAPES["osc52-bel"] + MARKUP["close"]
            region.errors = [*region.errors, *(replace_region(e, region.name) for e in errors)]
        regions.append(region)
    return ScanResult(
        account=Account(ACCOUNT, ALIAS, "aws", ESCAPES["csi-clear"] + MARKUP["link"]),
        started_at=base.started_at,
        finished_at=base.finished_at,
        regions=regions,
        resources=resources,
        findings=findings,
        checks=checks,
        profile=ESCAPES["osc8-link"] + MARKUP["bold"],
    )


def replace_region(error: CallError, region: str) -> CallError:
    return CallError(region, error.service, error.operation, error.code, error.message)


# -- capturing what the app writes --------------------------------------------------------------


class CapturingDriver(HeadlessDriver):
    """The headless driver, except that the app gives it every frame it would give a terminal."""

    output: list[str] = []
    clipboard: list[str] = []
    bells = 0

    @property
    def is_headless(self) -> bool:
        return False  # App._display writes frames only to drivers that are not headless

    def write(self, data: str) -> None:
        copied = OSC52_COPY.fullmatch(data)
        if copied:  # the app's own copy: its payload must be inert, the sequence is ours
            CapturingDriver.clipboard.append(base64.b64decode(copied.group(1)).decode())
        elif POINTER_SHAPE.fullmatch(data):
            pass
        elif data == "\x07":
            CapturingDriver.bells += 1  # App.bell(): the app's own, never data
        else:
            CapturingDriver.output.append(data)

    def flush(self) -> None:
        pass


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[CapturingDriver]]:
    CapturingDriver.output = []
    CapturingDriver.clipboard = []
    CapturingDriver.bells = 0
    # App._driver_class-free path: run_test imports HeadlessDriver from this module each time.
    monkeypatch.setattr(headless_driver, "HeadlessDriver", CapturingDriver)
    yield CapturingDriver


@pytest.fixture
def hostile_snapshot(tmp_path: Path) -> Path:
    return snapshot.write(hostile_result(), tmp_path / "hostile.json")


def written(driver: type[CapturingDriver]) -> str:
    return "".join(driver.output)


def hostile_arns(app: AwsExplorerApp) -> list[str]:
    return [r.arn for r in app.state.resources() if "hostile" in r.arn or r.name in CORPUS.values()]


async def settle(pilot: Pilot[int]) -> None:
    await pilot.pause()
    await pilot.pause()


# -- the tests ----------------------------------------------------------------------------------


async def test_the_capture_sees_frames_and_the_clean_fixture_leaks_nothing(
    terminal: type[CapturingDriver],
) -> None:
    """A control: frames are captured, and the app's own sequences are not taken for leaks."""
    app = make_app(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"vpc", "enter")
        await settle(pilot)
    output = written(terminal)
    assert "acme-prod" in output and "eu-west-1" in output
    assert leaks(output) == []


async def _tour_tree_and_detail(
    app: AwsExplorerApp, pilot: Pilot[int], visited: Counter[str]
) -> None:
    tree = app.main.tree

    # The tree: every region, service and type unfolded, resources built.
    for node in list(tree._regions.values()):
        node.expand_all()
    await settle(pilot)
    for node in tree._groups.values():
        if node.data is not None and node.data.kind == "type":
            tree._load(node)
            node.expand()
    await settle(pilot)
    for y in range(0, tree.last_line + 1, SIZE[1] - 4):
        tree.scroll_to(y=y, animate=False)
        await settle(pilot)
        visited["tree"] += 1
    # Layout: no tree line is wider than the terminal (a long name does not push the rest
    # of the line, or the tree, sideways).
    assert tree.virtual_size.width <= SIZE[0], tree.virtual_size

    # The detail pane, scrolled to the end (the raw JSON is there), of one hostile resource
    # per corpus string, the kinds taken in turn (test_labels_and_details_are_inert_for_each_
    # corpus_string renders every one of them in full, without the app).
    kinds = ("instance/", "function:", "sqs:", "subnet/", ":user/", ":role/")
    for n, value in enumerate(CORPUS.values()):
        kind = kinds[n % len(kinds)]
        arn = next(r.arn for r in app.state.resources() if r.name == value and kind in r.arn)
        app.main.jump(arn)
        await pilot.pause()
        app.main.detail.scroll_end(animate=False)
        await pilot.pause()
        visited["detail"] += 1
    # The copy key on a resource whose ARN holds an OSC 52 sequence.
    evil = next(a for a in hostile_arns(app) if a.startswith("arn:aws:lambda") and "52" in a)
    app.main.jump(evil)
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    # The tree's own filter, with markup and an escape typed in.
    await pilot.press("slash", *"[/] red", "enter")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def _tour_views(app: AwsExplorerApp, pilot: Pilot[int], visited: Counter[str]) -> None:
    # `:` suggestions for hostile names, then the views.
    for query in ("click", "red", "line", "admin", "L"):
        await pilot.press("colon", *query)
        await settle(pilot)
        visited["suggestions"] += 1
        await pilot.press("escape")
        await settle(pilot)
    for view in ("vpc", "iam", "findings", "errors", "exposed"):
        await pilot.press("colon", *view, "enter")
        await settle(pilot)
        assert type(app.screen).__name__ != "MainScreen", view
        if view == "vpc":
            await pilot.press("E")  # unfold everything
            await settle(pilot)
        if view == "exposed":  # unfold hostile rows to their hops
            assert app.screen.query_one("#exposed-list").option_count > 40
            for _ in range(8):
                await pilot.press("space", "j", "j")
            await settle(pilot)
        await pilot.press(*"j" * 15)  # through the hostile rows (each key is a repaint)
        await settle(pilot)
        if view != "errors":
            await pilot.press("slash", *"[/] [bold", "enter")
            await settle(pilot)
            for _ in range(5):
                await pilot.press("j")
            await settle(pilot)
        else:
            await pilot.press("tab", "j", "j")
            await settle(pilot)
        visited[view] += 1
        await pilot.press("escape", "escape", "escape")
        await settle(pilot)
        if not isinstance(app.screen, MainScreen):
            app.pop_screen()
            await settle(pilot)


async def _tour_screens(app: AwsExplorerApp, pilot: Pilot[int], visited: Counter[str]) -> None:
    # The path view (p) of hostile instances and load balancers, every port under the cursor.
    for n, value in enumerate(list(CORPUS.values())[:8]):
        kind = ("instance/", "loadbalancer/")[n % 2]
        arn = next(r.arn for r in app.state.resources() if r.name == value and kind in r.arn)
        app.main.jump(arn)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert type(app.screen).__name__ == "PathScreen"
        await pilot.press("j", "j")
        await settle(pilot)
        visited["path"] += 1
        await pilot.press("escape")
        await settle(pilot)

    # Used by (u) and :flow on hostile resources: names, ids and types from the corpus.
    for n, value in enumerate(list(CORPUS.values())[:6]):
        kind = ("instance/", "function:", "subnet/")[n % 3]
        arn = next(r.arn for r in app.state.resources() if r.name == value and kind in r.arn)
        for keys, screen, visit in (
            (("u",), "UsedByScreen", "used-by"),
            (("colon", *"flow", "enter"), "FlowScreen", "flow"),
        ):
            app.main.jump(arn)
            await settle(pilot)
            await pilot.press(*keys)
            await settle(pilot)
            assert type(app.screen).__name__ == screen, visit
            await pilot.press("j", "j", "slash", *"[/] [bold", "enter")
            await settle(pilot)
            visited[visit] += 1
            await pilot.press("escape", "escape", "escape")
            await settle(pilot)
            if not isinstance(app.screen, MainScreen):
                app.pop_screen()
                await settle(pilot)


async def _tour_lookups(app: AwsExplorerApp, pilot: Pilot[int], visited: Counter[str]) -> None:
    # `:` with an address the hostile instances hold, then the CIDR of the hostile subnets:
    # the whois answer screen (ui/screens/whois.py), through its rows.
    for query in ("203.0.113.7", "10.0.200.0/24"):
        await pilot.press("colon", *query)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "WhoisScreen", query
        await pilot.press(*"j" * 12)
        await settle(pilot)
        visited["whois"] += 1
        await pilot.press("escape")
        await settle(pilot)

    # The palette, with a query that matches names holding markup.
    for query in ("loud", "click"):
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*query)
        await pilot.pause(0.6)  # the palette searches in the background
        await settle(pilot)
        palette = app.screen
        shown = [str(o.prompt) for o in palette.query_one("CommandList").options]
        assert shown and not any("No matches found" in s for s in shown), shown
        visited["palette"] += 1
        await pilot.press("escape")
        await settle(pilot)

    # A toast with a hostile name (the jump says where it is).
    long_arn = next(r.arn for r in app.state.resources() if r.name == CORPUS["long"])
    app.main.jump(long_arn)
    await settle(pilot)
    visited["toast"] += 1  # the toasts left are checked after each tour


# Every renderer of the app, in four tours run as four tests (one tour was 84 s, the longest
# test of the suite: split, the two xdist workers share it); together they visit all of these.
TOURS = {
    "tree-and-detail": (_tour_tree_and_detail, {"tree", "detail"}),
    "views": (_tour_views, {"suggestions", "vpc", "iam", "findings", "errors", "exposed"}),
    "screens": (_tour_screens, {"path", "used-by", "flow"}),
    "lookups": (_tour_lookups, {"whois", "palette", "toast"}),
}


@pytest.mark.parametrize("tour", list(TOURS))
async def test_hostile_strings_reach_the_terminal_inert_in_every_renderer(
    terminal: type[CapturingDriver], hostile_snapshot: Path, tour: str
) -> None:
    app = make_app(AppOptions(snapshot=hostile_snapshot))
    assert isinstance(app, AwsExplorerApp)
    visited: Counter[str] = Counter()
    walk, wanted = TOURS[tour]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await walk(app, pilot, visited)
        toasts = [n.message for n in app._notifications]
        assert app.is_running
    assert app.return_value in (None, 0)

    output = written(terminal)
    assert leaks(output) == [], f"{len(output)} characters written"
    assert _raw_characters(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)) == []
    assert all(leaks(c) == [] for c in terminal.clipboard)
    assert all(_raw_characters(c) == [] for c in terminal.clipboard)
    assert all(len(t) <= 1000 for t in toasts), [len(t) for t in toasts]
    assert all(leaks(t) == [] for t in toasts)
    assert set(visited) == wanted
    if tour == "tree-and-detail":  # every hostile name is in the tree, and one was copied
        assert "␛" in output  # the escapes were shown, as their control pictures
        assert "[/]" in output and "[bold red]loud[/bold red]" in output  # markup as text
        assert terminal.clipboard


def test_the_tours_visit_every_renderer() -> None:
    assert set().union(*(wanted for _, wanted in TOURS.values())) == {
        "tree", "detail", "suggestions", "vpc", "iam", "findings", "errors", "palette", "toast",
        "exposed", "path", "used-by", "flow", "whois",
    }  # fmt: skip


# -- the renderers without an app ---------------------------------------------------------------


def _rendered(renderable: object, width: int = 100) -> str:
    out = StringIO()
    Console(file=out, width=width, force_terminal=True, color_system="truecolor").print(renderable)
    return out.getvalue()


def _plain_rendered(renderable: object) -> str:
    """What a renderer writes, without the SGR styling rich adds."""
    return re.sub(r"\x1b\[[0-9;]*m", "", _rendered(renderable))


@pytest.fixture(scope="module")
def state() -> ExplorerState:
    loaded = ExplorerState()
    loaded.load(hostile_result())
    return loaded


@pytest.mark.parametrize("key", list(CORPUS))
def test_labels_and_details_are_inert_for_each_corpus_string(
    key: str, state: ExplorerState
) -> None:
    value = CORPUS[key]
    found = [r for r in state.resources() if r.name == value]
    assert len(found) >= 5
    for resource in found:
        label = labels.resource_label(resource, Severity.HIGH)
        assert leaks(label.plain) == [] and _raw_characters(label.plain) == []
        assert label.cell_len <= SIZE[0], (key, label.cell_len)
        detail = details.describe(state, NodeRef("resource", arn=resource.arn))
        text = _plain_rendered(detail)  # a MarkupError would be raised here
        assert leaks(text) == [] and _raw_characters(text) == [], key
        searched = details.describe(state, NodeRef("resource", arn=resource.arn), search="l")
        assert leaks(_plain_rendered(searched)) == []
    view = RegionView(name=REGION, status=RegionStatus.FAILED, reason=value)
    region = labels.region_label(view, 3, Counter())
    assert leaks(region.plain) == [] and _raw_characters(region.plain) == []
    group = labels.group_label(value, 1, Counter())
    assert leaks(group.plain) == [] and _raw_characters(group.plain) == []
    account = labels.account_label(Account(ACCOUNT, value, "aws", value), 1, Counter())
    assert leaks(account.plain) == [] and _raw_characters(account.plain) == []


def test_region_and_account_details_are_inert(state: ExplorerState) -> None:
    for ref in (NodeRef("account"), NodeRef("region", region=REGION)):
        text = _plain_rendered(details.describe(state, ref, source=ALIAS))
        assert leaks(text) == [] and _raw_characters(text) == []
    group = NodeRef("type", region=REGION, service="lambda", type="lambda:function")
    assert leaks(_plain_rendered(details.describe(state, group))) == []


def test_markup_in_a_tag_value_is_shown_as_written(state: ExplorerState) -> None:
    resource = next(r for r in state.resources() if r.name == MARKUP["link"])
    text = _plain_rendered(details.describe(state, NodeRef("resource", arn=resource.arn)))
    assert "unbalanced [/] close" in text  # the k<n> tag's value, not parsed
    assert "[link=https://evil.example]click[/link]" in text
    assert "\x1b]8;" not in _rendered(
        details.describe(state, NodeRef("resource", arn=resource.arn))
    )


def test_a_label_keeps_its_text_when_it_is_clean() -> None:
    resource = Resource(
        arn="arn:aws:ec2:eu-west-1:1:instance/i-1", type="ec2:instance", id="i-1",
        name="web-1 数据库", region="eu-west-1", attributes={"state": "running"},
    )  # fmt: skip
    assert labels.resource_label(resource, None).plain == "   web-1 数据库  running  i-1"
    assert isinstance(labels.resource_label(resource, None), Text)
