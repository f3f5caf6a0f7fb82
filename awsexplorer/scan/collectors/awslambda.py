"""Lambda functions. Environment variable VALUES never leave this module: each variable is
judged (does its name or its value look like a credential?) and only the name and the verdict
are kept. The values are dropped before the Resource is built, so they cannot reach the
snapshot, the UI or a log."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    LAMBDA_GET_FUNCTION_EVENT_INVOKE_CONFIG,
    LAMBDA_GET_FUNCTION_URL_CONFIG,
    LAMBDA_GET_POLICY,
    LAMBDA_LIST_EVENT_SOURCE_MAPPINGS,
    LAMBDA_LIST_FUNCTIONS,
    TAGGING_GET_RESOURCES,
)
from awsexplorer.scan.collectors._tagging import tagged_resource, tags_by_arn
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
)

# Words in a variable name that say "this holds a credential".
_SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_?KEY",
)
# Names that point at a secret kept elsewhere (Secrets Manager, SSM, a file): good practice,
# not a leak. DB_PASSWORD_SECRET_ARN names a secret; it does not hold one.
_REFERENCE_SUFFIX = re.compile(r"_(ARN|NAME|ID|PATH|FILE|URL|URI|PARAM|PARAMETER|KEY_ID|REF)$")
_REFERENCE_VALUE = re.compile(r"^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:)")
# Values that are credentials whatever the variable is called.
_SECRET_VALUE = re.compile(
    r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"  # an AWS access key id
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}"  # GitHub tokens
    r"|\bgithub_pat_[A-Za-z0-9_]{30,}"
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"  # Slack tokens
    r"|\b[sr]k_live_[A-Za-z0-9]{16,}"  # Stripe live keys
)


def judge_variable(name: str, value: object) -> dict[str, Any]:
    """{"name", "looks_secret", "reason"} for one variable; the value is looked at, not kept."""
    text = value if isinstance(value, str) else ""
    if _SECRET_VALUE.search(text):
        return {"name": name, "looks_secret": True, "reason": "value"}
    upper = name.upper().replace("-", "_")
    if (
        _SECRET_NAME.search(upper)
        and not _REFERENCE_SUFFIX.search(upper)
        and not _REFERENCE_VALUE.match(text)
        and text != ""
    ):
        return {"name": name, "looks_secret": True, "reason": "name"}
    return {"name": name, "looks_secret": False, "reason": None}


def environment_names(function: dict[str, Any]) -> list[dict[str, Any]]:
    variables = (function.get("Environment") or {}).get("Variables") or {}
    return [judge_variable(str(name), variables[name]) for name in sorted(variables)]


def _without_values(function: dict[str, Any]) -> dict[str, Any]:
    """The function's fields minus every environment value (an Error from KMS is kept)."""
    raw = {k: v for k, v in function.items() if k != "Environment"}
    error = (function.get("Environment") or {}).get("Error")
    if error:
        raw["Environment"] = {"Error": error}
    return raw


def function_attributes(function: dict[str, Any]) -> dict[str, Any]:
    """A ListFunctions item as attributes: raw fields minus environment values, plus ours."""
    vpc = function.get("VpcConfig") or {}
    attributes = attributes_of(_without_values(function))
    attributes.update(
        {
            "runtime": function.get("Runtime"),
            "state": function.get("State"),  # ListFunctions leaves it out on AWS: None
            "timeout": function.get("Timeout"),
            "package_type": function.get("PackageType"),
            "role": function.get("Role"),
            "subnet_ids": [str(s) for s in vpc.get("SubnetIds") or []],
            "security_groups": [str(g) for g in vpc.get("SecurityGroupIds") or []],
            "kms_key_arn": function.get("KMSKeyArn"),
            "dead_letter_target": (function.get("DeadLetterConfig") or {}).get("TargetArn"),
            "environment": environment_names(function),
        }
    )
    return attributes


_NOT_FOUND = ("ResourceNotFoundException",)  # no URL, no resource policy: nothing set


def _policy(text: object) -> dict[str, Any] | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"unparsed": text}
    return parsed if isinstance(parsed, dict) else {"unparsed": text}


async def _invoke_config(ctx: CollectContext, name: str) -> dict[str, Any]:
    """Where a failed (or successful) asynchronous invocation's record goes, and the retry
    bounds; `event_invoke_config_unknown` when it could not be read (the error is recorded)."""
    try:
        config = await ctx.call(LAMBDA_GET_FUNCTION_EVENT_INVOKE_CONFIG, FunctionName=name)
    except CallFailure as failure:
        if failure.code in _NOT_FOUND:
            config = {}  # none set: the defaults (2 retries, 6 hours, no destination)
        else:
            ctx.record(failure)
            return {"on_failure_destination": None, "event_invoke_config_unknown": True}
    destinations = config.get("DestinationConfig") or {}
    return {
        "on_failure_destination": (destinations.get("OnFailure") or {}).get("Destination"),
        "on_success_destination": (destinations.get("OnSuccess") or {}).get("Destination"),
        "async_max_retries": config.get("MaximumRetryAttempts"),
        "async_max_event_age_s": config.get("MaximumEventAgeInSeconds"),
    }


