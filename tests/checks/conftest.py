"""The checks' tests share literal fixtures (check_fixtures.py). Under --import-mode=importlib
the test directory is not on sys.path, so put it there for that one helper module."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
