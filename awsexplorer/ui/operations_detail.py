"""Detail-pane rows for operations facts (model/operations.py): whether Systems Manager manages
an EC2 instance, and a region's spend when the scan read it (--cost). Text is built from data
with Text/inert, never markup."""

from __future__ import annotations

from rich.console import RenderableType

from awsexplorer.inert import inert
from awsexplorer.model import Resource
from awsexplorer.model.kinds import INSTANCE, REGION_SPEND, SSM_MANAGED_INSTANCE
from awsexplorer.model.operations import managed_instances, spend_of, ssm_status, ssm_unread
from awsexplorer.ui.state import ExplorerState

Row = tuple[str, RenderableType | str | None]
TOP_SERVICES = 3  # the region detail names the largest few; the record holds every one


def operations_rows(state: ExplorerState, resource: Resource) -> list[Row]:
    """`Systems Manager: managed (Online, agent 3.3)` for an EC2 instance; nothing otherwise."""
    if resource.type != INSTANCE:
        return []
    managed = managed_instances(state.resources_of(resource.region, SSM_MANAGED_INSTANCE))
    view = state.regions.get(resource.region)
    unread = ssm_unread(view.errors if view else (), resource.region)
    return [("SSM", inert(ssm_status(resource, managed, unread).text, limit=120))]


def spend_rows(state: ExplorerState, region: str) -> list[Row]:
    """`spend 30 days: USD 412.80 (EC2 - Compute 380.10, ...)` when --cost read it."""
    records = state.resources_of(region, REGION_SPEND)
    if not records:
        return []
    record = records[0]
    unit = inert(str(record.attributes.get("unit") or "USD"), limit=8)
    total = record.attributes.get("total")
    if not isinstance(total, int | float):
        return []
    top = ", ".join(
        f"{inert(service, limit=40)} {amount:,.2f}"
        for service, amount in spend_of(record)[:TOP_SERVICES]
    )
    return [("spend 30 days", f"{unit} {total:,.2f}" + (f" ({top})" if top else ""))]
