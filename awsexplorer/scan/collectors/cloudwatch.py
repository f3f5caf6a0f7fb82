"""CloudWatch alarms (metric and composite), with what they watch and their state.

A billing alarm is a metric alarm on AWS/Billing EstimatedCharges; billing metrics exist only
in us-east-1, so that is where such an alarm is found."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import CLOUDWATCH_DESCRIBE_ALARMS
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
    display_name,
)


def _metric_fields(alarm: dict[str, Any]) -> dict[str, Any]:
    """Namespace, metric and dimensions; for a metric-math alarm, those of its first metric."""
    namespace = alarm.get("Namespace")
    metric_name = alarm.get("MetricName")
    dimensions = alarm.get("Dimensions") or []
    if not metric_name:
        for query in alarm.get("Metrics") or []:
            metric = (query.get("MetricStat") or {}).get("Metric") or {}
            if metric.get("MetricName"):
                namespace = metric.get("Namespace")
                metric_name = metric.get("MetricName")
                dimensions = metric.get("Dimensions") or []
                break
    return {
        "namespace": namespace,
        "metric_name": metric_name,
        "dimensions": [{"name": d.get("Name"), "value": d.get("Value")} for d in dimensions],
    }


def _alarm(ctx: CollectContext, alarm: dict[str, Any], kind: str) -> Resource:
    name = str(alarm["AlarmName"])
    attributes = attributes_of(alarm)
    attributes.update(
        {
            "alarm_type": kind,
            "state": alarm.get("StateValue"),
            "actions_enabled": bool(alarm.get("ActionsEnabled")),
            "alarm_actions": list(alarm.get("AlarmActions") or []),
            "threshold": alarm.get("Threshold"),
            "comparison": alarm.get("ComparisonOperator"),
            "statistic": alarm.get("Statistic"),
            "period": alarm.get("Period"),
        }
    )
    if kind == "metric":
        attributes.update(_metric_fields(alarm))
    else:
        attributes.update(
            {
                "namespace": None,
                "metric_name": None,
                "dimensions": [],
                "rule": alarm.get("AlarmRule"),
            }
        )
    return Resource(
        arn=str(alarm.get("AlarmArn") or ctx.arn("cloudwatch", f"alarm:{name}")),
        type=kinds.ALARM,
        id=name,
        name=display_name({}, name, name),
        region=ctx.region,
        attributes=attributes,
    )


@collector(service="cloudwatch", calls=[CLOUDWATCH_DESCRIBE_ALARMS], types=[kinds.ALARM])
async def collect_alarms(ctx: CollectContext) -> list[Resource]:
    # One paged call for both kinds (each page holds both lists), not one call per kind.
    metric: list[dict[str, Any]] = []
    composite: list[dict[str, Any]] = []
    async for page in ctx.pages(
        CLOUDWATCH_DESCRIBE_ALARMS, AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    ):
        metric += page.get("MetricAlarms") or []
        composite += page.get("CompositeAlarms") or []
    return [_alarm(ctx, a, "metric") for a in metric] + [
        _alarm(ctx, a, "composite") for a in composite
    ]
