"""The sub-commands' tests. The findings command's tests build their scans from the checks'
literal fixtures (tests/checks/check_fixtures.py): under --import-mode=importlib no test
directory is on sys.path, so put that one there."""

from __future__ import annotations

import sys
from pathlib import Path

_CHECKS = str(Path(__file__).resolve().parents[1] / "checks")
if _CHECKS not in sys.path:
    sys.path.insert(0, _CHECKS)
