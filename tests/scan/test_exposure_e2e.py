"""Exposure end to end on a moto server: a VPC with an internet gateway route, its own network
ACL, a security group open on 22, 443 and 3389 and an instance with a public IP; scanned,
written and read back as a snapshot, analysed. The ACL admits 22 and 443 (and lets the replies
out to 1024-65535) but not 3389, so 3389 is blocked at nacl-in, by the implicit deny."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awsexplorer import snapshot
from awsexplorer.checks import analyse
from awsexplorer.model.exposure import analyse as exposure_of

AMI = "ami-12c6146b"
REGION = "eu-west-1"


def seed(ec2: Any) -> dict[str, str]:
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    az = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZone=az)
    subnet_id = subnet["Subnet"]["SubnetId"]
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet_id)

    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for number, egress, ports in ((100, False, 22), (110, False, 443)):
        ec2.create_network_acl_entry(
            NetworkAclId=acl,
            RuleNumber=number,
            Protocol="6",
            RuleAction="allow",
            Egress=egress,
            CidrBlock="0.0.0.0/0",
            PortRange={"From": ports, "To": ports},
        )
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="6",
        RuleAction="allow",
        Egress=True,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 1024, "To": 65535},
    )
    current = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}]
    )["NetworkAcls"][0]
    association = next(
        a["NetworkAclAssociationId"] for a in current["Associations"] if a["SubnetId"] == subnet_id
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)

    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            for p in (22, 443, 3389)
        ],
    )
    instance = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        NetworkInterfaces=[
            {
                "DeviceIndex": 0,
                "SubnetId": subnet_id,
                "Groups": [group],
                "AssociatePublicIpAddress": True,
            }
        ],
    )["Instances"][0]
    return {"instance": instance["InstanceId"], "acl": acl, "rtb": rtb, "igw": igw, "sg": group}


def test_scanned_instance_exposure_follows_route_nacl_and_group(
    aws: Callable[..., Any], scan_config: Any, run_scan: Any
) -> None:
    ids = seed(aws("ec2", REGION))
    result, _ = run_scan(scan_config(regions=(REGION,)))
    assert result.complete, result.errors
    resources = snapshot.loads(snapshot.dumps(analyse(result))).resources

    exposure = exposure_of(resources)
    mine = [v for v in exposure.verdicts if v.resource_id == ids["instance"]]
    public_ip = mine[0].address
    assert public_ip and public_ip.count(".") == 3
    assert sorted((v.protocol, v.ports, v.ip_version, v.reachable) for v in mine) == [
        ("tcp", (22, 22), 4, True),
        ("tcp", (443, 443), 4, True),
        ("tcp", (3389, 3389), 4, False),
    ]
    ssh = next(v for v in mine if v.ports == (22, 22))
    assert [(h.layer, h.id, h.rule, h.verdict) for h in ssh.path][1:] == [
        ("route", ids["rtb"], f"0.0.0.0/0 -> {ids['igw']} (explicit association)", "allow"),
        ("nacl-in", ids["acl"], "rule 100 allow tcp 22 from 0.0.0.0/0", "allow"),
        ("security-group", ids["sg"], "tcp 22 from 0.0.0.0/0", "allow"),
        ("nacl-out", ids["acl"], "rule 100 allow tcp 1024-65535 to 0.0.0.0/0", "allow"),
    ]
    assert ssh.path[0].layer == "address" and ssh.path[0].rule == f"public IPv4 {public_ip}"
    rdp = next(v for v in mine if v.ports == (3389, 3389))
    assert rdp.blocking is not None
    assert (rdp.blocking.layer, rdp.blocking.id, rdp.blocking.verdict) == (
        "nacl-in",
        ids["acl"],
        "deny",
    )
    # AWS lists the "*" deny rule in a new ACL's entries; moto does not, so no rule matches.
    assert rdp.blocking.rule == "no rule matches 0.0.0.0/0: the implicit deny"
