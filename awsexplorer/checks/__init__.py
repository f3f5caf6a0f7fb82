"""The warnings: pure functions over a scan's resources, each registered with its metadata.

`evaluate(result, settings)` runs every enabled check and returns (findings, check_results);
`analyse(result, settings)` enriches a finished scan's topology, then stores what `evaluate` says.
No I/O, no aiobotocore, no Textual: the catalog runs the same on a live scan and a snapshot.

The names below load on first use (PEP 562): the TUI's first frame asks only for
`settings_from_args`, which needs neither the catalogue's modules nor the evaluation (issue 18).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from awsexplorer.checks.evaluation import analyse, evaluate, judged_with, rejudge
    from awsexplorer.checks.registry import Check, all_checks, check_ids, settings_from_args

__all__ = [
    "Check",
    "all_checks",
    "analyse",
    "check_ids",
    "evaluate",
    "judged_with",
    "rejudge",
    "settings_from_args",
]

# Where each name lives.
_HOME = {
    "analyse": "evaluation",
    "evaluate": "evaluation",
    "judged_with": "evaluation",
    "rejudge": "evaluation",
    "Check": "registry",
    "all_checks": "registry",
    "check_ids": "registry",
    "settings_from_args": "registry",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # once: later look-ups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
