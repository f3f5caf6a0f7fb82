"""The relationship index on literal resources: the edges moto cannot make (certificates in use,
WAF on an API stage, ECS, EKS node groups, Auto Scaling, Route 53 aliases, CloudFront origins,
stacks, KMS by alias, IP targets, peering, VPN, snapshots, a function's dead-letter queue...),
written as the collectors write them. Each is asserted exactly: the whole edge set of the
fixture, so an edge too many fails as surely as one missing."""

from __future__ import annotations

from typing import Any

import pytest

from awsexplorer.model import Resource
from awsexplorer.model import kinds as k
from awsexplorer.model import relationships as rel
from awsexplorer.model.ownership import MANAGED_BY, STACK_TAG

R = "eu-west-1"
A = "123456789012"


def res(rtype: str, rid: str, arn: str | None = None, region: str = R, **attrs: Any) -> Resource:
    tags = attrs.pop("tags", {})
    name = attrs.pop("name", rid)
    service, short = rtype.split(":", 1)
    return Resource(
        arn=arn or f"arn:aws:{service}:{region}:{A}:{short}/{rid}",
        type=rtype,
        id=rid,
        name=name,
        region=region,
        vpc_id=attrs.pop("vpc_id", None),
        tags=tags,
        attributes=attrs,
    )


def edges(resources: list[Resource]) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.kind) for e in rel.build(resources).edges()}


def test_kms_key_by_id_alias_and_alias_arn_and_in_encryption_dicts() -> None:
    key = res(k.KMS_KEY_TYPE, "1111", aliases=["alias/data"])
    other_region_key = res(k.KMS_KEY_TYPE, "2222", region="us-east-1", aliases=["alias/data"])
    volume = res(k.VOLUME, "vol-1", kms_key_id="1111")
    secret = res(k.SECRET, "s", kms_key_id="alias/data")
    queue = res(k.QUEUE, "q", encryption={"kms_key_id": f"arn:aws:kms:{R}:{A}:alias/data"})
    table = res(k.DYNAMODB_TABLE, "t", encryption={"kms_key_arn": key.arn})
    foreign = res(k.EBS_SNAPSHOT, "snap-1")
    foreign.attributes[k.KMS_KEY] = "arn:aws:kms:eu-west-1:999999999999:key/abc"
    unknown_id = res(k.VOLUME, "vol-2", kms_key_id="not-held")
    found = edges([key, other_region_key, volume, secret, queue, table, foreign, unknown_id])
    assert found == {
        (volume.arn, key.arn, rel.KMS_KEY),
        (secret.arn, key.arn, rel.KMS_KEY),
        (queue.arn, key.arn, rel.KMS_KEY),
        (table.arn, key.arn, rel.KMS_KEY),
        # another account's key: kept, it is an ARN; a bare id nobody holds is not guessed
        (foreign.arn, "arn:aws:kms:eu-west-1:999999999999:key/abc", rel.KMS_KEY),
    }


def test_load_balancer_listener_target_group_targets_and_certificates() -> None:
    instance = res(k.INSTANCE, "i-1", private_ip="10.0.0.5")
    eni = res(k.NETWORK_INTERFACE, "eni-9", private_ip="10.0.0.9")
    fn = res(k.FUNCTION, "f", arn=f"arn:aws:lambda:{R}:{A}:function:f")
    cert = res(k.CERTIFICATE, "c1", in_use_by=[])
    tg_i = res(k.TARGET_GROUP, "tg-i", target_type="instance", targets=[{"id": "i-1"}])
    tg_ip = res(
        k.TARGET_GROUP, "tg-ip", target_type="ip", targets=[{"id": "10.0.0.9"}, {"id": "1.2.3.4"}]
    )
    tg_fn = res(k.TARGET_GROUP, "tg-fn", target_type="lambda", targets=[{"id": fn.arn + ":live"}])
    lb = res(
        k.LOAD_BALANCER,
        "lb",
        listeners=[
            {"arn": "L1", "target_group_arns": [tg_i.arn, tg_ip.arn], "certificates": [cert.arn]},
            {"arn": "L2", "target_group_arns": [tg_fn.arn], "certificates": []},
        ],
    )
    found = edges([instance, eni, fn, cert, tg_i, tg_ip, tg_fn, lb])
    assert found == {
        (lb.arn, tg_i.arn, rel.TARGET_GROUP),
        (lb.arn, tg_ip.arn, rel.TARGET_GROUP),
        (lb.arn, tg_fn.arn, rel.TARGET_GROUP),
        (lb.arn, cert.arn, rel.CERTIFICATE),
        (tg_i.arn, instance.arn, rel.TARGET),
        (tg_ip.arn, eni.arn, rel.TARGET),  # 1.2.3.4 is nobody's here: no edge
        (tg_fn.arn, fn.arn, rel.TARGET),  # a qualified ARN is its function
    }


