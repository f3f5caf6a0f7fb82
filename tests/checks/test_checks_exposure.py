"""Checks that follow reachability (issue 16), on literal snapshot fixtures: the open admin and
database port checks (critical when the internet really reaches the port, high with the blocking
hop otherwise), ec2-nacl-blocks-return-traffic, ec2-internet-exposed-port and the
rds-publicly-accessible wording. Each with a clean look-alike that is not flagged.

Literal fixtures, not moto: moto's EC2 does not evaluate network ACLs and the analysis reads
only the snapshot (the moto end-to-end test is tests/scan/test_exposure_e2e.py)."""

from __future__ import annotations

from typing import Any

from check_fixtures import error, flagged, run, scan

from awsexplorer.checks.api import CheckContext
from awsexplorer.config import Settings
from awsexplorer.model import Resource, Severity
from awsexplorer.model.activity import scan_time
from awsexplorer.model.exposure import exposure_of, path_text

REGION = "eu-west-1"
VPC = "vpc-1"
ANY = "0.0.0.0/0"
ALLOW_ALL = [(100, "allow", "-1", None, ANY)]


def res(rtype: str, rid: str, attributes: dict[str, Any], **kw: Any) -> Resource:
    service, kind = rtype.split(":")
    return Resource(
        arn=f"arn:aws:{service}:{REGION}:123456789012:{kind}/{rid}",
        type=rtype,
        id=rid,
        name=kw.pop("name", rid),
        region=REGION,
        attributes=attributes,
        **kw,
    )


def subnet(sid: str, cidr: str) -> Resource:
    attrs = {"SubnetId": sid, "VpcId": VPC, "CidrBlock": cidr, "public": sid.endswith("pub")}
    return res("ec2:subnet", sid, attrs, vpc_id=VPC, subnet_id=sid)


def table(rid: str, target: str, subnets: tuple[str, ...] = ()) -> Resource:
    field = "NatGatewayId" if target.startswith("nat-") else "GatewayId"
    routes = [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
        {"DestinationCidrBlock": ANY, field: target, "State": "active"},
    ]
    assoc = [{"SubnetId": s} for s in subnets] or [{"Main": True}]
    return res("ec2:route-table", rid, {"VpcId": VPC, "Associations": assoc, "Routes": routes})


def acl(
    aid: str,
    inbound: list[tuple[int, str, str, tuple[int, int] | None, str]],
    outbound: list[tuple[int, str, str, tuple[int, int] | None, str]],
    subnets: tuple[str, ...] = (),
) -> Resource:
    entries = []
    for egress, rules in ((False, inbound), (True, outbound)):
        for number, action, protocol, ports, cidr in [*rules, (32767, "deny", "-1", None, ANY)]:
            entry: dict[str, Any] = {
                "RuleNumber": number,
                "RuleAction": action,
                "Protocol": protocol,
                "Egress": egress,
                "CidrBlock": cidr,
            }
            if ports is not None:
                entry["PortRange"] = {"From": ports[0], "To": ports[1]}
            entries.append(entry)
    attrs = {
        "VpcId": VPC,
        "IsDefault": not subnets,
        "Associations": [{"SubnetId": s} for s in subnets],
        "Entries": entries,
    }
    return res("ec2:network-acl", aid, attrs, vpc_id=VPC)


def sg(gid: str, *ports: int | tuple[int, int]) -> Resource:
    perms = []
    for port in ports:
        low, high = port if isinstance(port, tuple) else (port, port)
        perms.append(
            {
                "IpProtocol": "tcp",
                "FromPort": low,
                "ToPort": high,
                "IpRanges": [{"CidrIp": ANY}],
                "Ipv6Ranges": [],
                "UserIdGroupPairs": [],
                "PrefixListIds": [],
            }
        )
    attrs = {"GroupId": gid, "group_name": gid, "IpPermissions": perms}
    return res("ec2:security-group", gid, attrs, vpc_id=VPC)


def instance(iid: str, sid: str, groups: list[str], public_ip: str | None = None) -> Resource:
    attrs = {"public_ip": public_ip, "security_groups": groups, "state": "running"}
    return res("ec2:instance", iid, attrs, vpc_id=VPC, subnet_id=sid)


def world(*extra: Resource, default_acl: Resource | None = None) -> list[Resource]:
    """subnet-pub routed to igw-1, subnet-priv to nat-1; the default ACL allows everything."""
    return [
        subnet("subnet-pub", "10.0.1.0/24"),
        subnet("subnet-priv", "10.0.2.0/24"),
        table("rtb-main", "igw-1"),
        table("rtb-priv", "nat-1", ("subnet-priv",)),
        default_acl or acl("acl-default", ALLOW_ALL, ALLOW_ALL),
        *extra,
    ]


