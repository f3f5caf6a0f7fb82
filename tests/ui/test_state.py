"""The UI's bookkeeping, without Textual: events in, regions / counts / search / findings out."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot
from awsexplorer.model import (
    Account,
    CallError,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from awsexplorer.scan.events import (
    CallFailed,
    RegionProgress,
    ResourcesFound,
    ScanFinished,
    ScanStarted,
)
from awsexplorer.ui import details, labels
from awsexplorer.ui.scanning import EventBuffer
from awsexplorer.ui.state import ExplorerState, NodeRef, matches

FIXTURE = Path(__file__).parent / "fixtures" / "small-account.json"
ACCOUNT = Account("123456789012", "acme", "aws", "arn:aws:iam::123456789012:user/me")


def instance(region: str, iid: str, name: str, **tags: str) -> Resource:
    return Resource(
        arn=f"arn:aws:ec2:{region}:123456789012:instance/{iid}",
        type="ec2:instance",
        id=iid,
        name=name,
        region=region,
        tags={"Name": name, **tags},
        attributes={"State": {"Name": "running"}},
    )


def loaded() -> ExplorerState:
    state = ExplorerState()
    state.load(snapshot.read(FIXTURE))
    return state


def test_events_build_regions_counts_and_errors() -> None:
    state = ExplorerState()
    changed = state.apply(ScanStarted(ACCOUNT, ["global", "eu-west-1"], ["ap-east-1"], "prod"))
    assert changed == {"global", "eu-west-1", "ap-east-1"}
    assert state.scanning and state.profile == "prod"
    assert state.regions["eu-west-1"].status is RegionStatus.PENDING
    assert state.regions["ap-east-1"].status is RegionStatus.NOT_ENABLED

    state.apply(RegionProgress("eu-west-1", RegionStatus.SCANNING, 1, 4, 0))
    assert state.apply(
        ResourcesFound("eu-west-1", "instances", [instance("eu-west-1", "i-1", "web")])
    ) == {"eu-west-1"}
    error = CallError("eu-west-1", "ec2", "DescribeVolumes", "AccessDenied", "no")
    state.apply(CallFailed(error))
    view = state.regions["eu-west-1"]
    assert (view.status, view.done, view.total) == (RegionStatus.SCANNING, 1, 4)
    assert view.errors == [error]
    assert state.count("eu-west-1") == 1
    assert state.types_in("eu-west-1") == ["ec2:instance"]

    result = ScanResult(
        ACCOUNT,
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:05Z",
        [
            RegionScan("global", RegionStatus.OK),
            RegionScan("eu-west-1", RegionStatus.PARTIAL, [error]),
        ],
        [instance("eu-west-1", "i-1", "web")],
    )
    state.apply(ScanFinished(result))
    assert not state.scanning
    assert state.regions["eu-west-1"].status is RegionStatus.PARTIAL
    assert state.regions["eu-west-1"].errors == [error]  # the final word, not doubled
    assert state.result().finished_at == "2024-01-01T00:00:05Z"


def test_a_region_rescan_replaces_only_that_region() -> None:
    state = ExplorerState()
    state.apply(ScanStarted(ACCOUNT, ["global", "eu-west-1", "us-east-1"], [], None))
    state.apply(ResourcesFound("eu-west-1", "i", [instance("eu-west-1", "i-old", "old")]))
    state.apply(ResourcesFound("us-east-1", "i", [instance("us-east-1", "i-keep", "keep")]))

    state.partial_rescan = True
    state.apply(ScanStarted(ACCOUNT, ["global", "eu-west-1"], [], None))
    assert state.get("arn:aws:ec2:eu-west-1:123456789012:instance/i-old") is None
    assert state.count("us-east-1") == 1
    assert state.regions["us-east-1"].status is RegionStatus.PENDING  # untouched since
    state.apply(ResourcesFound("eu-west-1", "i", [instance("eu-west-1", "i-new", "new")]))
    assert [r.id for r in state.resources_of("eu-west-1", "ec2:instance")] == ["i-new"]


def test_search_ranks_exact_then_prefix_then_contains_across_regions() -> None:
    state = ExplorerState()
    state.apply(ScanStarted(ACCOUNT, ["eu-west-1", "ap-southeast-2"], [], None))
    state.apply(
        ResourcesFound(
            "ap-southeast-2",
            "i",
            [
                instance("ap-southeast-2", "i-9", "load-test-tmp", owner="alice"),
                instance("ap-southeast-2", "i-8", "old-load-test"),
            ],
        )
    )
    state.apply(ResourcesFound("eu-west-1", "i", [instance("eu-west-1", "i-7", "load-test")]))
    assert [r.id for r in state.search("load-test")] == ["i-7", "i-9", "i-8"]
    assert [r.id for r in state.search("ALICE")] == ["i-9"]  # tag values, any case
    assert [r.id for r in state.search("i-8")] == ["i-8"]
    assert state.search("arn:aws:ec2:ap-southeast-2:123456789012:instance/i-9")[0].id == "i-9"
    assert state.search("   ") == []
    # The type's title from its record: `/ec2 instance` finds instances, whatever their names.
    assert {r.id for r in state.search("EC2 instance")} == {"i-7", "i-8", "i-9"}
    assert matches(state.search("i-7")[0], "ec2 instance")


def test_findings_index_and_rollups() -> None:
    state = loaded()
    sg = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0a1b2c3d4e5f60051"
    assert state.worst(sg) is Severity.HIGH
    assert state.worst("arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b2c3d4e5f60062") is None
    counts = state.severity_counts(region="eu-west-1")
    assert counts[Severity.HIGH] == 1 and counts[Severity.LOW] == 2
    assert state.severity_counts(region="eu-west-1", resource_type="ec2:volume")[Severity.LOW] == 1
    # The billing-alarm finding names no scanned resource: it belongs to the account.
    assert [f.check for f in state.account_findings()] == ["identity.no_billing_alarm"]
    assert state.severity_counts(region="global")[Severity.MEDIUM] == 1


def test_snapshot_load_round_trips_through_result() -> None:
    original = snapshot.read(FIXTURE)
    state = ExplorerState()
    state.load(original)
    assert snapshot.to_dict(state.result()) == snapshot.to_dict(original)
    assert state.unanalysed_result().findings == []


def test_event_buffer_wakes_once_per_batch() -> None:
    buffer = EventBuffer()
    event = CallFailed(CallError("x", "s", "o", "c", "m"))
    assert buffer.push(event) is True
    assert buffer.push(event) is False
    assert len(buffer.drain()) == 2
    assert buffer.push(event) is True


def test_labels_say_status_without_colour() -> None:
    state = loaded()
    failed = labels.region_label(state.regions["sa-east-1"], 0, state.severity_counts("sa-east-1"))
    assert "failed: AuthFailure" in failed.plain
    partial = labels.region_label(
        state.regions["eu-west-1"], state.count("eu-west-1"), state.severity_counts("eu-west-1")
    )
    assert partial.plain.startswith("eu-west-1  11 !1")  # the badge first (issue 10, item 9)
    assert partial.plain.endswith("partial (1 failed)")
    assert "!1" in partial.plain  # one high finding, marked without colour
    empty = labels.region_label(state.regions["eu-north-1"], 0, state.severity_counts("eu-north-1"))
    assert empty.plain == "eu-north-1  empty"
    subnet = state.by_id("eu-west-1", "subnet-0a1b2c3d4e5f60011", "ec2:subnet")
    assert subnet is not None and labels.key_state(subnet) == "public"


def test_detail_of_a_public_instance_says_where_and_why() -> None:
    state = loaded()
    arn = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b2c3d4e5f60061"
    from rich.console import Console

    console = Console(width=200, record=True, color_system=None)
    console.print(details.describe(state, NodeRef("resource", arn=arn)))
    text = console.export_text()
    assert "region   eu-west-1" in text or "eu-west-1" in text
    assert "subnet-0a1b2c3d4e5f60011 (public-a)  PUBLIC" in text
    assert "sends 0.0.0.0/0 to internet gateway" in text
    assert "sec groups sg-0a1b2c3d4e5f60051 (bastion-ssh) ! high" in text
    assert "instance-profile/bastion" in text
    assert "team" in text and "platform" in text
    # searching the raw attributes keeps only the matching lines
    console = Console(width=200, record=True, color_system=None)
    console.print(details.describe(state, NodeRef("resource", arn=arn), search="t3.micro"))
    searched = console.export_text()
    # The raw field and the normalised one snapshot.read completes from it.
    assert "2 lines contain" in searched and '"InstanceType": "t3.micro"' in searched
    assert '"PublicIpAddress"' not in searched


def test_account_detail_lists_account_wide_warnings() -> None:
    state = loaded()
    from rich.console import Console

    console = Console(width=200, record=True, color_system=None)
    console.print(details.describe(state, NodeRef("account")))
    text = console.export_text()
    assert "123456789012 (acme-prod)" in text
    assert "No billing alarm" in text and "Fix: Create a budget" in text


def test_finding_for_unknown_region_is_still_counted() -> None:
    state = ExplorerState()
    state.load(
        ScanResult(
            ACCOUNT,
            "t",
            "t",
            [RegionScan("global", RegionStatus.OK)],
            [],
            [Finding("c", Severity.LOW, "arn:aws:iam::1:account", "global", "m", "r")],
        )
    )
    assert state.severity_counts()[Severity.LOW] == 1


def test_docs_keys_table_matches_the_help_screen() -> None:
    from awsexplorer.ui.keys import markdown_table

    root = Path(__file__).parents[2]
    for doc in (root / "docs" / "keys.md", root / "README.md"):
        assert markdown_table() in doc.read_text(encoding="utf-8"), doc


def test_a_full_rescan_forgets_what_is_gone() -> None:
    state = loaded()
    state.apply(ScanStarted(ACCOUNT, ["global", "eu-west-1"], [], None))
    assert state.resource_total == 0
    assert set(state.regions) == {"global", "eu-west-1"}
    assert state.findings == []


def test_regions_holding_only_aws_defaults_are_told_apart() -> None:
    def vpc_part(region: str, rtype: str, rid: str, **attrs: object) -> Resource:
        return Resource(
            f"arn:aws:ec2:{region}:123456789012:{rtype}/{rid}",
            f"ec2:{rtype}",
            rid,
            rid,
            region,
            vpc_id="vpc-d",
            attributes=dict(attrs),
        )

    state = ExplorerState()
    state.apply(ScanStarted(ACCOUNT, ["global", "sa-east-1", "eu-west-1"], [], None))
    for region in ("sa-east-1", "eu-west-1"):
        state.apply(
            ResourcesFound(
                region,
                "ec2.vpcs",
                [
                    vpc_part(region, "vpc", "vpc-d", is_default=True),
                    vpc_part(region, "subnet", "subnet-d"),
                    vpc_part(region, "security-group", "sg-d", group_name="default"),
                ],
            )
        )
        state.apply(RegionProgress(region, RegionStatus.SCANNING, 1, 2, 3))
    state.apply(ResourcesFound("eu-west-1", "ec2.instances", [instance("eu-west-1", "i-1", "app")]))
    assert not state.only_aws_defaults("sa-east-1")  # still scanning: not known yet
    for region in ("sa-east-1", "eu-west-1"):
        state.apply(RegionProgress(region, RegionStatus.OK, 2, 2, 3))
    assert state.only_aws_defaults("sa-east-1")
    assert not state.only_aws_defaults("eu-west-1")  # an instance of the user's is there
    label = labels.region_label(state.regions["sa-east-1"], 3, Counter(), only_defaults=True)
    assert label.plain == "sa-east-1  3  defaults"


def test_an_instance_detail_leads_with_type_addresses_profile_and_imds() -> None:
    resource = instance("eu-west-1", "i-1", "web")
    resource.attributes.update(
        {
            "instance_type": "m5.large",
            "private_ip": "10.0.1.5",
            "public_ip": None,
            "imds_tokens": "required",
        }
    )
    facts = dict(details.key_facts(resource))
    assert facts["type"] == "m5.large" and facts["private ip"] == "10.0.1.5"
    assert facts["public ip"] is None  # not shown (the fact table skips empty values)
    assert facts["imds"] == "required"


def test_a_fact_holding_an_object_reads_as_its_set_fields_not_pythons_repr() -> None:
    """Seen in the demo: a bucket's `encryption {'enabled': False, 'type': None, ...}`."""
    bucket = Resource(
        arn="arn:aws:s3:::logs",
        type="s3:bucket",
        id="logs",
        name="logs",
        region="eu-west-1",
        attributes={
            "default_encryption": {
                "enabled": False,
                "type": None,
                "kms_key_id": "alias/\x1b[31mlogs",
                "bucket_key_enabled": False,
            }
        },
    )
    facts = dict(details.key_facts(bucket))
    assert facts["encryption"] == (
        "enabled no, kms_key_id alias/\x1b[31mlogs, bucket_key_enabled no"
    )
    # Made inert where it is shown, as every value from AWS: the escape cannot reach the screen.
    shown = details._facts([("encryption", facts["encryption"])])
    assert "\x1b" not in "".join(str(cell) for cell in shown.columns[1].cells)
    assert details._fact_text([None, True, {"a": None}, "x"]) == "yes, x"
    assert details._fact_text({"a": None, "b": ""}) is None


