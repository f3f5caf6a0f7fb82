"""Shared fixtures: a real moto server on 127.0.0.1, reset between tests; and the test tiers.

Tests never reach anything but 127.0.0.1: the AWS environment is scrubbed so that a developer's
own credentials, profile or endpoint can never leak into a test.

Tiers (markers registered in pyproject.toml), applied here at collection:
- `moto`: the test uses a moto server (a fixture that leads to one, or a module listed below);
- `ui`: the test runs a Textual app (Pilot or a snapshot);
- `static`: tools run over the source tree (ruff, mypy, the import boundaries);
- `unit`: everything else: pure model, checks and presenters. `pytest -m unit` runs them alone,
  and a guard makes a unit test that opens a network connection or runs a Textual app fail, so a
  test cannot sit in the fast tier by mistake.
Each xdist worker is its own process with its own moto server (port 0) and moto backends.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import logging
import os
import socket
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from awsexplorer.config import ScanConfig
from awsexplorer.model import ScanResult
from awsexplorer.scan.events import ScanEvent

TEST_KEY = "testing"

TESTS = Path(__file__).resolve().parent
TIERS = ("unit", "moto", "ui", "static")
# Fixtures that lead to a server on 127.0.0.1: moto, or a local stub (pytest resolves fixtures
# transitively into fixturenames, so a module's own seeding fixture counts too).
MOTO_FIXTURES = frozenset({"moto_server", "demo_url", "recorder"})
# Where a server is reached without such a fixture (demo_config(), the CLI's --demo, a stub
# started in the test), relative to tests/: a directory, a module, or module::test.
MOTO_PLACES = frozenset(
    {
        "demo/",
        "resilience/",
        "checks/test_checks_demo.py",
        "scan/test_deadline.py",
    }
)
# moto loads ~1,300 public AMIs into every EC2 region backend it creates, and drops them on each
# reset: ~0.35 CPU s per region a test touches (a 17-region scan: ~6 s), for images no test
# reads (the scanner lists Owners=self; the tests' instances name ami-12c6146b, which moto runs
# without the image, as the demo does). Off for the whole process (moto reads it when it creates a
# backend, in the server's thread).
os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
# Source-tree tools, not tests of behaviour.
STATIC_MODULES = frozenset({"test_lint.py", "test_typing.py", "test_boundaries.py"})


def _runs_textual_app(item: pytest.Item) -> bool:
    if "snap_compare" in getattr(item, "fixturenames", ()):
        return True
    function = getattr(item, "function", None)
    try:
        source = inspect.getsource(function) if function is not None else ""
    except (OSError, TypeError):
        source = ""
    return "run_test(" in source


def tier_markers(item: pytest.Item) -> set[str]:
    explicit = {m.name for m in item.iter_markers() if m.name in TIERS}
    if explicit:
        return explicit
    module = item.path.resolve().relative_to(TESTS).as_posix()
    if module in STATIC_MODULES:
        return {"static"}
    tiers = set()
    test = f"{module}::{item.name}"
    if MOTO_FIXTURES & set(getattr(item, "fixturenames", ())) or any(
        test.startswith(place) for place in MOTO_PLACES
    ):
        tiers.add("moto")
    if _runs_textual_app(item):
        tiers.add("ui")
    return tiers or {"unit"}


# The tests that read the demo account (demo_config()'s server). Seeding it costs ~15 CPU s, and
# every moto_url reset on the same worker empties it (one moto per process) so the next demo test
# seeds it again: they run together, on one worker (`--dist loadgroup`, pyproject.toml).
DEMO_PLACES = (
    "demo/",
    "checks/test_checks_demo.py",
    "scan/test_schema.py::test_the_demo_scan_matches_every_record",
)
DEMO_GROUP = "demo-account"
_WIDE_SCOPES = frozenset({"module", "package", "class"})


def xdist_group(item: pytest.Item) -> str | None:
    """Which tests must share a worker: the demo account's readers; and a module's tests that use
    a module-scoped fixture (a seeded account, its scan), which is otherwise built on every
    worker that runs one of them."""
    module = item.path.resolve().relative_to(TESTS).as_posix()
    if any(f"{module}::{item.name}".startswith(place) for place in DEMO_PLACES):
        return DEMO_GROUP
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs if info is not None else {}
    for name in getattr(item, "fixturenames", ()):
        fixturedefs = definitions.get(name)
        if fixturedefs and fixturedefs[-1].scope in _WIDE_SCOPES:
            return module
    return None


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers per core. The UI tests spend most of their wall time waiting for
    Textual to go idle after each key, so two workers a core overlap those waits (tests/ui and
    tests/accounts on 2 cores: 205 s with 2 workers, 179 s with 4, for 3 % more CPU)."""
    return 2 * (os.cpu_count() or 1)


