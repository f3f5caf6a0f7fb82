"""Who kept the cores busy, and when, while a scan ran (issue 18: why the wall time is above
the machine-bound limit).

The limits scan_bench prints are totals: requests over the server's throughput, everyone's CPU
over the cores. A run above them wasted time somewhere; this samples the CPU of the scanner,
the moto server and the latency proxy (Linux /proc, every INTERVAL seconds) and says, per
BUCKET seconds of the run, what share of a core each used: the stretches where the server
waits for the client (the start, the end) and the ones where it is the bottleneck show up.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

INTERVAL = 0.05  # seconds between samples
BUCKET = 0.5  # seconds per column of the timeline


@dataclass
class Sample:
    at: float  # seconds since the sampler started
    cpu: tuple[float, ...]  # each process's CPU seconds so far (0.0 once it has gone)


@dataclass
class Sampler:
    """Samples `readers` (each: CPU seconds so far of one process) on a thread until stopped."""

    readers: Sequence[Callable[[], float]]
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _start: float = 0.0

    def start(self) -> None:
        self._start = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="utilisation", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while True:
            self.samples.append(Sample(time.perf_counter() - self._start, self._read()))
            if self._stop.wait(INTERVAL):
                self.samples.append(Sample(time.perf_counter() - self._start, self._read()))
                return

    def _read(self) -> tuple[float, ...]:
        values = []
        for read in self.readers:
            try:
                values.append(read())
            except (OSError, ValueError, IndexError):  # the process has gone (or not yet come)
                values.append(float("nan"))
        return tuple(values)


def shares(samples: Sequence[Sample], bucket: float = BUCKET) -> list[tuple[float, ...]]:
    """Per `bucket` seconds from the first sample: each process's share of one core (CPU
    seconds used between samples, put in the bucket where the interval starts, over the
    bucket's length). A process read as NaN had not started (its first reading counts from
    zero: a new process) or has gone (nothing more is counted)."""
    if len(samples) < 2:
        return []
    width = len(samples[0].cpu)
    end = samples[-1].at
    columns = max(1, math.ceil(end / bucket))
    used = [[0.0] * width for _ in range(columns)]
    for before, after in pairwise(samples):
        column = min(int(before.at / bucket), columns - 1)
        for n, (a, b) in enumerate(zip(before.cpu, after.cpu, strict=True)):
            if math.isnan(b):
                continue
            used[column][n] += b if math.isnan(a) else max(0.0, b - a)
    lengths = [min(bucket, end - c * bucket) for c in range(columns)]
    return [
        tuple(u / length if length > 0 else 0.0 for u in row)
        for row, length in zip(used, lengths, strict=True)
    ]


def timeline(names: Sequence[str], samples: Sequence[Sample], bucket: float = BUCKET) -> list[str]:
    """One line per process: its share of a core per bucket, in percent; and the two cores'
    total."""
    columns = shares(samples, bucket)
    if not columns:
        return []
    lines = [f"  {'seconds':<12}" + "".join(f"{c * bucket:>5.1f}" for c in range(len(columns)))]
    for n, name in enumerate(names):
        lines.append(f"  {name:<12}" + "".join(f"{row[n] * 100:>5.0f}" for row in columns))
    lines.append(f"  {'all (of 200)':<12}" + "".join(f"{sum(row) * 100:>5.0f}" for row in columns))
    return lines
