"""API Gateway REST APIs, with their stages (WAF web ACL and settings per stage) and their
integrations as links (a Lambda integration links the API to the function, with its timeout).

List first: a region without a REST API costs one GetRestApis. For each API that exists, one
GetStages and the resources with their methods embedded (GetResources, paged)."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from awsexplorer.model import Resource
from awsexplorer.model.calls import (
    APIGATEWAY_GET_RESOURCES,
    APIGATEWAY_GET_REST_APIS,
    APIGATEWAY_GET_STAGES,
)
from awsexplorer.model.kinds import INTEGRATION_LINK, LINKS, REST_API
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
    display_name,
    json_safe,
)

# arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/<function arn>/invocations
_LAMBDA_IN_URI = re.compile(
    r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?"
)


def integration_target(uri: Any) -> str | None:
    """The ARN an integration's URI invokes: a Lambda function out of API Gateway's invocation
    path, or the URI itself when it is an ARN (an ALB listener, a Step Functions action...);
    None for an HTTP URL or a mock."""
    if not isinstance(uri, str) or not uri:
        return None
    found = _LAMBDA_IN_URI.search(uri)
    if found:
        return found.group()
    if uri.startswith("arn:") and ":apigateway:" not in uri:
        return uri
    return None


def _json(text: Any) -> Any:
    if not isinstance(text, str) or not text:
        return None
    # A REST API's policy comes back with its quotes escaped (\\"), on moto as plain JSON.
    for candidate in (text, text.replace('\\"', '"')):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def stage_arn(ctx: CollectContext, api_id: str, stage: str) -> str:
    return f"arn:{ctx.partition}:apigateway:{ctx.region}::/restapis/{api_id}/stages/{stage}"


def _stage(ctx: CollectContext, api_id: str, stage: dict[str, Any]) -> dict[str, Any]:
    name = str(stage.get("stageName") or "")
    settings = (stage.get("methodSettings") or {}).get("*/*") or {}
    return {
        "name": name,
        "arn": stage_arn(ctx, api_id, name),
        "deployment_id": stage.get("deploymentId"),
        "web_acl_arn": stage.get("webAclArn") or None,
        "tracing": bool(stage.get("tracingEnabled")),
        "cache_cluster": bool(stage.get("cacheClusterEnabled")),
        "access_logs": bool((stage.get("accessLogSettings") or {}).get("destinationArn")),
        "logging_level": settings.get("loggingLevel"),
        "throttling_rate_limit": settings.get("throttlingRateLimit"),
        "throttling_burst_limit": settings.get("throttlingBurstLimit"),
        "client_certificate": stage.get("clientCertificateId") or None,
        "tags": {str(k): str(v) for k, v in (stage.get("tags") or {}).items()},
    }


def integration_link(
    uri: Any, integration_type: Any, timeout_ms: Any, **where: Any
) -> dict[str, Any] | None:
    """The link to what one integration invokes (REST API and API Gateway v2 alike), `where`
    naming the integration (its method, or its id); None when it invokes no AWS resource."""
    target = integration_target(uri)
    if not target:
        return None
    return {
        "kind": INTEGRATION_LINK,
        "arn": target,
        **where,
        "integration_type": integration_type,
        "timeout_ms": timeout_ms,
    }


def api_resource(
    ctx: CollectContext,
    *,
    rtype: str,
    path: str,
    api_id: str,
    name: str,
    tags: dict[str, str],
    attributes: dict[str, Any],
    stages_known: bool,
    integrations_known: bool,
) -> Resource:
    """The Resource of one API (REST or v2) at `/path/api_id`, marking the parts whose calls
    failed as unknown."""
    if not stages_known:
        attributes["stages_unknown"] = True
    if not integrations_known:
        attributes["integrations_unknown"] = True
    return Resource(
        arn=f"arn:{ctx.partition}:apigateway:{ctx.region}::/{path}/{api_id}",
        type=rtype,
        id=api_id,
        name=display_name(tags, name, api_id),
        region=ctx.region,
        tags=tags,
        attributes=attributes,
    )


def integration_links(resources: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The links to what the API's methods invoke, and how many integrations it has."""
    links: list[dict[str, Any]] = []
    count = 0
    for item in resources:
        for verb, method in sorted((item.get("resourceMethods") or {}).items()):
            integration = (method or {}).get("methodIntegration")
            if not integration:
                continue
            count += 1
            link = integration_link(
                integration.get("uri"),
                integration.get("type"),
                integration.get("timeoutInMillis"),
                method=f"{verb} {item.get('path')}",
            )
            if link:
                links.append(link)
    return links, count


async def _details(
    ctx: CollectContext, api_id: str
) -> tuple[list[dict[str, Any]] | None, list[dict[str, Any]] | None]:
    """(stages, resources with methods) of one API; None for a part whose call failed."""

    async def stages() -> list[dict[str, Any]] | None:
        response = await ctx.try_call(APIGATEWAY_GET_STAGES, restApiId=api_id)
        return None if response is None else list(response.get("item") or [])

    async def resources() -> list[dict[str, Any]] | None:
        try:
            return await ctx.paginate_all(
                APIGATEWAY_GET_RESOURCES, "items", restApiId=api_id, embed=["methods"]
            )
        except CallFailure as failure:
            ctx.record(failure)
            return None

    found_stages, found_resources = await asyncio.gather(stages(), resources())
    return found_stages, found_resources


def _api(
    ctx: CollectContext,
    api: dict[str, Any],
    stages: list[dict[str, Any]] | None,
    resources: list[dict[str, Any]] | None,
) -> Resource:
    api_id = str(api["id"])
    name = str(api.get("name") or api_id)
    tags = {str(k): str(v) for k, v in (api.get("tags") or {}).items()}
    links, count = integration_links(resources or [])
    attributes = attributes_of(api, drop=("tags", "policy"))
    attributes.update(
        {
            "endpoint_types": [
                str(t) for t in (api.get("endpointConfiguration") or {}).get("types") or []
            ],
            "stages": [_stage(ctx, api_id, s) for s in stages or []],
            "stage_names": [str(s.get("stageName")) for s in stages or []],
            LINKS: links,
            "integration_count": count,
            "disable_execute_api_endpoint": bool(api.get("disableExecuteApiEndpoint")),
            "policy": json_safe(_json(api.get("policy"))),
        }
    )
    return api_resource(
        ctx,
        rtype=REST_API,
        path="restapis",
        api_id=api_id,
        name=name,
        tags=tags,
        attributes=attributes,
        stages_known=stages is not None,
        integrations_known=resources is not None,
    )


@collector(
    service="apigateway",
    calls=[APIGATEWAY_GET_REST_APIS, APIGATEWAY_GET_STAGES, APIGATEWAY_GET_RESOURCES],
    types=[REST_API],
)
async def collect_rest_apis(ctx: CollectContext) -> list[Resource]:
    apis = await ctx.paginate_all(APIGATEWAY_GET_REST_APIS, "items")
    if not apis:
        return []
    details = await asyncio.gather(*(_details(ctx, str(a["id"])) for a in apis))
    return [_api(ctx, api, *found) for api, found in zip(apis, details, strict=True)]
