"""Network checks on literal fixtures: security groups, VPC size, default VPC, flow logs,
subnets."""

from __future__ import annotations

from typing import Any

from check_fixtures import error, flagged, messages, resource, run, scan


def rule(
    protocol: str,
    low: int | None = None,
    high: int | None = None,
    v4: tuple[str, ...] = (),
    v6: tuple[str, ...] = (),
) -> dict[str, Any]:
    permission: dict[str, Any] = {
        "IpProtocol": protocol,
        "IpRanges": [{"CidrIp": c} for c in v4],
        "Ipv6Ranges": [{"CidrIpv6": c} for c in v6],
        "UserIdGroupPairs": [],
        "PrefixListIds": [],
    }
    if low is not None:
        permission["FromPort"], permission["ToPort"] = low, high if high is not None else low
    return permission


def sg(gid: str, *rules: dict[str, Any], region: str = "eu-west-1") -> Any:
    return resource(
        "ec2:security-group",
        gid,
        region,
        vpc_id="vpc-1",
        group_name=f"{gid}-name",
        IpPermissions=list(rules),
    )


WORLD = ("0.0.0.0/0",)
# A group no interface uses: open, but nothing reachable through it (tests/checks/
# test_checks_exposure.py has the groups that are, and those a hop blocks).
UNUSED = "; not reachable today: nothing in the snapshot uses this group"


def test_ssh_open_to_the_world_names_the_rule() -> None:
    result = scan(sg("sg-0abc", rule("tcp", 22, v4=WORLD)))
    assert messages("ec2-sg-open-admin-port", result) == [
        "sg-0abc (sg-0abc-name) allows 0.0.0.0/0 on tcp/22" + UNUSED
    ]


def test_admin_port_edge_cases() -> None:
    result = scan(
        sg("sg-range", rule("tcp", 0, 65535, v4=WORLD)),
        sg("sg-all", rule("-1", v4=WORLD)),
        sg("sg-v6", rule("tcp", 3389, v6=("::/0",))),
        sg("sg-cover", rule("tcp", 20, 25, v4=WORLD)),
        sg("sg-https", rule("tcp", 443, v4=WORLD), rule("tcp", 80, v6=("::/0",))),
        sg("sg-private-ssh", rule("tcp", 22, v4=("10.0.0.0/8",))),
        sg("sg-udp", rule("udp", 0, 65535, v4=WORLD)),
        sg("sg-near", rule("tcp", 23, 3388, v4=WORLD)),
    )
    assert flagged("ec2-sg-open-admin-port", result) == ["sg-all", "sg-cover", "sg-range", "sg-v6"]
    text = messages("ec2-sg-open-admin-port", result)
    assert (
        "sg-all (sg-all-name) allows 0.0.0.0/0 on all traffic (reaches 22 SSH, 3389 RDP)" + UNUSED
        in text
    )
    assert "sg-v6 (sg-v6-name) allows ::/0 on tcp/3389" + UNUSED in text
    assert any("tcp/0-65535 (reaches 22 SSH, 3389 RDP)" in m for m in text)


def test_tcp_ports_given_as_minus_one_mean_every_port() -> None:
    result = scan(sg("sg-any", rule("6", -1, -1, v4=WORLD)))
    assert flagged("ec2-sg-open-admin-port", result) == ["sg-any"]


def test_database_ports() -> None:
    result = scan(
        sg("sg-mysql", rule("tcp", 3306, v4=WORLD)),
        sg("sg-redis6", rule("tcp", 6379, v6=("::/0",))),
        sg("sg-range", rule("tcp", 5000, 6000, v4=WORLD)),
        sg("sg-all", rule("-1", v4=WORLD)),  # left to the admin-port check
        sg("sg-app-only", rule("tcp", 5432, v4=("10.0.0.0/16",))),
        sg("sg-https", rule("tcp", 443, v4=WORLD)),
    )
    assert flagged("ec2-sg-open-database-port", result) == ["sg-mysql", "sg-range", "sg-redis6"]
    text = messages("ec2-sg-open-database-port", result)
    assert "sg-mysql (sg-mysql-name) allows 0.0.0.0/0 on tcp/3306" + UNUSED in text
    assert any("tcp/5000-6000 (reaches 5432 PostgreSQL, 5439 Redshift)" in m for m in text)


def test_security_groups_unreadable_in_a_region_is_not_evaluated_but_keeps_findings() -> None:
    result = scan(
        sg("sg-open", rule("tcp", 22, v4=WORLD)),
        errors=(error("us-east-1", "ec2", "DescribeSecurityGroups"),),
    )
    findings, outcome = run("ec2-sg-open-admin-port", result)
    assert [f.resource.rsplit("/", 1)[1] for f in findings] == ["sg-open"]
    assert outcome.status == "not-evaluated"
    assert "ec2:DescribeSecurityGroups failed in us-east-1 (AccessDenied)" in (outcome.reason or "")


