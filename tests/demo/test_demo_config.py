"""demo_config(): one server per process, safe from several threads, cheap to import.

(That it seeds again after the backends were wiped is proved in test_demo_determinism.py.)"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

import awsexplorer.demo as demo
from awsexplorer.demo import demo_config
from awsexplorer.errors import UserError


def test_twice_gives_the_same_server() -> None:
    first = demo_config()
    second = demo_config(("eu-west-1", "ap-southeast-2"))
    assert first.endpoint_url == second.endpoint_url
    assert first.endpoint_url is not None and first.endpoint_url.startswith("http://127.0.0.1:")
    assert (first.access_key, first.secret_key, first.home_region) == ("demo", "demo", "us-east-1")
    assert (first.regions, second.regions) == ((), ("eu-west-1", "ap-southeast-2"))


def test_concurrent_first_calls_start_one_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "_server", None)
    monkeypatch.setattr(demo, "_endpoint", None)
    endpoints: list[str | None] = []

    def call() -> None:
        endpoints.append(demo_config().endpoint_url)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert len(endpoints) == 4 and len(set(endpoints)) == 1
    finally:
        demo.stop_demo()  # the server this test started; monkeypatch restores the shared one


def test_without_moto_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "_server", None)
    monkeypatch.setattr(demo, "_endpoint", None)
    monkeypatch.setitem(sys.modules, "moto.server", None)  # makes the import fail
    with pytest.raises(UserError) as caught:
        demo_config()
    assert caught.value.message == "The demo needs the demo extra."
    assert caught.value.hint == "pip install 'awsexplorer[demo]'"


def test_importing_the_package_loads_neither_moto_nor_boto3() -> None:
    code = (
        "import sys, awsexplorer.demo, awsexplorer.demo.seed\n"
        "loaded = sorted(m for m in ('moto', 'boto3', 'botocore') if m in sys.modules)\n"
        "print(','.join(loaded))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""


def test_a_failed_seed_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import awsexplorer.demo.seed as seed_module

    def broken_seed(endpoint_url: str) -> None:
        raise KeyError("Vpc")

    monkeypatch.setattr(seed_module, "is_seeded", lambda: False)
    monkeypatch.setattr(demo, "_reset", lambda endpoint_url: None)  # keep the seeded account
    monkeypatch.setattr(seed_module, "seed", broken_seed)
    with pytest.raises(UserError) as caught:
        demo_config()
    assert caught.value.message == "Could not build the demo account: KeyError: 'Vpc'"
    assert caught.value.hint and "moto" in caught.value.hint
