"""Cost and hygiene checks on literal fixtures: NAT, idle volumes and IPs, billing, tags."""

from __future__ import annotations

from typing import Any

from check_fixtures import ROOT_ARN, error, flagged, messages, resource, run, scan

from awsexplorer.config import Settings

LOCAL_ROUTE = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}


def route_table(rid: str, routes: list[dict[str, Any]], subnets: list[str], main: bool = False):
    associations = [{"SubnetId": s, "Main": False} for s in subnets]
    if main:
        associations.append({"Main": True})
    return resource(
        "ec2:route-table",
        rid,
        vpc_id="vpc-1",
        VpcId="vpc-1",
        Routes=[LOCAL_ROUTE, *routes],
        Associations=associations,
    )


def nat(nid: str, state: str = "available") -> Any:
    return resource("ec2:natgateway", nid, vpc_id="vpc-1", subnet_id="subnet-pub", state=state)


def subnet(sid: str, public: bool) -> Any:
    return resource("ec2:subnet", sid, vpc_id="vpc-1", VpcId="vpc-1", public=public)


def test_nat_gateway_cost_says_who_routes_through_it() -> None:
    result = scan(
        nat("nat-used"),
        nat("nat-idle"),
        nat("nat-deleted", state="deleted"),
        subnet("subnet-pub", True),
        subnet("subnet-app", False),
        route_table(
            "rtb-private",
            [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-used", "State": "active"}],
            ["subnet-app"],
        ),
        route_table(
            "rtb-public",
            [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}],
            ["subnet-pub"],
            main=True,
        ),
    )
    findings, outcome = run("ec2-nat-gateway-cost", result)
    assert outcome.status == "evaluated"
    by_nat = {f.resource.rsplit("/", 1)[1]: f for f in findings}
    assert sorted(by_nat) == ["nat-idle", "nat-used"]
    # In use: a low note with the cost estimate and who uses it.
    used = by_nat["nat-used"]
    assert used.severity.value == "low"
    assert "$32/month" in used.message
    assert "is in use by private subnet(s) subnet-app" in used.message
    assert "idle" not in used.message
    # Idle: the finding worth acting on, at the check's own severity.
    idle = by_nat["nat-idle"]
    assert idle.severity.value == "medium"
    assert "nat-idle is idle: no private subnet in vpc-1 routes through it" in idle.message
    assert "delete-nat-gateway --nat-gateway-id nat-idle --region eu-west-1" in idle.remediation


def test_nat_gateway_routed_to_only_by_a_public_subnet_is_idle() -> None:
    # A public subnet's table pointing at the NAT (a misrouted table) is not a private user.
    result = scan(
        nat("nat-x"),
        subnet("subnet-pub", True),
        route_table(
            "rtb-pub",
            [{"DestinationCidrBlock": "10.9.0.0/16", "NatGatewayId": "nat-x", "State": "active"}],
            ["subnet-pub"],
        ),
    )
    findings, _ = run("ec2-nat-gateway-cost", result)
    assert [(f.severity.value, "is idle" in f.message) for f in findings] == [("medium", True)]


def test_unattached_volume_and_address() -> None:
    result = scan(
        resource("ec2:volume", "vol-idle", state="available", size_gib=100, volume_type="gp3"),
        resource("ec2:volume", "vol-busy", state="in-use", size_gib=8),
        resource("ec2:elastic-ip", "eipalloc-idle", associated=False, public_ip="203.0.113.9"),
        resource("ec2:elastic-ip", "eipalloc-busy", associated=True, public_ip="203.0.113.10"),
    )
    assert flagged("ec2-volume-unattached", result) == ["vol-idle"]
    assert "(100 GiB, gp3)" in messages("ec2-volume-unattached", result)[0]
    assert flagged("ec2-eip-unattached", result) == ["eipalloc-idle"]
    assert "203.0.113.9" in messages("ec2-eip-unattached", result)[0]


def alarm(name: str, region: str = "us-east-1", **attrs: Any) -> Any:
    base = {"namespace": "AWS/Billing", "metric_name": "EstimatedCharges"}
    base.update(attrs)
    return resource("cloudwatch:alarm", name, region, **base)


def test_billing_alarm_or_budget_is_enough() -> None:
    assert flagged("billing-alarm-missing", scan(alarm("bill"))) == []
    budget = resource("budgets:budget", "monthly", "global")
    assert flagged("billing-alarm-missing", scan(budget)) == []


def test_billing_alarm_missing_is_reported_on_the_account() -> None:
    result = scan(
        alarm("cpu", namespace="AWS/EC2", metric_name="CPUUtilization"),
        alarm("bill-wrong-region", "eu-west-1"),
    )
    findings, outcome = run("billing-alarm-missing", result)
    assert outcome.status == "evaluated"
    assert [f.resource for f in findings] == [ROOT_ARN]


def test_billing_alarm_not_evaluated_when_us_east_1_or_budgets_unreadable() -> None:
    outside = scan(regions=("eu-west-1",))
    _, outcome = run("billing-alarm-missing", outside)
    assert outcome.status == "not-evaluated" and "us-east-1" in (outcome.reason or "")
    denied = scan(errors=(error("global", "budgets", "DescribeBudgets"),))
    assert run("billing-alarm-missing", denied)[1].status == "not-evaluated"
    # A failure elsewhere does not matter: billing alarms only live in us-east-1.
    elsewhere = scan(errors=(error("eu-west-1", "cloudwatch", "DescribeAlarms"),))
    assert run("billing-alarm-missing", elsewhere)[1].status == "evaluated"


def test_required_tags_case_insensitive_and_listed() -> None:
    result = scan(
        resource("ec2:instance", "i-ok", tags={"Project": "x", "ENVIRONMENT": "p", "owner": "me"}),
        resource("ec2:instance", "i-bare", tags={"Name": "web"}, name="web", state="running"),
        resource("s3:bucket", "half-tagged", tags={"project": "x"}),
        resource("ec2:instance", "i-dead", tags={}, state="terminated"),
        resource("ec2:vpc", "vpc-default", tags={}, is_default=True),
        resource("ec2:security-group", "sg-untagged", tags={}),  # not in the taggable list
    )
    assert sorted(flagged("tag-missing-required", result)) == ["half-tagged", "i-bare"]
    text = messages("tag-missing-required", result)
    assert "instance i-bare (web) is missing tag(s) project, environment, owner" in text
    assert "bucket half-tagged is missing tag(s) environment, owner" in text


def test_required_tags_are_a_setting() -> None:
    result = scan(resource("ec2:volume", "vol-1", tags={"team": "a"}))
    assert flagged("tag-missing-required", result, Settings(required_tags=("Team",))) == []
    _, outcome = run("tag-missing-required", result, Settings(required_tags=()))
    assert outcome.status == "not-evaluated"


def test_tags_not_read_are_not_evaluated_not_missing() -> None:
    result = scan(resource("lambda:function", "fn", tags={}, tags_unknown=True))
    findings, outcome = run("tag-missing-required", result)
    assert findings == [] and outcome.status == "not-evaluated"
