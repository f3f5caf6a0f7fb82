"""How long the whois index (`model.whois.WhoisIndex.build`) takes on 100,000 resources, how fast
an answer is after it, and how much memory it adds.

    python benchmarks/whois_bench.py [--resources 100000] [--runs 3] [--answers 500]

Two estates (no network):
- ui_bench's 100,000-resource snapshot (thin on addresses);
- the network estate with the addresses and names whois reads (`address_estate`).
Both are built by relations_estate.py (shared with relationships_bench.py); each is measured in
a process of its own (`--estate ui|network` runs one).

For each: the build's best and median wall time over --runs, the addresses and names it holds,
the resident memory before and after (growth relative to the process holding the loaded estate),
and --answers answers of each kind (a held private address, a public address, an address nobody
holds inside a subnet, one outside every VPC, a load balancer's DNS name, a Route 53 record, a
/24), median and worst, plus the widest question (10.0.0.0/8, every private address of the
estate, cut at MAX_ANSWERS). Targets (issue 14): build part of a <= 1 s relationships build, an
answer <= 50 ms, memory growth <= 25 %.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from relations_estate import address_estate, load_average, rss_mb, run_each, ui_estate

from awsexplorer.model import Resource, kinds
from awsexplorer.model.whois import MAX_ANSWERS, WhoisIndex

TARGET_BUILD_S, TARGET_ANSWER_MS, TARGET_GROWTH = 1.0, 50.0, 0.25


def questions(resources: list[Resource], answers: int) -> dict[str, list[str]]:
    picker = random.Random(14)
    private: list[str] = []
    public: list[str] = []
    names: list[str] = []
    records: list[str] = []
    subnets: list[str] = []
    for r in resources:
        a = r.attributes
        if r.type == kinds.NETWORK_INTERFACE:
            private += a.get("private_ips") or []
            public += a.get("public_ips") or []
        elif r.type == kinds.LOAD_BALANCER and a.get("dns_name"):
            names.append(str(a["dns_name"]))
        elif r.type == kinds.HOSTED_ZONE:
            records += [str(x["name"]) for x in a.get("records") or []]
        elif r.type == kinds.SUBNET and a.get("cidr"):
            subnets.append(str(a["cidr"]))

    def some(pool: list[str], make: Callable[[str], str] = str) -> list[str]:
        return [make(picker.choice(pool)) for _ in range(answers)] if pool else []

    return {
        "private address": some(private),
        "public address": some(public),
        "nobody's, in a subnet": some(subnets, lambda c: c.rsplit(".", 1)[0] + ".200"),
        "outside every VPC": [f"192.0.2.{picker.randrange(256)}" for _ in range(answers)],
        "load balancer name": some(names),
        "Route 53 record": some(records),
        "a /24": some(subnets),
    }


def measure(name: str, resources: list[Resource], runs: int, answers: int) -> bool:
    gc.collect()
    before = rss_mb()
    times, cpu = [], []
    index = None
    for _ in range(runs):
        index = None
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        index = WhoisIndex.build(resources)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert index is not None
    gc.collect()
    after = rss_mb()
    growth = (after - before) / before
    worst_all = 0.0
    lines = []
    for kind, asked in questions(resources, answers).items():
        if not asked:
            lines.append(f"    {kind:24} (none in this estate)")
            continue
        took, sizes = [], []
        for text in asked:
            start = time.perf_counter()
            found = index.answer(text)
            took.append((time.perf_counter() - start) * 1000)
            sizes.append(len(found))
        worst_all = max(worst_all, max(took))
        lines.append(
            f"    {kind:24} median {statistics.median(took):6.2f} ms, worst {max(took):6.2f} ms, "
            f"median {statistics.median(sizes):g} owners"
        )
    start = time.perf_counter()
    wide = index.answer("10.0.0.0/8")
    wide_ms = (time.perf_counter() - start) * 1000
    ok = (
        min(times) <= TARGET_BUILD_S
        and worst_all <= TARGET_ANSWER_MS
        and wide_ms <= TARGET_ANSWER_MS
        and growth <= TARGET_GROWTH
    )
    print(
        f"{name}: {len(resources):,} resources; {index.address_count:,} addresses, "
        f"{index.name_count:,} names\n"
        f"  build: best {min(times):.2f} s wall ({min(cpu):.2f} s CPU), median "
        f"{statistics.median(times):.2f} s wall "
        f"(target: part of a {TARGET_BUILD_S:g} s relationships build)\n"
        f"  answers ({answers} of each kind):\n" + "\n".join(lines) + "\n"
        f"  widest: 10.0.0.0/8, {len(wide):,} owners (cut at {MAX_ANSWERS:,} addresses) in "
        f"{wide_ms:.1f} ms (target {TARGET_ANSWER_MS:g} ms)\n"
        f"  memory: {before:.0f} MB with the estate loaded, {after:.0f} MB with the index: "
        f"+{growth:.1%} (target {TARGET_GROWTH:.0%})\n"
        f"  {'OK' if ok else 'OVER TARGET'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--estate", choices=("both", "ui", "network"), default="both")
    args = parser.parse_args()
    print(f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    start, start_cpu = time.perf_counter(), time.process_time()
    sum(range(10**7))
    print(
        f"calibration: sum(range(10**7)) {time.perf_counter() - start:.2f} s wall, "
        f"{time.process_time() - start_cpu:.2f} s CPU (about 0.2 s on an idle core)"
    )
    if args.estate == "both":  # each estate in a process of its own (relations_estate.py)
        argv = ["--resources", str(args.resources), "--runs", str(args.runs)]
        failed = run_each(__file__, ["ui", "network"], [*argv, "--answers", str(args.answers)])
        print(f"load average after: {load_average()}")
        return failed
    if args.estate == "ui":
        ok = measure("ui_bench estate", ui_estate(args.resources), args.runs, args.answers)
    else:
        resources = address_estate(args.resources)
        ok = measure("network estate", resources, args.runs, args.answers)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
