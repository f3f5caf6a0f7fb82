"""Edges and APIs (issue 12) on moto: CloudFront distributions, API Gateway REST APIs (stages,
Lambda integrations as links), API Gateway v2 APIs, WAF web ACLs (regional and CloudFront scope)
with what each protects, Route 53 hosted zones with their records, ACM certificates.

Each type is seeded in its own region(s) and must be found there with its key facts, matching
its record (kinds.schema_problems == []).

moto 5.2 lacks WAF's ListResourcesForWebACL: `extend_moto` (awsexplorer/demo/edges.py) adds it
to the moto server of this process, answering from moto's own record of AssociateWebACL calls;
the scanner reaches it through the same aiobotocore client path as on AWS.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.checks import analyse
from awsexplorer.demo.edges import extend_moto
from awsexplorer.model import GLOBAL_REGION, Resource, ScanResult
from awsexplorer.model.kinds import (
    CERTIFICATE,
    DISTRIBUTION,
    EDGES_AND_APIS,
    HOSTED_ZONE,
    HTTP_API,
    INTEGRATION_LINK,
    REST_API,
    WEB_ACL,
    dig,
    kind_of,
    schema_problems,
    state_of,
)
from awsexplorer.scan.collectors import all_collectors
from awsexplorer.scan.collectors import route53 as route53_collector
from awsexplorer.scan.collectors.base import REGISTRY, Collector, Scope
from awsexplorer.scan.runner import Scanner

# The fault proxy lives with the resilience tests; the test directory is not on sys.path.
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
from resilience.fault_proxy import Fault, FaultProxy, Rule  # noqa: E402

ACCOUNT = "123456789012"
WEST, EAST, FAR, EMPTY = "eu-west-1", "us-east-1", "ap-northeast-1", "sa-east-1"
ORDERS_FN = f"arn:aws:lambda:{WEST}:{ACCOUNT}:function:orders-api"
HOOKS_FN = f"arn:aws:lambda:{FAR}:{ACCOUNT}:function:hooks"
_VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False}


def _acl(aws: Callable[..., Any], region: str, name: str, scope: str) -> str:
    return str(
        aws("wafv2", region).create_web_acl(
            Name=name,
            Scope=scope,
            DefaultAction={"Block": {}},
            VisibilityConfig={**_VISIBILITY, "MetricName": name},
            Tags=[{"Key": "team", "Value": "edge"}],
        )["Summary"]["ARN"]
    )


def _rest_api(aws: Callable[..., Any]) -> tuple[str, str]:
    api = aws("apigateway", WEST)
    rest = api.create_rest_api(name="orders", tags={"team": "orders"})
    root = api.get_resources(restApiId=rest["id"])["items"][0]["id"]
    resource = api.create_resource(restApiId=rest["id"], parentId=root, pathPart="orders")
    api.put_method(
        restApiId=rest["id"], resourceId=resource["id"], httpMethod="GET", authorizationType="NONE"
    )
    api.put_integration(
        restApiId=rest["id"],
        resourceId=resource["id"],
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{WEST}:lambda:path/2015-03-31/functions/{ORDERS_FN}/invocations",
        timeoutInMillis=5000,
    )
    deployment = api.create_deployment(restApiId=rest["id"], stageName="prod")
    api.create_stage(restApiId=rest["id"], stageName="test", deploymentId=deployment["id"])
    stage = f"arn:aws:apigateway:{WEST}::/restapis/{rest['id']}/stages/prod"
    return str(rest["id"]), stage


def _distribution(aws: Callable[..., Any], alias: str, acl: str, policy: str) -> str:
    behaviour = {
        "TargetOriginId": "web",
        "ViewerProtocolPolicy": policy,
        "MinTTL": 0,
        "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        "TrustedSigners": {"Enabled": False, "Quantity": 0},
    }
    config = {
        "CallerReference": alias,
        "Aliases": {"Quantity": 1, "Items": [alias]},
        "Comment": "",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "web",
                    "DomainName": "origin.example.com",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "http-only",
                    },
                }
            ],
        },
        "DefaultCacheBehavior": behaviour,
        "WebACLId": acl,
    }
    created = aws("cloudfront", EAST).create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": config,
            "Tags": {"Items": [{"Key": "team", "Value": "web"}]},
        }
    )
    return str(created["Distribution"]["ARN"])


def _zones(aws: Callable[..., Any], vpc: str) -> None:
    route53 = aws("route53", EAST)
    zone = route53.create_hosted_zone(Name="shop.example", CallerReference="a")["HostedZone"]["Id"]

    def record(name: str, kind: str, value: str) -> dict[str, Any]:
        return {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": f"{name}.shop.example",
                "Type": kind,
                "TTL": 60,
                "ResourceRecords": [{"Value": value}],
            },
        }

    alias = {
        "Action": "CREATE",
        "ResourceRecordSet": {
            "Name": "www.shop.example",
            "Type": "AAAA",
            "AliasTarget": {
                "HostedZoneId": "Z2FDTNDATAQYW2",
                "DNSName": "d111.cloudfront.net",
                "EvaluateTargetHealth": False,
            },
        },
    }
    changes = [
        alias,
        record("api", "CNAME", "abc.execute-api.eu-west-1.amazonaws.com"),
        record("old", "A", "203.0.113.9"),
        record("mail", "MX", "10 mail.example.com"),
        record("txt", "TXT", '"hello"'),
    ]
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})
    route53.change_tags_for_resource(
        ResourceType="hostedzone",
        ResourceId=zone.rsplit("/", 1)[-1],
        AddTags=[{"Key": "team", "Value": "dns"}],
    )
    route53.create_hosted_zone(
        Name="corp.internal",
        CallerReference="b",
        VPC={"VPCRegion": WEST, "VPCId": vpc},
        HostedZoneConfig={"PrivateZone": True, "Comment": ""},
    )


def _seed(aws: Callable[..., Any]) -> dict[str, str]:
    extend_moto()
    vpc = aws("ec2", WEST).create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    rest_id, stage = _rest_api(aws)
    regional = _acl(aws, WEST, "api-waf", "REGIONAL")
    aws("wafv2", WEST).associate_web_acl(WebACLArn=regional, ResourceArn=stage)
    _acl(aws, FAR, "unused-waf", "REGIONAL")
    cdn_acl = _acl(aws, EAST, "cdn-waf", "CLOUDFRONT")
    protected = _distribution(aws, "www.shop.example", cdn_acl, "redirect-to-https")
    _distribution(aws, "old.shop.example", "", "allow-all")
    v2 = aws("apigatewayv2", FAR)
    http = v2.create_api(Name="hooks", ProtocolType="HTTP", Tags={"team": "hooks"})["ApiId"]
    v2.create_integration(
        ApiId=http,
        IntegrationType="AWS_PROXY",
        IntegrationUri=HOOKS_FN,
        PayloadFormatVersion="2.0",
        TimeoutInMillis=3000,
    )
    v2.create_stage(ApiId=http, StageName="$default", AutoDeploy=True)
    _zones(aws, vpc)
    for region, domain in ((WEST, "api.shop.example"), (FAR, "hooks.shop.example")):
        aws("acm", region).request_certificate(
            DomainName=domain,
            SubjectAlternativeNames=[domain, f"alt.{domain}"],
            Tags=[{"Key": "team", "Value": "tls"}],
        )
    return {
        "rest": rest_id,
        "stage": stage,
        "regional": regional,
        "cdn_acl": cdn_acl,
        "protected": protected,
        "vpc": vpc,
    }


MINE = {k.type for k in EDGES_AND_APIS}


def _collectors() -> list[Collector]:
    """This group's collectors only: the rest of the account is other tests' business."""
    return [c for c in all_collectors() if set(c.types) & MINE]


def _scan(
    scan_config: Callable[..., Any], regions: tuple[str, ...] = (WEST, EAST, FAR)
) -> tuple[ScanResult, Scanner]:
    scanner = Scanner(scan_config(regions=regions), collectors=_collectors())
    return analyse(asyncio.run(scanner.run())), scanner


def _one(result: ScanResult, rtype: str, name: str) -> Resource:
    (found,) = (r for r in result.resources if r.type == rtype and r.name == name)
    return found


@pytest.fixture
def scanned(
    aws: Callable[..., Any], scan_config: Callable[..., Any]
) -> tuple[ScanResult, Scanner, dict[str, str]]:
    seeded = _seed(aws)
    result, scanner = _scan(scan_config)
    return result, scanner, seeded


def test_every_type_is_found_in_its_region_matching_its_record(
    scanned: tuple[ScanResult, Scanner, dict[str, str]],
) -> None:
    result, _, _ = scanned
    found = [r for r in result.resources if r.type in MINE]
    assert [p for r in found for p in schema_problems(r)] == []
    where = sorted((r.type, r.region, r.name) for r in found)
    assert where == sorted(
        [
            (CERTIFICATE, FAR, "hooks.shop.example"),
            (CERTIFICATE, WEST, "api.shop.example"),
            (DISTRIBUTION, GLOBAL_REGION, "old.shop.example"),
            (DISTRIBUTION, GLOBAL_REGION, "www.shop.example"),
            (HOSTED_ZONE, GLOBAL_REGION, "corp.internal."),
            (HOSTED_ZONE, GLOBAL_REGION, "shop.example."),
            (HTTP_API, FAR, "hooks"),
            (REST_API, WEST, "orders"),
            (WEB_ACL, FAR, "unused-waf"),
            (WEB_ACL, GLOBAL_REGION, "cdn-waf"),
            (WEB_ACL, WEST, "api-waf"),
        ]
    )
    assert {r.name: r.errors for r in result.regions if r.errors} == {}
    # The detail pane's key facts read as words: scalars or lists of scalars, never dicts.
    for resource in found:
        for fact in kind_of(resource.type).facts:
            value = dig(resource.attributes, fact.path)
            values = value if isinstance(value, list) else [value]
            assert all(not isinstance(v, (dict, list)) for v in values), (resource.type, fact)


def test_distributions_carry_origins_aliases_viewer_policies_and_web_acl(
    scanned: tuple[ScanResult, Scanner, dict[str, str]],
) -> None:
    result, _, seeded = scanned
    protected = _one(result, DISTRIBUTION, "www.shop.example")
    assert protected.arn == seeded["protected"]
    assert protected.attributes["web_acl_id"] == seeded["cdn_acl"]
    assert protected.attributes["aliases"] == ["www.shop.example"]
    assert protected.attributes["origins"][0]["domain_name"] == "origin.example.com"
    assert protected.attributes["origins"][0]["protocol_policy"] == "http-only"
    assert protected.attributes["viewer_protocol_policies"] == [
        {"path_pattern": "*", "policy": "redirect-to-https"}
    ]
    assert protected.attributes["default_viewer_protocol"] == "redirect-to-https"
    assert protected.attributes["origin_domains"] == ["origin.example.com"]
    assert protected.tags == {"team": "web"}
    plain = _one(result, DISTRIBUTION, "old.shop.example")
    assert plain.attributes["web_acl_id"] is None
    assert plain.attributes["viewer_protocol_policies"][0]["policy"] == "allow-all"


def test_rest_api_stages_and_lambda_integration_links(
    scanned: tuple[ScanResult, Scanner, dict[str, str]],
) -> None:
    result, _, seeded = scanned
    api = _one(result, REST_API, "orders")
    assert api.id == seeded["rest"]
    assert api.tags == {"team": "orders"}
    stages = {s["name"]: s for s in api.attributes["stages"]}
    assert set(stages) == {"prod", "test"} == set(api.attributes["stage_names"])
    assert stages["prod"]["arn"] == seeded["stage"]
    assert stages["prod"]["web_acl_arn"] == seeded["regional"]
    assert stages["test"]["web_acl_arn"] is None
    assert api.attributes["links"] == [
        {
            "kind": INTEGRATION_LINK,
            "arn": ORDERS_FN,
            "method": "GET /orders",
            "integration_type": "AWS_PROXY",
            "timeout_ms": 5000,
        }
    ]
    assert api.attributes["integration_count"] == 1


def test_http_api_integrations_are_links(
    scanned: tuple[ScanResult, Scanner, dict[str, str]],
) -> None:
    result, _, _ = scanned
    api = _one(result, HTTP_API, "hooks")
    assert api.attributes["protocol_type"] == "HTTP"
    assert [
        (link["kind"], link["arn"], link["timeout_ms"]) for link in api.attributes["links"]
    ] == [(INTEGRATION_LINK, HOOKS_FN, 3000)]
    assert [s["name"] for s in api.attributes["stages"]] == ["$default"]
    assert api.tags == {"team": "hooks"}


def test_web_acls_say_what_they_protect(
    scanned: tuple[ScanResult, Scanner, dict[str, str]],
) -> None:
    result, _, seeded = scanned
    regional = _one(result, WEB_ACL, "api-waf")
    assert regional.arn == seeded["regional"]
    assert regional.attributes["waf_scope"] == "REGIONAL"
    assert regional.attributes["protects"] == [seeded["stage"]]
    assert regional.attributes["default_action"] == "block"
    assert regional.tags == {"team": "edge"}
    cdn = _one(result, WEB_ACL, "cdn-waf")
    assert cdn.attributes["waf_scope"] == "CLOUDFRONT"
    assert cdn.attributes["protects"] == [seeded["protected"]]
    unused = _one(result, WEB_ACL, "unused-waf")
    assert unused.attributes["protects"] == []
    assert state_of(unused) == "protects nothing"


def test_hosted_zones_keep_the_pointing_records(
    scanned: tuple[ScanResult, Scanner, dict[str, str]],
) -> None:
    result, _, seeded = scanned
    public = _one(result, HOSTED_ZONE, "shop.example.")
    assert public.attributes["private"] is False
    assert public.tags == {"team": "dns"}
    records = {(r["name"], r["type"]): r for r in public.attributes["records"]}
    # MX, TXT, NS and SOA point at nothing of the account's: not kept.
    assert set(records) == {
        ("www.shop.example.", "AAAA"),
        ("api.shop.example.", "CNAME"),
        ("old.shop.example.", "A"),
    }
    assert records[("www.shop.example.", "AAAA")]["alias_target"] == "d111.cloudfront.net"
    assert records[("old.shop.example.", "A")]["values"] == ["203.0.113.9"]
    assert public.attributes["records_truncated"] is False
    private = _one(result, HOSTED_ZONE, "corp.internal.")
    assert private.attributes["private"] is True
    assert private.attributes["vpcs"] == [{"vpc_id": seeded["vpc"], "region": WEST}]
    assert private.attributes["vpc_ids"] == [seeded["vpc"]]
    assert state_of(private) == "private"


def test_certificates_carry_domains_status_and_expiry(
    scanned: tuple[ScanResult, Scanner, dict[str, str]],
) -> None:
    result, _, _ = scanned
    cert = _one(result, CERTIFICATE, "api.shop.example")
    assert sorted(cert.attributes["domains"]) == ["alt.api.shop.example", "api.shop.example"]
    assert cert.attributes["status"]
    assert cert.attributes["not_after"]
    assert cert.attributes["in_use_by"] == []
    assert cert.id == cert.arn.rsplit("/", 1)[-1]
    assert cert.tags == {"team": "tls"}


def test_a_region_with_nothing_costs_one_list_call_per_service(
    aws: Callable[..., Any], scan_config: Callable[..., Any]
) -> None:
    _seed(aws)  # elsewhere: the empty region must not pay for it
    _, scanner = _scan(scan_config, regions=(EMPTY,))
    regional = {
        (client, operation)
        for caller, client, operation in scanner.calls_sent
        if caller != "runner" and REGISTRY[caller].scope is Scope.REGIONAL
    }
    assert regional == {
        ("apigateway", "GetRestApis"),
        ("apigatewayv2", "GetApis"),
        ("wafv2", "ListWebACLs"),
        ("acm", "ListCertificates"),
    }


def test_records_beyond_the_bound_are_counted_not_kept(
    aws: Callable[..., Any], scan_config: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(route53_collector, "RECORD_LIMIT", 3)
    route53 = aws("route53", EAST)
    zone = route53.create_hosted_zone(Name="big.example", CallerReference="c")["HostedZone"]["Id"]
    changes = [
        {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": f"h{i}.big.example",
                "Type": "A",
                "TTL": 60,
                "ResourceRecords": [{"Value": f"192.0.2.{i}"}],
            },
        }
        for i in range(8)
    ]
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})
    result, _ = _scan(scan_config, regions=(EAST,))
    big = _one(result, HOSTED_ZONE, "big.example.")
    assert len(big.attributes["records"]) == 3
    assert big.attributes["records_truncated"] is True
    assert big.attributes["record_count"] == 10  # 8 A records, the NS and the SOA
    assert schema_problems(big) == []


def test_a_denied_service_in_one_region_is_an_error_there_not_an_empty_list(
    aws: Callable[..., Any], scan_config: Callable[..., Any], moto_url: str
) -> None:
    extend_moto()
    for region in (WEST, FAR):
        _acl(aws, region, f"waf-{region}", "REGIONAL")
        aws("acm", region).request_certificate(DomainName=f"{region}.shop.example")
    proxy = FaultProxy(moto_url).start()
    try:
        for service, operation in (("wafv2", "ListWebACLs"), ("acm", "ListCertificates")):
            proxy.add(
                Rule(
                    Fault.ERROR,
                    service=service,
                    region=FAR,
                    operation=operation,
                    code="AccessDeniedException",
                )
            )
        scanner = Scanner(
            scan_config(endpoint_url=proxy.url, regions=(WEST, FAR)), collectors=_collectors()
        )
        result = asyncio.run(scanner.run())
    finally:
        proxy.stop()
    errors = {(e.region, e.service, e.operation, e.code) for r in result.regions for e in r.errors}
    assert errors == {
        (FAR, "wafv2", "ListWebACLs", "AccessDeniedException"),
        (FAR, "acm", "ListCertificates", "AccessDeniedException"),
    }
    found = {(r.type, r.region) for r in result.resources if r.type in (WEB_ACL, CERTIFICATE)}
    assert found == {(WEB_ACL, WEST), (CERTIFICATE, WEST)}
