"""mypy is part of the test command, so CI fails on a type error.

The settings (strict, and the few modules that lack stubs) live in pyproject.toml's [tool.mypy];
this runs mypy exactly as a developer would, on the package that section names.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_passes_on_the_package() -> None:
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent))
    if mypy is None:
        pytest.fail("mypy is not installed: pip install '.[test]'")
    completed = subprocess.run(
        [mypy, "--no-error-summary"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_mypy_is_strict_on_the_package() -> None:
    """The configuration the test relies on: strict on our package, no blanket escape hatch."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["files"] == ["awsexplorer"]
    assert config["strict"] is True
    assert "ignore_missing_imports" not in config  # only per module, for the untyped AWS SDKs
    for override in config.get("overrides", []):
        modules = override["module"]
        if override.get("ignore_missing_imports"):
            assert not any(m.startswith("awsexplorer") for m in modules), modules
        # Nothing of ours may switch the core strictness off.
        for flag in ("disallow_untyped_defs", "check_untyped_defs", "no_implicit_optional"):
            assert override.get(flag, True) is True, (modules, flag)
