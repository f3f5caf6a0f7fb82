"""`scan --org --role` on a moto Organization with 5 member accounts, one whose role cannot be
assumed (issue 17's "done when").

moto lets any role be assumed (its STS does not check that the role exists or trusts the
caller), so the one refusal comes from a small local stub in front of the moto server: it
answers sts:AssumeRole for that one account with the AccessDenied document AWS sends, and passes
every other request to moto unchanged, so the scanner's own client path is exercised."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlsplit

import boto3
import pytest

from awsexplorer import snapshot
from awsexplorer.cli import main
from awsexplorer.errors import EXIT_PARTIAL
from awsexplorer.scan.accounts import SESSION_NAME

ROLE = "AuditRole"
DENIED_BODY = (
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
    "<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/auditor is not "
    "authorized to perform: sts:AssumeRole on resource: {arn}</Message></Error>"
    "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"
)


class _Stub(BaseHTTPRequestHandler):
    """AssumeRole into `denied` is refused; everything else is moto's answer."""

    upstream: str
    denied: str
    assumed: list[tuple[str, str]]

    def log_message(self, *args: Any) -> None:
        pass

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        text = unquote_plus(body.decode("utf-8", "replace"))
        if "Action=AssumeRole" in text:
            arn = text.split("RoleArn=", 1)[1].split("&", 1)[0]
            session = text.split("RoleSessionName=", 1)[1].split("&", 1)[0]
            self.assumed.append((arn, session))
            if f":{self.denied}:" in arn:
                payload = DENIED_BODY.format(arn=arn).encode()
                self.send_response(403)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
        target = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        connection.request(self.command, self.path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        connection.close()

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _relay


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the scan opens many connections at once
    daemon_threads = True


@pytest.fixture
def organization(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    def client(service: str, region: str = "us-east-1", **keys: str) -> Any:
        keys = keys or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        return boto3.client(service, region_name=region, endpoint_url=moto_url, **keys)

    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    workloads = org.create_organizational_unit(ParentId=root, Name="Workloads")
    workloads_id = workloads["OrganizationalUnit"]["Id"]
    prod_ou = org.create_organizational_unit(ParentId=workloads_id, Name="Prod")
    prod_id = prod_ou["OrganizationalUnit"]["Id"]
    # The last name is hostile: a terminal escape in an account name.
    names = ["prod-web", "prod-data", "staging", "sandbox", "evil\x1b]0;pwned\x07name"]
    members: dict[str, str] = {}
    for name in names:
        created = org.create_account(Email=f"{len(members)}@example.com", AccountName=name)
        members[name] = created["CreateAccountStatus"]["AccountId"]
    for name in ("prod-web", "prod-data"):
        org.move_account(AccountId=members[name], SourceParentId=root, DestinationParentId=prod_id)
    org.move_account(
        AccountId=members["staging"], SourceParentId=root, DestinationParentId=workloads_id
    )
    # Each reachable member gets a VPC named after it, in eu-west-1.
    sts = client("sts")
    for account_id in members.values():
        found = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}", RoleSessionName="seed"
        )["Credentials"]
        keys = {
            "aws_access_key_id": found["AccessKeyId"],
            "aws_secret_access_key": found["SecretAccessKey"],
            "aws_session_token": found["SessionToken"],
        }
        ec2 = client("ec2", "eu-west-1", **keys)
        vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": f"vpc-of-{account_id}"}])

    handler = type(
        "Stub",
        (_Stub,),
        {"upstream": moto_url, "denied": members["sandbox"], "assumed": []},
    )
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    try:
        yield {
            "endpoint": f"http://127.0.0.1:{server.server_address[1]}",
            "members": members,
            "assumed": handler.assumed,
        }
    finally:
        server.shutdown()
        server.server_close()


