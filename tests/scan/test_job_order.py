"""The scan starts its slow chains first (issue #18): global collectors, then the deepest."""

from __future__ import annotations

from awsexplorer.model import GLOBAL_REGION
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.collectors.base import Scope
from awsexplorer.scan.runner import slow_chains_first


def _jobs() -> list[tuple[object, str]]:
    jobs = []
    for collector in all_collectors():
        if collector.scope is Scope.GLOBAL:
            jobs.append((collector, GLOBAL_REGION))
        else:
            jobs += [(collector, region) for region in ("eu-west-1", "ap-southeast-2")]
    return jobs


def test_global_collectors_then_the_deepest_start_first_and_nothing_is_lost() -> None:
    jobs = _jobs()
    ordered = slow_chains_first(jobs)  # type: ignore[arg-type]
    assert sorted(map(id, ordered)) == sorted(map(id, jobs))
    names = [collector.name for collector, _ in ordered]  # type: ignore[attr-defined]
    globals_ = [i for i, (_, region) in enumerate(ordered) if region == GLOBAL_REGION]
    assert globals_ == list(range(len(globals_)))  # every global job before any regional one
    # The IAM principals (credential report, per-user keys) are among the very first.
    assert names.index("iam.principals") < 3
    depths = [len(c.calls or ()) for c, r in ordered if r != GLOBAL_REGION]  # type: ignore[attr-defined]
    assert depths == sorted(depths, reverse=True)
    # Equal depth keeps the registry's order (both regions of one collector stay together).
    first = ordered[len(globals_)]
    assert ordered[len(globals_) + 1][0] is first[0]