def test_each_accounts_resources_are_indexed_by_region_and_type_once_loaded() -> None:
    """The tree's account level reads an account's resources from an index built at load, not
    from a walk over every resource per expand; it follows `:account` narrowing and back."""
    three = Path(__file__).parents[1] / "accounts" / "fixtures" / "three-accounts.json"
    result = snapshot.read(three)
    state = ExplorerState()
    state.load(result)
    expected: dict[str, dict[tuple[str, str], list[str]]] = {}
    for resource in result.resources:
        key = (resource.region, resource.type)
        expected.setdefault(resource.account_id or "", {}).setdefault(key, []).append(resource.arn)
    assert len(expected) >= 2
    for account_id, groups in expected.items():
        found = state.account_groups(account_id)
        assert {k: [r.arn for r in v] for k, v in found.items()} == groups
    assert state.account_counts() == Counter(
        {a: sum(len(v) for v in g.values()) for a, g in expected.items()}
    )
    assert state.account_groups("000000000000") == {}
    some = next(iter(expected))
    state.show_account(some)  # narrowed to one account, and back to all
    assert {k: [r.arn for r in v] for k, v in state.account_groups(some).items()} == expected[some]
    state.show_account("all")
    assert {k: [r.arn for r in v] for k, v in state.account_groups(some).items()} == expected[some]


