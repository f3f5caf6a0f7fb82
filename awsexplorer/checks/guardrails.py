"""Guardrails and spend: patching, budget alerts, the per-region detective services, and spend
the scan cannot explain (issue 13)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from awsexplorer.checks.api import CheckContext, NotEvaluated, Outcome, flag, label, unknown
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.calls import (
    ACCESSANALYZER_LIST_ANALYZERS,
    BUDGETS_DESCRIBE_BUDGETS,
    BUDGETS_DESCRIBE_NOTIFICATIONS_FOR_BUDGET,
    CE_GET_COST_AND_USAGE,
    CONFIG_DESCRIBE_CONFIGURATION_RECORDER_STATUS,
    CONFIG_DESCRIBE_CONFIGURATION_RECORDERS,
    EC2_DESCRIBE_INSTANCES,
    GUARDDUTY_GET_DETECTOR,
    GUARDDUTY_LIST_DETECTORS,
    SSM_DESCRIBE_INSTANCE_INFORMATION,
)
from awsexplorer.model.defaults import default_vpcs, is_aws_default, only_aws_defaults
from awsexplorer.model.operations import managed_instances, spend_of, unexplained_spend

# -- Systems Manager ---------------------------------------------------------------------------


@check(
    id="ec2-instance-unmanaged",
    title="Instance not managed by Systems Manager",
    severity=Severity.LOW,
    types=[kinds.INSTANCE, kinds.SSM_MANAGED_INSTANCE],
    remediation=(
        "Give the instance a role with the AmazonSSMManagedInstanceCore policy (`aws ec2 "
        "associate-iam-instance-profile --instance-id ID --iam-instance-profile "
        "Name=PROFILE`), make sure the SSM agent runs and can reach Systems Manager (a NAT or "
        "the ssm, ssmmessages and ec2messages VPC endpoints), then check it reports in: `aws "
        "ssm describe-instance-information --filters Key=InstanceIds,Values=ID`."
    ),
    inputs=[EC2_DESCRIBE_INSTANCES, SSM_DESCRIBE_INSTANCE_INFORMATION],
    placeholders={"ID": "id"},
)
def ec2_instance_unmanaged(ctx: CheckContext) -> Iterator[Outcome]:
    """A running instance that no Systems Manager agent reports for gets no Patch Manager
    patching, no inventory and no Session Manager access: it drifts behind on security fixes
    and is reached by SSH, if at all. Instances in a region where DescribeInstanceInformation
    could not be read are not judged."""
    managed = managed_instances(ctx.of_type(kinds.SSM_MANAGED_INSTANCE))
    unread = {e.region for e in ctx.errors(SSM_DESCRIBE_INSTANCE_INFORMATION)}
    for instance in ctx.of_type(kinds.INSTANCE):
        if instance.attributes.get(kinds.STATE) != "running":
            continue
        if (instance.region, instance.id) in managed:
            continue
        if instance.region in unread or instance.region in ctx.failed_regions:
            yield unknown(instance, f"Systems Manager not read in {instance.region}")
            continue
        yield flag(
            instance,
            f"instance {label(instance)} in {instance.region} is running but Systems Manager "
            "does not manage it (no SSM agent reports in): no patching, no Session Manager",
        )


# -- budgets -------------------------------------------------------------------------------------


def _alerts(budget: Resource) -> str:
    return str(budget.attributes.get("notification_summary") or "none")


@check(
    id="budget-no-forecast-alert",
    title="No budget alerts on forecasted spend",
    severity=Severity.LOW,
    types=[kinds.BUDGET],
    remediation=(
        "Add a FORECASTED alert to a budget: `aws budgets create-notification --account-id "
        "ACCOUNT --budget-name BUDGET --notification NotificationType=FORECASTED,"
        "ComparisonOperator=GREATER_THAN,Threshold=100,ThresholdType=PERCENTAGE --subscribers "
        "SubscriptionType=EMAIL,Address=you@example.com`."
    ),
    inputs=[BUDGETS_DESCRIBE_BUDGETS, BUDGETS_DESCRIBE_NOTIFICATIONS_FOR_BUDGET],
    placeholders={"BUDGET": "id"},
)
def budget_no_forecast_alert(ctx: CheckContext) -> Iterator[Outcome]:
    """Budgets exist, but none notifies on FORECASTED spend: an alert on ACTUAL spend arrives
    once the money is spent, a forecast alert while there is still time to act. No budget at all
    is billing-alarm-missing's finding, not this one."""
    budgets = ctx.of_type(kinds.BUDGET)
    if not budgets:
        return
    unread = [b for b in budgets if b.attributes.get("notifications") is None]
    forecasting = [
        b
        for b in budgets
        if any(
            isinstance(n, dict) and n.get("type") == "FORECASTED"
            for n in b.attributes.get("notifications") or []
        )
    ]
    if forecasting:
        return
    for budget in unread:
        yield unknown(budget, "its notifications could not be read")
    if unread:
        return
    for budget in budgets:
        yield flag(
            budget,
            f"budget {label(budget)} alerts only on {_alerts(budget)} and no budget of the "
            "account alerts on FORECASTED spend: the warning comes after the money is spent",
        )


# -- GuardDuty, Config, Access Analyzer per region ---------------------------------------------

GUARDRAILS = (
    (kinds.GUARDDUTY_DETECTOR, "GuardDuty", "detector {} suspended"),
    (kinds.CONFIG_RECORDER, "AWS Config", "recorder {} not recording"),
    (kinds.ACCESS_ANALYZER, "IAM Access Analyzer", "analyzer {} not active"),
)


