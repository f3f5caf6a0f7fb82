"""Edges: what the internet reaches first. HTTPS not enforced at CloudFront or on a public load
balancer, public endpoints with no WAF web ACL in front, and API Gateway giving up on a Lambda
function before the function is allowed to finish.

Read from the normalised fields of the edges-and-APIs records (model/kinds.py): each
distribution's viewer protocol policy per behaviour, each load balancer's listeners, each web
ACL's `protects`, each REST API's stages and integration links.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from awsexplorer.checks.api import CheckContext, Outcome, flag, label, unknown
from awsexplorer.checks.registry import check
from awsexplorer.model import Resource, Severity, kinds
from awsexplorer.model.calls import (
    APIGATEWAY_GET_RESOURCES,
    APIGATEWAY_GET_REST_APIS,
    APIGATEWAY_GET_STAGES,
    APIGATEWAYV2_GET_APIS,
    APIGATEWAYV2_GET_INTEGRATIONS,
    CLOUDFRONT_LIST_DISTRIBUTIONS,
    ELBV2_DESCRIBE_LISTENERS,
    ELBV2_DESCRIBE_LOAD_BALANCERS,
    LAMBDA_LIST_FUNCTIONS,
    WAFV2_LIST_RESOURCES_FOR_WEB_ACL,
    WAFV2_LIST_WEB_ACLS,
)

INTERNET_FACING = "internet-facing"
APPLICATION = "application"
ALLOW_ALL = "allow-all"
# API Gateway's integration timeout when none is set: REST APIs 29 s (raisable on request for
# Regional and private APIs), HTTP APIs 30 s.
REST_DEFAULT_TIMEOUT_MS = 29_000
HTTP_DEFAULT_TIMEOUT_MS = 30_000


def internet_facing_albs(ctx: CheckContext) -> list[Resource]:
    return [
        lb
        for lb in ctx.of_type(kinds.LOAD_BALANCER)
        if lb.attributes.get("scheme") == INTERNET_FACING
        and lb.attributes.get("type") == APPLICATION
    ]


@check(
    id="cloudfront-http-allowed",
    title="CloudFront allows plain HTTP",
    severity=Severity.MEDIUM,
    types=[kinds.DISTRIBUTION],
    remediation=(
        "Set every cache behaviour's ViewerProtocolPolicy to redirect-to-https (or https-only): "
        "`aws cloudfront get-distribution-config --id DIST > dist.json`, edit the "
        "DistributionConfig, then `aws cloudfront update-distribution --id DIST --if-match ETAG "
        "--distribution-config file://config.json` (ETAG from the first command)."
    ),
    inputs=[CLOUDFRONT_LIST_DISTRIBUTIONS],
    placeholders={"DIST": "id"},
)
def cloudfront_http_allowed(ctx: CheckContext) -> Iterator[Outcome]:
    """A cache behaviour whose viewer protocol policy is `allow-all` serves its paths over plain
    HTTP: what viewers send and receive there can be read and changed on the way. Every
    behaviour counts, the default one (path `*`) and each path pattern."""
    for distribution in ctx.of_type(kinds.DISTRIBUTION):
        policies = distribution.attributes.get("viewer_protocol_policies")
        if policies is None:
            yield unknown(distribution, "viewer protocol policies not read")
            continue
        plain = [str(p.get("path_pattern")) for p in policies if p.get("policy") == ALLOW_ALL]
        if plain:
            yield flag(
                distribution,
                f"CloudFront distribution {label(distribution)} allows plain HTTP (viewer "
                f"protocol policy {ALLOW_ALL}) on behaviour(s) {', '.join(plain)}",
            )


def _listener_text(listener: dict[str, Any]) -> str:
    return f"{listener.get('protocol')}:{listener.get('port')}"


def _redirects_to_https(listener: dict[str, Any]) -> bool:
    target = str(listener.get("redirect_to") or "")
    return listener.get("default_action") == "redirect" and target.upper().startswith("HTTPS:")


def _what_it_does(listener: dict[str, Any]) -> str:
    action = listener.get("default_action")
    if action == "redirect":
        return f"redirects to {listener.get('redirect_to')}, not to HTTPS"
    if action == "forward":
        return "forwards to its targets over plain HTTP"
    return f"answers with default action {action or 'none'}"


@check(
    id="elb-http-not-redirected",
    title="Public load balancer serves plain HTTP",
    severity=Severity.MEDIUM,
    types=[kinds.LOAD_BALANCER],
    remediation=(
        "Make the HTTP listener redirect to HTTPS (find its ARN with `aws elbv2 "
        "describe-listeners --load-balancer-arn LB`): `aws elbv2 modify-listener "
        "--listener-arn LISTENER_ARN --default-actions "
        "'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'`, with an "
        "HTTPS listener and an ACM certificate to receive it."
    ),
    inputs=[ELBV2_DESCRIBE_LOAD_BALANCERS, ELBV2_DESCRIBE_LISTENERS],
    placeholders={"LB": "arn"},
)
def elb_http_not_redirected(ctx: CheckContext) -> Iterator[Outcome]:
    """An internet-facing Application Load Balancer with an HTTP listener whose default action
    is anything but a redirect to HTTPS: requests and their cookies or tokens cross the internet
    in clear text. (Rules on the listener are not read; the default action is what a request no
    rule matches gets.)"""
    for lb in internet_facing_albs(ctx):
        listeners = lb.attributes.get("listeners")
        if listeners is None:
            yield unknown(lb, "listeners not read")
            continue
        plain = [
            f"{_listener_text(item)} {_what_it_does(item)}"
            for item in sorted(listeners, key=lambda i: (str(i.get("port")), str(i.get("arn"))))
            if str(item.get("protocol") or "").upper() == "HTTP" and not _redirects_to_https(item)
        ]
        if plain:
            yield flag(
                lb,
                f"internet-facing load balancer {label(lb)} has HTTP listener(s) not redirected "
                f"to HTTPS: {'; '.join(plain)}",
            )


def _web_acl_coverage(ctx: CheckContext) -> tuple[set[str], set[str]]:
    """(ARNs some regional web ACL protects, regions where what an ACL protects is unknown)."""
    protected: set[str] = set()
    unknown_in: set[str] = set()
    for acl in ctx.of_type(kinds.WEB_ACL):
        protects = acl.attributes.get("protects")
        if protects is None:
            unknown_in.add(acl.region)
        else:
            protected.update(str(a) for a in protects)
    for region in {r.region for r in ctx.of_type(kinds.LOAD_BALANCER, kinds.REST_API)}:
        if ctx.errors(WAFV2_LIST_WEB_ACLS, region) or ctx.errors(
            WAFV2_LIST_RESOURCES_FOR_WEB_ACL, region
        ):
            unknown_in.add(region)
    return protected, unknown_in


def _public_stages(api: Resource) -> list[dict[str, Any]]:
    if [str(t).upper() for t in api.attributes.get("endpoint_types") or []] == ["PRIVATE"]:
        return []  # reachable from VPCs through an interface endpoint only
    return [s for s in api.attributes.get("stages") or [] if isinstance(s, dict)]


@check(
    id="waf-missing",
    title="Public endpoint without a WAF web ACL",
    severity=Severity.MEDIUM,
    types=[kinds.LOAD_BALANCER, kinds.REST_API, kinds.DISTRIBUTION],
    remediation=(
        "Put a web ACL (AWS managed rule groups are a start) in front of it: `aws wafv2 "
        "associate-web-acl --web-acl-arn WEB_ACL_ARN --resource-arn RESOURCE_ARN` for a load "
        "balancer or, with /stages/STAGE added to the API's ARN, an API Gateway stage. A "
        "CloudFront distribution names a CLOUDFRONT-scope web ACL (created in us-east-1) in its "
        "configuration: WebACLId, through `aws cloudfront update-distribution`."
    ),
    inputs=[
        WAFV2_LIST_WEB_ACLS,
        WAFV2_LIST_RESOURCES_FOR_WEB_ACL,
        ELBV2_DESCRIBE_LOAD_BALANCERS,
        APIGATEWAY_GET_REST_APIS,
        APIGATEWAY_GET_STAGES,
        CLOUDFRONT_LIST_DISTRIBUTIONS,
    ],
    placeholders={"RESOURCE_ARN": "arn"},
)
def waf_missing(ctx: CheckContext) -> Iterator[Outcome]:
    """An internet-facing Application Load Balancer, a stage of a public (edge or regional) REST
    API, or an enabled CloudFront distribution that no WAF web ACL protects: nothing filters
    SQL injection, cross-site scripting or floods before they reach the application. (HTTP APIs
    cannot take a web ACL and are not judged.)"""
    protected, unknown_in = _web_acl_coverage(ctx)
    for lb in internet_facing_albs(ctx):
        if lb.arn in protected:
            continue
        if lb.region in unknown_in:
            yield unknown(lb, f"what the web ACLs of {lb.region} protect was not read")
            continue
        yield flag(lb, f"internet-facing load balancer {label(lb)} has no WAF web ACL")
    for api in ctx.of_type(kinds.REST_API):
        if api.attributes.get("stages_unknown"):
            yield unknown(api, "stages not read")
            continue
        bare = []
        for stage in _public_stages(api):
            if stage.get("web_acl_arn") or stage.get("arn") in protected:
                continue
            bare.append(str(stage.get("name")))
        if not bare:
            continue
        if api.region in unknown_in:
            yield unknown(api, f"what the web ACLs of {api.region} protect was not read")
            continue
        yield flag(
            api,
            f"REST API {label(api)}: stage(s) {', '.join(sorted(bare))} have no WAF web ACL",
        )
    for distribution in ctx.of_type(kinds.DISTRIBUTION):
        if distribution.attributes.get("enabled") is False:
            continue  # a disabled distribution serves nothing
        if not distribution.attributes.get("web_acl_id"):
            yield flag(
                distribution,
                f"CloudFront distribution {label(distribution)} has no WAF web ACL",
            )


def function_arn_of(target: str) -> str:
    """A Lambda function's unqualified ARN out of a (possibly alias- or version-) qualified one."""
    parts = target.split(":")
    return ":".join(parts[:7]) if len(parts) > 7 and parts[2] == "lambda" else target


