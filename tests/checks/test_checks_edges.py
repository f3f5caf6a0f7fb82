"""The edge checks (issue 13): CloudFront allowing HTTP, public ALBs not redirecting HTTP, public
endpoints without WAF, API Gateway timing out before its Lambda function.

Literal fixtures first (the normalised fields the collectors write: model/kinds.py), each
pitfall beside a clean look-alike that must not be flagged, and what makes a check "not
evaluated". Then one moto account: seeded, scanned through the real collectors, judged.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from check_fixtures import ACCOUNT_ID, error, flagged, messages, resource, run, scan

from awsexplorer.checks import analyse
from awsexplorer.config import ScanConfig, Settings
from awsexplorer.model import Resource, ScanResult, kinds
from awsexplorer.scan.runner import scan as run_scanner

EU = "eu-west-1"


def distribution(rid: str, *behaviours: tuple[str, str], acl: str | None = "arn:acl") -> Resource:
    return resource(
        kinds.DISTRIBUTION,
        rid,
        "global",
        enabled=True,
        viewer_protocol_policies=[{"path_pattern": p, "policy": v} for p, v in behaviours],
        web_acl_id=acl,
    )


def test_cloudfront_http_allowed_names_the_behaviours() -> None:
    result = scan(
        distribution("EPLAIN", ("*", "redirect-to-https"), ("/legacy/*", "allow-all")),
        distribution("ECLEAN", ("*", "redirect-to-https"), ("/api/*", "https-only")),
        resource(kinds.DISTRIBUTION, "EUNREAD", "global", enabled=True),
    )
    findings, outcome = run("cloudfront-http-allowed", result)
    assert [f.resource.rsplit("/", 1)[-1] for f in findings] == ["EPLAIN"]
    assert "allows plain HTTP (viewer protocol policy allow-all) on behaviour(s) /legacy/*" in (
        findings[0].message
    )
    assert "get-distribution-config --id EPLAIN > dist.json`" in findings[0].remediation
    # A distribution whose behaviours were not read is not passed.
    assert outcome.status == "not-evaluated" and "EUNREAD" in str(outcome.reason)


def alb(rid: str, *listeners: dict[str, Any] | None, scheme: str = "internet-facing") -> Resource:
    item = resource(
        kinds.LOAD_BALANCER,
        rid,
        scheme=scheme,
        type="application",
        listeners=None if listeners == (None,) else list(listeners),
    )
    item.arn = f"arn:aws:elasticloadbalancing:{EU}:{ACCOUNT_ID}:loadbalancer/app/{rid}/1"
    return item


def listener(protocol: str, port: int, action: str, redirect_to: str | None = None) -> Any:
    return {
        "protocol": protocol,
        "port": port,
        "default_action": action,
        "redirect_to": redirect_to,
    }


def test_elb_http_not_redirected() -> None:
    result = scan(
        alb("plain", listener("HTTP", 80, "forward"), listener("HTTPS", 443, "forward")),
        alb("wrong-redirect", listener("HTTP", 80, "redirect", "HTTP:8080")),
        # Look-alikes: redirects to HTTPS; HTTPS only; plain HTTP but internal.
        alb("redirects", listener("HTTP", 80, "redirect", "HTTPS:443")),
        alb("tls-only", listener("HTTPS", 443, "forward")),
        alb("internal", listener("HTTP", 80, "forward"), scheme="internal"),
    )
    assert flagged("elb-http-not-redirected", result) == ["1", "1"]
    found = messages("elb-http-not-redirected", result)
    assert any(
        "plain" in m and "HTTP:80 forwards to its targets over plain HTTP" in m for m in found
    )
    assert any("HTTP:80 redirects to HTTP:8080, not to HTTPS" in m for m in found)
    findings, _ = run("elb-http-not-redirected", result)
    assert all(f"--region {EU}" in f.remediation for f in findings)
    assert all("loadbalancer/app/" in f.remediation for f in findings)
    assert not any("redirects" in f.resource or "tls-only" in f.resource for f in findings)


def test_elb_listeners_not_read_is_not_evaluated() -> None:
    findings, outcome = run("elb-http-not-redirected", scan(alb("unread", None)))
    assert findings == [] and outcome.status == "not-evaluated"
    assert "unread: listeners not read" in str(outcome.reason)


def rest_api(rid: str, stages: list[dict[str, Any]], **attributes: Any) -> Resource:
    attributes.setdefault("endpoint_types", ["REGIONAL"])
    item = resource(kinds.REST_API, rid, stages=stages, **attributes)
    item.arn = f"arn:aws:apigateway:{EU}::/restapis/{rid}"
    return item


def stage(api: str, name: str, acl: str | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "arn": f"arn:aws:apigateway:{EU}::/restapis/{api}/stages/{name}",
        "web_acl_arn": acl,
    }


def web_acl(rid: str, protects: list[str] | None, region: str = EU) -> Resource:
    return resource(kinds.WEB_ACL, rid, region, waf_scope="REGIONAL", protects=protects)


def test_waf_missing_on_each_kind_of_public_endpoint() -> None:
    guarded = alb("guarded", listener("HTTPS", 443, "forward"))
    bare = alb("bare", listener("HTTPS", 443, "forward"))
    result = scan(
        guarded,
        bare,
        alb("internal", listener("HTTP", 80, "forward"), scheme="internal"),
        rest_api("api1", [stage("api1", "prod"), stage("api1", "test")]),
        # A stage protected through the web ACL's list; one naming its ACL itself; private API.
        rest_api("api2", [stage("api2", "prod", acl="arn:acl")]),
        rest_api("api3", [stage("api3", "v1")], endpoint_types=["PRIVATE"]),
        web_acl("acl-1", [guarded.arn, stage("api1", "prod")["arn"]]),
        distribution("EBARE", ("*", "https-only"), acl=None),
        distribution("EWAF", ("*", "https-only")),
    )
    findings, outcome = run("waf-missing", result)
    assert outcome.status == "evaluated"
    by_resource = {f.resource: f.message for f in findings}
    assert set(by_resource) == {
        bare.arn,
        f"arn:aws:apigateway:{EU}::/restapis/api1",
        f"arn:aws:cloudfront::{ACCOUNT_ID}:distribution/EBARE",
    }
    assert "load balancer bare has no WAF web ACL" in by_resource[bare.arn]
    assert (
        "stage(s) test have no WAF web ACL"
        in by_resource[f"arn:aws:apigateway:{EU}::/restapis/api1"]
    )
    remediation = next(f.remediation for f in findings if f.resource == bare.arn)
    assert f"--resource-arn {bare.arn} --region {EU}" in remediation


def test_waf_missing_when_protection_cannot_be_read() -> None:
    # An ACL whose protected resources were not read: the region's ALBs are not judged.
    result = scan(alb("bare", listener("HTTPS", 443, "forward")), web_acl("acl-1", None))
    findings, outcome = run("waf-missing", result)
    assert findings == [] and outcome.status == "not-evaluated"
    # ListWebACLs denied in the region: not judged either, and the reason says why.
    result = scan(
        alb("bare", listener("HTTPS", 443, "forward")),
        errors=(error(EU, "wafv2", "ListWebACLs"),),
    )
    findings, outcome = run("waf-missing", result)
    assert findings == [] and "wafv2:ListWebACLs failed in eu-west-1" in str(outcome.reason)


def function(name: str, timeout: int | None) -> Resource:
    item = resource(kinds.FUNCTION, name, timeout=timeout)
    item.arn = f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:function:{name}"
    return item


def integration(target: str, method: str, timeout_ms: int | None) -> dict[str, Any]:
    return {
        "kind": "integration",
        "arn": target,
        "method": method,
        "integration_type": "AWS_PROXY",
        "timeout_ms": timeout_ms,
    }


def test_apigw_lambda_timeout_mismatch() -> None:
    slow, quick, long_ = function("slow", 60), function("quick", 10), function("long", 29)
    api = rest_api(
        "api1",
        [],
        links=[
            integration(slow.arn, "POST /report", None),  # 29 s by default
            integration(f"{quick.arn}:live", "GET /orders", 5000),  # an alias: 5 s < 10 s
            integration(long_.arn, "GET /long", None),  # 29 s = 29 s: fits
            integration(f"arn:aws:lambda:{EU}:999999999999:function:theirs", "GET /x", 1000),
        ],
    )
    http = resource(
        kinds.HTTP_API,
        "http1",
        links=[
            {"kind": "integration", "arn": slow.arn, "integration_id": "i1", "timeout_ms": None}
        ],
    )
    fits = rest_api("api2", [], links=[integration(quick.arn, "GET /", 29000)])
    result = scan(slow, quick, long_, api, http, fits)
    findings, outcome = run("apigw-lambda-timeout-mismatch", result)
    assert outcome.status == "evaluated"
    by_api = {f.resource.rsplit("/", 1)[-1]: f for f in findings}
    assert sorted(by_api) == ["api1", "http1"]
    message = by_api["api1"].message
    assert "POST /report waits 29 s for function slow, whose timeout is 60 s" in message
    assert "GET /orders waits 5 s for function quick, whose timeout is 10 s" in message
    assert "/long" not in message and "theirs" not in message
    assert "integration i1 waits 30 s for function slow" in by_api["http1"].message
    assert "--rest-api-id api1" in by_api["api1"].remediation


def test_apigw_integrations_not_read_is_not_evaluated() -> None:
    api = rest_api("api1", [], links=[], integrations_unknown=True)
    findings, outcome = run("apigw-lambda-timeout-mismatch", scan(api))
    assert findings == [] and outcome.status == "not-evaluated"
    assert "integrations not read" in str(outcome.reason)


# -- on moto ------------------------------------------------------------------------------------


def _seed(aws: Callable[..., Any]) -> dict[str, str]:
    """Pitfalls and look-alikes of the four edge checks in eu-west-1 (and CloudFront)."""
    ec2 = aws("ec2", EU)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{EU}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    elbv2 = aws("elbv2", EU)
    arns = {}
    for name in ("plain-alb", "tls-alb"):
        lb = elbv2.create_load_balancer(
            Name=name, Subnets=subnets, Scheme="internet-facing", Type="application"
        )["LoadBalancers"][0]
        arns[name] = lb["LoadBalancerArn"]
    group = elbv2.create_target_group(Name="app", Protocol="HTTP", Port=80, VpcId=vpc)
    forward = [{"Type": "forward", "TargetGroupArn": group["TargetGroups"][0]["TargetGroupArn"]}]
    elbv2.create_listener(
        LoadBalancerArn=arns["plain-alb"], Protocol="HTTP", Port=80, DefaultActions=forward
    )
    redirect = {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}
    elbv2.create_listener(
        LoadBalancerArn=arns["tls-alb"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "redirect", "RedirectConfig": redirect}],
    )
    visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False}
    acl = aws("wafv2", EU).create_web_acl(
        Name="edge",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={**visibility, "MetricName": "edge"},
    )["Summary"]["ARN"]
    aws("wafv2", EU).associate_web_acl(WebACLArn=acl, ResourceArn=arns["tls-alb"])
    # A REST API: a slow function behind a 29 s integration, a quick one behind 10 s.
    iam = aws("iam")
    role = iam.create_role(
        RoleName="fn",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    lambda_ = aws("lambda", EU)
    functions = {}
    for name, timeout in (("report-builder", 120), ("order-reader", 5)):
        functions[name] = lambda_.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
            Timeout=timeout,
        )["FunctionArn"]
    api = aws("apigateway", EU)
    rest = api.create_rest_api(name="orders", endpointConfiguration={"types": ["REGIONAL"]})
    root = api.get_resources(restApiId=rest["id"])["items"][0]["id"]
    for path, function, timeout in (
        ("report", "report-builder", None),
        ("orders", "order-reader", 10000),
    ):
        item = api.create_resource(restApiId=rest["id"], parentId=root, pathPart=path)
        api.put_method(
            restApiId=rest["id"], resourceId=item["id"], httpMethod="GET", authorizationType="NONE"
        )
        extra = {"timeoutInMillis": timeout} if timeout else {}
        api.put_integration(
            restApiId=rest["id"],
            resourceId=item["id"],
            httpMethod="GET",
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=f"arn:aws:apigateway:{EU}:lambda:path/2015-03-31/functions/"
            f"{functions[function]}/invocations",
            **extra,
        )
    api.create_deployment(restApiId=rest["id"], stageName="prod")
    aws("wafv2", EU).associate_web_acl(
        WebACLArn=acl, ResourceArn=f"arn:aws:apigateway:{EU}::/restapis/{rest['id']}/stages/prod"
    )
    return {"api": rest["id"], **arns}


@pytest.fixture
def judged(
    aws: Callable[..., Any], scan_config: Callable[..., ScanConfig]
) -> tuple[ScanResult, dict[str, str]]:
    from awsexplorer.demo.edges import extend_moto

    extend_moto()  # moto 5.2 lacks ListResourcesForWebACL (see demo/edges.py)
    seeded = _seed(aws)
    result = asyncio.run(run_scanner(scan_config(regions=(EU,))))
    return analyse(result, Settings()), seeded


@pytest.mark.moto
def test_edge_checks_on_moto(judged: tuple[ScanResult, dict[str, str]]) -> None:
    result, seeded = judged
    by_check: dict[str, list[Any]] = {}
    for finding in result.findings:
        by_check.setdefault(finding.check, []).append(finding)
    status = {c.id: c.status for c in result.checks}
    for check_id in ("elb-http-not-redirected", "waf-missing", "apigw-lambda-timeout-mismatch"):
        assert status[check_id] == "evaluated", check_id
    # The ALB forwarding plain HTTP is flagged; the one redirecting to HTTPS is not.
    assert [f.resource for f in by_check["elb-http-not-redirected"]] == [seeded["plain-alb"]]
    # No web ACL on plain-alb; tls-alb and the API's stage prod are behind `edge`.
    assert [f.resource for f in by_check["waf-missing"]] == [seeded["plain-alb"]]
    (mismatch,) = by_check["apigw-lambda-timeout-mismatch"]
    assert mismatch.resource.endswith(f"/restapis/{seeded['api']}")
    assert "GET /report waits 29 s for function report-builder, whose timeout is 120 s" in (
        mismatch.message
    )
    assert "order-reader" not in mismatch.message
