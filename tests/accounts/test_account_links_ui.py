"""Issue 17 in the TUI: the production marker (a word, NO_COLOR or not) and the other accounts
a resource names: listed in its detail ("account 222233334444 (Staging)", "not scanned"), and
`x` going there: the peer resource when the scan holds it, else the account node."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from awsexplorer import snapshot
from awsexplorer.cli import make_app
from awsexplorer.config import AppOptions, Settings
from awsexplorer.model import Resource
from awsexplorer.model.kinds import complete
from awsexplorer.ui.accounts_view import production
from awsexplorer.ui.widgets.resource_tree import ResourceTree

FIXTURE = Path(__file__).parent / "fixtures" / "three-accounts.json"
PROD, STAGING, OUTSIDE = "123456789012", "222233334444", "999988887777"
SIZE = (80, 24)


def _resource(rtype: str, rid: str, region: str, **attributes: object) -> Resource:
    service, kind = rtype.split(":", 1)
    where = "" if service == "iam" else region
    return complete(
        Resource(
            arn=f"arn:aws:{service}:{where}:{PROD}:{kind}/{rid}",
            type=rtype,
            id=rid,
            name=rid,
            region=region,
            attributes=dict(attributes),
            account_id=PROD,
        )
    )


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """The three-accounts snapshot plus a peering from acme-prod to Staging's VPC and a role
    that Staging and an account outside the scan may assume."""
    result = snapshot.read(FIXTURE)
    result.resources += [
        _resource(
            "ec2:vpc-peering-connection",
            "pcx-0staging",
            "eu-west-1",
            state="active",
            requester_vpc_id="vpc-0a1b2c3d4e5f60001",
            requester_owner_id=PROD,
            accepter_vpc_id="vpc-0staging",
            accepter_owner_id=STAGING,
        ),
        _resource(
            "iam:role",
            "deployer",
            "global",
            trust_policy={
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{STAGING}:root"}},
                    {"Effect": "Allow", "Principal": {"AWS": OUTSIDE}},
                ]
            },
        ),
    ]
    return snapshot.write(result, tmp_path / "linked.json")


def _detail_text(app) -> str:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from awsexplorer.ui.details import describe

    pane = app.main.detail
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(describe(app.state, pane.ref))
    return console.export_text()


async def test_peering_detail_names_the_account_and_x_goes_to_the_peer_vpc(linked: Path) -> None:
    async with make_app(AppOptions(snapshot=linked)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = pilot.app.main
        peering = f"arn:aws:ec2:eu-west-1:{PROD}:vpc-peering-connection/pcx-0staging"
        assert main.jump(peering)
        await pilot.pause()
        text = _detail_text(pilot.app)
        assert f"account {STAGING} (Staging)" in text and "VPC peering accepter" in text
        await pilot.press("x")
        await pilot.pause()
        ref = main.cursor_ref
        assert ref is not None and ref.arn == f"arn:aws:ec2:eu-central-1:{STAGING}:vpc/vpc-0staging"
        await pilot.press("backspace")  # back where x left
        await pilot.pause()
        assert main.cursor_ref is not None and main.cursor_ref.arn == peering


async def test_trust_policy_lists_unscanned_and_x_goes_to_the_account_node(linked: Path) -> None:
    async with make_app(AppOptions(snapshot=linked)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = pilot.app.main
        # Narrowed to acme-prod, x still finds Staging: every account is shown again.
        main.run_command("account acme-prod", is_command=True)
        await pilot.pause()
        assert main.jump(f"arn:aws:iam::{PROD}:role/deployer")
        await pilot.pause()
        text = _detail_text(pilot.app)
        assert f"account {STAGING} (Staging)" in text
        assert f"account {OUTSIDE} not scanned" in text
        await pilot.press("x")
        await pilot.pause()
        ref = main.cursor_ref
        assert pilot.app.state.account_view is None
        assert ref is not None and (ref.kind, ref.service) == ("member-account", STAGING)
        assert main.detail.ref == ref


async def test_several_links_are_picked_from_a_list(linked: Path) -> None:
    result = snapshot.read(linked)
    role = next(r for r in result.resources if r.id == "deployer")
    role.attributes["trust_policy"]["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": "555566667777"}}
    )
    path = snapshot.write(result, linked.with_name("several.json"))
    async with make_app(AppOptions(snapshot=path)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.main.jump(f"arn:aws:iam::{PROD}:role/deployer")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        options = pilot.app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert [p.split()[1] for p in prompts] == [STAGING, "555566667777"]
        await pilot.press("j", "enter")
        await pilot.pause()
        ref = pilot.app.main.cursor_ref
        assert ref is not None and (ref.kind, ref.service) == ("member-account", "555566667777")


@pytest.mark.parametrize("no_color", [False, True])
async def test_production_is_a_word_on_the_node_and_the_header(
    linked: Path, no_color: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    async with make_app(AppOptions(snapshot=linked)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = pilot.app.screen.query_one(ResourceTree)
        labels = {
            n.data.service: n.label.plain
            for n in tree.root.children
            if n.data and n.data.kind == "member-account"
        }
        assert labels[PROD].startswith("▌PROD acme-prod")
        assert "PROD" not in labels[STAGING]
        assert "1 PROD" in str(pilot.app.screen.query_one("#band").render())
        pilot.app.main.run_command("account acme-prod", is_command=True)
        await pilot.pause()
        assert " PROD " in str(pilot.app.screen.query_one("#band").render())


async def test_the_pattern_is_the_users(linked: Path) -> None:
    options = AppOptions(snapshot=linked, settings=Settings(production_pattern="^stag"))
    async with make_app(options).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert production(pilot.app.state) == {STAGING}


async def test_account_command_shows_the_accounts_own_detail_at_once(linked: Path) -> None:
    """`:account NAME` with the cursor on the root: the detail is that account's, not the
    every-account overview left from before (the node is the root both times)."""
    from awsexplorer.ui.state import NodeRef

    async with make_app(AppOptions(snapshot=linked)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = pilot.app.main
        from rich.console import Console

        from awsexplorer.ui.widgets.detail_pane import DetailBody

        def painted() -> str:  # what the pane holds, not what describe() would say now
            console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
            console.print(main.detail.query_one(DetailBody).content)
            return console.export_text()

        assert main.detail.ref == NodeRef("account") and "Enter on an account" in painted()
        main.run_command("account staging", is_command=True)
        await pilot.pause()
        await pilot.pause()
        assert "Enter on an account" not in painted() and STAGING in painted()