def test_certificate_waf_on_a_stage_and_a_distribution() -> None:
    api = res(k.REST_API, "abc123", arn=f"arn:aws:apigateway:{R}::/restapis/abc123")
    lb = res(k.LOAD_BALANCER, "lb")
    cert = res(k.CERTIFICATE, "c", in_use_by=[lb.arn])
    acl = res(
        k.WEB_ACL, "acl", protects=[lb.arn, f"arn:aws:apigateway:{R}::/restapis/abc123/stages/prod"]
    )
    edge_acl = res(k.WEB_ACL, "cdn", arn=f"arn:aws:wafv2:us-east-1:{A}:global/webacl/cdn/1")
    dist = res(
        k.DISTRIBUTION,
        "E1",
        arn=f"arn:aws:cloudfront::{A}:distribution/E1",
        region="global",
        web_acl_id=edge_acl.arn,
        certificate=f"arn:aws:acm:us-east-1:{A}:certificate/x",
        origins=[{"domain_name": "assets.s3.amazonaws.com"}, {"domain_name": "example.org"}],
    )
    bucket = res(k.BUCKET, "assets", arn="arn:aws:s3:::assets")
    found = edges([api, lb, cert, acl, edge_acl, dist, bucket])
    assert found == {
        (lb.arn, cert.arn, rel.CERTIFICATE),
        (lb.arn, acl.arn, rel.WEB_ACL),
        (api.arn, acl.arn, rel.WEB_ACL),
        (dist.arn, edge_acl.arn, rel.WEB_ACL),
        (dist.arn, f"arn:aws:acm:us-east-1:{A}:certificate/x", rel.CERTIFICATE),
        (dist.arn, bucket.arn, rel.ORIGIN),  # example.org is outside the account: no edge
    }


def test_route53_alias_and_cname_inside_the_account() -> None:
    lb = res(k.LOAD_BALANCER, "lb", dns_name="front-1.eu-west-1.elb.amazonaws.com")
    dist = res(k.DISTRIBUTION, "E1", region="global", domain_name="d111.cloudfront.net")
    vpc = res(k.VPC, "vpc-1")
    zone = res(
        k.HOSTED_ZONE,
        "Z1",
        arn="arn:aws:route53:::hostedzone/Z1",
        region="global",
        vpcs=[{"vpc_id": "vpc-1", "region": R}],
        records=[
            {"type": "A", "alias_target": "dualstack.front-1.eu-west-1.elb.amazonaws.com."},
            {"type": "CNAME", "values": ["d111.cloudfront.net"]},
            {"type": "A", "values": ["10.0.0.1"]},
        ],
    )
    assert edges([lb, dist, vpc, zone]) == {
        (zone.arn, lb.arn, rel.ALIAS),
        (zone.arn, dist.arn, rel.ALIAS),
        (zone.arn, vpc.arn, rel.VPC),
    }


