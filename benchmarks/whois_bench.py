"""How long the whois index (`model.whois.WhoisIndex.build`) takes on 100,000 resources, how fast
an answer is after it, and how much memory it adds.

    python benchmarks/whois_bench.py [--resources 100000] [--runs 3] [--answers 500]

Two estates (no network):
- ui_bench's 100,000-resource snapshot (the TUI benchmark's estate), written with
  awsexplorer.snapshot and read back as `awsexplorer whois` reads it (thin on addresses);
- exposure_bench's network estate (topology_bench's VPCs, six subnets each, instances with
  their ENIs), given what whois reads: every VPC its CIDR, every ENI and its instance a private
  address in the ENI's subnet, half of them a public address of their own, one load balancer per
  VPC with its DNS name and its ENI, and one Route 53 zone with an alias record per load
  balancer. The estate's VPC CIDRs repeat every 256 VPCs (10.N.0.0/16), so a private address has
  up to ~8 owners, as in a multi-account snapshot.

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
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from awsexplorer.model import Resource, kinds
from awsexplorer.model.whois import MAX_ANSWERS, WhoisIndex

TARGET_BUILD_S, TARGET_ANSWER_MS, TARGET_GROWTH = 1.0, 50.0, 0.25


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def ui_estate(count: int) -> list[Resource]:
    from ui_bench import synthetic_result

    from awsexplorer import snapshot

    path = Path(tempfile.mkdtemp()) / "big.json"
    snapshot.write(synthetic_result(count), path)
    try:
        return snapshot.read(path).resources
    finally:
        path.unlink()


def network_estate(count: int) -> list[Resource]:
    """exposure_bench's estate with the addresses and names whois reads (see the docstring)."""
    from exposure_bench import network_estate as estate
    from topology_bench import _r

    resources = estate(count)
    subnets = {(r.region, r.id): r for r in resources if r.type == kinds.SUBNET}
    used: dict[tuple[str, str], int] = {}
    instances = {(r.region, r.id): r for r in resources if r.type == kinds.INSTANCE}
    extra: list[Resource] = []
    public_no = 0
    zone_records = []
    for r in resources:
        kinds.complete(r)  # as reading a snapshot does: the normalised fields from the raw ones
        if r.type == kinds.VPC:
            r.attributes["cidr"] = f"10.{int(r.id[4:], 16) % 256}.0.0/16"
        elif r.type == kinds.NETWORK_INTERFACE and r.subnet_id:
            subnet = subnets[(r.region, r.subnet_id)]
            base = str(subnet.attributes["cidr"]).rsplit(".", 1)[0]
            host = used[(r.region, r.subnet_id)] = used.get((r.region, r.subnet_id), 9) + 1
            ip = f"{base}.{host}"
            r.attributes["private_ips"] = [ip]
            public = None
            if r.attributes.get("public_ip"):
                public_no += 1
                public = f"100.{64 + public_no // 65536}.{public_no // 256 % 256}.{public_no % 256}"
                r.attributes["public_ip"] = public
                r.attributes["public_ips"] = [public]
            owner = instances.get((r.region, str(r.attributes.get("attached_to"))))
            if owner is not None:
                owner.attributes["private_ip"] = ip
                owner.attributes["public_ip"] = public
    for r in [r for r in resources if r.type == kinds.VPC]:
        n = int(r.id[4:], 16)
        name = f"web-{n}"
        dns = f"{name}-{n:06d}.{r.region}.elb.amazonaws.com"
        lb = _r(kinds.LOAD_BALANCER, name, r.region, vpc_id=r.id, attributes={"dns_name": dns})
        lb.arn = f"arn:aws:elasticloadbalancing:{r.region}:123456789012:loadbalancer/app/{name}/1"
        eni = _r(
            kinds.NETWORK_INTERFACE,
            f"eni-lb{n:08x}",
            r.region,
            vpc_id=r.id,
            attributes={
                "private_ips": [f"10.{n % 256}.0.250"],
                "description": f"ELB app/{name}/1",
            },
        )
        extra += [lb, eni]
        zone_records.append({"name": f"{name}.example.com.", "type": "A", "alias_target": dns})
    zone = _r(kinds.HOSTED_ZONE, "Z1", "global", attributes={"records": zone_records})
    zone.arn = "arn:aws:route53:::hostedzone/Z1"
    return resources + extra + [zone]


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
    ok = True
    if args.estate in ("both", "ui"):
        ok &= measure("ui_bench estate", ui_estate(args.resources), args.runs, args.answers)
    if args.estate in ("both", "network"):
        resources = network_estate(args.resources)
        ok &= measure("network estate", resources, args.runs, args.answers)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
