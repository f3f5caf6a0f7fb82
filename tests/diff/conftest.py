"""The diff's tests share two literal scans (tests/diff/literal.py): under --import-mode=importlib
no test directory is on sys.path, so put this one there (the UI test imports it too)."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