def test_containers_auto_scaling_and_roles() -> None:
    role = res(
        k.IAM_ROLE,
        "task",
        arn=f"arn:aws:iam::{A}:role/task",
        region="global",
        trust_policy={
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Service": "ecs-tasks.amazonaws.com",
                        "AWS": f"arn:aws:iam::{A}:root",
                    },
                    "Action": "sts:AssumeRole",
                }
            ]
        },
    )
    execution = res(k.IAM_ROLE, "exec", arn=f"arn:aws:iam::{A}:role/exec", region="global")
    secret = res(k.SECRET, "db", arn=f"arn:aws:secretsmanager:{R}:{A}:secret:db-AbCdEf")
    cluster = res(k.ECS_CLUSTER, "c", arn=f"arn:aws:ecs:{R}:{A}:cluster/c")
    task = res(
        k.ECS_TASK_DEFINITION,
        "t:1",
        role=role.arn,
        execution_role=execution.arn,
        secrets=[{"value_from": f"arn:aws:secretsmanager:{R}:{A}:secret:db:password::"}],
    )
    tg = res(k.TARGET_GROUP, "tg")
    service = res(
        k.ECS_SERVICE,
        "s",
        cluster=cluster.arn,
        task_definition=task.arn,
        load_balancers=[{"target_group_arn": tg.arn}],
    )
    eks = res(k.EKS_CLUSTER, "k8s", role=role.arn)
    nodes = res(k.EKS_NODEGROUP, "ng", cluster="k8s", role=execution.arn)
    instance = res(k.INSTANCE, "i-1")
    template = res(k.LAUNCH_TEMPLATE, "lt-1")
    asg = res(
        k.AUTOSCALING_GROUP,
        "asg",
        instances=[{"id": "i-1"}],
        target_groups=[tg.arn],
        launch_template={"id": "lt-1", "name": "app", "version": "$Default"},
    )
    found = edges(
        [role, execution, secret, cluster, task, tg, service, eks, nodes, instance, asg, template]
    )
    assert found == {
        ("ecs-tasks.amazonaws.com", role.arn, rel.CAN_ASSUME),
        (f"arn:aws:iam::{A}:root", role.arn, rel.CAN_ASSUME),
        (task.arn, role.arn, rel.ROLE),
        (task.arn, execution.arn, rel.EXECUTION_ROLE),
        (task.arn, secret.arn, rel.SECRET),  # named without its suffix, with a JSON key
        (service.arn, cluster.arn, rel.CLUSTER),
        (service.arn, task.arn, rel.TASK_DEFINITION),
        (service.arn, tg.arn, rel.TARGET_GROUP),
        (eks.arn, role.arn, rel.ROLE),
        (nodes.arn, eks.arn, rel.CLUSTER),
        (nodes.arn, execution.arn, rel.ROLE),
        (asg.arn, instance.arn, rel.INSTANCE),
        (asg.arn, tg.arn, rel.TARGET_GROUP),
        (asg.arn, template.arn, rel.LAUNCH_TEMPLATE),
    }


