"""heap.loading_scan on several threads at once: the collector comes back when the last load
ends, as it was before the first (a snapshot's parts, the accounts read so far and the checks'
result are loaded on worker threads; one ending let the collector walk another's load for up to
250 ms: benchmarks/live_accounts_bench.py)."""

from __future__ import annotations

import gc

from awsexplorer.ui import heap


def test_the_collector_comes_back_when_the_last_of_two_overlapping_loads_ends() -> None:
    assert gc.isenabled()
    first, second = heap.loading_scan(), heap.loading_scan()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # ends first, the other still loading
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_off_before_stays_off() -> None:
    gc.disable()
    try:
        with heap.loading_scan(), heap.loading_scan():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