def holds_resources(resources: list[Resource]) -> bool:
    """Something of the user's is in the region (not only what AWS creates by itself)."""
    return bool(resources) and not only_aws_defaults(resources)


@check(
    id="guardrail-off",
    title="GuardDuty, Config or Access Analyzer off in a used region",
    severity=Severity.MEDIUM,
    types=[kinds.GUARDDUTY_DETECTOR, kinds.CONFIG_RECORDER, kinds.ACCESS_ANALYZER],
    remediation=(
        "Turn on what is off in the region: `aws guardduty create-detector --enable --region "
        "REGION`; `aws configservice put-configuration-recorder --configuration-recorder "
        "name=default,roleARN=ROLE_ARN --recording-group allSupported=true --region REGION` "
        "(with a delivery channel) then `aws configservice start-configuration-recorder "
        "--configuration-recorder-name default --region REGION`; `aws accessanalyzer "
        "create-analyzer --analyzer-name account --type ACCOUNT --region REGION`."
    ),
    inputs=[
        GUARDDUTY_LIST_DETECTORS,
        GUARDDUTY_GET_DETECTOR,
        CONFIG_DESCRIBE_CONFIGURATION_RECORDERS,
        CONFIG_DESCRIBE_CONFIGURATION_RECORDER_STATUS,
        ACCESSANALYZER_LIST_ANALYZERS,
    ],
    placeholders={"REGION": "region"},
)
def guardrail_off(ctx: CheckContext) -> Iterator[Outcome]:
    """GuardDuty (threat detection), AWS Config (the record of what changed) and IAM Access
    Analyzer (what is shared outside the account) work per region: a region that runs something
    without them is where an intruder or a forgotten public resource goes unseen. One finding
    per region that holds resources of yours, naming what is off; regions with only AWS
    defaults are left alone."""
    by_region: dict[str, list[Resource]] = defaultdict(list)
    for resource in ctx.inventory:
        by_region[resource.region].append(resource)
    for region in sorted(ctx.scanned_regions):
        resources = by_region.get(region, [])
        if not holds_resources(resources):
            continue
        off: list[tuple[Resource, str]] = []
        for rtype, title, stopped in GUARDRAILS:
            records = [r for r in resources if r.type == rtype]
            if not records or any(r.attributes.get("enabled") for r in records):
                continue  # not read (the error makes the check not evaluated) or on
            if any(r.attributes.get("enabled") is None for r in records):
                yield unknown(records[0], f"{title}'s status not read in {region}")
                continue
            record = records[0]
            # An absent service's record is named for it ("GuardDuty: no detector").
            what = (
                f"{title}: {stopped.format(record.id)}"
                if record.attributes.get("present")
                else record.name
            )
            off.append((record, what))
        if off:
            defaults = default_vpcs(resources)
            mine = sum(1 for r in resources if not is_aws_default(r, defaults))
            names = "; ".join(what for _, what in off)
            yield flag(
                off[0][0],
                f"{region} holds {mine} resource{'' if mine == 1 else 's'} of yours but "
                f"guardrails are off there: {names}",
            )


# -- spend -----------------------------------------------------------------------------------------


def _money(amount: float, unit: str) -> str:
    return f"{unit} {amount:,.2f}"


@check(
    id="region-spend-unexplained",
    title="Spend in a region the scan cannot explain (--cost)",
    severity=Severity.HIGH,
    types=[kinds.REGION_SPEND],
    remediation=(
        "Find what is billed there: `aws resourcegroupstaggingapi get-resources --region "
        "REGION` lists what is tagged, and `aws ce get-cost-and-usage --time-period "
        "Start=FIRST_DAY,End=LAST_DAY --granularity MONTHLY --metrics UnblendedCost --group-by "
        "Type=DIMENSION,Key=USAGE_TYPE --filter file://region.json` names the usage types; "
        "then delete what nobody owns."
    ),
    inputs=[CE_GET_COST_AND_USAGE],
    placeholders={"REGION": "region"},
)
def region_spend_unexplained(ctx: CheckContext) -> Iterator[Outcome]:
    """Only with --cost (Cost Explorer, last 30 days). A region billed while the scan found
    nothing there but AWS defaults is the bill that reveals a forgotten region; a service billed
    in a region where none of its resources was found (Cost Explorer service names mapped to
    types in model/operations.py) is something the scan cannot see, or something stopped but
    still billed. Names each service and its amount. A region only partly read is not judged."""
    records = ctx.of_type(kinds.REGION_SPEND)
    if not records and not ctx.errors(CE_GET_COST_AND_USAGE):
        raise NotEvaluated("spend not read: scan with --cost (one Cost Explorer call, USD 0.01)")
    by_region: dict[str, list[Resource]] = defaultdict(list)
    for resource in ctx.inventory:
        by_region[resource.region].append(resource)
    partial = {e.region for e in ctx.result.errors}
    for record in records:
        region = record.region
        if region not in ctx.scanned_regions or not spend_of(record):
            continue
        if region in partial or region in ctx.failed_regions:
            yield unknown(record, f"{region} was only partly read")
            continue
        resources = by_region.get(region, [])
        defaults_only = not holds_resources(resources)
        missing = unexplained_spend(record, resources, defaults_only)
        if not missing:
            continue
        unit = str(record.attributes.get("unit") or "USD")
        total = sum(amount for _, amount in missing)
        listed = ", ".join(f"{service} {_money(amount, unit)}" for service, amount in missing)
        why = (
            "the scan found nothing there but AWS defaults"
            if defaults_only
            else "the scan found no resource of these services there"
        )
        yield flag(
            record,
            f"{record.name} in {region}: {_money(total, unit)} billed that nothing found "
            f"explains ({why}): {listed}",
        )
