"""The TUI's --demo answers as `scan --demo` does (LEFT's demo side, tests/demo/test_left_*):
the user's time limits reach the demo's calls, and --profile / --endpoint-url are refused
before the screen is taken instead of being silently replaced by the demo's own target."""

from __future__ import annotations

from typing import Any

import pytest

import awsexplorer.demo
from awsexplorer.cli import main
from awsexplorer.config import ScanConfig
from awsexplorer.ui.scanning import demo_scan_config


def test_the_demo_keeps_the_users_regions_and_time_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Any, ...]] = []

    def demo_config(
        regions: tuple[str, ...] = (),
        *,
        like: ScanConfig | None = None,
        organization: bool = False,
    ) -> str:
        seen.append((regions, like, organization))
        return "demo"

    monkeypatch.setattr(awsexplorer.demo, "demo_config", demo_config)
    mine = ScanConfig(regions=("eu-west-1",), call_timeout=5.0)
    assert demo_scan_config(mine) == "demo"
    assert demo_scan_config(mine, organization=True) == "demo"  # --demo --org
    assert seen == [(("eu-west-1",), mine, False), (("eu-west-1",), mine, True)]


@pytest.mark.parametrize("flags", [["--profile", "prod"], ["--endpoint-url", "http://127.0.0.1:1"]])
def test_demo_with_another_target_is_refused_before_the_screen(
    flags: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_app(options: object) -> None:
        raise AssertionError("the screen was taken")

    monkeypatch.setattr("awsexplorer.cli.app.make_app", no_app)
    code = main(["--demo", *flags])
    err = capsys.readouterr().err
    assert code != 0
    assert "--demo scans its own account on a local server" in err
    assert flags[0] in err