def test_stack_peering_vpn_snapshots_caches_trail_alarm_and_dead_letters() -> None:
    stack_arn = f"arn:aws:cloudformation:{R}:{A}:stack/app/uuid-1"
    queue = res(
        k.QUEUE,
        "q",
        tags={STACK_TAG: "app", rel.STACK_ID_TAG: stack_arn},
        **{MANAGED_BY: "app"},
    )
    dlq = res(k.QUEUE, "dlq", arn=f"arn:aws:sqs:{R}:{A}:dlq", **{MANAGED_BY: "ops"})
    ops = res(k.STACK, "ops", arn=f"arn:aws:cloudformation:{R}:{A}:stack/ops/uuid-2")
    role = res(k.IAM_ROLE, "r", arn=f"arn:aws:iam::{A}:role/r", region="global")
    role.attributes[MANAGED_BY] = "ops"  # global: the only stack of that name
    fn = res(k.FUNCTION, "f", dead_letter_target=dlq.arn)
    vpc_a, vpc_b = res(k.VPC, "vpc-a"), res(k.VPC, "vpc-b", region="us-east-1")
    peering = res(
        k.VPC_PEERING_CONNECTION,
        "pcx-1",
        requester_vpc_id="vpc-a",
        accepter_vpc_id="vpc-b",
        accepter_region="us-east-1",
    )
    cgw, vgw = res(k.CUSTOMER_GATEWAY, "cgw-1"), res(k.VPN_GATEWAY, "vgw-1")
    vpn = res(k.VPN_CONNECTION, "vpn-1", customer_gateway_id="cgw-1", vpn_gateway_id="vgw-1")
    db_cluster = res(k.DB_CLUSTER, "aurora")
    db = res(k.DATABASE, "db-1", cluster_id="aurora")
    db_snap = res(k.DB_SNAPSHOT, "snap", source="db-1")
    volume = res(k.VOLUME, "vol-1")
    ebs_snap = res(k.EBS_SNAPSHOT, "snap-1", volume_id="vol-1")
    image = res(k.MACHINE_IMAGE, "ami-1", snapshot_ids=["snap-1"])
    group = res(k.CACHE_REPLICATION_GROUP, "rg")
    cache = res(k.CACHE_CLUSTER, "cc", replication_group="rg")
    bucket = res(k.BUCKET, "logs", arn="arn:aws:s3:::logs")
    trail = res(k.TRAIL, "t", s3_bucket="logs")
    topic = res(k.TOPIC, "alerts", arn=f"arn:aws:sns:{R}:{A}:alerts")
    alarm = res(k.ALARM, "a", alarm_actions=[topic.arn])
    everything = [queue, dlq, ops, role, fn, vpc_a, vpc_b, peering, cgw, vgw, vpn, db_cluster]
    everything += [db, db_snap]
    everything += [volume, ebs_snap, image, group, cache, bucket, trail, topic, alarm]
    assert edges(everything) == {
        (stack_arn, queue.arn, rel.STACK_RESOURCE),
        (ops.arn, dlq.arn, rel.STACK_RESOURCE),  # the stack held in the scan, by name
        (ops.arn, role.arn, rel.STACK_RESOURCE),
        (fn.arn, dlq.arn, rel.DEAD_LETTER),
        (peering.arn, vpc_a.arn, rel.VPC),
        (peering.arn, vpc_b.arn, rel.VPC),
        (vpn.arn, cgw.arn, rel.CUSTOMER_GATEWAY),
        (vpn.arn, vgw.arn, rel.VPN_GATEWAY),
        (db.arn, db_cluster.arn, rel.DB_CLUSTER),
        (db_snap.arn, db.arn, rel.SNAPSHOT_OF),
        (ebs_snap.arn, volume.arn, rel.SNAPSHOT_OF),
        (image.arn, ebs_snap.arn, rel.SNAPSHOT),
        (cache.arn, group.arn, rel.REPLICATION_GROUP),
        (trail.arn, bucket.arn, rel.LOG_BUCKET),
        (alarm.arn, topic.arn, rel.ALARM_ACTION),
    }


def test_links_are_edges_of_their_kind_and_a_listener_is_its_load_balancer() -> None:
    lb = res(k.LOAD_BALANCER, "lb", listeners=[{"arn": "arn:aws:elasticloadbalancing:L"}])
    fn = res(k.FUNCTION, "f", arn=f"arn:aws:lambda:{R}:{A}:function:f")
    api = res(
        k.HTTP_API,
        "api",
        links=[
            {"kind": k.INTEGRATION_LINK, "arn": "arn:aws:elasticloadbalancing:L"},
            {"kind": k.INTEGRATION_LINK, "arn": fn.arn},
            {"kind": "", "arn": fn.arn},  # no kind: not an edge
        ],
    )
    table = res(k.DYNAMODB_TABLE, "orders", arn=f"arn:aws:dynamodb:{R}:{A}:table/orders")
    mapping = res(
        k.EVENT_SOURCE_MAPPING,
        "m",
        links=[{"kind": "source", "arn": f"{table.arn}/stream/2026-01-01T00:00:00.000"}],
    )
    assert edges([lb, fn, api, table, mapping]) == {
        (api.arn, lb.arn, k.INTEGRATION_LINK),
        (api.arn, fn.arn, k.INTEGRATION_LINK),
        (mapping.arn, table.arn, "source"),  # the table's stream: the table
    }