def test_a_load_indexes_as_resources_added_one_by_one_do() -> None:
    """A load into an empty state takes a quicker path (no look-up for a resource to replace);
    its indexes are those of the general one, and an ARN given twice still takes that one (the
    later copy wins, in its own region only)."""
    result = snapshot.read(FIXTURE)
    quick = ExplorerState()
    quick.load(result)
    general = ExplorerState()
    general.apply(ScanStarted(ACCOUNT, ["global"], [], None))
    general.apply(ResourcesFound("global", "test", result.resources[:1]))
    general.apply(ResourcesFound("global", "test", result.resources[1:]))
    assert quick.resources() == general.resources()
    for region in quick.regions:
        assert quick.types_in(region) == general.types_in(region)
        for kind in quick.types_in(region):
            assert quick.resources_of(region, kind) == general.resources_of(region, kind)
    for resource in result.resources:
        where = (resource.region, resource.id, resource.type)
        assert quick.by_id(*where) is general.by_id(*where) is resource

    moved = instance("eu-west-1", "i-0moved", "moved")
    again = replace(moved, region="us-east-1")
    state = ExplorerState()
    state.load(ScanResult(ACCOUNT, "t0", "t1", [], resources=[moved, again]))
    assert state.resource_total == 1
    assert state.resources_of("eu-west-1", "ec2:instance") == []
    assert state.resources_of("us-east-1", "ec2:instance") == [again]


