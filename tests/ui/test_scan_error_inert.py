"""The start-up error screen quotes AWS's error text, which can carry a name someone chose."""

from __future__ import annotations

from awsexplorer.ui.screens.scan_error import ScanErrorScreen
from tests.hostile import CORPUS, leaks


def test_the_error_screen_shows_aws_error_text_inert() -> None:
    hostile = " ".join(CORPUS.values())
    screen = ScanErrorScreen(f"Cannot scan {hostile}", f"AccessDenied: {hostile}", hint=hostile)
    for text in (screen.error_title, screen.message, screen.hint or ""):
        assert leaks(text) == []
        assert "␛" in text  # the escapes are there, made visible