def test_find_by_arn_id_or_name_and_hostile_strings_stay_data() -> None:
    hostile = "[bold]x[/]\x1b[31m"
    group = res(k.SECURITY_GROUP, "sg-1", name=hostile)
    instance = res(k.INSTANCE, "i-1", security_groups=["sg-1", hostile])
    index = rel.build([group, instance])
    assert index.find(group.arn) == [group]
    assert index.find("sg-1") == [group]
    assert index.find(hostile) == [group]
    assert index.find("nothing") == []
    assert rel.answer(index, group) == {
        "resource": group.arn,
        "uses": [],
        "used_by": [{"kind": rel.SECURITY_GROUP, "arn": instance.arn}],
    }


def _eni(rid: str, description: str, **attrs: Any) -> Resource:
    """A network interface as collectors/ec2.py writes one AWS created for a service (its
    subnet in the record's `subnet_id`, no attachment)."""
    subnet = attrs.pop("subnet_id", "subnet-a")
    interface = res(
        k.NETWORK_INTERFACE,
        rid,
        vpc_id="vpc-1",
        description=description,
        requester_managed=True,
        attached_to=None,
        **attrs,
    )
    interface.subnet_id = subnet
    return interface


def test_a_functions_and_a_databases_interfaces_are_theirs() -> None:
    """Requester-managed interfaces name no attachment: a function's by its name in the
    description, a database's by its subnet and security groups (as `whois` finds them); a
    group's or a subnet's `used by` reaches the function or database through them."""
    subnet = res(k.SUBNET, "subnet-a", vpc_id="vpc-1")
    fn_group, db_group = res(k.SECURITY_GROUP, "sg-fn"), res(k.SECURITY_GROUP, "sg-db")
    function = res(k.FUNCTION, "orders-api", subnet_ids=["subnet-a"], security_groups=["sg-fn"])
    other_fn = res(k.FUNCTION, "orders", subnet_ids=["subnet-a"], security_groups=["sg-fn"])
    database = res(k.DATABASE, "orders-db", subnet_ids=["subnet-a"], security_groups=["sg-db"])
    fn_eni = _eni(
        "eni-fn",
        "AWS Lambda VPC ENI-orders-api-6f9a2b1c-9d3e-4f5a-8b7c-0d1e2f3a4b5c",
        interface_type="lambda",
        requester_id="AROAEXAMPLE:orders-api",
        security_groups=["sg-fn"],
    )
    db_eni = _eni(
        "eni-db",
        "RDSNetworkInterface",
        interface_type="interface",
        requester_id="amazon-rds",
        security_groups=["sg-db"],
    )
    loose = _eni("eni-loose", "my own spare interface")
    held = [subnet, fn_group, db_group, function, other_fn, database, fn_eni, db_eni, loose]
    found = edges(held)
    placed = {
        (r.arn, subnet.arn, rel.SUBNET)
        for r in (function, other_fn, database, fn_eni, db_eni, loose)
    }
    assert found == placed | {
        (function.arn, fn_group.arn, rel.SECURITY_GROUP),
        (other_fn.arn, fn_group.arn, rel.SECURITY_GROUP),
        (fn_eni.arn, fn_group.arn, rel.SECURITY_GROUP),
        (database.arn, db_group.arn, rel.SECURITY_GROUP),
        (db_eni.arn, db_group.arn, rel.SECURITY_GROUP),
        # the new edges: the longest function name the description starts with, not "orders"
        (function.arn, fn_eni.arn, rel.NETWORK_INTERFACE),
        (database.arn, db_eni.arn, rel.NETWORK_INTERFACE),
    }