def test_account_findings_follow_the_resources_and_findings() -> None:
    """Kept between calls, recomputed when resources or findings change."""
    late = instance("eu-west-1", "i-0late", "late")
    about_late = Finding("c", Severity.LOW, late.arn, "eu-west-1", "m", "r")
    state = ExplorerState()
    state.apply(ScanStarted(ACCOUNT, ["eu-west-1"], [], None))
    state.set_findings([about_late])
    assert state.account_findings() == [about_late]  # its resource is not listed (yet)
    state.apply(ResourcesFound("eu-west-1", "test", [late]))
    assert state.account_findings() == []
    other = Finding("d", Severity.HIGH, "arn:aws:s3:::gone", "global", "m", "r")
    state.set_findings([about_late, other])
    assert state.account_findings() == [other]


THREE_ACCOUNTS = Path(__file__).parents[1] / "accounts" / "fixtures" / "three-accounts.json"


def _findings_in_by_a_pass(
    state: ExplorerState, region: str, resource_type: str | None, service: str | None
) -> list[Finding]:
    """What findings_in answered before it had an index: a pass over every finding."""
    found = []
    for finding in state.findings:
        resource = state.get(finding.resource)
        if resource is None or finding.account_level or resource.region != region:
            continue
        if resource_type is not None and resource.type != resource_type:
            continue
        if (
            resource_type is None
            and service is not None
            and state.group_of(resource.type) != service
        ):
            continue
        found.append(finding)
    return found