async def _url_and_policy(ctx: CollectContext, name: str) -> dict[str, Any]:
    """The function URL's auth type (None: no URL), the resource policy (None: none) and the
    asynchronous invocation settings."""
    url, policy, invoke = await asyncio.gather(
        ctx.try_call(LAMBDA_GET_FUNCTION_URL_CONFIG, FunctionName=name, ignore_codes=_NOT_FOUND),
        ctx.try_call(LAMBDA_GET_POLICY, FunctionName=name, ignore_codes=_NOT_FOUND),
        _invoke_config(ctx, name),
    )
    return {
        "url_auth_type": (url or {}).get("AuthType"),
        "url": (url or {}).get("FunctionUrl"),
        "policy": _policy((policy or {}).get("Policy")),
        **invoke,
    }


def _function_links(attributes: dict[str, Any]) -> list[dict[str, str]]:
    """Where failed asynchronous invocations go: the dead-letter queue, the on-failure
    destination."""
    return [
        {"kind": kind, "arn": str(arn)}
        for kind, arn in (
            (kinds.DEAD_LETTER_LINK, attributes.get("dead_letter_target")),
            (kinds.ON_FAILURE_LINK, attributes.get("on_failure_destination")),
        )
        if arn
    ]


def _function(
    ctx: CollectContext,
    function: dict[str, Any],
    tags: dict[str, dict[str, str]] | None,
    extra: dict[str, Any],
) -> Resource:
    name = str(function["FunctionName"])
    arn = str(function.get("FunctionArn") or ctx.arn("lambda", f"function:{name}"))
    attributes = function_attributes(function)
    attributes.update(extra)
    attributes[kinds.LINKS] = _function_links(attributes)
    subnet_ids = attributes["subnet_ids"]
    return tagged_resource(
        ctx,
        arn=arn,
        rtype=kinds.FUNCTION,
        name=name,
        tags=tags,
        attributes=attributes,
        vpc_id=(function.get("VpcConfig") or {}).get("VpcId") or None,
        subnet_id=subnet_ids[0] if subnet_ids else None,
    )


@collector(
    service="lambda",
    calls=[
        LAMBDA_LIST_FUNCTIONS,
        TAGGING_GET_RESOURCES,
        LAMBDA_GET_FUNCTION_URL_CONFIG,
        LAMBDA_GET_POLICY,
        LAMBDA_GET_FUNCTION_EVENT_INVOKE_CONFIG,
    ],
    types=[kinds.FUNCTION],
)
async def collect_functions(ctx: CollectContext) -> list[Resource]:
    functions = await ctx.paginate_all(LAMBDA_LIST_FUNCTIONS, "Functions")
    if not functions:
        return []
    tags, extras = await asyncio.gather(
        tags_by_arn(ctx, kinds.FUNCTION),
        asyncio.gather(*(_url_and_policy(ctx, str(f["FunctionName"])) for f in functions)),
    )
    return [_function(ctx, f, tags, e) for f, e in zip(functions, extras, strict=True)]


def mapping_attributes(mapping: dict[str, Any]) -> dict[str, Any]:
    """An event source mapping, its wiring as links: from its source, to its function, and
    where a failed batch goes."""
    source = mapping.get("EventSourceArn")
    function = mapping.get("FunctionArn")
    on_failure = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
        "Destination"
    )
    links = [
        {"kind": kind, "arn": str(arn)}
        for kind, arn in (("source", source), ("invokes", function), ("on-failure", on_failure))
        if arn
    ]
    attributes = attributes_of(mapping)
    attributes.update(
        {
            "state": mapping.get("State"),
            "function_arn": function,
            "source_arn": source,
            "batch_size": mapping.get("BatchSize"),
            "on_failure": on_failure,
            "maximum_retry_attempts": mapping.get("MaximumRetryAttempts"),
            "maximum_record_age_seconds": mapping.get("MaximumRecordAgeInSeconds"),
            "bisect_on_error": mapping.get("BisectBatchOnFunctionError"),
            "links": links,
        }
    )
    return attributes


def source_name(arn: str) -> str:
    """How a mapping's name shows its source: a queue's or stream's name; a DynamoDB stream as
    its table's ("orders stream"), not the timestamp that ends its ARN."""
    if ":dynamodb:" in arn and "/stream/" in arn:
        return f"{arn.split('/stream/', 1)[0].rsplit('/', 1)[-1]} stream"
    return arn.rsplit(":", 1)[-1]


def _mapping(ctx: CollectContext, mapping: dict[str, Any]) -> Resource:
    uuid = str(mapping["UUID"])
    source = str(mapping.get("EventSourceArn") or "")
    function = str(mapping.get("FunctionArn") or "").rsplit(":", 1)[-1]
    natural = f"{source_name(source)} -> {function}" if source and function else uuid
    return Resource(
        arn=str(
            mapping.get("EventSourceMappingArn")
            or ctx.arn("lambda", f"event-source-mapping:{uuid}")
        ),
        type=kinds.EVENT_SOURCE_MAPPING,
        id=uuid,
        name=natural,
        region=ctx.region,
        attributes=mapping_attributes(mapping),
    )


@collector(
    service="lambda",
    calls=[LAMBDA_LIST_EVENT_SOURCE_MAPPINGS],
    types=[kinds.EVENT_SOURCE_MAPPING],
)
async def collect_event_source_mappings(ctx: CollectContext) -> list[Resource]:
    mappings = await ctx.paginate_all(LAMBDA_LIST_EVENT_SOURCE_MAPPINGS, "EventSourceMappings")
    return [_mapping(ctx, m) for m in mappings]
