"""Edges and APIs: CloudFront, API Gateway (REST and HTTP), WAF, Route 53 and ACM.

Seeded pitfalls (check id -> resource), and the clean look-alike beside each:
- cloudfront-http-allowed, waf-missing: distribution `downloads.acme-demo.example` (viewer
  protocol `allow-all` on /legacy/*, no web ACL). Look-alike: `assets.acme-demo.example`
  (redirect-to-https everywhere, web ACL `cdn-waf`).
- waf-missing: stage `test` of REST API `orders-public-api` (eu-west-1). Look-alike: its stage
  `prod`, and the ALB `prod-orders-alb`, both behind web ACL `prod-edge-waf`.
- apigw-lambda-timeout-mismatch: POST /thumbnails of `orders-public-api` gives up after 2 s and
  calls `thumbnail-resizer` (3 s). Look-alike: GET /orders -> `orders-api` (15 s, within 29 s).
- Route 53: public zone `acme-demo.example` (an alias to the ALB, a CNAME to the CDN, an A record
  to the released address of `prod-old-vpn-eip`); private zone `internal.acme-demo.example`
  associated with `prod-vpc`.
- ACM: `api.acme-demo.example` (eu-west-1), and a certificate requested in the far region and
  forgotten (`promo.acme-demo.example`, ap-southeast-2).
- An HTTP API `staging-webhooks` in eu-central-1 (an HTTP proxy integration, no link).

moto 5.2 lacks WAF's ListResourcesForWebACL: `extend_moto` adds it to this process's moto,
answering from moto's own record of AssociateWebACL calls, so the demo shows what each web ACL
protects through the same client path as on AWS.
"""

from __future__ import annotations

import json
from typing import Any

from awsexplorer.demo._aws import FAR_AWAY, PRODUCTION, SHARED, STAGING, Aws, tag_list, tags
from awsexplorer.demo.network import Network

ZONE = "acme-demo.example"
PRIVATE_ZONE = "internal.acme-demo.example"
_VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True}
# ListResourcesForWebACL's resource types, by the service in the protected resource's ARN.
_SERVICE_OF_TYPE = {
    "APPLICATION_LOAD_BALANCER": ":elasticloadbalancing:",
    "API_GATEWAY": ":apigateway:",
    "APPSYNC": ":appsync:",
    "COGNITO_USER_POOL": ":cognito-idp:",
    "APP_RUNNER_SERVICE": ":apprunner:",
    "VERIFIED_ACCESS_INSTANCE": ":ec2:",
}


def extend_moto() -> None:
    """Give this process's moto WAF's ListResourcesForWebACL (absent from moto 5.2), answered
    from the associations moto records. Idempotent."""
    from moto.wafv2.exceptions import WAFNonexistentItemException
    from moto.wafv2.responses import WAFV2Response

    if hasattr(WAFV2Response, "list_resources_for_web_acl"):
        return

    def list_resources_for_web_acl(self: Any) -> tuple[int, dict[str, str], str]:
        acl = self.wafv2_backend.wacls.get(self._get_param("WebACLArn"))
        if acl is None:
            raise WAFNonexistentItemException
        service = _SERVICE_OF_TYPE.get(
            self._get_param("ResourceType") or "APPLICATION_LOAD_BALANCER", "-"
        )
        arns = [a for a in acl.associated_resources if service in a]
        return 200, {}, json.dumps({"ResourceArns": arns})

    WAFV2Response.list_resources_for_web_acl = list_resources_for_web_acl  # type: ignore[attr-defined]


def _web_acl(aws: Aws, region: str, name: str, scope: str, environment: str) -> str:
    return str(
        aws("wafv2", region).create_web_acl(
            Name=name,
            Scope=scope,
            DefaultAction={"Allow": {}},
            Rules=[
                {
                    "Name": "aws-common",
                    "Priority": 0,
                    "Statement": {
                        "ManagedRuleGroupStatement": {
                            "VendorName": "AWS",
                            "Name": "AWSManagedRulesCommonRuleSet",
                        }
                    },
                    "OverrideAction": {"None": {}},
                    "VisibilityConfig": {**_VISIBILITY, "MetricName": "aws-common"},
                }
            ],
            VisibilityConfig={**_VISIBILITY, "MetricName": name},
            Tags=tag_list(tags(environment=environment)),
        )["Summary"]["ARN"]
    )