@pytest.hookimpl(tryfirst=True)  # before xdist's hook reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for name in sorted(tier_markers(item) - {m.name for m in item.iter_markers()}):
            item.add_marker(name)
        group = xdist_group(item)
        if group is not None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group))


class NotAUnitTest(AssertionError):
    pass


@pytest.fixture(autouse=True)
def _unit_tests_stay_pure(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test in the unit tier may not open a network connection nor run a Textual app: if it
    does, it belongs to another tier (add it to MOTO_PLACES, or mark it)."""
    if request.node.get_closest_marker("unit") is None:
        return
    where = request.node.nodeid

    def connect(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise NotAUnitTest(f"{where} connects to {address!r}: it is not a unit test")

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    app_module = sys.modules.get("textual.app")
    if app_module is not None:

        def run_test(*args: Any, **kwargs: Any) -> Any:
            raise NotAUnitTest(f"{where} runs a Textual app: it is not a unit test")

        monkeypatch.setattr(app_module.App, "run_test", run_test)


@pytest.fixture(autouse=True)
def _isolated_aws_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("aws-home")
    # Empty config files: no profile of the developer's can be picked up.
    (home / "config").write_text("")
    (home / "credentials").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    # No instance-metadata lookups from a test (they would leave 127.0.0.1).
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # Nor the developer's own awsexplorer settings file.
    monkeypatch.delenv("AWSEXPLORER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg"))


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    # moto 5.2 lacks SSM's DescribeInstanceInformation and IAM Access Analyzer, which every scan
    # reads: the demo's extension of this process's moto serves them (awsexplorer/demo/operations).
    from awsexplorer.demo.operations import extend_moto

    extend_moto()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto_url(moto_server: str) -> Iterator[str]:
    """The moto server, emptied before the test."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    # Generous: emptying a server that holds a seeded account takes seconds on a busy machine.
    urllib.request.urlopen(request, timeout=120).close()
    yield moto_server


@pytest.fixture
def aws(moto_url: str) -> Callable[..., Any]:
    """boto3 clients on the moto server, for seeding: aws("ec2", "eu-west-1")."""

    def client(service: str, region: str = "us-east-1") -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=moto_url,
            aws_access_key_id=TEST_KEY,
            aws_secret_access_key=TEST_KEY,
        )

    return client


@pytest.fixture
def scan_config(moto_url: str) -> Callable[..., ScanConfig]:
    def make(**overrides: Any) -> ScanConfig:
        settings: dict[str, Any] = {
            "endpoint_url": moto_url,
            "access_key": TEST_KEY,
            "secret_key": TEST_KEY,
            "home_region": "us-east-1",
            "max_attempts": 2,
            "read_timeout": 20,
        }
        settings.update(overrides)
        return ScanConfig(**settings)

    return make


@pytest.fixture
def run_scan() -> Callable[..., tuple[ScanResult, list[ScanEvent]]]:
    """Run a scan synchronously; returns the result and every event it emitted."""
    from awsexplorer.scan.runner import scan

    def run(config: ScanConfig) -> tuple[ScanResult, list[ScanEvent]]:
        events: list[ScanEvent] = []
        result = asyncio.run(scan(config, events.append))
        return result, events

    return run


@pytest.fixture(scope="session")
def _demo_regions_scan_once() -> ScanResult:
    from awsexplorer.demo import demo_config
    from awsexplorer.demo._aws import DEMO_REGIONS
    from awsexplorer.scan.runner import scan

    return asyncio.run(scan(demo_config(DEMO_REGIONS)))


@pytest.fixture
def demo_regions_scan(_demo_regions_scan_once: ScanResult) -> ScanResult:
    """The scanner's result on the demo account's regions (moto, demo_config()), not analysed: a
    deep copy per test of one scan per worker (a demo scan costs ~25 CPU s), since analyse()
    fills it in place. For tests that read what the scan found, not how it ran."""
    return copy.deepcopy(_demo_regions_scan_once)


@pytest.fixture
def cli_scan_args(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """`scan` on the moto server through the CLI's own credential chain, and the root logger
    restored afterwards (--log-file adds a handler to it). Tests add `--region` and options."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", TEST_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", TEST_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield ["scan", "--endpoint-url", moto_url]
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
