"""How long the exposure analysis (`model.exposure.analyse`) takes on 100,000 resources.

    python benchmarks/exposure_bench.py [--resources 100000] [--runs 5]

Two estates, built in memory (no network):
- topology_bench's synthetic account (VPCs with public and private subnets, IGW and NAT routes,
  instances with ENIs, half of them with a public IP), given per VPC a custom network ACL
  (allow 22/80/443 in, deny 3389, ephemeral ports out) and two security groups (web: 22, 443
  and a prefix list; admin: 3389 and all from ::/0) on every ENI: the worst case, every ENI is
  analysed on both IP versions;
- ui_bench's 100,000-resource snapshot (the TUI benchmark's estate, thin on network data).

Target: the whole analysis in at most 1 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from topology_bench import _r, synthetic_account

from awsexplorer.model import Resource
from awsexplorer.model.exposure import analyse

TARGET_S = 1.0


def _rule(number: int, action: str, protocol: str, ports: tuple[int, int] | None, egress: bool):
    entry = {
        "RuleNumber": number,
        "RuleAction": action,
        "Protocol": protocol,
        "Egress": egress,
        "CidrBlock": "0.0.0.0/0",
    }
    if ports:
        entry["PortRange"] = {"From": ports[0], "To": ports[1]}
    return entry


def network_estate(target: int) -> list[Resource]:
    resources = synthetic_account(target)
    vpcs = {(r.region, r.id) for r in resources if r.type == "ec2:vpc"}
    subnets: dict[tuple[str, str], list[str]] = {}
    for r in resources:
        if r.type == "ec2:subnet":
            subnets.setdefault((r.region, str(r.vpc_id)), []).append(r.id)
    extra = []
    for region, vpc in sorted(vpcs):
        entries = [
            _rule(90, "deny", "6", (3389, 3389), False),
            _rule(100, "allow", "6", (22, 22), False),
            _rule(110, "allow", "6", (80, 80), False),
            _rule(120, "allow", "6", (443, 443), False),
            _rule(32767, "deny", "-1", None, False),
            _rule(100, "allow", "6", (1024, 65535), True),
            _rule(32767, "deny", "-1", None, True),
        ]
        attrs = {
            "VpcId": vpc,
            "IsDefault": False,
            "Associations": [{"SubnetId": s} for s in subnets.get((region, vpc), [])],
            "Entries": entries,
        }
        extra.append(_r("ec2:network-acl", f"acl-{vpc[4:]}", region, vpc_id=vpc, attributes=attrs))
        web = [
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 8443,
                "ToPort": 8443,
                "PrefixListIds": [{"PrefixListId": "pl-1"}],
            },
        ]
        admin = [
            {
                "IpProtocol": "tcp",
                "FromPort": 3389,
                "ToPort": 3389,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            },
            {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        ]
        for name, perms in (("web", web), ("admin", admin)):
            gid = f"sg-{vpc[4:]}{name}"
            extra.append(
                _r(
                    "ec2:security-group",
                    gid,
                    region,
                    vpc_id=vpc,
                    attributes={"GroupId": gid, "IpPermissions": perms},
                )
            )
    for r in resources:
        if r.type in ("ec2:instance", "ec2:network-interface"):
            vpc = r.vpc_id or "vpc-00000000"
            r.attributes["security_groups"] = [f"sg-{vpc[4:]}web", f"sg-{vpc[4:]}admin"]
    return resources + extra


def best_of(runs: int, resources: list[Resource]) -> tuple[float, float, int, int]:
    wall, cpu = [], []
    verdicts = reachable = 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        # The whole analysis as its readers use it: every verdict decided, the reachable ones
        # built and sorted (what `:exposed`, the checks and `awsexplorer exposure` list).
        exposure = analyse(resources)
        reachable = len(exposure.reachable())
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
        verdicts = len(exposure.verdicts)
    return min(wall), min(cpu), verdicts, reachable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    from ui_bench import synthetic_result

    estates = (
        ("network estate", network_estate(args.resources)),
        ("ui_bench estate", synthetic_result(args.resources).resources),
    )
    for name, resources in estates:
        counts = Counter(r.type for r in resources)
        print(f"{name}: {len(resources):,} resources ({counts['ec2:network-interface']:,} ENIs)")
        wall, cpu, verdicts, reachable = best_of(args.runs, resources)
        # Wall time on a shared machine is the CPU time stretched by the load: both are said.
        verdict = (
            f"CPU {'MET' if cpu <= TARGET_S else 'NOT MET'}, "
            f"wall {'MET' if wall <= TARGET_S else 'NOT MET'}"
        )
        print(
            f"  analyse + reachable() best of {args.runs}: {wall * 1000:7.1f} ms wall, "
            f"{cpu * 1000:7.1f} ms CPU; "
            f"{verdicts:,} verdicts, {reachable:,} reachable; target <= {TARGET_S:.0f} s: {verdict}"
        )


if __name__ == "__main__":
    main()
