"""The warnings: pure functions over a scan's resources, each registered with its metadata.

`evaluate(result, settings)` runs every enabled check and returns (findings, check_results);
`analyse(result, settings)` enriches a finished scan's topology, then stores what `evaluate` says.
No I/O, no aiobotocore, no Textual: the catalog runs the same on a live scan and a snapshot.
"""

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