def assert_rollup_by_a_pass(state: ExplorerState) -> None:
    """Every node's severity counts are those of four counts per finding on a listed resource
    (two on one not listed, where AWS said; one for an account-wide finding)."""
    expected: dict[tuple[str | None, str | None, str | None], Counter[Severity]] = {}
    for finding in state.findings:
        resource = state.get(finding.resource)
        if finding.account_level:
            keys = [(None, None, None)]
        elif resource is None:
            keys = [(None, None, None), (finding.region, None, None)]
        else:
            region, kind = resource.region, resource.type
            keys = [
                (None, None, None),
                (region, None, None),
                (region, kind, None),
                (region, None, state.group_of(kind)),
            ]
        for key in keys:
            expected.setdefault(key, Counter())[finding.severity] += 1
    for (region, kind, service), counts in expected.items():
        assert state.severity_counts(region, kind, service) == counts
    for region in state.regions:
        assert state.severity_counts(region) == expected.get((region, None, None), Counter())


def test_indexed_answers_equal_a_pass_over_everything() -> None:
    """The look-ups made on first use (findings per region / service / type, severities per
    account, tally) answer as a pass over every finding or resource does, for one account and
    for several, and again after resources and findings change."""
    for path in (FIXTURE, THREE_ACCOUNTS):
        state = ExplorerState()
        state.load(snapshot.read(path))
        assert state.findings

        def check(state: ExplorerState = state) -> None:
            for region in state.regions:
                for service, types in state.services_in(region).items():
                    for kind in [None, *types]:
                        assert state.findings_in(region, kind, service) == _findings_in_by_a_pass(
                            state, region, kind, service
                        )
                assert state.findings_in(region) == _findings_in_by_a_pass(
                    state, region, None, None
                )
                everything = [
                    r for t in state.types_in(region) for r in state.resources_of(region, t)
                ]
                assert state.tally(everything) == Counter(
                    f.severity for r in everything for f in state.findings_for(r.arn)
                )
            assert_rollup_by_a_pass(state)
            for account in {f.account_id or "" for f in state.findings} | {"000000000000"}:
                assert state.account_severities(account) == Counter(
                    f.severity for f in state.findings if (f.account_id or "") == account
                )

        check()
        # A resource that a finding already names arrives (a live scan): the index follows.
        region = "eu-west-1"  # in both fixtures
        late = instance(region, "i-0late", "late")
        state.set_findings(
            [*state.findings, Finding("c", Severity.LOW, late.arn, region, "m", "r")]
        )
        check()
        state.apply(ResourcesFound(region, "test", [late]))
        assert late.arn in {f.resource for f in state.findings_in(region, "ec2:instance")}
        check()


