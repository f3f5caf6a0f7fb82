"""The layers' boundaries, proved in fresh interpreters (sys.modules does not lie).

model and checks are pure (no Textual, no aiobotocore); the scanner's events and the snapshot
format load without Textual; the UI never loads aiobotocore or botocore, so its first frame
never waits for the service models.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def loaded_after(*modules: str) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60
    )
    return set(json.loads(out.stdout))


@pytest.mark.parametrize(
    "module",
    ["awsexplorer.model", "awsexplorer.checks", "awsexplorer.scan.events", "awsexplorer.snapshot"],
)
def test_core_modules_do_not_load_textual(module: str) -> None:
    assert "textual" not in loaded_after(module)


@pytest.mark.parametrize("module", ["awsexplorer.model", "awsexplorer.checks"])
def test_pure_layers_do_not_load_aiobotocore(module: str) -> None:
    loaded = loaded_after(module)
    assert not loaded & {"aiobotocore", "botocore", "aiohttp", "moto"}


def test_the_ui_never_loads_the_aws_sdk_or_moto() -> None:
    loaded = loaded_after("awsexplorer.ui.app", "awsexplorer.cli")
    assert "textual" in loaded  # the probe works
    assert not loaded & {"aiobotocore", "botocore", "boto3", "aiohttp", "moto"}


def test_no_ui_module_loads_the_aws_sdk() -> None:
    import pkgutil

    import awsexplorer.ui

    modules = [m.name for m in pkgutil.walk_packages(awsexplorer.ui.__path__, "awsexplorer.ui.")]
    assert "awsexplorer.ui.screens.main" in modules
    loaded = loaded_after(*modules)
    assert not loaded & {"aiobotocore", "botocore", "boto3", "aiohttp", "moto"}


def test_ui_bookkeeping_is_testable_without_textual() -> None:
    loaded = loaded_after(
        "awsexplorer.ui.state",
        "awsexplorer.ui.labels",
        "awsexplorer.ui.details",
        "awsexplorer.ui.scanning",
        "awsexplorer.ui.keys",
    )
    assert "textual" not in loaded
    assert not loaded & {"aiobotocore", "botocore"}
