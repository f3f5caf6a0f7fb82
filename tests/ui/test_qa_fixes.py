"""Fixes from a new user's QA pass: NO_COLOR, signals, filters, account-level findings, saving."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.style import Style
from rich.text import Text

from awsexplorer import snapshot
from awsexplorer.model import Severity
from awsexplorer.options import AppOptions
from awsexplorer.ui import format as fmt
from awsexplorer.ui.app import AwsExplorerApp
from awsexplorer.ui.labels import severity_mark
from awsexplorer.ui.screens.iam import cells
from awsexplorer.ui.views.iam import build_iam_rows

FIXTURE = Path(__file__).parent / "fixtures" / "screens" / "account.json"
SIZE = (80, 24)
ROOT = "arn:aws:iam::123456789012:root"


@pytest.fixture
def no_color() -> Iterator[None]:
    before = fmt.monochrome()
    fmt.set_monochrome(True)
    yield
    fmt.set_monochrome(before)


def colours(text: Text) -> list[object]:
    """Every colour a piece of text asks for (foreground or background)."""
    found: list[object] = []
    for span in [*text.spans, None]:
        style = text.style if span is None else span.style
        parsed = Style.parse(style) if isinstance(style, str) else style
        if parsed is not None:
            found += [c for c in (parsed.color, parsed.bgcolor) if c is not None]
    return found


# -- 1. NO_COLOR: weight instead of colour --------------------------------------------------------


def test_no_color_styles_severities_by_weight(no_color: None) -> None:
    assert "reverse" in fmt.SEVERITY_STYLE[Severity.CRITICAL]
    assert "bold" in fmt.SEVERITY_STYLE[Severity.HIGH]
    for severity in Severity:
        assert colours(Text("x", style=fmt.SEVERITY_STYLE[severity])) == []
        assert colours(severity_mark(severity)) == []


def test_no_color_iam_cells_have_no_colour(no_color: None) -> None:
    rows = build_iam_rows(snapshot.read(FIXTURE))
    bob = next(r for r in rows if r.name == "bob")
    for cell in cells(bob):
        assert colours(cell) == [], cell
    warned = next(r for r in rows if r.worst is Severity.HIGH)
    assert "bold" in str(cells(warned)[5].style)


def test_colour_styles_are_kept_without_no_color() -> None:
    fmt.set_monochrome(False)
    assert fmt.SEVERITY_STYLE[Severity.HIGH] == "bold red"


async def test_the_app_picks_up_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    try:
        assert fmt.monochrome()
    finally:
        fmt.set_monochrome(False)


# -- 2. SIGTERM / SIGHUP restore the terminal -----------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
async def test_a_signal_exits_the_app_cleanly(sig: signal.Signals) -> None:
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        os.kill(os.getpid(), sig)
        await pilot.pause(0.1)
    assert app.return_value == 128 + sig.value
    # The handler is gone with the app: the test process keeps its default behaviour.
    assert signal.getsignal(sig) in (signal.SIG_DFL, signal.SIG_IGN) or callable(
        signal.getsignal(sig)
    )