def findings(check_id: str, *resources: Resource) -> dict[str, tuple[Severity, str]]:
    found, outcome = run(check_id, scan(*resources))
    assert outcome.status == "evaluated", outcome
    return {f.resource.rsplit("/", 1)[-1]: (f.severity, f.message) for f in found}


# -- open admin and database ports follow reachability ----------------------------------------


def test_open_ssh_the_internet_reaches_is_critical_with_the_path() -> None:
    resources = world(sg("sg-ssh", 22), instance("i-web", "subnet-pub", ["sg-ssh"], "203.0.113.9"))
    severity, message = findings("ec2-sg-open-admin-port", *resources)["sg-ssh"]
    assert severity is Severity.CRITICAL
    verdict = next(v for v in exposure_of(resources).reachable() if v.covers(22))
    assert message == (
        "sg-ssh allows 0.0.0.0/0 on tcp/22; reachable from the internet: tcp/22 on i-web by "
        + path_text(verdict)
    )
    assert "i-web: public IPv4 203.0.113.9; rtb-main: 0.0.0.0/0 -> igw-1" in message


def test_open_ssh_a_nacl_blocks_stays_high_naming_the_rule() -> None:
    blocking = acl(
        "acl-web", [(90, "deny", "6", (22, 22), ANY), *ALLOW_ALL], ALLOW_ALL, ("subnet-pub",)
    )
    resources = world(
        sg("sg-ssh", 22), blocking, instance("i-web", "subnet-pub", ["sg-ssh"], "203.0.113.9")
    )
    severity, message = findings("ec2-sg-open-admin-port", *resources)["sg-ssh"]
    assert severity is Severity.HIGH
    assert message == (
        "sg-ssh allows 0.0.0.0/0 on tcp/22; not reachable today: blocked by acl-web rule 90 "
        "deny tcp 22 from 0.0.0.0/0 (on i-web)"
    )


def test_open_database_port_follows_reachability_and_its_look_alike_stays_high() -> None:
    resources = world(
        sg("sg-db-public", 5432),
        sg("sg-db-private", 5432),
        instance("i-pg", "subnet-pub", ["sg-db-public"], "203.0.113.20"),
        instance("i-pg-private", "subnet-priv", ["sg-db-private"], "203.0.113.21"),
    )
    found = findings("ec2-sg-open-database-port", *resources)
    assert found["sg-db-public"][0] is Severity.CRITICAL
    assert "reachable from the internet: tcp/5432 on i-pg by" in found["sg-db-public"][1]
    assert found["sg-db-private"] == (
        Severity.HIGH,
        "sg-db-private allows 0.0.0.0/0 on tcp/5432; not reachable today: blocked by "
        "rtb-priv: no route from 0.0.0.0/0 to an internet gateway (explicit association) "
        "(on i-pg-private)",
    )


def test_open_port_on_an_instance_without_a_public_address_says_so() -> None:
    resources = world(sg("sg-ssh", 22), instance("i-quiet", "subnet-pub", ["sg-ssh"]))
    severity, message = findings("ec2-sg-open-admin-port", *resources)["sg-ssh"]
    assert severity is Severity.HIGH
    assert message.endswith(
        "not reachable today: blocked by i-quiet: no public IPv4 address (on i-quiet)"
    )


def test_reachability_unknown_when_the_network_acls_could_not_be_read() -> None:
    resources = world(sg("sg-ssh", 22), instance("i-web", "subnet-pub", ["sg-ssh"]))
    result = scan(*resources, errors=(error(REGION, "ec2", "DescribeNetworkAcls"),))
    found, _ = run("ec2-sg-open-admin-port", result)
    assert [f.severity for f in found] == [Severity.HIGH]
    assert "whether the internet reaches it is not known: ec2:DescribeNetworkAcls failed" in (
        found[0].message
    )


# -- ec2-nacl-blocks-return-traffic -----------------------------------------------------------


def return_blocked(out: list[tuple[int, str, str, tuple[int, int] | None, str]]) -> Resource:
    return acl("acl-web", [(100, "allow", "6", (443, 443), ANY)], out, ("subnet-pub",))


def test_nacl_that_admits_443_but_denies_the_ephemeral_ports_is_flagged() -> None:
    resources = world(
        sg("sg-https", 443),
        return_blocked([(100, "allow", "6", (443, 443), ANY)]),
        instance("i-web", "subnet-pub", ["sg-https"], "203.0.113.9"),
    )
    assert findings("ec2-nacl-blocks-return-traffic", *resources) == {
        "acl-web": (
            Severity.MEDIUM,
            "network ACL acl-web lets the internet in (rule 100 allow tcp 443 from 0.0.0.0/0) "
            "but not the replies out (rule * deny all traffic to 0.0.0.0/0: blocks return "
            "traffic to the client's ports 1024-65535): no answer reaches a client from "
            "tcp/443 on i-web",
        )
    }


