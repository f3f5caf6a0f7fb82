"""The critical-path computation of benchmarks/scan_bench.py, as a pure function on a trace."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from critical_path import (
    WAIT,
    TracedCall,
    busiest,
    chains_by_region,
    critical,
    flat,
    from_matrix,
    table,
)


def call(id: int, parents: tuple[int, ...], region: str, op: str = "Op") -> TracedCall:
    return TracedCall(id, parents, region, "svc", op, "test")


def labels(chain: object) -> list[str]:
    return [c.operation or c.label for c in chain.calls]  # type: ignore[attr-defined]


# The prologue (identity, then alias and regions in parallel), then in eu-west-1 a list, its
# second page and a per-item call; in ap-southeast-2 one list; a pause on the IAM chain.
TRACE = [
    call(0, (), "us-east-1", "GetCallerIdentity"),
    call(1, (0,), "us-east-1", "ListAccountAliases"),
    call(2, (0,), "us-east-1", "DescribeRegions"),
    call(3, (1, 2), "eu-west-1", "ListThings"),
    call(4, (1, 2), "ap-southeast-2", "DescribeVpcs"),
    call(5, (3,), "eu-west-1", "ListThingsPage2"),
    call(6, (5,), "eu-west-1", "GetThing"),
    call(7, (1, 2), "us-east-1", "GenerateCredentialReport"),
    TracedCall(8, (7,), WAIT, seconds=0.5),
    call(9, (8,), "us-east-1", "GenerateCredentialReport"),
    call(10, (9,), "us-east-1", "GetCredentialReport"),
]


def test_flat_latency_the_deepest_chain_wins() -> None:
    chains = chains_by_region(TRACE, flat(0.05))
    eu = chains["eu-west-1"]
    assert labels(eu) == [
        "GetCallerIdentity",
        "ListAccountAliases",
        "ListThings",
        "ListThingsPage2",
        "GetThing",
    ]
    assert eu.depth == 5
    assert eu.seconds == pytest.approx(0.25)
    # The pause counts its own seconds, and is not a round trip.
    us = chains["us-east-1"]
    assert labels(us) == [
        "GetCallerIdentity",
        "ListAccountAliases",
        "GenerateCredentialReport",
        "wait 0.50 s",
        "GenerateCredentialReport",
        "GetCredentialReport",
    ]
    assert us.depth == 5
    assert us.seconds == pytest.approx(5 * 0.05 + 0.5)
    assert critical(chains) is us
    assert set(chains) == {"us-east-1", "eu-west-1", "ap-southeast-2"}


def test_each_call_costs_its_own_regions_round_trip() -> None:
    latency = from_matrix({"us-east-1": 0.07, "eu-west-1": 0.002, "ap-southeast-2": 0.26}, 0.1)
    chains = chains_by_region(TRACE, latency)
    # Three prologue calls in us-east-1, then one far call: shallower but costlier than the
    # five-call chain ending in eu-west-1.
    assert chains["ap-southeast-2"].seconds == pytest.approx(0.07 * 2 + 0.26)
    assert chains["eu-west-1"].seconds == pytest.approx(0.07 * 2 + 0.002 * 3)
    assert critical(chains) is chains["us-east-1"]  # the 0.5 s pause still dominates
    # Without the credential report's pause, the far region binds.
    without_pause = [c for c in TRACE if c.id < 8]
    far = critical(chains_by_region(without_pause, latency))
    assert far is not None and far.region == "ap-southeast-2"


def test_of_several_parents_the_costliest_is_the_one_waited_for() -> None:
    latency = from_matrix({"a": 0.01, "b": 0.2, "c": 0.05}, 0.0)
    trace = [call(0, (), "a"), call(1, (), "b"), call(2, (0, 1), "c")]
    chain = chains_by_region(trace, latency)["c"]
    assert [c.region for c in chain.calls] == ["b", "c"]
    assert chain.seconds == pytest.approx(0.25)


def test_a_parent_that_was_not_traced_is_ignored_and_the_empty_trace_has_no_limit() -> None:
    chains = chains_by_region([call(5, (99,), "x")], flat(0.1))
    assert chains["x"].depth == 1 and chains["x"].seconds == pytest.approx(0.1)
    assert chains_by_region([], flat(0.1)) == {}
    assert critical({}) is None


def test_the_table_lists_costliest_first_with_the_chain() -> None:
    lines = table(chains_by_region(TRACE, flat(0.05)))
    assert lines[0].split()[0] == "us-east-1"
    assert "svc:GetCallerIdentity@us-east-1 -> " in lines[0]
    assert "wait 0.50 s" in lines[0]
    assert [line.split()[0] for line in lines] == ["us-east-1", "eu-west-1", "ap-southeast-2"]


def test_the_busiest_queue_counts_round_trips_at_the_bound_per_service_and_region() -> None:
    iam = [TracedCall(i, (), "us-east-1", "iam", "ListUserTags", "t") for i in range(17)]
    ec2 = [TracedCall(100 + i, (), "ap-southeast-2", "ec2", "Describe", "t") for i in range(8)]
    pause = TracedCall(200, (), WAIT, seconds=5.0)
    latency = from_matrix({"us-east-1": 0.1, "ap-southeast-2": 0.4}, 0.0)
    queue = busiest([*iam, *ec2, pause], latency, bound=8)
    assert queue is not None
    # 17 calls, 8 at a time: 3 round trips of 0.1 s; ec2's 8 fit in one of 0.4 s.
    assert (queue.service, queue.region, queue.calls) == ("ec2", "ap-southeast-2", 8)
    assert queue.seconds == pytest.approx(0.4)
    queue = busiest([*iam, *ec2], flat(0.1), bound=8)
    assert queue is not None and queue.service == "iam" and queue.seconds == pytest.approx(0.3)
    assert busiest([pause], flat(0.1), bound=8) is None
