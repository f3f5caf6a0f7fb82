"""The secondary screens' data, without Textual: findings, error log, IAM rows, VPC tree."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from awsexplorer import snapshot
from awsexplorer.model import (
    Account,
    CallError,
    CheckResult,
    CheckStatus,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.ui.views.common import label_for, matches, name_from_arn
from awsexplorer.ui.views.error_log import build_error_log
from awsexplorer.ui.views.findings import build_findings_view
from awsexplorer.ui.views.iam import Admin, SortColumn, build_iam_rows, describe_use, sort_rows
from awsexplorer.ui.views.vpc import TreeItem, build_vpc_tree, vpc_items

FIXTURE = Path(__file__).parent / "fixtures" / "screens" / "account.json"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ACCOUNT = Account("123456789012", None, "aws", "arn:aws:iam::123456789012:user/me")


@pytest.fixture
def account() -> ScanResult:
    return snapshot.read(FIXTURE)


def empty_result(**changes) -> ScanResult:
    base = ScanResult(
        account=ACCOUNT,
        started_at="2025-06-01T11:00:00Z",
        finished_at="2025-06-01T11:01:00Z",
        regions=[RegionScan("eu-west-1", RegionStatus.OK)],
    )
    return replace(base, **changes)


# -- common ---------------------------------------------------------------------------------------


def test_name_from_arn_reads_every_arn_shape() -> None:
    assert name_from_arn("arn:aws:iam::123456789012:root") == "root"
    assert name_from_arn("arn:aws:ec2:eu-west-1:123:instance/i-0abc") == "i-0abc"
    assert name_from_arn("arn:aws:s3:::my-bucket") == "my-bucket"
    assert name_from_arn("arn:aws:sqs:eu-west-1:123:jobs") == "jobs"


def test_label_for_prefers_name_and_id(account: ScanResult) -> None:
    index = {r.arn: r for r in account.resources}
    sg = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0ssh"
    assert label_for(sg, index) == "ssh-open (sg-0ssh)"
    assert label_for("arn:aws:iam::123456789012:user/alice", index) == "alice"
    assert label_for("arn:aws:ec2:eu-west-1:1:volume/vol-gone", index) == "vol-gone"


def test_matches_needs_every_word_in_any_field() -> None:
    assert matches("ssh EU", "sg allows ssh", "eu-west-1")
    assert not matches("ssh rdp", "sg allows ssh", "eu-west-1")
    assert matches("   ", "anything")


# -- findings -------------------------------------------------------------------------------------


def test_findings_are_worst_first_with_names_and_regions(account: ScanResult) -> None:
    view = build_findings_view(account)
    severities = [r.severity for r in view.findings]
    assert severities == sorted(severities, key=lambda s: s.rank)
    assert view.findings[0].check == "iam-root-mfa-disabled"
    assert view.findings[0].resource == "root"
    sg = next(r for r in view.findings if r.check == "ec2-sg-open-admin-port")
    assert (sg.resource, sg.region, sg.resource_type) == (
        "ssh-open (sg-0ssh)",
        "eu-west-1",
        "ec2:security-group",
    )
    groups = [(s, len(rows)) for s, rows in view.grouped()]
    assert groups == [
        (Severity.CRITICAL, 1),
        (Severity.HIGH, 4),
        (Severity.MEDIUM, 3),
        (Severity.LOW, 1),
        (Severity.INFO, 1),
    ]
    assert view.counts()[Severity.HIGH] == 4


def test_findings_filter_by_text_and_severity(account: ScanResult) -> None:
    view = build_findings_view(account)
    mfa = view.filtered("mfa")
    assert {r.check for r in mfa.findings} == {"iam-root-mfa-disabled", "iam-user-console-no-mfa"}
    assert mfa.unchecked == []  # no unchecked check mentions MFA
    assert [r.check for r in view.filtered("us-east-1").findings] == ["ec2-ebs-unencrypted"]
    high = view.filtered(min_severity=Severity.HIGH)
    assert {r.severity for r in high.findings} == {Severity.CRITICAL, Severity.HIGH}
    assert len(view.filtered("admin", Severity.CRITICAL).findings) == 0
    assert len(view.filtered("HIGH").findings) == 4  # the severity itself is searchable


def test_checks_not_evaluated_are_listed_with_their_reason(account: ScanResult) -> None:
    view = build_findings_view(account)
    assert [(r.check, r.reason) for r in view.unchecked] == [
        ("billing-alarm-missing", "cloudwatch:DescribeAlarms denied in us-east-1 (AccessDenied)"),
        ("rds-publicly-accessible", "rds:DescribeDBInstances denied in us-east-1 (AccessDenied)"),
    ]
    assert [r.check for r in view.filtered("rds").unchecked] == ["rds-publicly-accessible"]


def test_findings_view_knows_when_checks_never_ran() -> None:
    assert not build_findings_view(empty_result()).checks_run
    ran = empty_result(checks=[CheckResult("iam-root-mfa-disabled", CheckStatus.EVALUATED)])
    assert build_findings_view(ran).checks_run
    orphan = empty_result(
        findings=[Finding("x", Severity.LOW, "arn:aws:sqs:eu-west-1:1:q", "eu-west-1", "m", "r")]
    )
    row = build_findings_view(orphan).findings[0]
    assert (row.resource, row.resource_type) == ("q", None)


# -- error log ------------------------------------------------------------------------------------


def test_error_log_lists_failed_then_partial_regions_and_sorted_calls(account: ScanResult) -> None:
    log = build_error_log(account)
    assert [(t.region, t.status) for t in log.regions] == [
        ("ap-southeast-2", RegionStatus.FAILED),
        ("us-east-1", RegionStatus.PARTIAL),
    ]
    assert log.regions[0].reason.startswith("AuthFailure")
    assert log.regions[1].reason == "2 calls failed"
    assert [(e.region, e.service, e.code) for e in log.errors] == [
        ("ap-southeast-2", "ec2", "AuthFailure"),
        ("us-east-1", "cloudwatch", "AccessDenied"),
        ("us-east-1", "rds", "AccessDenied"),
    ]
    assert log.not_enabled == ["me-south-1"]
    assert not log.clean


def test_error_log_failed_region_without_reason_uses_its_first_error() -> None:
    error = CallError("ap-east-1", "ec2", "DescribeVpcs", "OptInRequired", "opt in first")
    result = empty_result(regions=[RegionScan("ap-east-1", RegionStatus.FAILED, [error])])
    assert build_error_log(result).regions[0].reason == "OptInRequired: opt in first"


def test_error_log_clean_and_in_progress() -> None:
    log = build_error_log(
        empty_result(
            regions=[
                RegionScan("eu-west-1", RegionStatus.OK),
                RegionScan("us-east-1", RegionStatus.SCANNING),
            ]
        )
    )
    assert log.clean
    assert log.in_progress == ["us-east-1"]


# -- IAM ------------------------------------------------------------------------------------------


def rows_by_name(result: ScanResult) -> dict:
    return {r.name: r for r in build_iam_rows(result, NOW)}


def test_iam_rows_say_when_and_where_each_principal_was_used(account: ScanResult) -> None:
    rows = rows_by_name(account)
    assert [r.name for r in build_iam_rows(account, NOW)] == [
        "root",
        "alice",
        "bob",
        "ci-deploy",
        "app-role",
        "old-migration",
        "admins",
    ]
    assert (rows["root"].last_used, rows["root"].where) == ("30 days ago", "console")
    assert rows["alice"].last_used == "1 day ago"
    assert rows["alice"].where == "s3 eu-west-1 (key …1OLD)"
    assert rows["bob"].last_used == "never"
    assert rows["app-role"].where == "eu-west-1"
    assert rows["old-migration"].last_used == "300 days ago"
    assert rows["admins"].where == "alice: s3 eu-west-1 (key …1OLD)"


def test_iam_rows_mfa_keys_admin_warnings(account: ScanResult) -> None:
    rows = rows_by_name(account)
    assert [rows[n].mfa for n in ("root", "alice", "bob", "app-role")] == ["no", "yes", "no", "-"]
    assert rows["alice"].keys_text == "400d"
    assert rows["alice"].stale_keys == 1
    assert rows["ci-deploy"].keys_text == "1188d off"
    assert rows["bob"].keys_text == "none"
    assert rows["app-role"].keys_text == "-"
    assert rows["old-migration"].admin is Admin.YES  # from the finding and its policy
    assert rows["admins"].admin is Admin.YES
    assert rows["alice"].admin is Admin.GROUP  # member of admins
    assert rows["bob"].admin is Admin.NO
    assert rows["root"].admin is Admin.NOT_APPLICABLE
    assert (rows["old-migration"].warnings, rows["old-migration"].worst) == (2, Severity.HIGH)
    assert (rows["root"].warnings, rows["root"].worst) == (1, Severity.CRITICAL)
    assert rows["app-role"].warnings == 0


def test_dormant_means_no_use_in_90_days_for_users_and_roles(account: ScanResult) -> None:
    rows = rows_by_name(account)
    dormant = {name for name, row in rows.items() if row.dormant}
    # bob: never used, created 200 days ago; ci-deploy: 120 days; old-migration: 300 days.
    # root is meant to sit unused and a group is never used itself.
    assert dormant == {"bob", "ci-deploy", "old-migration"}


def principal(kind: str, name: str, **attributes) -> Resource:
    return Resource(
        arn=f"arn:aws:iam::123456789012:{kind}/{name}",
        type=f"iam:{kind}",
        id=name,
        name=name,
        region="global",
        attributes=attributes,
    )


def test_new_unused_principal_is_not_dormant_and_unknown_is_not_never() -> None:
    result = empty_result(
        resources=[
            principal("user", "new", created="2025-05-20T00:00:00Z", last_used=None),
            principal(
                "user",
                "unreadable",
                created="2020-01-01T00:00:00Z",
                last_used=None,
                last_used_known=False,
                access_keys=None,
                mfa_enabled=None,
            ),
            principal(
                "user",
                "inline-admin",
                inline_policies=[
                    {
                        "name": "all",
                        "document": {
                            "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}
                        },
                    }
                ],
            ),
        ]
    )
    rows = rows_by_name(result)
    assert not rows["new"].dormant
    assert rows["unreadable"].last_used == "unknown"
    assert not rows["unreadable"].dormant
    assert (rows["unreadable"].keys_text, rows["unreadable"].mfa) == ("?", "?")
    assert rows["unreadable"].admin is Admin.UNKNOWN  # policies not read
    assert rows["inline-admin"].admin is Admin.YES  # no checks ran: read from the document


def test_sorting_puts_the_telling_rows_first(account: ScanResult) -> None:
    rows = build_iam_rows(account, NOW)
    by_use = [r.name for r in sort_rows(rows, SortColumn.LAST_USED)]
    assert by_use[0] == "bob"  # never used: oldest
    assert by_use[-1] == "app-role"  # an hour ago
    assert sort_rows(rows, SortColumn.LAST_USED, reverse=True)[0].name == "app-role"
    assert [r.name for r in sort_rows(rows, SortColumn.NAME)][:3] == ["admins", "alice", "app-role"]
    assert [r.name for r in sort_rows(rows, SortColumn.WARNINGS)][:2] == ["old-migration", "root"]
    assert sort_rows(rows, SortColumn.KEYS)[0].name == "ci-deploy"
    assert {r.name for r in sort_rows(rows, SortColumn.ADMIN)[:2]} == {"old-migration", "admins"}
    assert [r.mfa for r in sort_rows(rows, SortColumn.MFA)][:3] == ["no", "no", "no"]
    for column in SortColumn:
        assert len(sort_rows(rows, column)) == len(rows)


def test_describe_use_reads_every_kind_of_activity() -> None:
    assert describe_use(None) == ""
    assert describe_use(None, "eu-west-1") == "eu-west-1"
    assert describe_use({"kind": "console"}) == "console"
    assert describe_use({"kind": "role", "region": "us-east-1"}) == "us-east-1"
    assert describe_use({"kind": "access-key", "key_id": None}) == "key"
    assert describe_use({"kind": "member", "member": "carol"}) == "by carol"
    assert describe_use("legacy text") == "legacy text"


# -- VPC ------------------------------------------------------------------------------------------


def plain(item: TreeItem) -> str:
    return item.label.plain


def test_vpc_tree_shows_region_egress_azs_and_subnet_badges(account: ScanResult) -> None:
    vpcs = build_vpc_tree(account)
    prod = vpcs[0]
    assert plain(prod).startswith("prod vpc-0prod eu-west-1 10.0.0.0/16")
    assert "2 pub / 2 priv" in plain(prod)
    assert prod.arn == "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0prod"
    egress, zone_a, zone_b, other = prod.children
    assert plain(egress) == "egress: igw, nat"
    assert [c.arn.rsplit("/", 1)[1] for c in egress.children] == ["igw-0prod", "nat-0prod"]
    assert plain(zone_a) == "eu-west-1a (euw1-az1)" and zone_a.arn is None
    public_a, private_a = zone_a.children
    assert "PUBLIC" in plain(public_a) and "public-a subnet-0puba 10.0.1.0/24" in plain(public_a)
    assert "245/251 free" in plain(public_a)
    assert "0.0.0.0/0 -> igw-0prod in rtb-0public" in public_a.detail.plain
    assert "private via NAT" in plain(private_a)
    assert "nat-0prod in rtb-0main (main route table)" in private_a.detail.plain
    assert plain(private_a).startswith("▲ ")  # its ip-exhaustion warning
    assert [plain(z) for z in (zone_b,)] == ["eu-west-1b (euw1-az2)"]
    assert "1 security-group" in plain(other) and not other.expanded


def test_internet_facing_resources_stand_out(account: ScanResult) -> None:
    public_a = build_vpc_tree(account)[0].children[1].children[0]
    bastion, nat = public_a.children
    assert bastion.internet_facing and "⚠ internet-facing" in plain(bastion)
    assert "54.1.2.3" in plain(bastion)
    assert not nat.internet_facing
    assert public_a.internet_facing and "⚠1" in plain(public_a)
    app = build_vpc_tree(account)[0].children[1].children[1].children[0]
    assert not app.internet_facing and "internet" not in plain(app)


def test_empty_default_vpcs_are_gathered_and_folded(account: ScanResult) -> None:
    items = build_vpc_tree(account)
    group = items[-1]
    assert plain(group) == "1 default VPC with nothing in it" and not group.expanded
    assert group.arn is None and group.region is None
    (default,) = group.children
    assert "vpc-0dflt us-east-1 172.31.0.0/16 default" in plain(default)
    assert [v.region for v in vpc_items(items)] == ["eu-west-1", "us-east-1"]


def test_default_vpc_in_use_stays_in_view(account: ScanResult) -> None:
    stray = Resource(
        arn="arn:aws:ec2:us-east-1:123456789012:instance/i-0stray",
        type="ec2:instance",
        id="i-0stray",
        name="stray",
        region="us-east-1",
        vpc_id="vpc-0dflt",
        subnet_id="subnet-0dfa",
    )
    account.resources.append(stray)
    items = build_vpc_tree(account)
    assert [i.region for i in items] == ["eu-west-1", "us-east-1"]
    assert items[1].expanded


def test_default_vpc_with_a_group_the_user_added_stays_in_view(account: ScanResult) -> None:
    # the one defaults rule (model/defaults.py): only the group AWS names "default" is AWS's;
    # the view used to fold a default VPC whatever security groups it held
    wizard = Resource(
        arn="arn:aws:ec2:us-east-1:123456789012:security-group/sg-0wizard",
        type="ec2:security-group",
        id="sg-0wizard",
        name="launch-wizard-1",
        region="us-east-1",
        vpc_id="vpc-0dflt",
        attributes={"group_name": "launch-wizard-1"},
    )
    account.resources.append(wizard)
    items = build_vpc_tree(account)
    assert [i.region for i in items] == ["eu-west-1", "us-east-1"]


def subnet_only(finished: str | None) -> ScanResult:
    subnet = Resource(
        arn="arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1",
        type="ec2:subnet",
        id="subnet-1",
        name="subnet-1",
        region="eu-west-1",
        vpc_id="vpc-1",
        attributes={"VpcId": "vpc-1", "CidrBlock": "10.1.0.0/24", "AvailabilityZone": "eu-west-1a"},
    )
    return empty_result(resources=[subnet], finished_at=finished)


def test_subnet_without_route_tables_is_pending_while_scanning_then_unknown() -> None:
    scanning = build_vpc_tree(subnet_only(None))[0]
    subnet = scanning.children[1].children[0]
    assert "classification pending" in plain(subnet)
    assert "classification pending" in subnet.detail.plain
    assert plain(scanning.children[0]).startswith("egress: none")
    done = build_vpc_tree(subnet_only("2025-06-01T11:01:00Z"))[0].children[1].children[0]
    assert "unknown" in plain(done)
    assert "no route table" in done.detail.plain


def test_managed_network_interfaces_are_counted_not_listed() -> None:
    result = subnet_only("2025-06-01T11:01:00Z")
    eni = Resource(
        arn="arn:aws:ec2:eu-west-1:123456789012:network-interface/eni-1",
        type="ec2:network-interface",
        id="eni-1",
        name="eni-1",
        region="eu-west-1",
        vpc_id="vpc-1",
        subnet_id="subnet-1",
        # The normalised fields the EC2 collector writes (a snapshot's raw-only ones are filled
        # by kinds.complete when it is read): the view reads nothing else.
        attributes={"interface_type": "lambda", "requester_managed": True, "attached_to": None},
    )
    loose = replace(eni, arn=eni.arn.replace("eni-1", "eni-2"), id="eni-2", name="eni-2")
    loose.attributes = {
        "interface_type": "interface",
        "requester_managed": False,
        "attached_to": None,
    }
    result.resources += [eni, loose]
    subnet = build_vpc_tree(result)[0].children[1].children[0]
    assert [c.arn.rsplit("/", 1)[1] for c in subnet.children] == ["eni-2"]
    assert "1 managed network interface not shown" in subnet.detail.plain


def test_no_vpcs_no_items() -> None:
    assert build_vpc_tree(empty_result()) == []


def test_views_import_no_textual() -> None:
    """The views are plain data: every module under ui/views/ imports (and is tested) without
    Textual or the AWS SDK, in a fresh interpreter (sys.modules does not lie)."""
    import json
    import pkgutil

    import awsexplorer.ui.views

    views = [
        m.name for m in pkgutil.iter_modules(awsexplorer.ui.views.__path__, "awsexplorer.ui.views.")
    ]
    assert {f"awsexplorer.ui.views.{v}" for v in ("vpc", "iam", "findings", "error_log")} <= set(
        views
    )
    code = (
        "import importlib, json, sys\n"
        f"for name in {views!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    loaded = set(json.loads(out))
    assert "awsexplorer" in loaded  # the probe works
    assert not loaded & {"textual", "aiobotocore", "botocore", "boto3"}
