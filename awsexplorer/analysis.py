"""What we derive from a finished scan, in one place: topology first, then the checks.

Called by the CLI after `scan`, and by the UI when a scan finishes. Pure: no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from awsexplorer.model import ScanResult
from awsexplorer.model.topology import enrich

if TYPE_CHECKING:
    from awsexplorer.config import Settings


def analyse(result: ScanResult, settings: Settings | None = None) -> ScanResult:
    """Enrich the resources (subnet classification, placement) and evaluate the checks."""
    from awsexplorer.checks import evaluate

    enrich(result.resources)  # first: the checks read `public`, `internet_facing`, ...
    result.findings, result.checks = evaluate(result, settings)
    return result