def test_nacl_look_alikes_are_not_flagged() -> None:
    # The replies may leave: the ephemeral range is allowed out.
    fine = world(
        sg("sg-https", 443),
        return_blocked([(100, "allow", "6", (1024, 65535), ANY)]),
        instance("i-web", "subnet-pub", ["sg-https"], "203.0.113.9"),
    )
    assert flagged("ec2-nacl-blocks-return-traffic", scan(*fine)) == []
    # The outbound deny is there, but no security group admits the internet on any port.
    unserved = world(
        sg("sg-closed"),
        return_blocked([]),
        instance("i-web", "subnet-pub", ["sg-closed"], "203.0.113.9"),
    )
    assert flagged("ec2-nacl-blocks-return-traffic", scan(*unserved)) == []
    # The inbound side already blocks it: nothing is let in to be answered.
    shut = world(
        sg("sg-ssh", 22),
        return_blocked([]),
        instance("i-web", "subnet-pub", ["sg-ssh"], "203.0.113.9"),
    )
    assert flagged("ec2-nacl-blocks-return-traffic", scan(*shut)) == []


# -- ec2-internet-exposed-port -----------------------------------------------------------------


def test_instance_reachable_on_another_port_is_flagged_and_web_ports_are_not() -> None:
    resources = world(
        sg("sg-app", 443, 8080),
        sg("sg-web", 80, 443),
        sg("sg-hidden", 8080),
        instance("i-app", "subnet-pub", ["sg-app"], "203.0.113.30"),
        instance("i-web", "subnet-pub", ["sg-web"], "203.0.113.31"),
        instance("i-hidden", "subnet-priv", ["sg-hidden"], "203.0.113.32"),
    )
    found = findings("ec2-internet-exposed-port", *resources)
    assert list(found) == ["i-app"]
    severity, message = found["i-app"]
    assert severity is Severity.HIGH
    assert message.startswith(
        "instance i-app is reachable from the internet on tcp/8080 (IPv4) at 203.0.113.30: "
        "i-app: public IPv4 203.0.113.30; rtb-main: 0.0.0.0/0 -> igw-1 (main route table); "
    )


def test_admin_ports_are_left_to_the_admin_check_but_a_wide_range_is_listed() -> None:
    resources = world(
        sg("sg-ssh", 22),
        sg("sg-wide", (1000, 2000)),
        instance("i-ssh", "subnet-pub", ["sg-ssh"], "203.0.113.40"),
        instance("i-wide", "subnet-pub", ["sg-wide"], "203.0.113.41"),
    )
    found = findings("ec2-internet-exposed-port", *resources)
    assert list(found) == ["i-wide"]
    assert "on tcp/1000-2000 (IPv4)" in found["i-wide"][1]


# -- rds-publicly-accessible says whether it is reachable ---------------------------------------


def rds(db: str, subnets: list[str], groups: list[str]) -> Resource:
    attrs = {
        "publicly_accessible": True,
        "port": 5432,
        "engine": "postgres",
        "endpoint": f"{db}.abc.{REGION}.rds.amazonaws.com",
        "subnet_ids": subnets,
        "security_groups": groups,
    }
    return res("rds:db", db, attrs, vpc_id=VPC)


def test_rds_publicly_accessible_says_whether_the_endpoint_is_reachable() -> None:
    resources = world(
        sg("sg-pg", 5432),
        rds("orders", ["subnet-pub"], ["sg-pg"]),
        rds("reports", ["subnet-priv"], ["sg-pg"]),
    )
    found = findings("rds-publicly-accessible", *resources)
    assert found["orders"][0] is Severity.HIGH
    assert (
        "is publicly accessible at orders.abc.eu-west-1.rds.amazonaws.com:5432; reachable from "
        "the internet on tcp/5432: orders: publicly accessible endpoint "
    ) in found["orders"][1]
    assert found["reports"][1].endswith(
        "; not reachable today: blocked by rtb-priv: no route from 0.0.0.0/0 to an internet "
        "gateway (explicit association)"
    )


# -- one fact, one place -------------------------------------------------------------------------


def test_the_checks_read_the_one_exposure_result() -> None:
    resources = world(sg("sg-ssh", 22), instance("i-web", "subnet-pub", ["sg-ssh"], "203.0.113.9"))
    result = scan(*resources)
    ctx = CheckContext(result, Settings(), scan_time(result))
    assert ctx.exposure is exposure_of(result.resources)
    assert exposure_of(list(result.resources)) is ctx.exposure  # same objects: not recomputed
