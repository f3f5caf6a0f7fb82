"""AWS Budgets: account-wide (one call for the account, not per region)."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import GLOBAL_REGION, Resource, kinds
from awsexplorer.model.calls import BUDGETS_DESCRIBE_BUDGETS
from awsexplorer.scan.collectors.base import (
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


def _budget(ctx: CollectContext, budget: dict[str, Any]) -> Resource:
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
    calls=[BUDGETS_DESCRIBE_BUDGETS],  # its IAM action is budgets:ViewBudget
    types=[kinds.BUDGET],
)
async def collect_budgets(ctx: CollectContext) -> list[Resource]:
    budgets = await ctx.paginate_all(BUDGETS_DESCRIBE_BUDGETS, "Budgets", AccountId=ctx.account.id)
    return [_budget(ctx, b) for b in budgets]
