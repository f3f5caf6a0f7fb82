"""AWS Budgets: account-wide (one call for the account, not per region)."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import GLOBAL_REGION, Resource, kinds
from awsexplorer.model.calls import (
    BUDGETS_DESCRIBE_BUDGETS,
    BUDGETS_DESCRIBE_NOTIFICATIONS_FOR_BUDGET,
)
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    Scope,
    attributes_of,
    collector,
    display_name,
)


def _amount(spend: dict[str, Any] | None) -> dict[str, Any] | None:
    if not spend:
        return None
    return {"amount": spend.get("Amount"), "unit": spend.get("Unit")}


def _notification(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": item.get("NotificationType"),  # ACTUAL or FORECASTED
        "threshold": item.get("Threshold"),
        "threshold_type": item.get("ThresholdType") or "PERCENTAGE",
        "comparison": item.get("ComparisonOperator"),
        "state": item.get("NotificationState"),
    }


def _summary(notifications: list[dict[str, Any]] | None) -> str | None:
    """'ACTUAL > 80%, FORECASTED > 100%' for the detail pane; 'none' when it has none."""
    if notifications is None:
        return None
    parts = []
    for n in notifications:
        unit = "%" if n["threshold_type"] == "PERCENTAGE" else ""
        parts.append(f"{n['type']} {n['threshold']}{unit}")
    return ", ".join(parts) or "none"


async def _notifications(ctx: CollectContext, name: str) -> list[dict[str, Any]] | None:
    try:
        found = await ctx.paginate_all(
            BUDGETS_DESCRIBE_NOTIFICATIONS_FOR_BUDGET,
            "Notifications",
            AccountId=ctx.account.id,
            BudgetName=name,
        )
    except CallFailure as failure:
        ctx.record(failure)
        return None  # not read: a check must not take it for "no alert"
    return [_notification(n) for n in found]


def _budget(
    ctx: CollectContext, budget: dict[str, Any], notifications: list[dict[str, Any]] | None
) -> Resource:
    name = str(budget["BudgetName"])
    spend = budget.get("CalculatedSpend") or {}
    attributes = attributes_of(budget)
    attributes.update(
        {
            "budget_type": budget.get("BudgetType"),
            "time_unit": budget.get("TimeUnit"),
            "limit": _amount(budget.get("BudgetLimit")),
            "actual_spend": _amount(spend.get("ActualSpend")),
            "forecasted_spend": _amount(spend.get("ForecastedSpend")),
            "notifications": notifications,
            "notification_summary": _summary(notifications),
        }
    )
    return Resource(
        arn=f"arn:{ctx.partition}:budgets::{ctx.account.id}:budget/{name}",
        type=kinds.BUDGET,
        id=name,
        name=display_name({}, name, name),
        region=GLOBAL_REGION,
        attributes=attributes,
    )


@collector(
    service="budgets",
    scope=Scope.GLOBAL,
    # Both answer to the one IAM action budgets:ViewBudget.
    calls=[BUDGETS_DESCRIBE_BUDGETS, BUDGETS_DESCRIBE_NOTIFICATIONS_FOR_BUDGET],
    types=[kinds.BUDGET],
)
async def collect_budgets(ctx: CollectContext) -> list[Resource]:
    budgets = await ctx.paginate_all(BUDGETS_DESCRIBE_BUDGETS, "Budgets", AccountId=ctx.account.id)
    return [_budget(ctx, b, await _notifications(ctx, str(b["BudgetName"]))) for b in budgets]
