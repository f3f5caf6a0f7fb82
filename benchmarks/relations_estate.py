"""The estates the relationship and whois benchmarks share (relationships_bench.py,
whois_bench.py), the resident memory, and one process per estate.

- `ui_estate`: ui_bench's 100,000-resource snapshot, written with awsexplorer.snapshot and read
  back as `awsexplorer related` / `whois` read it;
- `network_estate`: exposure_bench's network estate (topology_bench's VPCs, six subnets each,
  route tables, instances with their ENIs, every ENI and instance in two security groups,
  network ACLs): the edge-heavy case;
- `address_estate`: the network estate with the addresses and names whois reads.

A memory figure is the growth of the process holding the loaded estate; measured after another
estate was loaded and freed, the new index would fill the freed heap and look smaller than it
is, so `run_each` measures each estate in a process of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from awsexplorer.model import Resource, kinds


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


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
    from exposure_bench import network_estate as estate

    return estate(count)


def address_estate(count: int) -> list[Resource]:
    """The network estate with what whois reads: every VPC its CIDR, every ENI and its instance a
    private address in the ENI's subnet, half of them a public address of their own, one load
    balancer per VPC with its DNS name and its ENI, and one Route 53 zone with an alias record
    per load balancer. The VPC CIDRs repeat every 256 VPCs (10.N.0.0/16), so a private address
    has up to ~8 owners, as in a multi-account snapshot."""
    from topology_bench import _r

    resources = network_estate(count)
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


def run_each(script: str, estates: list[str], argv: list[str]) -> int:
    """Run `script --estate NAME` once per estate, each in a fresh process; 0 if every one met
    its targets."""
    failed = 0
    for estate in estates:
        sys.stdout.flush()
        done = subprocess.run([sys.executable, script, *argv, "--estate", estate], check=False)
        failed |= done.returncode
    return 1 if failed else 0
