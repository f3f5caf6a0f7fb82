"""Whose address is this (model/whois.py), case by case on literal resources.

Literal fixtures here because moto cannot express most of these: it creates no interface for a
load balancer, VPC endpoint, Lambda function, RDS instance, ElastiCache, OpenSearch, EKS or ECS
task, and so gives no AWS description or requester to read. The descriptions below are AWS's own
wording. The moto end-to-end truth test is tests/model/test_whois_moto.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from awsexplorer.model import Resource, kinds
from awsexplorer.model.whois import (
    CONTAINS,
    DNS_NAME,
    ELASTIC_IP,
    IPV6,
    OVERLAPS,
    PRIVATE_IP,
    PUBLIC_IP,
    RECORD,
    NotAnAddress,
    Owner,
    WhoisIndex,
    parse,
)

REGION = "eu-west-1"
ACCOUNT = "123456789012"


def res(
    rtype: str,
    rid: str,
    region: str = REGION,
    *,
    arn: str | None = None,
    name: str | None = None,
    subnet_id: str | None = None,
    **attributes: Any,
) -> Resource:
    service, short = rtype.split(":", 1)
    return Resource(
        arn=arn or f"arn:aws:{service}:{region}:{ACCOUNT}:{short}/{rid}",
        type=rtype,
        id=rid,
        name=name or rid,
        region=region,
        subnet_id=subnet_id,
        attributes=attributes,
    )


def eni(rid: str, ips: list[str], *, subnet: str = "subnet-a", **attrs: Any) -> Resource:
    attrs.setdefault("security_groups", ["sg-1"])
    attrs.setdefault(kinds.SUBNETS, [subnet])
    return res(kinds.NETWORK_INTERFACE, rid, subnet_id=subnet, private_ips=ips, **attrs)


VPC = res(kinds.VPC, "vpc-1", cidrs=["10.0.0.0/16", "10.1.0.0/16"], ipv6_cidrs=["2600:1f18::/56"])
SUBNET = res(kinds.SUBNET, "subnet-a", cidr="10.0.1.0/24", ipv6_cidrs=["2600:1f18:0:1::/64"])
INSTANCE = res(kinds.INSTANCE, "i-1", private_ip="10.0.1.10", public_ip="54.0.0.10")
NAT = res(kinds.NAT_GATEWAY, "nat-0abc", public_ips=["54.0.0.20"], subnet_ids=["subnet-a"])
ALB_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/50dc6c49"
ALB = res(
    kinds.LOAD_BALANCER,
    "web",
    arn=ALB_ARN,
    dns_name="web-1234.eu-west-1.elb.amazonaws.com",
)
CLASSIC = res(
    kinds.LOAD_BALANCER,
    "old-web",
    arn=f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/old-web",
    dns_name="old-web-99.eu-west-1.elb.amazonaws.com",
)
ENDPOINT = res(kinds.VPC_ENDPOINT, "vpce-0123abcd")
FUNCTION = res(
    kinds.FUNCTION,
    "orders-api",
    arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-api",
    subnet_ids=["subnet-a"],
    security_groups=["sg-fn"],
)
FUNCTION_SHORT = res(
    kinds.FUNCTION,
    "orders",
    arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders",
    subnet_ids=["subnet-a"],
    security_groups=["sg-fn"],
)
EFS = res(
    kinds.EFS_FILE_SYSTEM,
    "fs-0a1b",
    mount_targets=[{"id": "fsmt-1", "ip_address": "10.0.1.60", "subnet_id": "subnet-a"}],
)
CACHE = res(kinds.CACHE_CLUSTER, "sessions-0001-001")
SEARCH = res(kinds.SEARCH_DOMAIN, "orders-search", endpoint="vpc-orders-search-x.es.amazonaws.com")
EKS = res(kinds.EKS_CLUSTER, "prod", endpoint="https://ABC.gr7.eu-west-1.eks.amazonaws.com")
TGW_ATTACHMENT = res(kinds.TRANSIT_GATEWAY_ATTACHMENT, "tgw-attach-0f1")
DB = res(
    kinds.DATABASE,
    "orders-db",
    endpoint="orders-db.abc.eu-west-1.rds.amazonaws.com",
    subnet_ids=["subnet-a", "subnet-b"],
    security_groups=["sg-db"],
)
DB_OTHER = res(
    kinds.DATABASE, "other-db", subnet_ids=["subnet-b"], security_groups=["sg-db"]
)  # not in the interface's subnet: never a candidate
SERVICE = res(kinds.ECS_SERVICE, "orders-svc", subnet_ids=["subnet-a"], security_groups=["sg-ecs"])
EIP_USED = res(
    kinds.ELASTIC_IP,
    "eipalloc-1",
    public_ip="54.0.0.10",
    network_interface_id="eni-inst",
    instance_id="i-1",
    associated=True,
)
EIP_SPARE = res(kinds.ELASTIC_IP, "eipalloc-2", public_ip="54.0.0.99", associated=False)
CUSTOMER_GATEWAY = res(kinds.CUSTOMER_GATEWAY, "cgw-1", ip_address="198.51.100.7")

INTERFACES = [
    eni(
        "eni-inst",
        ["10.0.1.10", "10.0.1.11"],
        public_ips=["54.0.0.10"],
        ipv6_addresses=["2600:1f18:0:1::10"],
        attached_to="i-1",
    ),
    eni(
        "eni-nat",
        ["10.0.1.20"],
        public_ips=["54.0.0.20"],
        description="Interface for NAT Gateway nat-0abc",
        interface_type="nat_gateway",
        requester_managed=True,
    ),
    eni("eni-alb", ["10.0.1.30"], description="ELB app/web/50dc6c49", requester_id="amazon-elb"),
    eni("eni-clb", ["10.0.1.31"], description="ELB old-web", requester_id="amazon-elb"),
    eni("eni-vpce", ["10.0.1.40"], description="VPC Endpoint Interface vpce-0123abcd"),
    eni(
        "eni-fn",
        ["10.0.1.50"],
        description="AWS Lambda VPC ENI-orders-api-6f9a2b1c-9d3e-4f5a-8b7c-0d1e2f3a4b5c",
        interface_type="lambda",
        security_groups=["sg-fn"],
    ),
    eni("eni-efs", ["10.0.1.60"], description="EFS mount target for fs-0a1b (fsmt-1)"),
    eni("eni-cache", ["10.0.1.70"], description="ElastiCache sessions-0001-001"),
    eni("eni-es", ["10.0.1.71"], description="ES orders-search"),
    eni("eni-eks", ["10.0.1.72"], description="Amazon EKS prod"),
    eni(
        "eni-tgw",
        ["10.0.1.73"],
        description="Network Interface for Transit Gateway Attachment tgw-attach-0f1",
        interface_type="transit_gateway",
    ),
    eni(
        "eni-rds",
        ["10.0.1.80"],
        description="RDSNetworkInterface",
        requester_id="amazon-rds",
        security_groups=["sg-db"],
    ),
    eni(
        "eni-ecs",
        ["10.0.1.90"],
        description=f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/0f1e2d3c-aaaa-bbbb-cccc-1234",
        security_groups=["sg-ecs"],
    ),
    eni("eni-loose", ["10.0.1.99"], description="my own spare interface"),
]

RESOURCES = [
    VPC,
    SUBNET,
    INSTANCE,
    NAT,
    ALB,
    CLASSIC,
    ENDPOINT,
    FUNCTION,
    FUNCTION_SHORT,
    EFS,
    CACHE,
    SEARCH,
    EKS,
    TGW_ATTACHMENT,
    DB,
    DB_OTHER,
    SERVICE,
    EIP_USED,
    EIP_SPARE,
    CUSTOMER_GATEWAY,
    *INTERFACES,
]


@pytest.fixture(scope="module")
def index() -> WhoisIndex:
    return WhoisIndex.build(RESOURCES)


def owners(index: WhoisIndex, text: str) -> list[tuple[str, str | None, str]]:
    return [(o.arn, o.via, o.kind) for o in index.answer(text)]


@pytest.mark.parametrize(
    ("address", "owner", "via"),
    [
        ("10.0.1.10", INSTANCE, "eni-inst"),
        ("10.0.1.11", INSTANCE, "eni-inst"),  # a secondary private address
        ("10.0.1.20", NAT, "eni-nat"),
        ("10.0.1.30", ALB, "eni-alb"),
        ("10.0.1.31", CLASSIC, "eni-clb"),
        ("10.0.1.40", ENDPOINT, "eni-vpce"),
        ("10.0.1.50", FUNCTION, "eni-fn"),  # orders-api, not the shorter orders
        ("10.0.1.60", EFS, "eni-efs"),
        ("10.0.1.70", CACHE, "eni-cache"),
        ("10.0.1.71", SEARCH, "eni-es"),
        ("10.0.1.72", EKS, "eni-eks"),
        ("10.0.1.73", TGW_ATTACHMENT, "eni-tgw"),
        ("10.0.1.80", DB, "eni-rds"),  # by subnet and security groups: other-db is elsewhere
        ("10.0.1.90", SERVICE, "eni-ecs"),
    ],
)
def test_a_private_address_leads_through_its_interface_to_its_owner(
    index: WhoisIndex, address: str, owner: Resource, via: str
) -> None:
    assert index.answer(address) == [Owner(address, owner.arn, via, PRIVATE_IP, REGION)]


def test_an_interface_that_names_no_owner_is_its_own_owner(index: WhoisIndex) -> None:
    loose = next(r for r in INTERFACES if r.id == "eni-loose")
    assert owners(index, "10.0.1.99") == [(loose.arn, "eni-loose", PRIVATE_IP)]


def test_public_elastic_and_nat_addresses(index: WhoisIndex) -> None:
    assert owners(index, "54.0.0.10") == [(INSTANCE.arn, "eni-inst", ELASTIC_IP)]
    assert owners(index, "54.0.0.20") == [(NAT.arn, "eni-nat", PUBLIC_IP)]
    # An Elastic IP nobody uses is its own owner.
    assert owners(index, "54.0.0.99") == [(EIP_SPARE.arn, None, ELASTIC_IP)]
    assert owners(index, "198.51.100.7") == [(CUSTOMER_GATEWAY.arn, None, PUBLIC_IP)]


def test_addresses_without_an_interface_in_the_snapshot() -> None:
    """The ENI collector failed (or an old snapshot): what the resources say themselves."""
    alone = [r for r in RESOURCES if r.type != kinds.NETWORK_INTERFACE]
    index = WhoisIndex.build(alone)
    assert owners(index, "10.0.1.10") == [(INSTANCE.arn, None, PRIVATE_IP)]
    # The Elastic IP names the interface it is associated with.
    assert owners(index, "54.0.0.10") == [(INSTANCE.arn, "eni-inst", ELASTIC_IP)]
    assert owners(index, "54.0.0.20") == [(NAT.arn, None, PUBLIC_IP)]
    assert owners(index, "10.0.1.60") == [(EFS.arn, None, PRIVATE_IP)]


def test_ipv6(index: WhoisIndex) -> None:
    assert owners(index, "2600:1f18:0:1:0:0:0:10") == [(INSTANCE.arn, "eni-inst", IPV6)]
    found = index.answer("2600:1f18:0:1::beef")
    assert [(o.arn, o.kind, o.address) for o in found] == [
        (VPC.arn, CONTAINS, "2600:1f18::/56"),
        (SUBNET.arn, CONTAINS, "2600:1f18:0:1::/64"),
    ]


def test_an_address_nobody_holds_names_the_vpcs_and_subnets_that_contain_it(
    index: WhoisIndex,
) -> None:
    assert owners(index, "10.0.1.200") == [(VPC.arn, None, CONTAINS), (SUBNET.arn, None, CONTAINS)]
    # The VPC's secondary block counts; the subnet is not in it.
    assert owners(index, "10.1.5.5") == [(VPC.arn, None, CONTAINS)]
    assert index.answer("10.1.5.5")[0].address == "10.1.0.0/16"


def test_outside_every_vpc_the_answer_is_empty(index: WhoisIndex) -> None:
    assert index.answer("8.8.8.8") == []
    assert index.answer("172.16.0.1") == []


def test_a_cidr_lists_every_address_inside_and_the_networks_it_touches(
    index: WhoisIndex,
) -> None:
    found = index.answer("10.0.1.0/27")  # .0 - .31
    addresses = [(o.address, o.kind) for o in found if o.kind == PRIVATE_IP]
    assert addresses == [
        ("10.0.1.10", PRIVATE_IP),
        ("10.0.1.11", PRIVATE_IP),
        ("10.0.1.20", PRIVATE_IP),
        ("10.0.1.30", PRIVATE_IP),
        ("10.0.1.31", PRIVATE_IP),
    ]
    assert [(o.arn, o.kind) for o in found if o.via is None] == [
        (VPC.arn, CONTAINS),
        (SUBNET.arn, CONTAINS),
    ]
    wide = index.answer("10.0.0.0/8")
    assert {(o.arn, o.kind) for o in wide if o.kind == OVERLAPS} == {
        (VPC.arn, OVERLAPS),
        (SUBNET.arn, OVERLAPS),
    }
    assert len([o for o in wide if o.kind == PRIVATE_IP]) == 15  # every private address above
    assert index.answer("192.168.0.0/16") == []


def test_names_of_resources(index: WhoisIndex) -> None:
    assert owners(index, "web-1234.eu-west-1.elb.amazonaws.com") == [(ALB.arn, None, DNS_NAME)]
    # Case, a trailing dot, Route 53's dualstack prefix, a URL: the same name.
    assert owners(index, "DualStack.Web-1234.eu-west-1.elb.amazonaws.com.") == [
        (ALB.arn, None, DNS_NAME)
    ]
    assert owners(index, "https://abc.gr7.eu-west-1.eks.amazonaws.com/api") == [
        (EKS.arn, None, DNS_NAME)
    ]
    assert owners(index, "orders-db.abc.eu-west-1.rds.amazonaws.com:5432") == [
        (DB.arn, None, DNS_NAME)
    ]
    assert index.answer("nothing.example.com") == []


def zone(records: list[dict[str, Any]]) -> Resource:
    return res(
        kinds.HOSTED_ZONE,
        "Z123",
        "global",
        arn="arn:aws:route53:::hostedzone/Z123",
        zone_name="example.com.",
        records=records,
    )


def record(name: str, rtype: str, values: list[str] = [], alias: str | None = None) -> dict:  # noqa: B006
    return {
        "name": name,
        "type": rtype,
        "values": values,
        "alias_target": alias,
        "alias_zone_id": None,
        "set_identifier": None,
    }


DISTRIBUTION = res(
    kinds.DISTRIBUTION,
    "E1",
    "global",
    arn=f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1",
    domain_name="d111.cloudfront.net",
    aliases=["static.example.com"],
)
BUCKET = res(kinds.BUCKET, "www.example.com", arn="arn:aws:s3:::www.example.com")
REST = res(kinds.REST_API, "a1b2c3")
HTTP = res(kinds.HTTP_API, "h1", endpoint="https://h1.execute-api.eu-west-1.amazonaws.com")
ZONE = zone(
    [
        record("api.example.com.", "A", alias="dualstack.web-1234.eu-west-1.elb.amazonaws.com."),
        record("cdn.example.com.", "CNAME", ["www2.example.com"]),
        record("www2.example.com.", "CNAME", ["d111.cloudfront.net"]),
        record("bastion.example.com.", "A", ["54.0.0.10"]),
        record("mail.example.com.", "CNAME", ["mail.provider.example.net"]),
        record("loop1.example.com.", "CNAME", ["loop2.example.com"]),
        record("loop2.example.com.", "CNAME", ["loop1.example.com"]),
        record("\\052.apps.example.com.", "CNAME", ["h1.execute-api.eu-west-1.amazonaws.com"]),
        record("www.example.com.", "A", alias="s3-website-eu-west-1.amazonaws.com."),
    ]
)
NAMED = [*RESOURCES, DISTRIBUTION, BUCKET, REST, HTTP, ZONE]


@pytest.fixture(scope="module")
def named() -> WhoisIndex:
    return WhoisIndex.build(NAMED)


def test_route53_records_are_followed_inside_the_account(named: WhoisIndex) -> None:
    assert owners(named, "api.example.com") == [(ALB.arn, "Z123/api.example.com/A", RECORD)]
    # CNAME -> CNAME -> the distribution's domain.
    assert owners(named, "cdn.example.com") == [
        (DISTRIBUTION.arn, "Z123/cdn.example.com/CNAME", RECORD)
    ]
    # An A record's value: the address's owner.
    assert owners(named, "bastion.example.com") == [
        (INSTANCE.arn, "Z123/bastion.example.com/A", RECORD)
    ]
    # A wildcard record, to an HTTP API's endpoint.
    assert owners(named, "shop.apps.example.com") == [
        (HTTP.arn, "Z123/*.apps.example.com/CNAME", RECORD)
    ]
    # An alias to an S3 website endpoint: the bucket named as the record.
    assert owners(named, "www.example.com") == [
        (BUCKET.arn, "Z123/www.example.com/A", RECORD),
    ]


def test_a_record_pointing_outside_the_account_is_held_by_its_zone(named: WhoisIndex) -> None:
    assert owners(named, "mail.example.com") == [(ZONE.arn, "Z123/mail.example.com/CNAME", RECORD)]
    # A loop stops; the zone holds the record.
    assert owners(named, "loop1.example.com") == [
        (ZONE.arn, "Z123/loop1.example.com/CNAME", RECORD)
    ]


def test_names_of_cloudfront_and_api_gateway(named: WhoisIndex) -> None:
    assert owners(named, "static.example.com") == [(DISTRIBUTION.arn, None, DNS_NAME)]
    assert owners(named, "d111.cloudfront.net") == [(DISTRIBUTION.arn, None, DNS_NAME)]
    assert owners(named, "a1b2c3.execute-api.eu-west-1.amazonaws.com") == [
        (REST.arn, None, DNS_NAME)
    ]
    owner = named.answer("d111.cloudfront.net")[0]
    assert owner.region == "global"


@pytest.mark.parametrize(
    "text", ["", "  ", "10.0.1", "hello", "not an address", "a..b", "10.0.0.0/33", "x" * 300]
)
def test_what_is_not_an_address(text: str) -> None:
    with pytest.raises(NotAnAddress):
        parse(text)


def test_what_is_an_address() -> None:
    assert parse("10.0.1.5").address is not None
    assert parse("[2600:1f18::1]").address is not None
    assert parse("10.0.1.5/32").address is not None  # one address: asked as an address
    assert parse("10.0.1.7/24").network is not None  # host bits allowed
    assert parse("API.Example.com.").name == "api.example.com"


def test_the_same_private_address_in_two_accounts_gives_both() -> None:
    a = res(kinds.INSTANCE, "i-a", private_ip="10.0.0.5")
    b = res(kinds.INSTANCE, "i-b", arn="arn:aws:ec2:eu-west-1:999999999999:instance/i-b")
    b.attributes["private_ip"] = "10.0.0.5"
    assert {o.arn for o in WhoisIndex.build([a, b]).answer("10.0.0.5")} == {a.arn, b.arn}


def test_an_old_snapshot_answers_through_the_records_completion() -> None:
    """A v1 snapshot written before the normalised ENI/EIP/VPC fields: kinds.complete fills
    them from the raw API fields on load, and whois reads only those."""
    raw_eni = res(
        kinds.NETWORK_INTERFACE,
        "eni-old",
        subnet_id="subnet-a",
        Description="Interface for NAT Gateway nat-0abc",
        PrivateIpAddress="10.0.1.21",
        PrivateIpAddresses=[
            {"PrivateIpAddress": "10.0.1.21", "Association": {"PublicIp": "54.0.0.21"}}
        ],
    )
    raw_vpc = res(
        kinds.VPC,
        "vpc-old",
        CidrBlock="10.9.0.0/16",
        CidrBlockAssociationSet=[
            {"CidrBlock": "10.9.0.0/16", "CidrBlockState": {"State": "associated"}},
            {"CidrBlock": "10.10.0.0/16", "CidrBlockState": {"State": "disassociated"}},
        ],
    )
    for resource in (raw_eni, raw_vpc):
        kinds.complete(resource)
    index = WhoisIndex.build([NAT, raw_eni, raw_vpc])
    assert owners(index, "54.0.0.21") == [(NAT.arn, "eni-old", PUBLIC_IP)]
    assert owners(index, "10.9.1.1") == [(raw_vpc.arn, None, CONTAINS)]
    assert index.answer("10.10.1.1") == []


def test_a_nat_gateway_owns_the_interfaces_it_lists() -> None:
    """AWS lists a NAT gateway's interface in its addresses (moto gives that interface no
    description at all): the list is enough."""
    nat = res(
        kinds.NAT_GATEWAY,
        "nat-9",
        public_ips=["54.0.0.9"],
        private_ips=["10.0.1.9"],
        network_interface_ids=["eni-bare"],
    )
    bare = eni("eni-bare", ["10.0.1.9"], public_ips=["54.0.0.9"], description=None)
    index = WhoisIndex.build([nat, bare])
    assert owners(index, "54.0.0.9") == [(nat.arn, "eni-bare", PUBLIC_IP)]
    assert owners(index, "10.0.1.9") == [(nat.arn, "eni-bare", PRIVATE_IP)]
    assert owners(WhoisIndex.build([nat]), "10.0.1.9") == [(nat.arn, None, PRIVATE_IP)]


def test_an_interface_without_an_owner_gives_way_to_the_resource_recording_its_address() -> None:
    """moto's EFS mount target interface has no description; the file system records the
    mount target's address: the file system, through the interface."""
    bare = eni("eni-mt", ["10.0.1.60"], description=None)
    index = WhoisIndex.build([bare, EFS])
    assert owners(index, "10.0.1.60") == [(EFS.arn, "eni-mt", PRIVATE_IP)]


