"""`model/flow.py`: request and event paths through a resource, both ways, from the index."""

from __future__ import annotations

from awsexplorer.model import Finding, Resource, Severity
from awsexplorer.model import kinds as k
from awsexplorer.model import relationships as rel
from awsexplorer.model.flow import flow, lines
from tests.model.test_relationships import A, R, res

LATE = "(callers see a 504 while it keeps running)"


def estate() -> dict[str, Resource]:
    lb = res(k.LOAD_BALANCER, "lb", dns_name="front.elb.amazonaws.com")
    zone = res(
        k.HOSTED_ZONE,
        "Z1",
        arn="arn:aws:route53:::hostedzone/Z1",
        region="global",
        records=[{"type": "A", "alias_target": "front.elb.amazonaws.com."}],
    )
    instance = res(k.INSTANCE, "i-1")
    tg = res(k.TARGET_GROUP, "tg", targets=[{"id": "i-1"}], load_balancers=[lb.arn])
    fn = res(k.FUNCTION, "f", arn=f"arn:aws:lambda:{R}:{A}:function:f", timeout=30)
    api = res(
        k.REST_API,
        "api",
        links=[{"kind": k.INTEGRATION_LINK, "arn": fn.arn, "timeout_ms": 29000}],
    )
    queue = res(k.QUEUE, "q", arn=f"arn:aws:sqs:{R}:{A}:q")
    mapping = res(
        k.EVENT_SOURCE_MAPPING,
        "m",
        links=[{"kind": "source", "arn": queue.arn}, {"kind": "invokes", "arn": fn.arn}],
    )
    loop = res(k.TOPIC, "t", links=[{"kind": "sns-subscription", "arn": queue.arn}])
    queue.attributes["links"] = [{"kind": "sns-subscription", "arn": loop.arn}]  # a cycle
    return {
        "lb": lb,
        "zone": zone,
        "instance": instance,
        "tg": tg,
        "fn": fn,
        "api": api,
        "queue": queue,
        "mapping": mapping,
        "loop": loop,
    }


def test_both_ways_through_a_load_balancer() -> None:
    e = estate()
    index = rel.build(list(e.values()))
    found = flow(index, e["lb"].arn)
    assert [(h.kind, h.arn) for h in found.upstream] == [("alias", e["zone"].arn)]
    assert [(h.kind, h.arn) for h in found.downstream] == [("target-group", e["tg"].arn)]
    assert [(h.kind, h.arn) for h in found.downstream[0].children] == [
        ("target", e["instance"].arn)
    ]


def test_queue_mapping_function_and_the_timeout_that_does_not_line_up() -> None:
    e = estate()
    index = rel.build(list(e.values()))
    dlq_finding = Finding(
        "sqs-no-dead-letter-queue",
        Severity.MEDIUM,
        e["queue"].arn,
        R,
        "q has no DLQ",
        "fix",
    )
    other = Finding("tag-missing-required", Severity.LOW, e["queue"].arn, R, "no tags", "fix")
    found = flow(
        index, e["fn"].arn, lambda arn: [dlq_finding, other] if arn == e["queue"].arn else []
    )
    shown = [
        (depth, way, hop.kind, hop.arn, hop.warnings, hop.cycle) for depth, way, hop in lines(found)
    ]
    api, mapping, queue, loop = (e[n].arn for n in ("api", "mapping", "queue", "loop"))
    assert shown == [
        (
            1,
            "up",
            k.INTEGRATION_LINK,
            api,
            [f"the API gives up after 29 s; the function may run 30 s {LATE}"],
            False,
        ),
        (1, "up", "invokes", mapping, [], False),
        (2, "up", "source", queue, ["q has no DLQ"], False),
        (3, "up", "sns-subscription", loop, [], False),
        (4, "up", "sns-subscription", queue, ["q has no DLQ"], True),  # the cycle is cut
    ]
    assert found.downstream == []


def test_nothing_wired_is_an_empty_flow() -> None:
    group = res(k.SECURITY_GROUP, "sg-1")
    instance = res(k.INSTANCE, "i-1", security_groups=["sg-1"])
    assert flow(rel.build([group, instance]), group.arn).empty