def test_a_region_that_refused_the_scan_leaves_regional_checks_not_evaluated() -> None:
    findings, outcome = run("ec2-sg-open-admin-port", scan(failed=("eu-west-1",)))
    assert findings == [] and outcome.status == "not-evaluated"
    assert "eu-west-1 could not be scanned" in (outcome.reason or "")


def vpc(vid: str, cidr: str = "10.0.0.0/16", region: str = "eu-west-1", **attrs: Any) -> Any:
    base = {
        "cidr": cidr,
        "is_default": False,
        "flow_logs": [{"id": "fl-1", "status": "ACTIVE"}],
    }
    base.update(attrs)
    return resource("ec2:vpc", vid, region, vpc_id=vid, **base)


def test_vpc_cidr_small() -> None:
    result = scan(vpc("vpc-big"), vpc("vpc-24", "10.1.0.0/24"), vpc("vpc-28", "10.2.0.0/28"))
    assert flagged("ec2-vpc-cidr-small", result) == ["vpc-24", "vpc-28"]
    assert "10.1.0.0/24 (256 addresses)" in messages("ec2-vpc-cidr-small", result)[0]


def test_default_vpc_in_use_only_when_it_holds_workloads() -> None:
    result = scan(
        vpc("vpc-default-used", "172.31.0.0/16", is_default=True),
        vpc("vpc-default-empty", "172.31.0.0/16", "us-east-1", is_default=True),
        vpc("vpc-custom"),
        resource("ec2:instance", "i-1", vpc_id="vpc-default-used", state="running"),
        resource("rds:db", "db-1", vpc_id="vpc-default-used"),
        resource("ec2:instance", "i-2", vpc_id="vpc-custom", state="running"),
        resource(
            "ec2:instance", "i-gone", "us-east-1", vpc_id="vpc-default-empty", state="terminated"
        ),
    )
    assert flagged("ec2-default-vpc-in-use", result) == ["vpc-default-used"]
    assert "1 instance (i-1), 1 db (db-1)" in messages("ec2-default-vpc-in-use", result)[0]


def test_flow_logs() -> None:
    result = scan(
        vpc("vpc-logged"),
        vpc("vpc-bare", flow_logs=[]),
        vpc("vpc-stopped", flow_logs=[{"id": "fl-2", "status": "FAILED"}]),
        vpc("vpc-default-empty", "172.31.0.0/16", is_default=True, flow_logs=[]),
        vpc("vpc-default-used", "172.31.0.0/16", "us-east-1", is_default=True, flow_logs=[]),
        resource("ec2:network-interface", "eni-1", "us-east-1", vpc_id="vpc-default-used"),
    )
    assert sorted(flagged("ec2-vpc-flow-logs-disabled", result)) == [
        "vpc-bare",
        "vpc-default-used",
        "vpc-stopped",
    ]


def test_flow_logs_unknown_is_not_evaluated() -> None:
    _, outcome = run("ec2-vpc-flow-logs-disabled", scan(vpc("vpc-x", flow_logs=None)))
    assert outcome.status == "not-evaluated"
    assert "DescribeFlowLogs" in (outcome.reason or "")


def subnet(sid: str, cidr: str, available: int | None, **attrs: Any) -> Any:
    return resource(
        "ec2:subnet",
        sid,
        vpc_id="vpc-1",
        cidr=cidr,
        available_ips=available,
        **attrs,
    )


def test_subnet_ip_exhaustion_uses_topology_then_the_cidr() -> None:
    result = scan(
        subnet("subnet-full", "10.0.0.0/24", 20, usable_ips=251),
        subnet("subnet-ok", "10.0.1.0/24", 30, usable_ips=251),
        subnet("subnet-raw-full", "10.0.2.0/28", 0),  # no topology attributes: 11 usable
        subnet("subnet-v6-only", "", None),
    )
    assert flagged("ec2-subnet-ip-exhaustion", result) == ["subnet-full", "subnet-raw-full"]
    assert "20 of 251 usable addresses left (8%)" in messages("ec2-subnet-ip-exhaustion", result)[0]


# -- instance metadata ---------------------------------------------------------------------------


def instance(iid: str, tokens: str | None, endpoint: str = "enabled", **attrs: Any) -> Any:
    options = {"imds_tokens": tokens, "imds_endpoint": None if tokens is None else endpoint}
    return resource("ec2:instance", iid, **{"state": "running", **options, **attrs})


def test_imdsv1_flags_optional_tokens_only() -> None:
    result = scan(
        instance("i-v1", "optional", internet_facing=True),
        instance("i-v2", "required"),
        instance("i-off", "optional", endpoint="disabled"),
        instance("i-gone", "optional", **{"state": "terminated"}),
    )
    assert flagged("ec2-instance-imdsv1", result) == ["i-v1"]
    assert messages("ec2-instance-imdsv1", result) == [
        "instance i-v1 accepts IMDSv1 (HttpTokens optional) and is internet-facing"
    ]


def test_imdsv1_unknown_options_are_not_evaluated() -> None:
    findings, outcome = run("ec2-instance-imdsv1", scan(instance("i-1", None)))
    assert findings == [] and outcome.status == "not-evaluated"