def test_by_id_finds_the_type_in_the_resources_own_account_and_follows_additions() -> None:
    """Ids repeat across the accounts of a merged snapshot: a detail's VPC, subnet or group is
    looked up in the resource's own account first (then in any), by type, indexed per
    (region, type) on first use and again after resources change."""

    def vpc(account: str) -> Resource:
        return Resource(
            arn=f"arn:aws:ec2:eu-west-1:{account}:vpc/vpc-1",
            type="ec2:vpc",
            id="vpc-1",
            name=f"net-{account}",
            region="eu-west-1",
            account_id=account,
        )

    first, second = vpc("111111111111"), vpc("222222222222")
    state = ExplorerState()
    state.load(ScanResult(ACCOUNT, "t0", "t1", [], resources=[first, second]))
    assert state.by_id("eu-west-1", "vpc-1", "ec2:vpc", "111111111111") is first
    assert state.by_id("eu-west-1", "vpc-1", "ec2:vpc", "222222222222") is second
    assert state.by_id("eu-west-1", "vpc-1", "ec2:vpc") in (first, second)  # any account
    assert state.by_id("eu-west-1", "vpc-1", "ec2:subnet") is None  # by type
    assert state.by_id("eu-west-1", "vpc-2", "ec2:vpc") is None
    third = replace(vpc("333333333333"), id="vpc-2", arn="arn:aws:ec2:eu-west-1:3:vpc/vpc-2")
    state.apply(ResourcesFound("eu-west-1", "test", [third]))
    assert state.by_id("eu-west-1", "vpc-2", "ec2:vpc", "333333333333") is third


def test_cross_account_links_from_the_type_index_equal_those_from_every_resource() -> None:
    """The link index is given only the types it reads (from the state's index by type, not a
    pass over every resource on the first detail): the same links for every resource, with
    every account shown and narrowed to one."""
    from awsexplorer.model import AccountScan, AccountStatus
    from awsexplorer.model.accounts import CrossAccountIndex
    from awsexplorer.ui.accounts_view import account_links
    from tests.accounts.cross_account import res

    prod, staging = "111111111111", "222233334444"

    trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{staging}:root"}}]
    }
    resources = [
        res(staging, "ec2:vpc", "vpc-b"),
        res(prod, "ec2:vpc", "vpc-a"),
        res(
            prod,
            "ec2:vpc-peering-connection",
            "pcx-1",
            requester_owner_id=prod,
            requester_vpc_id="vpc-a",
            accepter_owner_id=staging,
            accepter_vpc_id="vpc-b",
        ),
        res(staging, "ec2:transit-gateway", "tgw-1"),
        res(prod, "ec2:transit-gateway-attachment", "tgw-attach-1", transit_gateway_id="tgw-1"),
        res(staging, "iam:role", "deployer"),
        res(prod, "iam:role", "trusting", trust_policy=trust),
        res(prod, "ec2:instance", "i-1"),
    ]
    accounts = [
        AccountScan(id=prod, alias="acme-prod", status=AccountStatus.OK),
        AccountScan(id=staging, name="staging", status=AccountStatus.OK),
    ]
    result = ScanResult(ACCOUNT, "t0", "t1", [], resources=resources, accounts=accounts)
    state = ExplorerState()
    state.load(result)
    everything = CrossAccountIndex(accounts, resources)
    linked = [r for r in resources if everything.links(r)]
    assert len(linked) == 3  # the peering, the attachment and the trusting role
    for shown in (None, prod, "all"):
        if shown is not None:
            state.show_account(shown)
        for resource in resources:
            assert account_links(state, resource) == everything.links(resource)


