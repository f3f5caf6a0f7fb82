"""The catch-all (scan/collectors/tagged.py) on moto, and `managed_by` (model/ownership.py).

moto 5.2.5's Resource Groups Tagging API answers for Athena and Glue (both are taggable backends
there), so the issue's own examples are seeded: an Athena work group and a Glue job in two
regions, neither with a dedicated collector. A tagged SQS queue (which has one) proves the
catch-all leaves covered types to their collectors: no ARN comes twice.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from awsexplorer import snapshot
from awsexplorer.checks import analyse
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions
from awsexplorer.model import kinds
from awsexplorer.model.kinds import schema_problems
from awsexplorer.model.ownership import STACK_TAG
from awsexplorer.scan.collectors.tagged import arn_type
from awsexplorer.scan.runner import scan
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.details import resource_detail
from awsexplorer.ui.state import OTHER_TAGGED, ExplorerState

REGIONS = ("us-east-1", "eu-west-1")
ACCOUNT = "123456789012"


def _seed(aws: Callable[..., Any]) -> None:
    for region in REGIONS:
        aws("athena", region).create_work_group(
            Name=f"reports-{region}",
            Configuration={},
            Tags=[{"Key": "team", "Value": "data"}],
        )
        aws("glue", region).create_job(
            Name=f"nightly-etl-{region}",
            Role="arn:aws:iam::123456789012:role/glue",
            Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/etl.py"},
            Tags={"Name": f"Nightly ETL {region}", STACK_TAG: "etl-stack"},
        )
    aws("sqs", "eu-west-1").create_queue(QueueName="orders", tags={STACK_TAG: "shop"})


def _scan(aws: Callable[..., Any], scan_config: Any, run_scan: Any) -> Any:
    _seed(aws)
    result, _ = run_scan(scan_config(regions=REGIONS))
    return analyse(result)  # topology's fields (subnets' public...) are written by analysis


def test_tagged_resources_without_a_collector_appear_in_their_region(
    aws: Callable[..., Any], scan_config: Any, run_scan: Any
) -> None:
    result = _scan(aws, scan_config, run_scan)
    generic = [r for r in result.resources if kinds.is_catch_all(r)]
    found = {(r.type, r.region, r.name) for r in generic}
    for region in REGIONS:
        assert ("athena:workgroup", region, f"reports-{region}") in found  # last ARN segment
        assert ("glue:job", region, f"Nightly ETL {region}") in found  # its Name tag
    work_group = next(r for r in generic if r.name == "reports-eu-west-1")
    assert work_group.tags == {"team": "data"}
    assert work_group.arn.startswith("arn:aws:athena:eu-west-1:")
    assert {r.type for r in generic}.isdisjoint(kinds.REGISTRY)
    assert [p for r in result.resources for p in schema_problems(r)] == []
    # Covered types are left to their collectors: the queue is there once, as sqs:queue.
    assert [a for a, n in Counter(r.arn for r in result.resources).items() if n > 1] == []
    queue = next(r for r in result.resources if r.name == "orders")
    assert queue.type == kinds.QUEUE and not kinds.is_catch_all(queue)


def test_managed_by_names_the_stack_for_every_type(
    aws: Callable[..., Any], scan_config: Any, run_scan: Any
) -> None:
    result = _scan(aws, scan_config, run_scan)
    owned = {(r.type, r.region): r.attributes.get("managed_by") for r in result.resources}
    assert owned[(kinds.QUEUE, "eu-west-1")] == "shop"  # a dedicated collector's resource
    assert owned[("glue:job", "us-east-1")] == "etl-stack"  # a catch-all one
    assert owned[("athena:workgroup", "us-east-1")] is None  # no stack tag, no managed_by


def test_the_tree_groups_them_under_other_tagged_and_search_finds_them(
    aws: Callable[..., Any], scan_config: Any, run_scan: Any
) -> None:
    state = ExplorerState()
    state.load(_scan(aws, scan_config, run_scan))
    for region in REGIONS:
        groups = state.services_in(region)
        assert groups[OTHER_TAGGED] == ["athena:workgroup", "glue:job"]
        assert "athena" not in groups and "glue" not in groups
        assert state.count(region, service=OTHER_TAGGED) == 2
    assert "sqs" in state.services_in("eu-west-1")
    hits = state.search("nightly etl eu-west-1")
    assert [(r.type, r.region) for r in hits] == [("glue:job", "eu-west-1")]
    console = Console(width=120, record=True, color_system=None)
    console.print(resource_detail(state, hits[0]))
    assert re.search(r"stack +part of stack etl-stack", console.export_text())


async def test_colon_finds_a_catch_all_resource_under_other_tagged(
    aws: Callable[..., Any], scan_config: Any, tmp_path: Path
) -> None:
    _seed(aws)
    result = analyse(await scan(scan_config(regions=REGIONS)))
    path = snapshot.write(result, tmp_path / "scan.json")
    app = make_app(AppOptions(snapshot=path))
    assert isinstance(app, AwsExplorerApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"reports-eu-west-1", "enter")
        await pilot.pause()
        node = app.main.tree.cursor_node
        assert node is not None and node.data is not None
        assert (node.data.kind, node.data.type, node.data.region) == (
            "resource",
            "athena:workgroup",
            "eu-west-1",
        )
        assert node.parent is not None and node.parent.parent is not None
        assert str(node.parent.label).startswith("athena:workgroup")
        assert str(node.parent.parent.label).startswith(OTHER_TAGGED)
        assert str(node.parent.parent.parent.label).startswith("eu-west-1")  # type: ignore[union-attr]


def test_arn_types_match_the_type_ids_of_the_dedicated_collectors() -> None:
    cases = {
        f"arn:aws:sqs:eu-west-1:{ACCOUNT}:orders": kinds.QUEUE,
        f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts": kinds.TOPIC,
        "arn:aws:s3:::my-bucket": kinds.BUCKET,
        "arn:aws:apigateway:eu-west-1::/restapis/a1b2": kinds.REST_API,
        "arn:aws:apigateway:eu-west-1::/apis/a1b2": kinds.HTTP_API,
        f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/acl/123": kinds.WEB_ACL,
        f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:f": kinds.FUNCTION,
        f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:main": kinds.DATABASE,
        f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/app/w/1": (
            kinds.LOAD_BALANCER
        ),
        f"arn:aws:athena:eu-west-1:{ACCOUNT}:workgroup/reports": "athena:workgroup",
        f"arn:aws:ec2:eu-west-1:{ACCOUNT}:dhcp-options/dopt-1": "ec2:dhcp-options",
        "not an arn": None,
    }
    assert {arn: arn_type(arn) for arn in cases} == cases
