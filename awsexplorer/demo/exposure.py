"""Exposure in the demo (issue 16): what the internet really reaches in prod-vpc, eu-west-1, and
what a network ACL quietly stops. Both new subnets route to prod-igw (prod-public-rt).

- prod-dmz-a (10.0.30.0/24), ACL prod-dmz-acl: lets tcp/443 in and only tcp/443 out, so the
  replies to the clients' ephemeral ports (1024-65535) never leave. prod-shop-web (a public
  address, group prod-shop-https: 443 from anywhere) is not reachable:
  ec2-nacl-blocks-return-traffic, and `p` on it names the outbound rule.
- prod-ops-a (10.0.31.0/24), ACL prod-ops-acl: rule 90 denies tcp/22 from anywhere, rule 100
  allows the rest both ways. prod-ops-jump (public, group prod-ops-ssh: 22 from anywhere) is not
  reachable on 22: ec2-sg-open-admin-port stays high, "not reachable today: blocked by ... rule
  90". Its look-alike, prod-bastion (demo/compute.py), is reachable on 22: critical.
- prod-metrics (public, in prod-ops-a, group prod-metrics-exporter: 9100 from anywhere) is
  reachable on 9100: ec2-internet-exposed-port.
- The internet-facing ALB with private targets is prod-orders-alb (demo/compute.py):
  prod-app-a and prod-app-b are reachable through it on 8080, via its 443 listener.

Deterministic: every name is fixed, calls are made in a fixed order (moto's ids are seeded).
"""

from __future__ import annotations

from typing import Any

from awsexplorer.demo._aws import AMI_ID, PRODUCTION, Aws, tag_spec, tags
from awsexplorer.demo.network import Network

WORLD = "0.0.0.0/0"
ENV = "production"


def _subnet(ec2: Any, network: Network, name: str, cidr: str) -> str:
    subnet_id = str(
        ec2.create_subnet(
            VpcId=network.vpcs["prod-vpc"],
            CidrBlock=cidr,
            AvailabilityZone="eu-west-1a",
            TagSpecifications=tag_spec("subnet", tags(name, environment=ENV)),
        )["Subnet"]["SubnetId"]
    )
    ec2.associate_route_table(
        RouteTableId=network.route_tables["prod-public-rt"], SubnetId=subnet_id
    )
    network.subnets[name] = subnet_id
    return subnet_id


def _acl(
    ec2: Any, network: Network, name: str, subnet_id: str, rules: list[tuple[Any, ...]]
) -> str:
    """A network ACL for the subnet; rules: (number, egress, action, protocol, (from, to))."""
    acl_id = str(
        ec2.create_network_acl(
            VpcId=network.vpcs["prod-vpc"],
            TagSpecifications=tag_spec("network-acl", tags(name, environment=ENV)),
        )["NetworkAcl"]["NetworkAclId"]
    )
    for number, egress, action, protocol, ports in rules:
        entry: dict[str, Any] = {
            "NetworkAclId": acl_id,
            "RuleNumber": number,
            "Protocol": protocol,
            "RuleAction": action,
            "Egress": egress,
            "CidrBlock": WORLD,
        }
        if ports is not None:
            entry["PortRange"] = {"From": ports[0], "To": ports[1]}
        ec2.create_network_acl_entry(**entry)
    current = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}]
    )["NetworkAcls"][0]
    association = next(
        a["NetworkAclAssociationId"]
        for a in current["Associations"]
        if a.get("SubnetId") == subnet_id
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl_id)
    return acl_id


def _group(ec2: Any, network: Network, name: str, what: str, port: int) -> str:
    group_id = str(
        ec2.create_security_group(
            GroupName=name,
            Description=what,
            VpcId=network.vpcs["prod-vpc"],
            TagSpecifications=tag_spec("security-group", tags(name, environment=ENV)),
        )["GroupId"]
    )
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": WORLD}]}
        ],
    )
    network.security_groups[name] = group_id
    return group_id


def _instance(ec2: Any, name: str, subnet_id: str, group_id: str) -> str:
    return str(
        ec2.run_instances(
            ImageId=AMI_ID,
            InstanceType="t3.micro",
            MinCount=1,
            MaxCount=1,
            TagSpecifications=[
                *tag_spec("instance", tags(name, environment=ENV)),
                *tag_spec("volume", tags(name, environment=ENV)),
            ],
            NetworkInterfaces=[
                {
                    "DeviceIndex": 0,
                    "SubnetId": subnet_id,
                    "Groups": [group_id],
                    "AssociatePublicIpAddress": True,
                }
            ],
            BlockDeviceMappings=[
                {
                    "DeviceName": "/dev/xvda",
                    "Ebs": {"VolumeSize": 8, "VolumeType": "gp3", "Encrypted": True},
                }
            ],
            MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        )["Instances"][0]["InstanceId"]
    )


def build_exposure(aws: Aws, network: Network) -> None:
    ec2 = aws("ec2", PRODUCTION)
    dmz = _subnet(ec2, network, "prod-dmz-a", "10.0.30.0/24")
    ops = _subnet(ec2, network, "prod-ops-a", "10.0.31.0/24")
    # Pitfall: 443 in, only 443 out: the replies to the clients' ports cannot leave.
    _acl(
        ec2,
        network,
        "prod-dmz-acl",
        dmz,
        [(100, False, "allow", "6", (443, 443)), (100, True, "allow", "6", (443, 443))],
    )
    # SSH closed at the ACL (rule 90), everything else allowed both ways.
    _acl(
        ec2,
        network,
        "prod-ops-acl",
        ops,
        [
            (90, False, "deny", "6", (22, 22)),
            (100, False, "allow", "-1", None),
            (100, True, "allow", "-1", None),
        ],
    )
    https = _group(ec2, network, "prod-shop-https", "the shop's HTTPS", 443)
    ssh = _group(ec2, network, "prod-ops-ssh", "SSH to the ops jump host", 22)
    metrics = _group(ec2, network, "prod-metrics-exporter", "Prometheus node exporter", 9100)
    _instance(ec2, "prod-shop-web", dmz, https)
    _instance(ec2, "prod-ops-jump", ops, ssh)
    _instance(ec2, "prod-metrics", ops, metrics)