def test_outbound_rules_referencing_a_group_are_edges_too() -> None:
    """A group whose outbound rule names another group uses it (`outbound-rule-references`),
    as an inbound reference does (`rule-references`), in the shape AWS and the collector give."""
    app = res(
        k.SECURITY_GROUP,
        "sg-app",
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "UserIdGroupPairs": [{"GroupId": "sg-lb", "UserId": A}],
            }
        ],
        IpPermissionsEgress=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [
                    {"GroupId": "sg-db", "UserId": A},
                    {"GroupId": "sg-gone", "UserId": A},
                ],
            },
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        ],
    )
    lb, db = res(k.SECURITY_GROUP, "sg-lb"), res(k.SECURITY_GROUP, "sg-db")
    index = rel.build([app, lb, db])
    assert {(e.source, e.target, e.kind) for e in index.edges()} == {
        (app.arn, lb.arn, rel.RULE_REFERENCES),
        (app.arn, db.arn, rel.OUTBOUND_RULE_REFERENCES),  # sg-gone: not held, not an ARN
    }
    assert [(e.source, e.kind) for e in index.used_by(db.arn)] == [
        (app.arn, rel.OUTBOUND_RULE_REFERENCES)
    ]


def test_a_paused_build_gives_the_same_index_and_pauses_through_each_long_pass() -> None:
    """`build(..., pause)` calls `pause` every PACE resources of its long passes (numbering,
    look-ups, edges), so a worker thread can give way to key presses; the index is the same."""
    vpc = res(k.VPC, "vpc-1")
    groups = [res(k.SECURITY_GROUP, f"sg-{n}", vpc_id="vpc-1") for n in range(3)]
    many = [
        res(k.INSTANCE, f"i-{n}", vpc_id="vpc-1", security_groups=[f"sg-{n % 3}"])
        for n in range(3 * rel.PACE + 5)
    ]
    resources = [vpc, *groups, *many]
    calls: list[int] = []
    paused = rel.build(resources, pause=lambda: calls.append(1))
    plain = rel.build(resources)
    assert {(e.source, e.target, e.kind) for e in paused.edges()} == edges(resources)
    assert paused.edge_count == plain.edge_count > len(many)
    # At least once per PACE in each of the passes over every resource (numbering, ids,
    # look-ups, edges).
    assert len(calls) >= 4 * (len(resources) // rel.PACE)


def test_a_paused_build_sorts_in_pieces_to_the_same_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given `pause`, seal sorts its keys SORT_PIECE at a time and merges them (one sort of a
    1,000,000-resource estate's keys held the interpreter ~1.2 s): the arrays are the ones one
    sort gives, repeats dropped, and `pause` is called between the pieces."""
    vpc = res(k.VPC, "vpc-1")
    groups = [res(k.SECURITY_GROUP, f"sg-{n}", vpc_id="vpc-1") for n in range(3)]
    many = [
        res(k.INSTANCE, f"i-{n}", vpc_id="vpc-1", security_groups=[f"sg-{n % 3}", "sg-0"])
        for n in range(200)
    ]
    resources = [vpc, *groups, *reversed(many)]  # keys out of order, some repeated
    plain = rel.build(resources)
    monkeypatch.setattr(rel, "SORT_PIECE", 7)
    calls: list[int] = []
    pieced = rel.build(resources, pause=lambda: calls.append(1))
    assert pieced._out == plain._out and pieced._in == plain._in
    assert pieced.edge_count == plain.edge_count > len(many)
    assert len(calls) >= 2 * plain.edge_count // 7  # between the pieces of both sorts


def test_several_accounts_is_told_a_piece_at_a_time_up_to_the_first_other_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The index reads references in the resource's own account when it holds several: told
    without one call over every resource (a set of 1,000,000 accounts held the UI waiting)."""
    monkeypatch.setattr(rel, "SORT_PIECE", 3)

    def of(*accounts: str | None) -> list[Resource]:
        return [
            Resource(arn=f"arn:aws:s3:::b{n}", type="s3:bucket", id=f"b{n}", name=f"b{n}",
                     region="us-east-1", account_id=account)
            for n, account in enumerate(accounts)
        ]  # fmt: skip

    assert not rel._several_accounts([])
    assert not rel._several_accounts(of("1", "1", "1", "1", "1"))
    assert not rel._several_accounts(of(None, None, None, None))
    assert rel._several_accounts(of("1", "1", "1", "1", "2"))  # in the second piece
    assert rel._several_accounts(of(None, "2"))
