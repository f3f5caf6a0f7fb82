"""`managed_by` end to end in the UI: the detail pane says "part of stack X" and `m` goes to the
stack resource, in its region, whatever the filter; a resource no stack manages, or whose stack
is not in the scan, says so. A literal snapshot (no AWS): the scan side is proven on moto in
tests/scan/test_integration.py (ListStackResources gives managed_by to untagged resources)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from awsexplorer import snapshot
from awsexplorer.config import AppOptions
from awsexplorer.model import Account, RegionScan, RegionStatus, Resource, ScanResult
from awsexplorer.model.kinds import LOG_GROUP, QUEUE, STACK
from awsexplorer.model.ownership import managing_stack, mark_stack_resources
from awsexplorer.ui.app import AwsExplorerApp

ACCOUNT = "123456789012"
WEST, FAR = "eu-west-1", "ap-southeast-2"
STAMP = "2026-06-01T12:00:00Z"


def _stack(region: str, name: str, resources: list[dict[str, str]]) -> Resource:
    return Resource(
        arn=f"arn:aws:cloudformation:{region}:{ACCOUNT}:stack/{name}/1a2b",
        type=STACK,
        id=name,
        name=name,
        region=region,
        attributes={"status": "CREATE_COMPLETE", "resources": resources},
    )


def _queue(region: str, name: str) -> Resource:
    return Resource(
        arn=f"arn:aws:sqs:{region}:{ACCOUNT}:{name}",
        type=QUEUE,
        id=name,
        name=name,
        region=region,
        attributes={"url": f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{name}"},
    )


def _resources() -> list[Resource]:
    owned = [
        {
            "type": "AWS::SQS::Queue",
            "physical_id": f"https://sqs.{FAR}.amazonaws.com/{ACCOUNT}/jobs",
        },
        {"type": "AWS::Logs::LogGroup", "physical_id": "/app/jobs"},
    ]
    log_group = Resource(
        arn=f"arn:aws:logs:{FAR}:{ACCOUNT}:log-group:/app/jobs",
        type=LOG_GROUP,
        id="/app/jobs",
        name="/app/jobs",
        region=FAR,
    )
    # A stack of the same name in another region owns nothing here.
    return [
        _stack(FAR, "platform", owned),
        _stack(WEST, "platform", []),
        _queue(FAR, "jobs"),
        _queue(WEST, "jobs"),  # same name, other region: not the stack's
        log_group,
        _queue(FAR, "loose"),
    ]


def test_the_resource_list_marks_what_the_tag_did_not_and_finds_the_right_stack() -> None:
    resources = _resources()
    assert mark_stack_resources(resources) == 2
    owned = {(r.region, r.id): r.attributes.get("managed_by") for r in resources if r.type != STACK}
    assert owned == {
        (FAR, "jobs"): "platform",
        (WEST, "jobs"): None,
        (FAR, "/app/jobs"): "platform",
        (FAR, "loose"): None,
    }
    far_queue = resources[2]
    stack = managing_stack(resources, far_queue)
    assert stack is not None and stack.region == FAR
    assert managing_stack(resources, resources[5]) is None


def test_the_tag_wins_over_the_resource_list() -> None:
    resources = _resources()
    resources[2].attributes["managed_by"] = "from-the-tag"
    mark_stack_resources(resources)
    assert resources[2].attributes["managed_by"] == "from-the-tag"


def _snapshot(tmp_path: Path) -> Path:
    resources = _resources()
    mark_stack_resources(resources)
    result = ScanResult(
        Account(ACCOUNT, None, "aws", f"arn:aws:iam::{ACCOUNT}:user/auditor"),
        STAMP,
        STAMP,
        [
            RegionScan("global", RegionStatus.OK),
            *(RegionScan(r, RegionStatus.OK) for r in (WEST, FAR)),
        ],
        resources,
    )
    return snapshot.write(result, tmp_path / "scan.json")


async def test_m_goes_from_a_resource_to_the_stack_that_manages_it(tmp_path: Path) -> None:
    app = AwsExplorerApp(AppOptions(snapshot=_snapshot(tmp_path)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        main = app.main
        assert main.jump(f"arn:aws:logs:{FAR}:{ACCOUNT}:log-group:/app/jobs")
        await pilot.pause()
        console = Console(width=80, record=True, color_system=None)
        console.print(main.detail.renderable)
        assert "part of stack platform  (m: go to it)" in console.export_text()
        await pilot.press("m")
        await pilot.pause()
        node = main.tree.cursor_node
        assert node is not None and node.data is not None
        assert (node.data.kind, node.data.type, node.data.region) == ("resource", STACK, FAR)
        assert node.data.arn == f"arn:aws:cloudformation:{FAR}:{ACCOUNT}:stack/platform/1a2b"
        # A resource no stack manages: said, and the cursor stays.
        assert main.jump(f"arn:aws:sqs:{FAR}:{ACCOUNT}:loose")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert main.tree.cursor_node.data.arn == f"arn:aws:sqs:{FAR}:{ACCOUNT}:loose"  # type: ignore[union-attr]
        assert any(
            "not part of a CloudFormation stack" in str(n.message) for n in app._notifications
        )