def test_a_wide_cidr_is_cut_and_says_so() -> None:
    from awsexplorer.model.whois import MAX_ANSWERS

    many = [
        res(kinds.INSTANCE, f"i-{n}", private_ip=f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
        for n in range(MAX_ANSWERS + 10)
    ]
    index = WhoisIndex.build([VPC, *many])
    found = index.answer("10.0.0.0/8")
    held = [o for o in found if o.kind == PRIVATE_IP]
    assert len(held) == MAX_ANSWERS and held[0].address == "10.0.0.0"
    assert index.cut(found)
    assert not index.cut(index.answer("10.0.1.0/24"))


def test_a_range_wider_than_a_lookup_block_is_still_found() -> None:
    """VPC blocks are /16 at most, but a snapshot may say otherwise: a /12 is checked too."""
    wide = res(kinds.VPC, "vpc-wide", cidr="172.16.0.0/12")
    narrow = res(kinds.SUBNET, "subnet-n", cidr="172.20.1.0/24")
    index = WhoisIndex.build([wide, narrow])
    assert owners(index, "172.20.1.9") == [(wide.arn, None, CONTAINS), (narrow.arn, None, CONTAINS)]
    assert owners(index, "172.31.0.1") == [(wide.arn, None, CONTAINS)]
    assert [(o.arn, o.kind) for o in index.answer("172.20.1.0/28")] == [
        (wide.arn, CONTAINS),
        (narrow.arn, CONTAINS),
    ]