def test_the_search_index_finds_what_a_test_per_resource_finds() -> None:
    """`:` and `/` answer from one string of every resource's text (str.find): the same
    resources, in the same order, as testing each resource's text, for hits in ids, names,
    ARNs, types, titles and tags, with a NUL in a tag value and in the needle, and nothing
    from a needle spanning two resources; dropped when the resources change."""
    from awsexplorer.ui.state import SearchIndex

    state = loaded()
    odd = instance("eu-west-1", "i-0odd", "odd", note="a\0b")
    state.apply(ResourcesFound("eu-west-1", "test", [odd]))
    resources = state.resources()
    assert state.search_input() is not None
    version, view = state.search_input() or (0, {}.values())
    listed = list(view)
    assert listed == resources
    before = {n: state.search(n) for n in ("i-0", "web", "ec2 instance", "eu-west-1", "a\0b")}
    assert state.set_search_index(SearchIndex(listed), version)
    assert state.search_ready and state.search_input() is None
    for needle in ("i-0", "web", "ec2 instance", "eu-west-1", "arn:aws", "a\0b", "\0", "zzz"):
        by_test = [r for r in resources if needle in details_text(r)]
        assert state.matching(needle) == by_test, needle
    assert state.matching("odd") == [odd]
    # The end of one resource's text and the start of the next: not a hit unless one holds it.
    spanning = details_text(resources[-2])[-3:] + details_text(resources[-1])[:3]
    assert state.matching(spanning) == [r for r in resources if spanning in details_text(r)]
    for needle, found in before.items():
        assert state.search(needle) == found, needle
    # New resources: the index is dropped (a stale one would miss them) and built again.
    state.apply(ResourcesFound("eu-west-1", "test", [instance("eu-west-1", "i-0new", "new")]))
    assert not state.search_ready
    assert [r.id for r in state.matching("i-0new")] == ["i-0new"]
    assert not state.set_search_index(SearchIndex(listed), version)  # built for the old ones


def details_text(resource: Resource) -> str:
    from awsexplorer.ui.state import searchable_text

    return searchable_text(resource)


def _answers(state: ExplorerState) -> tuple[object, ...]:
    """What the views ask the state, as plain values."""
    return (
        [r.arn for r in state.resources()],
        [(f.check, f.resource) for f in state.findings],
        sorted(state.regions),
        state.account_counts(),
        state.severity_counts(),
        [(f.check, f.resource) for f in state.account_findings()],
    )


def test_account_all_comes_back_to_the_view_it_left_not_a_new_load() -> None:
    """`:account NAME` keeps the view of every account aside and `:account all` puts it back:
    the same answers, the same indexes (not made again: a load took 1.6-1.9 s at 1,000,000
    resources), the relations built for it kept; and a worker's index is taken by the view
    it was built for only (a narrowed view's version is never given again)."""
    from awsexplorer.model.relationships import build

    state = ExplorerState()
    state.load(snapshot.read(THREE_ACCOUNTS))
    before = _answers(state)
    indexes = state._resources, state._by_region_type, state._findings_by_arn
    every_version, every_input = state.relations_input()
    some = state.member_accounts[1]

    state.show_account(some.id)
    assert {r.account_id for r in state.resources()} == {some.id}
    narrowed_version, narrowed_input = state.relations_input()
    assert narrowed_version != every_version
    assert state.show_account("all") is None
    assert _answers(state) == before
    assert (state._resources, state._by_region_type, state._findings_by_arn) == indexes
    assert state._resources is indexes[0] and state._by_region_type is indexes[1]
    # The narrowed view's worker finishes late: refused; the one started for every account
    # (still building when the user narrowed) is taken.
    assert not state.set_relations(build(narrowed_input), narrowed_version)
    assert state.set_relations(build(every_input), every_version)
    assert state.relations_ready
    # Narrowed again and back: the relations come back with the view.
    state.show_account(some.id)
    assert not state.relations_ready
    state.show_account("*")
    assert state.relations_ready and _answers(state) == before
    # A second narrowing gives yet another version: the first one's worker is refused there.
    state.show_account(some.id)
    assert not state.set_relations(build(narrowed_input), narrowed_version)
    state.show_account(None)


def test_account_all_loads_again_when_the_baseline_changed_meanwhile() -> None:
    """A baseline set while narrowed marks the view of every account too: that view is
    loaded again (its kept marks were against the old baseline), not put back."""
    state = ExplorerState()
    full = snapshot.read(THREE_ACCOUNTS)
    state.load(full)
    some = state.member_accounts[0]
    state.show_account(some.id)
    earlier = snapshot.read(THREE_ACCOUNTS)
    earlier.resources = earlier.resources[1:]  # one resource is new since
    state.set_baseline(earlier, "earlier.json")
    kept = state._resources
    state.show_account("all")
    assert state._resources is not kept
    assert state.changes is not None and len(state.changes.added) == 1
    assert state.mark(full.resources[0].arn) == "+"