def _lambda_uri(region: str, function_arn: str) -> str:
    return (
        f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    )


def _rest_api(aws: Aws) -> str:
    """REST API `orders-public-api` with two Lambda integrations and stages prod and test.
    Returns the ARN of its stage prod."""
    api = aws("apigateway", PRODUCTION)
    functions = {
        f["FunctionName"]: f["FunctionArn"]
        for f in aws("lambda", PRODUCTION).list_functions()["Functions"]
    }
    rest = api.create_rest_api(
        name="orders-public-api",
        endpointConfiguration={"types": ["REGIONAL"]},
        tags=tags(environment="production"),
    )
    root = next(r["id"] for r in api.get_resources(restApiId=rest["id"])["items"])
    for path, verb, function, timeout in (
        ("orders", "GET", "orders-api", 29000),
        ("thumbnails", "POST", "thumbnail-resizer", 2000),  # pitfall: 2 s before its 3 s
    ):
        resource = api.create_resource(restApiId=rest["id"], parentId=root, pathPart=path)
        api.put_method(
            restApiId=rest["id"],
            resourceId=resource["id"],
            httpMethod=verb,
            authorizationType="NONE",
        )
        api.put_integration(
            restApiId=rest["id"],
            resourceId=resource["id"],
            httpMethod=verb,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=_lambda_uri(PRODUCTION, functions[function]),
            timeoutInMillis=timeout,
        )
    deployment = api.create_deployment(restApiId=rest["id"], stageName="prod")
    api.create_stage(restApiId=rest["id"], stageName="test", deploymentId=deployment["id"])
    return f"arn:aws:apigateway:{PRODUCTION}::/restapis/{rest['id']}/stages/prod"


def _regional_waf(aws: Aws, stage_arn: str) -> None:
    acl = _web_acl(aws, PRODUCTION, "prod-edge-waf", "REGIONAL", "production")
    waf = aws("wafv2", PRODUCTION)
    alb = aws("elbv2", PRODUCTION).describe_load_balancers(Names=["prod-orders-alb"])
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=stage_arn)
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=alb["LoadBalancers"][0]["LoadBalancerArn"])


def _distribution(
    aws: Aws, alias: str, origin: str, behaviours: list[tuple[str, str]], acl: str
) -> str:
    """A distribution of an S3 origin; behaviours are (path pattern, viewer policy), the first
    the default. Returns its domain name."""

    def behaviour(policy: str) -> dict[str, Any]:
        return {
            "TargetOriginId": "origin",
            "ViewerProtocolPolicy": policy,
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
        }

    extra = [{"PathPattern": p, **behaviour(v)} for p, v in behaviours[1:]]
    config: dict[str, Any] = {
        "CallerReference": alias,
        "Aliases": {"Quantity": 1, "Items": [alias]},
        "Comment": alias,
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "origin",
                    "DomainName": origin,
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": behaviour(behaviours[0][1]),
        "CacheBehaviors": {"Quantity": len(extra), "Items": extra} if extra else {"Quantity": 0},
        "WebACLId": acl,
    }
    created = aws("cloudfront", SHARED).create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": config,
            "Tags": {"Items": tag_list(tags(environment="production"))},
        }
    )
    return str(created["Distribution"]["DomainName"])


def _cdn(aws: Aws) -> str:
    """The two distributions; returns the clean one's domain name."""
    acl = _web_acl(aws, SHARED, "cdn-waf", "CLOUDFRONT", "production")
    assets = _distribution(
        aws,
        "assets.acme-demo.example",
        "acme-prod-assets.s3.amazonaws.com",
        [("*", "redirect-to-https")],
        acl,
    )
    # Pitfall: plain HTTP allowed on /legacy/*, and no web ACL in front.
    _distribution(
        aws,
        "downloads.acme-demo.example",
        "acme-prod-assets.s3.amazonaws.com",
        [("*", "redirect-to-https"), ("/legacy/*", "allow-all")],
        "",
    )
    return assets