def test_org_scan_puts_every_resource_in_its_account(
    organization: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "org.json"
    args = ["scan", "--endpoint-url", organization["endpoint"], "--region", "eu-west-1"]
    code = main([*args, "--org", "--role", ROLE, "--processes", "1", "-o", str(out)])
    assert code == EXIT_PARTIAL  # one account could not be read
    members = organization["members"]
    data = json.loads(out.read_text())
    by_id = {a["id"]: a for a in data["accounts"]}
    # The management account (moto's 123456789012, read with the caller's own credentials)
    # and the five members.
    assert set(by_id) == {"123456789012", *members.values()}
    assert by_id[members["prod-web"]]["ou_path"] == "Root/Workloads/Prod"
    assert by_id[members["staging"]]["ou_path"] == "Root/Workloads"
    assert by_id[members["prod-web"]]["name"] == "prod-web"
    # Every resource in its right account and region.
    vpcs = {
        r["name"]: (r["account_id"], r["region"])
        for r in data["resources"]
        if r["type"] == "ec2:vpc" and r["name"].startswith("vpc-of-")
    }
    reachable = {n: a for n, a in members.items() if n != "sandbox"}
    assert vpcs == {f"vpc-of-{a}": (a, "eu-west-1") for a in reachable.values()}
    for account_id in reachable.values():
        assert by_id[account_id]["status"] == "ok"
        assert by_id[account_id]["caller_arn"].startswith(
            f"arn:aws:sts::{account_id}:assumed-role/{ROLE}/"
        )
    # The refused one: a failed account with the AWS error and the fix; nothing else affected.
    sandbox = by_id[members["sandbox"]]
    assert sandbox["status"] == "failed" and sandbox["regions"] == []
    assert "AccessDenied" in sandbox["reason"] and f"role {ROLE}" in sandbox["reason"]
    assert f"--exclude {members['sandbox']}" in sandbox["reason"]
    assert {r["account_id"] for r in data["resources"]} == {"123456789012", *reachable.values()}
    # Each member was assumed with a session name that says who reads it; the caller's own
    # account was not assumed at all.
    assumed = organization["assumed"]
    assert {arn.split(":")[4] for arn, _ in assumed} >= set(members.values())
    assert not any(":123456789012:" in arn for arn, _ in assumed)
    assert {session for _, session in assumed} == {SESSION_NAME}
    # The hostile account name is stored as AWS gave it, printed inert.
    evil = by_id[members["evil\x1b]0;pwned\x07name"]]
    assert evil["name"] == "evil\x1b]0;pwned\x07name"
    printed = capsys.readouterr()
    assert "\x1b" not in printed.out and "\x07" not in printed.out
    assert members["sandbox"] in printed.out
    # The snapshot reads back with every account.
    assert len(snapshot.read(out).accounts) == 6


def test_accounts_and_exclude_narrow_the_organization(
    organization: dict[str, Any], tmp_path: Path
) -> None:
    members = organization["members"]
    out = tmp_path / "two.json"
    wanted = f"{members['prod-web']},{members['staging']}"
    args = ["scan", "--endpoint-url", organization["endpoint"], "--region", "eu-west-1"]
    assert (
        main(
            [
                *args,
                "--org",
                "--role",
                ROLE,
                "--accounts",
                wanted,
                "--exclude",
                members["staging"],
                "--processes",
                "1",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    data = json.loads(out.read_text())
    assert [a["id"] for a in data["accounts"]] == [members["prod-web"]]


def test_org_needs_a_role(organization: dict[str, Any], capsys: Any) -> None:
    assert main(["scan", "--endpoint-url", organization["endpoint"], "--org"]) == 2
    assert "--org needs --role NAME" in capsys.readouterr().err


async def test_the_tui_scans_the_organization_live(organization: dict[str, Any]) -> None:
    """`awsexplorer --org --role AuditRole`: every member scanned in the TUI's worker and shown
    as it is read; the refused one a failed account node with the AWS error and the fix; the
    production members marked PROD (their names say prod)."""
    import time

    from awsexplorer.config import AccountChoice, AppOptions, ScanConfig
    from awsexplorer.ui.accounts_view import production
    from awsexplorer.ui.app import AwsExplorerApp
    from awsexplorer.ui.widgets.resource_tree import ResourceTree

    members = organization["members"]
    config = ScanConfig(endpoint_url=organization["endpoint"], regions=("eu-west-1",))
    app = AwsExplorerApp(AppOptions(config=config, accounts=AccountChoice(org_role=ROLE)))
    async with app.run_test(size=(80, 24)) as pilot:
        deadline = time.monotonic() + 240
        while app.state.scanning or app.analysing or not app.state.findings:
            assert time.monotonic() < deadline, "timed out waiting for the scan"
            await pilot.pause(0.1)
        await pilot.pause()
        state = app.state
        by_id = {a.id: a for a in state.member_accounts}
        assert set(members.values()) <= set(by_id)  # the management account is one more
        sandbox = by_id[members["sandbox"]]
        assert sandbox.status.value == "failed" and sandbox.reason
        assert (
            "AccessDenied" in sandbox.reason and "Fix: create the role AuditRole" in sandbox.reason
        )
        vpcs = {r.name: r.account_id for r in state.resources() if r.type == "ec2:vpc"}
        for name, account_id in members.items():
            if name != "sandbox":
                assert vpcs[f"vpc-of-{account_id}"] == account_id
        assert production(state) == {members["prod-web"], members["prod-data"]}
        tree = app.screen.query_one(ResourceTree)
        labels = {
            n.data.service: n.label.plain
            for n in tree.root.children
            if n.data and n.data.kind == "member-account"
        }
        assert labels[members["prod-web"]].startswith("▌PROD prod-web")
        assert "failed" in labels[members["sandbox"]]
        assert "\x1b" not in "".join(labels.values())


async def test_history_reads_each_accounts_own_cloudtrail(organization: dict[str, Any]) -> None:
    """`t` on a member's resource asks that member's CloudTrail, through the role the scan
    assumed in it; on the management account's, with the caller's own credentials. `:changes`
    over several accounts asks which one first. CloudTrail is the local stub (moto has no
    LookupEvents), which also answers the AssumeRole with a key naming the account."""
    import time
    from dataclasses import replace

    from awsexplorer.config import AccountChoice, AppOptions, ScanConfig
    from awsexplorer.ui.app import AwsExplorerApp
    from awsexplorer.ui.screens.history import HistoryScreen
    from awsexplorer.ui.screens.main import MainScreen
    from tests.history.cloudtrail_stub import CloudTrailStub, event, serve

    members = organization["members"]
    web = members["prod-web"]
    stub = CloudTrailStub()
    server, _ = serve(stub)
    config = ScanConfig(endpoint_url=organization["endpoint"], regions=("eu-west-1",))
    app = AwsExplorerApp(AppOptions(config=config, accounts=AccountChoice(org_role=ROLE)))
    try:
        async with app.run_test(size=(80, 24)) as pilot:

            async def until(condition: Any, timeout: float = 240) -> None:
                deadline = time.monotonic() + timeout
                while not condition():
                    assert time.monotonic() < deadline, "timed out"
                    await pilot.pause(0.05)

            await until(lambda: not app.state.scanning and not app.analysing)
            assert app._scan_config is not None
            app._scan_config = replace(app._scan_config, endpoint_url=stub.url)
            resources = app.state.resources()
            vpc = next(r for r in resources if r.name == f"vpc-of-{web}")
            own = next(
                r for r in resources if r.account_id == "123456789012" and r.type == "ec2:vpc"
            )
            stub.events = [
                event("e1", "CreateVpc", time.time() - 60, resource=("AWS::EC2::VPC", vpc.id))
            ]
            for resource, key in ((vpc, f"ASIA{web}"), (own, "testing")):
                app.main.jump(resource.arn)
                await pilot.pause()
                await pilot.press("t")
                await until(lambda: isinstance(app.screen, HistoryScreen))
                screen = app.screen
                assert isinstance(screen, HistoryScreen)
                await until(lambda shown=screen: not shown.fetching, 60)
                assert stub.requests[-1].access_key == key
                if resource is vpc:
                    assert [e.event_id for e in screen.rows] == ["e1"]
                    assert "in prod-web" in screen.title_text()
                await pilot.press("escape")
                await until(lambda: isinstance(app.screen, MainScreen))
            # :changes over every account: which one? Narrowed to one: that one's CloudTrail.
            asked = len(stub.requests)
            app.main.run_command("changes", is_command=True)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen) and len(stub.requests) == asked
            app.main.run_command(f"account {web}", is_command=True)
            await pilot.pause()
            app.main.run_command("changes", is_command=True)
            await until(lambda: isinstance(app.screen, HistoryScreen))
            screen = app.screen
            assert isinstance(screen, HistoryScreen)
            await until(lambda: not screen.fetching, 60)
            assert stub.requests[-1].access_key == f"ASIA{web}"
            assert "of prod-web" in screen.title_text()
    finally:
        server.shutdown()
        server.server_close()