def test_a_needle_held_by_more_than_search_most_ranks_a_bounded_set_with_every_exact_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`:` then one letter matched every resource of a big estate and ranked them all (6 s
    at 1,000,000). Past SEARCH_MOST matches, the first SEARCH_MOST in order are ranked, and
    every resource whose id, name or ARN is exactly the needle still comes first, wherever it
    is; below it, the answer is the whole ranking, as before."""
    from awsexplorer.ui import state as state_module

    monkeypatch.setattr(state_module, "SEARCH_MOST", 50)
    monkeypatch.setattr(state_module, "INDEX_IN_PLACE", 10)  # the index answers
    # Listed from web-199 down: the first 50 in order are web-199 to web-150.
    web = [instance("eu-west-1", f"i-{n:03d}", f"web-{n:03d}") for n in range(199, -1, -1)]
    exact = instance("eu-west-1", "i-999", "web")  # last in order: past the first 50 matches
    state = ExplorerState()
    state.load(ScanResult(ACCOUNT, "t0", "t1", [], resources=[*web, exact]))
    found = state.search("web", limit=10)
    assert found[0] is exact
    assert len(found) == 10 and all("web" in r.name for r in found)
    assert [r.name for r in found[1:]] == [f"web-{n:03d}" for n in range(150, 159)]
    # An exact id far down, too; and a needle held by few: the whole ranking.
    assert state.search("i-150", limit=5)[0].id == "i-150"
    every = [r for r in state.resources() if "web-19" in r.name]
    assert state.search("web-19") == sorted(every, key=lambda r: (r.name, r.region))


def test_a_dense_needle_is_tested_text_by_text_with_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past _DENSE matches in a chunk the search index tests the chunk's remaining texts one by
    one (C speed, not a Python step per match: `/a` at 1,000,000): the same positions as a test
    per resource, with a NUL and head marks inside some texts, across chunk ends, with `most`."""
    from awsexplorer.ui.state import _DENSE, SearchIndex, searchable_text

    monkeypatch.setattr(SearchIndex, "CHUNK", 100)  # several chunks
    notes = ("a\0b", "x\x01y", "\n", "plain")
    resources = [
        instance("eu-west-1", f"i-{n:04d}", f"web-{n}" if n % 3 else f"db-{n}", note=notes[n % 4])
        for n in range(3 * _DENSE + 107)
    ]
    index = SearchIndex(resources)
    assert len(index.chunks) > 2
    for needle in ("i-", "web", "db-", "plain", "b", "0", "zzz"):
        expected = [n for n, r in enumerate(resources) if needle in searchable_text(r)]
        assert index.positions(needle) == expected, needle
        assert index.positions(needle, most=_DENSE + 3) == expected[: _DENSE + 3], needle


def test_a_state_warmed_off_the_ui_thread_brings_its_split_into_accounts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """warm() splits a snapshot of several accounts (~80 ms at 1,000,000 resources) and adopt
    takes that split along: the first `:account` on the UI thread does not split again."""
    from awsexplorer.model import accounts

    built = ExplorerState()
    built.load(snapshot.read(THREE_ACCOUNTS))
    built.warm()
    shown = ExplorerState()
    shown.adopt(built)

    def no_split(result: ScanResult) -> Any:
        raise AssertionError("split again on the UI thread")

    monkeypatch.setattr(accounts, "split", no_split)
    some = shown.member_accounts[1]
    shown.show_account(some.id)
    assert {r.account_id for r in shown.resources()} == {some.id}
    assert shown.show_account("all") is None


def test_the_heading_is_the_result_without_its_resources_and_findings() -> None:
    """`u` and :flow take their title from heading(): the result's account, times and regions,
    without a copy of every resource (16 ms at 1,000,000, and young collections walk it)."""
    state = ExplorerState()
    state.load(snapshot.read(THREE_ACCOUNTS))
    whole, heading = state.result(), state.heading()
    assert whole.resources and whole.findings
    assert heading.resources == [] and heading.findings == []
    assert replace(heading, resources=whole.resources, findings=whole.findings) == whole
