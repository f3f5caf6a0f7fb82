"""benchmarks/utilisation.py: each process's share of a core per stretch of a run, from CPU
counters sampled over time (a pure function on the samples), and the sampler itself."""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from utilisation import Sample, Sampler, shares, timeline

NAN = math.nan


def test_shares_per_bucket_from_cpu_counters() -> None:
    # A server busy from the start (a core's worth from 0.5 s), a client that starts at 0.25 s
    # and is gone after 1.0 s.
    samples = [
        Sample(0.0, (10.0, NAN)),
        Sample(0.25, (10.0, NAN)),
        Sample(0.5, (10.05, 0.2)),  # the client's first reading: all of it since it started
        Sample(0.75, (10.3, 0.4)),
        Sample(1.0, (10.55, 0.45)),
        Sample(1.25, (10.8, NAN)),  # gone
    ]
    columns = shares(samples, bucket=0.5)
    assert len(columns) == 3
    assert columns[0] == pytest.approx((0.1, 0.4))
    assert columns[1] == pytest.approx((1.0, 0.5))
    assert columns[2] == pytest.approx((1.0, 0.0))  # the last quarter second: its own length


def test_timeline_prints_a_row_per_process_and_the_total() -> None:
    samples = [Sample(0.0, (0.0, 0.0)), Sample(0.5, (0.5, 0.25)), Sample(1.0, (0.5, 0.75))]
    lines = timeline(["client", "moto"], samples, bucket=0.5)
    assert lines[0].split()[1:] == ["0.0", "0.5"]
    assert lines[1].split()[1:] == ["100", "0"]
    assert lines[2].split()[1:] == ["50", "100"]
    assert lines[3].split()[-2:] == ["150", "100"]
    assert shares(samples[:1]) == [] and timeline(["x"], samples[:1]) == []


def test_the_sampler_reads_a_busy_thread_and_a_missing_process() -> None:
    def missing() -> float:
        raise FileNotFoundError

    sampler = Sampler([time.process_time, missing])
    sampler.start()
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:
        pass  # busy: this process's CPU goes up
    sampler.stop()
    samples = sampler.samples
    assert len(samples) >= 3 and [s.at for s in samples] == sorted(s.at for s in samples)
    assert all(math.isnan(s.cpu[1]) for s in samples)
    # Every CPU second this process used between the first and last sample is in a bucket
    # (however loaded the machine is: the share itself depends on that); the missing one
    # counts as idle.
    columns = shares(samples, bucket=0.1)
    lengths = [min(0.1, samples[-1].at - n * 0.1) for n in range(len(columns))]
    counted = sum(row[0] * length for row, length in zip(columns, lengths, strict=True))
    assert counted == pytest.approx(samples[-1].cpu[0] - samples[0].cpu[0])
    assert counted > 0 and all(row[1] == 0.0 for row in columns)
