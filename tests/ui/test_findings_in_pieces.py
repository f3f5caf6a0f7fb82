"""The state orders and indexes findings in pieces and runs (ui/state.py ordered_findings,
by_resource, set_findings), so that a load on a worker thread never holds the interpreter for a
pass over every finding: the same lists as the sorts they replace, on findings in a scan's
order (runs already by resource) and in any order."""

from __future__ import annotations

import random
from itertools import groupby
from operator import attrgetter

from awsexplorer.model import Finding, Severity
from awsexplorer.model.accounts import finding_order
from awsexplorer.model.findings import Scope
from awsexplorer.ui import state as state_module
from awsexplorer.ui.state import ExplorerState, by_resource, ordered_findings

RESOURCE = attrgetter("resource")


def sorted_as_before(findings: list[Finding]) -> list[Finding]:
    ordered = sorted(findings, key=RESOURCE)
    ordered.sort(key=attrgetter("check"))
    ordered.sort(key=attrgetter("severity._sort_order_"))
    return ordered


def some_findings(count: int, seed: int) -> list[Finding]:
    rng = random.Random(seed)
    made = []
    for n in range(count):
        region = rng.choice(["eu-west-1", "us-east-1"])
        account = rng.choice(["111111111111", "222222222222"])
        made.append(
            Finding(
                check=rng.choice(["a", "b", "c"]),
                severity=rng.choice(list(Severity)),
                resource=f"arn:aws:ec2:{region}:{account}:instance/i-{rng.randrange(400)}",
                region=region,
                message=rng.choice(["m", "n"]),
                remediation=f"#{n}",  # tells apart findings alike on every key
                scope=Scope.ACCOUNT if rng.random() < 0.05 else Scope.RESOURCE,
                account_id=account,
            )
        )
    return made


def test_findings_are_ordered_as_three_stable_sorts_order_them(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(state_module, "_PIECE", 50)  # small pieces, merged over 6 levels
    for seed in range(4):
        findings = some_findings(3000, seed)
        in_scan_order = sorted(findings, key=finding_order)  # runs by resource: merged
        assert ordered_findings(in_scan_order) == sorted_as_before(in_scan_order)
        assert ordered_findings(findings) == sorted_as_before(findings)  # any order: sorted
        runs = sorted(findings, key=lambda f: (f.account_id, f.region, f.resource))
        assert by_resource(runs) == sorted(runs, key=RESOURCE)


def test_the_index_by_resource_is_the_one_a_sort_makes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(state_module, "_PIECE", 50)
    findings = sorted(some_findings(3000, 9), key=finding_order)
    state = ExplorerState()
    state.set_findings(findings)
    ordered = sorted_as_before(findings)
    assert state.findings == ordered
    on_resources = [f for f in ordered if f.scope is not Scope.ACCOUNT]
    expected = {
        arn: list(run) for arn, run in groupby(sorted(on_resources, key=RESOURCE), key=RESOURCE)
    }
    assert state._findings_by_arn == expected
    assert state.account_findings() == ordered  # no resource listed: every finding is its own
