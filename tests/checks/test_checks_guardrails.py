"""Guardrail and spend checks (issue 13) on literal fixtures: ec2-instance-unmanaged,
budget-no-forecast-alert, guardrail-off, region-spend-unexplained.

The attributes below are what the collectors write on moto (tests/scan/test_operations.py proves
the scan and runs these checks on it end to end: SSM managed instances, budget notifications,
the guardrail records with `present`/`enabled`, ce:region-spend records). Each check flags its
pitfall next to a clean look-alike it must not flag, and is "not evaluated" when its input
could not be read.
"""

from __future__ import annotations

from typing import Any

from check_fixtures import error, flagged, messages, resource, run, scan

from awsexplorer.checks.evaluation import personalise
from awsexplorer.checks.registry import REGISTRY
from awsexplorer.model import Resource
from awsexplorer.model.kinds import (
    ACCESS_ANALYZER,
    BUDGET,
    CONFIG_RECORDER,
    GUARDDUTY_DETECTOR,
    INSTANCE,
    REGION_SPEND,
    SSM_MANAGED_INSTANCE,
    SUBNET,
    VPC,
)

EU, US = "eu-west-1", "us-east-1"


def instance(iid: str, region: str = EU, state: str = "running") -> Resource:
    return resource(INSTANCE, iid, region, state=state)


def managed(iid: str, region: str = EU) -> Resource:
    return resource(SSM_MANAGED_INSTANCE, iid, region, instance_id=iid, ping_status="Online")


# -- ec2-instance-unmanaged ----------------------------------------------------------------------


def test_a_running_instance_no_agent_reports_for_is_flagged_and_a_managed_one_is_not() -> None:
    result = scan(
        instance("i-bastion"),
        instance("i-app"),  # clean: Systems Manager manages it
        managed("i-app"),
        instance("i-stopped", state="stopped"),  # clean: not running
    )
    assert flagged("ec2-instance-unmanaged", result) == ["i-bastion"]
    (message,) = messages("ec2-instance-unmanaged", result)
    assert message == (
        "instance i-bastion in eu-west-1 is running but Systems Manager does not manage it "
        "(no SSM agent reports in): no patching, no Session Manager"
    )
    findings, _ = run("ec2-instance-unmanaged", result)
    remedy = personalise(REGISTRY["ec2-instance-unmanaged"], result.resources[0])
    assert findings and "--instance-id i-bastion" in remedy and "--region eu-west-1" in remedy


def test_an_instance_where_ssm_could_not_be_read_is_not_evaluated() -> None:
    result = scan(
        instance("i-app", EU),
        instance("i-ci", US),
        errors=(error(EU, "ssm", "DescribeInstanceInformation"),),
    )
    findings, outcome = run("ec2-instance-unmanaged", result)
    # us-east-1 was read: its instance is judged; eu-west-1's is not.
    assert [f.resource.rsplit("/", 1)[-1] for f in findings] == ["i-ci"]
    assert outcome.status == "not-evaluated"
    assert "DescribeInstanceInformation" in (outcome.reason or "")


# -- budget-no-forecast-alert ---------------------------------------------------------------------


def budget(name: str, notifications: list[dict[str, Any]] | None) -> Resource:
    summary = (
        None
        if notifications is None
        else ", ".join(f"{n['type']} {n['threshold']}%" for n in notifications) or "none"
    )
    return resource(
        BUDGET, name, "global", notifications=notifications, notification_summary=summary
    )


def alert(kind: str, threshold: int) -> dict[str, Any]:
    return {"type": kind, "threshold": threshold, "threshold_type": "PERCENTAGE"}


def test_budgets_that_warn_only_on_actual_spend_are_flagged() -> None:
    result = scan(budget("monthly", [alert("ACTUAL", 80)]))
    assert flagged("budget-no-forecast-alert", result) == ["monthly"]
    (message,) = messages("budget-no-forecast-alert", result)
    assert message == (
        "budget monthly alerts only on ACTUAL 80% and no budget of the account alerts on "
        "FORECASTED spend: the warning comes after the money is spent"
    )


def test_one_forecast_alert_on_any_budget_is_enough_and_no_budget_is_not_this_check() -> None:
    clean = scan(budget("monthly", [alert("ACTUAL", 80)]), budget("q", [alert("FORECASTED", 100)]))
    assert flagged("budget-no-forecast-alert", clean) == []
    assert flagged("budget-no-forecast-alert", scan()) == []


def test_budget_notifications_not_read_are_not_evaluated() -> None:
    result = scan(
        budget("monthly", None),
        errors=(error("global", "budgets", "DescribeNotificationsForBudget"),),
    )
    findings, outcome = run("budget-no-forecast-alert", result)
    assert findings == []
    assert outcome.status == "not-evaluated"
    assert "DescribeNotificationsForBudget" in (outcome.reason or "")


# -- guardrail-off --------------------------------------------------------------------------------


OFF_NAMES = {
    GUARDDUTY_DETECTOR: "GuardDuty: no detector",
    CONFIG_RECORDER: "AWS Config: no recorder",
    ACCESS_ANALYZER: "IAM Access Analyzer: no analyzer",
}


