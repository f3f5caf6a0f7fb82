"""A region's service and type nodes are built when it is first opened, not for every collapsed
region at each rebuild (at 1,000,000 resources that was most of `:account`'s ~0.15 s); opened
with `l` or Enter, a key typed right after finds them."""

from __future__ import annotations

from .test_app import SIZE, cursor, offline


async def test_a_collapsed_region_has_its_groups_built_when_opened() -> None:
    app = offline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.main.tree
        regions = tree._regions
        assert all(not node.children for node in regions.values())  # none opened yet
        assert not tree._groups
        await pilot.press("j", "j", "j", "j", "l", "j")  # eu-west-1, opened, its first service
        ref = cursor(app)
        assert ref is not None and ref.kind == "service" and ref.region == "eu-west-1"
        assert regions["eu-west-1"].children
        assert {key[0] for key in tree._groups} == {"eu-west-1"}  # only the one opened
        await pilot.press("h", "h", "k", "k", "enter", "j")  # up to ap-southeast-2, by Enter
        ref = cursor(app)
        assert ref is not None and ref.kind == "service" and ref.region == "ap-southeast-2"
        await pilot.press("q")