def _zones(aws: Aws, network: Network, cdn_domain: str) -> None:
    route53 = aws("route53", SHARED)
    zone = route53.create_hosted_zone(Name=ZONE, CallerReference=ZONE)["HostedZone"]["Id"]
    alb = aws("elbv2", PRODUCTION).describe_load_balancers(Names=["prod-orders-alb"])
    lb = alb["LoadBalancers"][0]

    def record(name: str, kind: str, value: str, zone_name: str = ZONE) -> dict[str, Any]:
        return {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": f"{name}.{zone_name}",
                "Type": kind,
                "TTL": 300,
                "ResourceRecords": [{"Value": value}],
            },
        }

    alias = {
        "Action": "CREATE",
        "ResourceRecordSet": {
            "Name": f"shop.{ZONE}",
            "Type": "A",
            "AliasTarget": {
                "HostedZoneId": lb["CanonicalHostedZoneId"],
                "DNSName": lb["DNSName"],
                "EvaluateTargetHealth": False,
            },
        },
    }
    route53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                alias,
                record("assets", "CNAME", cdn_domain),
                record("vpn", "A", "203.0.113.30"),  # the address prod-old-vpn-eip held
                record("_verify", "TXT", '"acme-demo-verification"'),
            ]
        },
    )
    route53.change_tags_for_resource(
        ResourceType="hostedzone",
        ResourceId=zone.rsplit("/", 1)[-1],
        AddTags=tag_list(tags(environment="production")),
    )
    (db,) = aws("rds", PRODUCTION).describe_db_instances(DBInstanceIdentifier="orders-db")[
        "DBInstances"
    ]
    database = str(db["Endpoint"]["Address"])
    private = route53.create_hosted_zone(
        Name=PRIVATE_ZONE,
        CallerReference=PRIVATE_ZONE,
        VPC={"VPCRegion": PRODUCTION, "VPCId": network.vpcs["prod-vpc"]},
        HostedZoneConfig={"PrivateZone": True, "Comment": "service discovery"},
    )["HostedZone"]["Id"]
    route53.change_resource_record_sets(
        HostedZoneId=private,
        ChangeBatch={"Changes": [record("orders-db", "CNAME", database, PRIVATE_ZONE)]},
    )


def _certificates(aws: Aws) -> None:
    aws("acm", PRODUCTION).request_certificate(
        DomainName="api.acme-demo.example",
        ValidationMethod="DNS",
        SubjectAlternativeNames=["api.acme-demo.example", "www.acme-demo.example"],
        Tags=tag_list(tags(environment="production")),
    )
    # Forgotten: requested in a region nobody works in.
    aws("acm", FAR_AWAY).request_certificate(
        DomainName="promo.acme-demo.example",
        ValidationMethod="DNS",
        Tags=tag_list(tags(environment="production", project="marketing")),
    )


def _http_api(aws: Aws) -> None:
    api = aws("apigatewayv2", STAGING)
    created = api.create_api(
        Name="staging-webhooks", ProtocolType="HTTP", Tags=tags(environment="staging")
    )
    api.create_integration(
        ApiId=created["ApiId"],
        IntegrationType="HTTP_PROXY",
        IntegrationMethod="POST",
        IntegrationUri="https://hooks.staging.acme-demo.example/in",
        PayloadFormatVersion="1.0",
    )
    api.create_stage(ApiId=created["ApiId"], StageName="$default", AutoDeploy=True)


def build_edges(aws: Aws, network: Network) -> None:
    """After compute (the ALB and the functions the APIs and records point at)."""
    extend_moto()
    _regional_waf(aws, _rest_api(aws))
    _zones(aws, network, _cdn(aws))
    _certificates(aws)
    _http_api(aws)
