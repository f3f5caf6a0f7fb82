"""Step Functions state machines: ListStateMachines names them, one DescribeStateMachine per
machine gives its role, logging and definition. From the definition only the Task states are
kept (name, what each calls, whether it has Retry and Catch), never the definition's text: its
Parameters may hold literal values nobody meant to publish. What the tasks call becomes links.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Mapping
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    SFN_DESCRIBE_STATE_MACHINE,
    SFN_LIST_STATE_MACHINES,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import CollectContext, attributes_of, collector

# Service integrations (arn:aws:states:::SERVICE:ACTION) and the parameter naming what they call.
_INTEGRATION_TARGET = {
    "lambda": "FunctionName",
    "sqs": "QueueUrl",
    "sns": "TopicArn",
    "states": "StateMachineArn",
    "dynamodb": "TableName",
    "events": None,  # putEvents: the bus is in the entries
}


def _states(container: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every state of a definition, those inside Parallel branches and Map iterators too."""
    for name, state in (container.get("States") or {}).items():
        if not isinstance(state, Mapping):
            continue
        yield str(name), state
        for branch in state.get("Branches") or []:
            if isinstance(branch, Mapping):
                yield from _states(branch)
        for key in ("Iterator", "ItemProcessor"):
            inner = state.get(key)
            if isinstance(inner, Mapping):
                yield from _states(inner)


def _unqualified_function(ctx: CollectContext, value: str) -> str:
    """A function's ARN without its version or alias, from an ARN, a partial ARN
    (ACCOUNT:function:NAME) or a name, each maybe qualified (NAME:alias, NAME:$LATEST)."""
    if value.startswith("arn:"):
        return ":".join(value.split(":")[:7])
    parts = value.split(":")
    name = parts[2] if len(parts) >= 3 and parts[1] == "function" else parts[0]
    return ctx.arn("lambda", f"function:{name}")


def _queue_arn(url: str) -> str | None:
    """https://sqs.REGION.amazonaws.com/ACCOUNT/NAME -> its ARN (None if it is not one)."""
    parts = url.split("/")
    if len(parts) < 5 or not parts[2].startswith("sqs."):
        return None
    region = parts[2].split(".")[1]
    return f"arn:aws:sqs:{region}:{parts[3]}:{parts[4]}"


def task_target(ctx: CollectContext, state: Mapping[str, Any]) -> str | None:
    """The ARN a Task state calls, when the definition names it (not a JSONPath `.$`)."""
    resource = str(state.get("Resource") or "")
    if not resource.startswith("arn:"):
        return None
    parts = resource.split(":")
    if len(parts) < 6:
        return None
    if parts[2] == "lambda":
        return _unqualified_function(ctx, resource)
    if parts[2] != "states" or parts[3]:  # an activity, or another service's own ARN
        return resource
    service = parts[5]  # arn:aws:states:::SERVICE:ACTION[.waitForTaskToken]
    key = _INTEGRATION_TARGET.get(service)
    params = state.get("Parameters") or state.get("Arguments") or {}
    value = params.get(key) if key and isinstance(params, Mapping) else None
    if not isinstance(value, str) or not value:
        return None
    if service == "lambda":
        return _unqualified_function(ctx, value)
    if service == "sqs":
        return _queue_arn(value)
    if service == "dynamodb" and not value.startswith("arn:"):
        return ctx.arn("dynamodb", f"table/{value}")
    return value


def task_states(ctx: CollectContext, definition: Any) -> list[dict[str, Any]] | None:
    """[{name, resource, target, retry, catch}] of every Task state; None if unparseable."""
    try:
        parsed = json.loads(definition) if isinstance(definition, str) else None
    except ValueError:
        return None
    if not isinstance(parsed, Mapping):
        return None
    return [
        {
            "name": name,
            "resource": str(state.get("Resource") or "") or None,
            "target": task_target(ctx, state),
            "retry": bool(state.get("Retry")),
            "catch": bool(state.get("Catch")),
        }
        for name, state in _states(parsed)
        if state.get("Type") == "Task"
    ]


def machine_attributes(
    ctx: CollectContext, listed: dict[str, Any], described: dict[str, Any] | None
) -> dict[str, Any]:
    merged = {**listed, **(described or {})}
    tasks = None if described is None else task_states(ctx, described.get("definition"))
    attributes = attributes_of(merged, drop=("definition", "tags"))
    links: list[dict[str, str]] = []
    for task in tasks or []:
        link = {"kind": kinds.TASK_LINK, "arn": task["target"]}
        if task["target"] and link not in links:
            links.append(link)
    logging = (described or {}).get("loggingConfiguration") or {}
    tracing = (described or {}).get("tracingConfiguration") or {}
    attributes.update(
        {
            "status": merged.get("status"),
            "machine_type": merged.get("type"),
            kinds.ROLE: merged.get("roleArn"),
            "logging_level": logging.get("level") if described is not None else None,
            "tracing": bool(tracing.get("enabled")) if described is not None else None,
            "task_states": tasks,
            "unhandled_tasks": None
            if tasks is None
            else [t["name"] for t in tasks if not t["retry"] and not t["catch"]],
            kinds.LINKS: links,
        }
    )
    if described is None:
        attributes["definition_unknown"] = True
    return attributes


@collector(
    service="stepfunctions",
    calls=[SFN_LIST_STATE_MACHINES, SFN_DESCRIBE_STATE_MACHINE, TAGGING_GET_RESOURCES],
    types=[kinds.STATE_MACHINE],
)
async def collect_state_machines(ctx: CollectContext) -> list[Resource]:
    listed = await ctx.paginate_all(SFN_LIST_STATE_MACHINES, "stateMachines")
    if not listed:
        return []
    described, tags = await asyncio.gather(
        asyncio.gather(
            *(
                ctx.try_call(SFN_DESCRIBE_STATE_MACHINE, stateMachineArn=m["stateMachineArn"])
                for m in listed
            )
        ),
        tags_by_arn(ctx, kinds.STATE_MACHINE),
    )
    return [
        tagged_resource(
            ctx,
            arn=str(item["stateMachineArn"]),
            rtype=kinds.STATE_MACHINE,
            name=str(item.get("name") or item["stateMachineArn"].rsplit(":", 1)[-1]),
            tags=tags,
            attributes=machine_attributes(ctx, item, detail),
        )
        for item, detail in zip(listed, described, strict=True)
    ]