def guardrail(rtype: str, region: str, *, present: bool, enabled: bool | None) -> Resource:
    """As the collectors write them: a present one under its own id, an absent one as the
    region's "off" record named for its service."""
    rid = {GUARDDUTY_DETECTOR: "det", CONFIG_RECORDER: "default", ACCESS_ANALYZER: "acct"}[rtype]
    return resource(
        rtype,
        rid if present else f"{rtype.split(':')[0]}-off",
        region,
        name=rid if present else OFF_NAMES[rtype],
        present=present,
        enabled=enabled,
        tags={},
    )


def all_on(region: str) -> list[Resource]:
    return [
        guardrail(t, region, present=True, enabled=True)
        for t in (GUARDDUTY_DETECTOR, CONFIG_RECORDER, ACCESS_ANALYZER)
    ]


def default_vpc(region: str) -> list[Resource]:
    return [
        resource(VPC, "vpc-def", region, vpc_id="vpc-def", is_default=True),
        resource(SUBNET, "subnet-def", region, vpc_id="vpc-def"),
    ]


def test_a_used_region_with_guardrails_off_is_one_finding_naming_each() -> None:
    result = scan(
        instance("i-app", EU),
        guardrail(GUARDDUTY_DETECTOR, EU, present=False, enabled=False),
        guardrail(CONFIG_RECORDER, EU, present=True, enabled=False),
        guardrail(ACCESS_ANALYZER, EU, present=True, enabled=True),
        # clean look-alikes: a used region with all three on, and an unused region with none
        instance("i-ci", US),
        *all_on(US),
        *default_vpc("ap-southeast-2"),
        guardrail(GUARDDUTY_DETECTOR, "ap-southeast-2", present=False, enabled=False),
        regions=(EU, US, "ap-southeast-2"),
    )
    findings, outcome = run("guardrail-off", result)
    assert outcome.status == "evaluated"
    assert [(f.region, f.message) for f in findings] == [
        (
            EU,
            "eu-west-1 holds 1 resource of yours but guardrails are off there: GuardDuty: no "
            "detector; AWS Config: recorder default not recording",
        )
    ]
    remedy = personalise(REGISTRY["guardrail-off"], result.resources[1])
    assert "aws guardduty create-detector --enable --region eu-west-1" in remedy


def test_guardrails_not_read_are_not_evaluated_and_not_taken_for_off() -> None:
    result = scan(
        instance("i-app", EU),
        *all_on(EU)[:2],  # no analyzer record: its list call failed
        errors=(error(EU, "accessanalyzer", "ListAnalyzers"),),
        regions=(EU,),
    )
    findings, outcome = run("guardrail-off", result)
    assert findings == []
    assert outcome.status == "not-evaluated"
    assert "ListAnalyzers" in (outcome.reason or "")


# -- region-spend-unexplained ---------------------------------------------------------------------


def spend(region: str, **services: float) -> Resource:
    listed = [{"service": k.replace("_", " "), "amount": v} for k, v in services.items()]
    return resource(
        REGION_SPEND,
        "last-30-days",
        region,
        name="spend, last 30 days",
        total=round(sum(services.values()), 2),
        unit="USD",
        start="2026-05-02",
        end="2026-06-01",
        services=listed,
        tags={},
    )


def test_spend_in_a_region_with_only_aws_defaults_names_each_service_and_amount() -> None:
    au = "ap-southeast-2"
    result = scan(
        *default_vpc(au),
        spend(au, **{"Amazon Elastic Compute Cloud - Compute": 38.0, "EC2 - Other": 3.2}),
        # clean: EU is billed for EC2 and has an instance; a cent of rounding is not spend
        instance("i-app", EU),
        spend(EU, **{"Amazon Elastic Compute Cloud - Compute": 120.5, "AWS Lambda": 0.004}),
        regions=(EU, au),
    )
    findings, outcome = run("region-spend-unexplained", result)
    assert outcome.status == "evaluated"
    assert [(f.region, f.message) for f in findings] == [
        (
            au,
            "spend, last 30 days in ap-southeast-2: USD 41.20 billed that nothing found explains "
            "(the scan found nothing there but AWS defaults): Amazon Elastic Compute Cloud - "
            "Compute USD 38.00, EC2 - Other USD 3.20",
        )
    ]


def test_a_service_billed_where_none_of_its_resources_was_found_is_named() -> None:
    result = scan(
        instance("i-app", EU),
        spend(
            EU,
            **{
                "Amazon Elastic Compute Cloud - Compute": 120.0,  # explained by i-app
                "Amazon Relational Database Service": 96.0,  # no database in EU
                "Tax": 20.0,  # not a service of resources: not judged where resources are
            },
        ),
    )
    (message,) = messages("region-spend-unexplained", result)
    assert message.endswith(
        "(the scan found no resource of these services there): "
        "Amazon Relational Database Service USD 96.00"
    )


def test_without_cost_it_is_not_evaluated_and_a_partly_read_region_is_not_judged() -> None:
    findings, outcome = run("region-spend-unexplained", scan(instance("i-app", EU)))
    assert findings == [] and outcome.status == "not-evaluated"
    assert "--cost" in (outcome.reason or "")
    partial = scan(
        spend(EU, **{"Amazon Relational Database Service": 96.0}),
        errors=(error(EU, "rds", "DescribeDBInstances"),),
    )
    findings, outcome = run("region-spend-unexplained", partial)
    assert findings == [] and outcome.status == "not-evaluated"
    assert "eu-west-1 was only partly read" in (outcome.reason or "")
