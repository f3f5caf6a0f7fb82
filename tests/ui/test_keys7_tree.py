"""The tree's group nodes (service, type) stay in order as a live scan adds and a reload
removes them: `ResourceTree.sync` after any change gives the same tree as a rebuild from
scratch. Guards the bisected sibling index (`_children`) that replaced a pass over every group
per insert, and that a removed region's groups are forgotten (it comes back whole)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from textual.app import App, ComposeResult
from textual.widgets.tree import TreeNode

from awsexplorer.model import Account, RegionScan, RegionStatus, Resource, ScanResult
from awsexplorer.model.kinds import CATCH_ALL
from awsexplorer.scan.events import ResourcesFound, ScanStarted
from awsexplorer.ui.state import OTHER_TAGGED, ExplorerState, NodeRef
from awsexplorer.ui.widgets.resource_tree import ResourceTree

ACCOUNT = Account("123456789012", "acme", "aws", "arn:aws:iam::123456789012:user/me")
REGIONS = ["eu-west-1", "us-east-1", "ap-south-1"]
TYPES = [
    "ec2:instance",
    "ec2:vpc",
    "ec2:subnet",
    "ec2:security-group",
    "rds:db",
    "lambda:function",
    "sqs:queue",
    "sns:topic",
    "dynamodb:table",
    "cloudwatch:alarm",
    "zeta:widget",  # catch-all: under "Other (tagged)", after every service
    "alpha:gadget",  # catch-all too
]


def resource(region: str, kind: str, n: int) -> Resource:
    rid = f"{kind.split(':')[1]}-{n}"
    catch_all = kind.split(":")[0] in ("zeta", "alpha")
    return Resource(
        arn=f"arn:aws:{kind.split(':')[0]}:{region}:123456789012:{rid}",
        type=kind,
        id=rid,
        name=rid,
        region=region,
        tags={"team": "x"} if catch_all else {},
        attributes={CATCH_ALL: True} if catch_all else {},
        account_id=ACCOUNT.id,
    )


def everything() -> list[Resource]:
    return [resource(r, t, n) for r in REGIONS for t in TYPES for n in range(2)]


def shape(node: TreeNode[NodeRef]) -> list[object]:
    """Labels and refs of the group levels, in tree order (resources are built on expand)."""
    return [
        (child.label.plain, child.data, shape(child))
        for child in node.children
        if child.data is None or child.data.kind != "resource"
    ]


class TwoTrees(App[None]):
    def __init__(self, state: ExplorerState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        yield ResourceTree(self.state, id="synced")
        yield ResourceTree(self.state, id="fresh")


def result(resources: list[Resource], not_enabled: frozenset[str] = frozenset()) -> ScanResult:
    return ScanResult(
        account=ACCOUNT,
        regions=[
            RegionScan(r, RegionStatus.NOT_ENABLED if r in not_enabled else RegionStatus.OK)
            for r in REGIONS
        ],
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        finished_at=datetime(2026, 1, 1, 0, 5, tzinfo=UTC),
        resources=resources,
    )


def opened(tree: ResourceTree) -> ResourceTree:
    """Every region's service and type nodes built, as when each is opened (a collapsed
    region's are built on first open): the synced tree's then go on being synced."""
    for region in list(tree._regions):
        tree._populate(region)
    return tree


async def same_as_rebuilt(app: TwoTrees) -> list[object]:
    fresh = app.query_one("#fresh", ResourceTree)
    fresh.rebuild()
    synced = app.query_one("#synced", ResourceTree)
    assert shape(opened(synced).root) == shape(opened(fresh).root)
    return shape(synced.root)


async def test_groups_added_in_any_order_sit_where_a_rebuild_puts_them() -> None:
    state = ExplorerState()
    state.apply(ScanStarted(ACCOUNT, REGIONS, [], None))
    app = TwoTrees(state)
    async with app.run_test():
        synced = app.query_one("#synced", ResourceTree)
        synced.rebuild()
        batches = everything()
        random.Random(7).shuffle(batches)
        for start in range(0, len(batches), 5):
            batch = batches[start : start + 5]
            for item in batch:
                state.apply(ResourcesFound(item.region, "c", [item]))
            synced.sync({item.region for item in batch})
            await same_as_rebuilt(app)
        await same_as_rebuilt(app)
        region = next(n for n in synced.root.children if n.data and n.data.region == "eu-west-1")
        services = [child.label.plain.split()[0] for child in region.children]
        assert services[-1] == OTHER_TAGGED.split()[0]  # the catch-all after every service
        assert services[:-1] == sorted(services[:-1])
        other = region.children[-1]
        assert [c.data.type for c in other.children if c.data] == ["alpha:gadget", "zeta:widget"]


async def test_types_and_regions_removed_then_back() -> None:
    state = ExplorerState()
    state.load(result(everything()))
    app = TwoTrees(state)
    async with app.run_test():
        synced = app.query_one("#synced", ResourceTree)
        synced.rebuild()
        whole = await same_as_rebuilt(app)
        # Fewer types (a service gone whole, one type of another, one catch-all type), and a
        # region no longer enabled.
        fewer = [
            r
            for r in everything()
            if r.type not in ("rds:db", "ec2:subnet", "zeta:widget")
            and not (r.region == "us-east-1" and r.type == "sqs:queue")
        ]
        state.load(result(fewer, not_enabled=frozenset({"ap-south-1"})))
        synced.sync(set(REGIONS))
        less = await same_as_rebuilt(app)
        assert less != whole
        assert "ap-south-1" not in {n.data.region for n in synced.root.children if n.data}
        # Everything back: the region's groups are built anew, in order, not reused removed.
        state.load(result(everything()))
        synced.sync(set(REGIONS))
        assert await same_as_rebuilt(app) == whole
        region = next(n for n in synced.root.children if n.data and n.data.region == "ap-south-1")
        assert region.children and all(child.tree is synced for child in region.children)
        assert set(synced._groups) == set(app.query_one("#fresh", ResourceTree)._groups)
