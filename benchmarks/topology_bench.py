"""How long subnet classification + placement (`enrich`) and the tree (`build_topology`) take on
a large synthetic account. No network: the resources are built in memory.

    python benchmarks/topology_bench.py [--resources 100000]

Target: 100,000 resources in well under a second for `enrich`.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import time
from collections import Counter

from awsexplorer.model import Resource
from awsexplorer.model.topology import build_topology, enrich

REGIONS = ("eu-west-1", "us-east-1", "ap-southeast-2", "sa-east-1")
SUBNETS_PER_VPC = 6  # 3 AZs x (public, private)


def _r(rtype: str, rid: str, region: str, **kw: object) -> Resource:
    service, kind = rtype.split(":")
    attrs = kw.pop("attributes", {})
    return Resource(
        arn=f"arn:aws:{service}:{region}:123456789012:{kind}/{rid}",
        type=rtype,
        id=rid,
        name=rid,
        region=region,
        attributes=attrs,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def synthetic_account(target: int) -> list[Resource]:
    """VPCs with public and private subnets, IGW, NAT, route tables, and instances with ENIs
    until `target` resources exist."""
    resources: list[Resource] = []
    vpc_no = 0
    while len(resources) < target:
        region = REGIONS[vpc_no % len(REGIONS)]
        vpc = f"vpc-{vpc_no:08x}"
        igw, nat = f"igw-{vpc_no:08x}", f"nat-{vpc_no:08x}"
        resources.append(_r("ec2:vpc", vpc, region, vpc_id=vpc, attributes={"VpcId": vpc}))
        subnets = []
        for n in range(SUBNETS_PER_VPC):
            sid = f"subnet-{vpc_no:08x}{n}"
            subnets.append(sid)
            resources.append(
                _r(
                    "ec2:subnet",
                    sid,
                    region,
                    vpc_id=vpc,
                    subnet_id=sid,
                    attributes={
                        "SubnetId": sid,
                        "VpcId": vpc,
                        "CidrBlock": f"10.{vpc_no % 256}.{n}.0/24",
                        "AvailabilityZone": f"{region}{'abc'[n % 3]}",
                        "AvailableIpAddressCount": 200,
                        "MapPublicIpOnLaunch": n < 3,
                    },
                )
            )
        local = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}
        public_rt = {
            "VpcId": vpc,
            "Associations": [{"SubnetId": s, "Main": False} for s in subnets[:3]],
            "Routes": [local, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw}],
        }
        main_rt = {
            "VpcId": vpc,
            "Associations": [{"Main": True}],
            "Routes": [local, {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat}],
        }
        resources.append(_r("ec2:route-table", f"rtb-{vpc_no:08x}p", region, attributes=public_rt))
        resources.append(_r("ec2:route-table", f"rtb-{vpc_no:08x}m", region, attributes=main_rt))
        resources.append(_r("ec2:internet-gateway", igw, region, vpc_id=vpc))
        resources.append(_r("ec2:natgateway", nat, region, vpc_id=vpc, subnet_id=subnets[0]))
        for i in range(40):  # 40 instances, each with its ENI
            sid = subnets[i % SUBNETS_PER_VPC]
            public_ip = "203.0.113.1" if i % 2 else None
            iid = f"i-{vpc_no:08x}{i:03d}"
            resources.append(
                _r("ec2:instance", iid, region, subnet_id=sid, attributes={"public_ip": public_ip})
            )
            resources.append(
                _r(
                    "ec2:network-interface",
                    f"eni-{vpc_no:08x}{i:03d}",
                    region,
                    vpc_id=vpc,
                    subnet_id=sid,
                    attributes={"public_ip": public_ip, "attached_to": iid},
                )
            )
        vpc_no += 1
    return resources[:target]


def best_of(runs: int, fn: object, resources: list[Resource]) -> tuple[float, float]:
    """Best wall-clock and best CPU time (the CPU figure is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        fresh = copy.deepcopy(resources)
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(fresh)  # type: ignore[operator]
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return min(wall), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    resources = synthetic_account(args.resources)
    counts = Counter(r.type for r in resources)
    print(f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}")
    print(
        f"{len(resources):,} resources: "
        + ", ".join(f"{t} {n:,}" for t, n in sorted(counts.items()))
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, fn in (("enrich", enrich), ("build_topology", build_topology)):
        wall, cpu = best_of(args.runs, fn, resources)
        print(
            f"{name:15} best of {args.runs}: {wall * 1000:7.1f} ms wall, {cpu * 1000:7.1f} ms CPU"
        )


if __name__ == "__main__":
    main()