def _timeout_text(milliseconds: int) -> str:
    seconds = milliseconds / 1000
    return f"{seconds:g} s"


@check(
    id="apigw-lambda-timeout-mismatch",
    title="API Gateway gives up before its Lambda function",
    severity=Severity.MEDIUM,
    types=[kinds.REST_API, kinds.HTTP_API],
    remediation=(
        "Make the function finish within the integration's timeout (`aws lambda "
        "update-function-configuration --function-name FUNCTION --timeout SECONDS`), or raise "
        "the integration's: `aws apigateway update-integration --rest-api-id API "
        "--resource-id RESOURCE_ID --http-method METHOD --patch-operations "
        "op=replace,path=/timeoutInMillis,value=29000` (an HTTP API: `aws apigatewayv2 "
        "update-integration --api-id API --integration-id INTEGRATION_ID "
        "--timeout-in-millis 30000`). Long work belongs behind a queue, answered asynchronously."
    ),
    inputs=[
        APIGATEWAY_GET_REST_APIS,
        APIGATEWAY_GET_RESOURCES,
        APIGATEWAYV2_GET_APIS,
        APIGATEWAYV2_GET_INTEGRATIONS,
        LAMBDA_LIST_FUNCTIONS,
    ],
    placeholders={"API": "id"},
)
def apigw_lambda_timeout_mismatch(ctx: CheckContext) -> Iterator[Outcome]:
    """An API Gateway integration calls a Lambda function allowed to run longer than the
    integration waits (29 s for a REST API and 30 s for an HTTP API unless set otherwise): the
    caller gets a 504 while the function carries on, and a client that retries runs the work
    twice."""
    functions = {f.arn: f for f in ctx.of_type(kinds.FUNCTION)}
    for api in ctx.of_type(kinds.REST_API, kinds.HTTP_API):
        if api.attributes.get("integrations_unknown"):
            yield unknown(api, "integrations not read")
            continue
        default = REST_DEFAULT_TIMEOUT_MS if api.type == kinds.REST_API else HTTP_DEFAULT_TIMEOUT_MS
        kind = "REST API" if api.type == kinds.REST_API else "HTTP API"
        facts = []
        for link in api.attributes.get(kinds.LINKS) or []:
            if link.get("kind") != kinds.INTEGRATION_LINK:
                continue
            function = functions.get(function_arn_of(str(link.get("arn") or "")))
            if function is None:
                continue  # not a function, or one this scan did not see (another account)
            timeout_s = function.attributes.get("timeout")
            if not isinstance(timeout_s, int):
                yield unknown(function, "timeout not read")
                continue
            waits = link.get("timeout_ms")
            waits = waits if isinstance(waits, int) and waits > 0 else default
            if timeout_s * 1000 > waits:
                where = link.get("method") or f"integration {link.get('integration_id')}"
                facts.append(
                    f"{where} waits {_timeout_text(waits)} for function {function.name}, whose "
                    f"timeout is {timeout_s} s"
                )
        if facts:
            yield flag(api, f"{kind} {label(api)}: {'; '.join(facts)}")
