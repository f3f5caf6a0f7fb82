"""Whois truth test on a moto account seeded by a script in three regions.

The seed (`seed_region`) builds per region a VPC with a public and a private subnet, an instance
with a public address, an instance with an Elastic IP and a secondary private address, an
unassociated Elastic IP, a NAT gateway on its own Elastic IP, an application load balancer and a
classic one. The account is scanned, written and read back as a snapshot (as `awsexplorer whois`
and the TUI read it); then every private IP, public IP, Elastic IP, NAT gateway address and load
balancer DNS name the seed made - as AWS (moto) describes them, not as the scanner saw them -
must resolve to its owner and only to it, in its own region.

What moto cannot express (no interface for a load balancer, Lambda function, RDS instance, VPC
endpoint or ECS task, so no AWS description or requester to read) is tested on literal resources
in tests/model/test_whois.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awsexplorer import snapshot
from awsexplorer.checks import analyse
from awsexplorer.model.whois import CONTAINS, WhoisIndex

AMI = "ami-12c6146b"
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
READ = {  # the calls whose answers whois reads
    "DescribeVpcs",
    "DescribeSubnets",
    "DescribeInstances",
    "DescribeAddresses",
    "DescribeNetworkInterfaces",
    "DescribeNatGateways",
    "DescribeLoadBalancers",
}


def seed_region(aws: Callable[..., Any], region: str, n: int) -> dict[str, Any]:
    """One region's estate; returns the truth: address or name -> owner ARN."""
    ec2 = aws("ec2", region)
    account = aws("sts", region).get_caller_identity()["Account"]
    vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.1.0/24", AvailabilityZone=zones[0])
    private = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.2.0/24", AvailabilityZone=zones[1])
    public_id, private_id = public["Subnet"]["SubnetId"], private["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]

    web = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[
            {
                "DeviceIndex": 0,
                "SubnetId": public_id,
                "Groups": [group],
                "AssociatePublicIpAddress": True,
                "PrivateIpAddress": f"10.{n}.1.10",
            }
        ],
    )["Instances"][0]["InstanceId"]
    bastion = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[
            {
                "DeviceIndex": 0,
                "SubnetId": public_id,
                "Groups": [group],
                "PrivateIpAddress": f"10.{n}.1.11",
            }
        ],
    )["Instances"][0]
    ec2.assign_private_ip_addresses(  # a secondary private address
        NetworkInterfaceId=bastion["NetworkInterfaces"][0]["NetworkInterfaceId"],
        PrivateIpAddresses=[f"10.{n}.1.12"],
    )
    bastion = bastion["InstanceId"]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=eip, InstanceId=bastion)
    spare = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public_id, AllocationId=nat_eip)["NatGateway"]
    worker = ec2.run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=private_id, PrivateIpAddress=f"10.{n}.2.10"
    )
    worker_id = worker["Instances"][0]["InstanceId"]

    elbv2 = aws("elbv2", region)
    alb = elbv2.create_load_balancer(
        Name=f"web-{n}", Subnets=[public_id, private_id], SecurityGroups=[group]
    )["LoadBalancers"][0]
    elb = aws("elb", region)
    classic = elb.create_load_balancer(
        LoadBalancerName=f"old-web-{n}",
        Listeners=[{"Protocol": "http", "LoadBalancerPort": 80, "InstancePort": 80}],
        Subnets=[public_id],
    )

    # The truth, from AWS's own descriptions.
    def instance_arn(iid: str) -> str:
        return f"arn:aws:ec2:{region}:{account}:instance/{iid}"

    truth: dict[str, str] = {}
    described = ec2.describe_instances(InstanceIds=[web, bastion, worker_id])
    for reservation in described["Reservations"]:
        for instance in reservation["Instances"]:
            for interface in instance["NetworkInterfaces"]:
                for address in interface["PrivateIpAddresses"]:
                    truth[address["PrivateIpAddress"]] = instance_arn(instance["InstanceId"])
            if instance.get("PublicIpAddress"):
                truth[instance["PublicIpAddress"]] = instance_arn(instance["InstanceId"])
    addresses = {
        a["AllocationId"]: a["PublicIp"]
        for a in ec2.describe_addresses(AllocationIds=[eip, spare, nat_eip])["Addresses"]
    }
    truth[addresses[eip]] = instance_arn(bastion)
    truth[addresses[spare]] = f"arn:aws:ec2:{region}:{account}:elastic-ip/{spare}"
    nat_arn = f"arn:aws:ec2:{region}:{account}:natgateway/{nat['NatGatewayId']}"
    for address in ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0][
        "NatGatewayAddresses"
    ]:
        truth[address["PublicIp"]] = nat_arn
        if address.get("PrivateIp"):
            truth[address["PrivateIp"]] = nat_arn
    truth[alb["DNSName"]] = alb["LoadBalancerArn"]
    truth[classic["DNSName"]] = (
        f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/old-web-{n}"
    )
    return {
        "truth": truth,
        "vpc": f"arn:aws:ec2:{region}:{account}:vpc/{vpc}",
        "subnet": f"arn:aws:ec2:{region}:{account}:subnet/{private_id}",
        "n": n,
        "eip": addresses[eip],
        "bastion": instance_arn(bastion),
    }


def test_every_address_and_load_balancer_name_resolves_to_its_owner(
    aws: Callable[..., Any], scan_config: Any, run_scan: Any
) -> None:
    seeded = {region: seed_region(aws, region, n) for n, region in enumerate(REGIONS, start=1)}
    result, _ = run_scan(scan_config(regions=REGIONS))
    # Other services may time out on a loaded machine; what whois reads must be whole.
    failed = [e for e in result.errors if e.operation in READ]
    assert not failed, failed
    loaded = snapshot.loads(snapshot.dumps(analyse(result)))
    index = WhoisIndex.build(loaded.resources)

    checked = 0
    for region, facts in seeded.items():
        truth = facts["truth"]
        # Every kind of address the issue names is in the truth of each region.
        # Four private addresses of instances, given by the seed: moto picks free ones at
        # random, and can give two instances of one subnet the same one. (Moto gives a NAT
        # gateway no private address.)
        n = facts["n"]
        private = {a for a in truth if a.startswith(f"10.{n}.")}
        assert {f"10.{n}.1.10", f"10.{n}.1.11", f"10.{n}.1.12", f"10.{n}.2.10"} <= private
        for address, owner in truth.items():
            found = index.answer(address)
            assert [(o.arn, o.region) for o in found] == [(owner, region)], address
            checked += 1
        # The Elastic IP is found as one, through the bastion's interface.
        (eip,) = index.answer(facts["eip"])
        assert (eip.arn, eip.kind) == (facts["bastion"], "elastic-ip")
        assert eip.via is not None and eip.via.startswith("eni-")
        # A private address nobody holds: the VPC and the subnet that contain it.
        spare = f"10.{facts['n']}.2.250"
        assert spare not in truth
        assert [(o.arn, o.kind) for o in index.answer(spare)] == [
            (facts["vpc"], CONTAINS),
            (facts["subnet"], CONTAINS),
        ]
    assert checked >= 3 * 9
    assert index.answer("192.0.2.1") == []  # outside every VPC of the account
