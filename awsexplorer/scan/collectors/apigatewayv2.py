"""API Gateway v2 APIs (HTTP and WebSocket), with their stages and their integrations as links.

List first: a region without one costs one GetApis; for each API, GetStages and
GetIntegrations."""

from __future__ import annotations

import asyncio
from typing import Any

from awsexplorer.model import Resource
from awsexplorer.model.calls import (
    APIGATEWAYV2_GET_APIS,
    APIGATEWAYV2_GET_INTEGRATIONS,
    APIGATEWAYV2_GET_STAGES,
)
from awsexplorer.model.kinds import HTTP_API, LINKS
from awsexplorer.scan.collectors.apigateway import api_resource, integration_link
from awsexplorer.scan.collectors.base import (
    CallFailure,
    CollectContext,
    attributes_of,
    collector,
)


async def _list(ctx: CollectContext, call: Any, api_id: str) -> list[dict[str, Any]] | None:
    try:
        return await ctx.paginate_all(call, "Items", ApiId=api_id)
    except CallFailure as failure:
        ctx.record(failure)
        return None


def _stage(ctx: CollectContext, api_id: str, stage: dict[str, Any]) -> dict[str, Any]:
    name = str(stage.get("StageName") or "")
    route = stage.get("DefaultRouteSettings") or {}
    return {
        "name": name,
        "arn": f"arn:{ctx.partition}:apigateway:{ctx.region}::/apis/{api_id}/stages/{name}",
        "auto_deploy": bool(stage.get("AutoDeploy")),
        "access_logs": bool((stage.get("AccessLogSettings") or {}).get("DestinationArn")),
        "throttling_rate_limit": route.get("ThrottlingRateLimit"),
        "throttling_burst_limit": route.get("ThrottlingBurstLimit"),
    }


def _links(integrations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    links = (
        integration_link(
            integration.get("IntegrationUri"),
            integration.get("IntegrationType"),
            integration.get("TimeoutInMillis"),
            integration_id=integration.get("IntegrationId"),
        )
        for integration in integrations
    )
    return [link for link in links if link]


def _api(
    ctx: CollectContext,
    api: dict[str, Any],
    stages: list[dict[str, Any]] | None,
    integrations: list[dict[str, Any]] | None,
) -> Resource:
    api_id = str(api["ApiId"])
    name = str(api.get("Name") or api_id)
    tags = {str(k): str(v) for k, v in (api.get("Tags") or {}).items()}
    attributes = attributes_of(api)
    attributes.update(
        {
            "protocol_type": api.get("ProtocolType"),
            "endpoint": api.get("ApiEndpoint"),
            "stages": [_stage(ctx, api_id, s) for s in stages or []],
            "stage_names": [str(s.get("StageName")) for s in stages or []],
            LINKS: _links(integrations or []),
            "integration_count": len(integrations or []),
            "disable_execute_api_endpoint": bool(api.get("DisableExecuteApiEndpoint")),
        }
    )
    return api_resource(
        ctx,
        rtype=HTTP_API,
        path="apis",
        api_id=api_id,
        name=name,
        tags=tags,
        attributes=attributes,
        stages_known=stages is not None,
        integrations_known=integrations is not None,
    )


@collector(
    service="apigatewayv2",
    calls=[APIGATEWAYV2_GET_APIS, APIGATEWAYV2_GET_STAGES, APIGATEWAYV2_GET_INTEGRATIONS],
    types=[HTTP_API],
)
async def collect_apis(ctx: CollectContext) -> list[Resource]:
    apis = await ctx.paginate_all(APIGATEWAYV2_GET_APIS, "Items")
    if not apis:
        return []
    ids = [str(a["ApiId"]) for a in apis]
    stages, integrations = await asyncio.gather(
        asyncio.gather(*(_list(ctx, APIGATEWAYV2_GET_STAGES, i) for i in ids)),
        asyncio.gather(*(_list(ctx, APIGATEWAYV2_GET_INTEGRATIONS, i) for i in ids)),
    )
    return [_api(ctx, api, s, i) for api, s, i in zip(apis, stages, integrations, strict=True)]
