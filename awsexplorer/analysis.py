"""What we derive from a finished scan, in one place: topology first, then the checks.

Called by the CLI after `scan`, and by the UI when a scan finishes. Pure: no I/O.
"""

from __future__ import annotations

from awsexplorer.model import ScanResult
from awsexplorer.model.topology import enrich


def analyse(result: ScanResult) -> ScanResult:
    """Enrich the resources (subnet classification, placement) and evaluate the checks."""
    enrich(result.resources)  # first: the checks read `public`, `internet_facing`, ...
    return result
