"""Shared set-up for the UI tests."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _unfreeze_after_each_app() -> Iterator[None]:
    """The app freezes a loaded scan out of the collector's sight (awsexplorer/ui/heap.py); in a
    test run that would also freeze the dead apps of earlier tests for good. Hand everything
    back to the collector after each test."""
    yield
    gc.unfreeze()
