"""Look-ups of exposure and whois in a snapshot of several accounts: an address or a name is read
in the account of the resource that names it. Accounts built from one template hold the same
private addresses (10.0.0.0/16 everywhere) and names; only AWS-generated ids (vpc-..., subnet-...,
sg-..., i-...) are unique across accounts. Each test builds two accounts from one template and
shows the answer the look-up gave when it was keyed by region and address or name only."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource
from awsexplorer.model import kinds as k
from awsexplorer.model.exposure import analyse
from awsexplorer.model.whois import PRIVATE_IP, RECORD, WhoisIndex
from tests.accounts.cross_account import res

A, B = "111111111111", "222222222222"
ALL = {"Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100, "CidrBlock": "0.0.0.0/0"}


def _account(arn: str) -> str:
    return arn.split(":")[4]


def _hex(account: str) -> str:
    """What makes a generated id of the account: vpc-11111111 in A, vpc-22222222 in B."""
    return account[0] * 8


def _placed(account: str, rtype: str, rid: str, **attributes: Any) -> Resource:
    found = res(account, rtype, rid, **attributes)
    found.vpc_id, found.subnet_id = f"vpc-{_hex(account)}", f"subnet-{_hex(account)}"
    return found


# -- exposure: a load balancer's targets ----------------------------------------------------------


def _load_balanced(account: str, target_type: str, target: str) -> list[Resource]:
    """An internet-facing ALB in a public subnet forwarding 443 to port 8080 of `target`: an
    interface at 10.0.1.9 (its instance's) whose group admits only the load balancer's group,
    and a function `api`."""
    h = _hex(account)
    vpc, subnet, lb_sg, app_sg = f"vpc-{h}", f"subnet-{h}", f"sg-{h}0", f"sg-{h}1"
    tg = res(account, k.TARGET_GROUP, "tg", target_type=target_type, targets=[{"id": target}])
    tg.attributes["port"] = 8080
    open_443 = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}
    from_lb = {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080}
    return [
        res(account, k.SUBNET, subnet, VpcId=vpc, CidrBlock="10.0.1.0/24"),
        res(
            account,
            k.ROUTE_TABLE,
            f"rtb-{h}",
            VpcId=vpc,
            Associations=[{"Main": True}],
            Routes=[{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": f"igw-{h}"}],
        ),
        res(
            account,
            k.NETWORK_ACL,
            f"acl-{h}",
            VpcId=vpc,
            IsDefault=True,
            Entries=[{**ALL, "Egress": False}, {**ALL, "Egress": True}],
        ),
        res(
            account,
            k.SECURITY_GROUP,
            lb_sg,
            IpPermissions=[{**open_443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        ),
        res(
            account,
            k.SECURITY_GROUP,
            app_sg,
            IpPermissions=[{**from_lb, "UserIdGroupPairs": [{"GroupId": lb_sg}]}],
        ),
        _placed(
            account,
            k.LOAD_BALANCER,
            "web",
            scheme="internet-facing",
            type="application",
            dns_name=f"web-{h}.eu-west-1.elb.amazonaws.com",
            subnet_ids=[subnet],
            security_groups=[lb_sg],
            listeners=[{"port": 443, "protocol": "HTTPS", "target_group_arns": [tg.arn]}],
        ),
        tg,
        _placed(account, k.INSTANCE, f"i-{h}", security_groups=[app_sg]),
        _placed(
            account,
            k.NETWORK_INTERFACE,
            f"eni-{h}",
            private_ip="10.0.1.9",
            attached_to=f"i-{h}",
            security_groups=[app_sg],
        ),
        res(account, k.FUNCTION, "api"),
    ]


def _through_load_balancers(target_type: str, target: str) -> list[tuple[str, str, bool]]:
    exposure = analyse(
        _load_balanced(A, target_type, target) + _load_balanced(B, target_type, target)
    )
    return sorted(
        (_account(v.via), _account(v.arn), v.reachable) for v in exposure.verdicts if v.via
    )


def test_a_load_balancer_ip_target_is_the_interface_of_its_own_account() -> None:
    """Both accounts' target groups send to 10.0.1.9: each reaches its own account's instance
    (before: both reached the last account's interface, which A's load balancer's group cannot
    enter)."""
    assert _through_load_balancers("ip", "10.0.1.9") == [(A, A, True), (B, B, True)]


def test_a_load_balancer_lambda_target_named_is_the_function_of_its_own_account() -> None:
    assert [(via, owner) for via, owner, _ in _through_load_balancers("lambda", "api")] == [
        (A, A),
        (B, B),
    ]


def test_a_generated_target_id_still_finds_its_instance() -> None:
    assert _through_load_balancers("instance", f"i-{_hex(A)}") == [(A, A, True), (B, A, False)]


# -- whois: whose address is this ---------------------------------------------------------------


def _holders(index: WhoisIndex, text: str) -> list[tuple[str, str | None, str]]:
    return [(o.arn, o.via, o.kind) for o in index.answer(text)]


def _arn(account: str, rtype: str, rid: str) -> str:
    return res(account, rtype, rid).arn


def _hosts(account: str) -> list[Resource]:
    """An instance at 10.0.1.9 through its interface, and a file system whose mount target's
    interface (at 10.0.1.60) says nothing of it (moto's, and some of AWS's, say nothing)."""
    h = _hex(account)
    return [
        _placed(account, k.INSTANCE, f"i-{h}", private_ip="10.0.1.9"),
        _placed(
            account, k.NETWORK_INTERFACE, f"eni-{h}", private_ips=["10.0.1.9"], attached_to=f"i-{h}"
        ),
        _placed(account, k.NETWORK_INTERFACE, f"eni-{h}0", private_ips=["10.0.1.60"]),
        res(account, k.EFS_FILE_SYSTEM, f"fs-{h}", mount_targets=[{"ip_address": "10.0.1.60"}]),
    ]


def test_an_address_several_accounts_hold_answers_every_holder() -> None:
    index = WhoisIndex.build(_hosts(A) + _hosts(B))
    assert _holders(index, "10.0.1.9") == [
        (_arn(A, k.INSTANCE, f"i-{_hex(A)}"), f"eni-{_hex(A)}", PRIVATE_IP),
        (_arn(B, k.INSTANCE, f"i-{_hex(B)}"), f"eni-{_hex(B)}", PRIVATE_IP),
    ]


def test_an_interface_gives_way_only_to_a_resource_of_its_own_account() -> None:
    """An interface that names no owner gives way to the resource of its account recording its
    address (the file system, through the interface). Before, the first account's file system
    took every account's interface, and the others' lost theirs."""
    fs_a, fs_b = (
        _arn(A, k.EFS_FILE_SYSTEM, f"fs-{_hex(A)}"),
        _arn(B, k.EFS_FILE_SYSTEM, f"fs-{_hex(B)}"),
    )
    index = WhoisIndex.build(_hosts(A) + _hosts(B))
    assert _holders(index, "10.0.1.60") == [
        (fs_a, f"eni-{_hex(A)}0", PRIVATE_IP),
        (fs_b, f"eni-{_hex(B)}0", PRIVATE_IP),
    ]
    # B's file system is not held through A's interface, and A's interface stays A's own.
    lone = [r for r in _hosts(A) if r.type != k.EFS_FILE_SYSTEM]
    index = WhoisIndex.build(lone + _hosts(B))
    assert _holders(index, "10.0.1.60") == [
        (_arn(A, k.NETWORK_INTERFACE, f"eni-{_hex(A)}0"), f"eni-{_hex(A)}0", PRIVATE_IP),
        (fs_b, f"eni-{_hex(B)}0", PRIVATE_IP),
    ]


def _zone(account: str, *records: tuple[str, str, str]) -> Resource:
    """A hosted zone of records (name, type, value)."""
    listed = [{"name": n, "type": t, "values": [v], "alias_target": None} for n, t, v in records]
    return res(account, k.HOSTED_ZONE, f"Z{_hex(account)}", records=listed)


def test_a_record_is_followed_in_its_own_account() -> None:
    """Both accounts' private zones say db.internal.example is 10.0.1.9 (and app. a CNAME to
    it): each record leads to its own account's instance (before, to both accounts')."""
    zones = [
        _zone(
            account,
            ("db.internal.example.", "A", "10.0.1.9"),
            ("app.internal.example.", "CNAME", "db.internal.example"),
        )
        for account in (A, B)
    ]
    index = WhoisIndex.build(_hosts(A) + _hosts(B) + zones)
    for name, rtype in (("db", "A"), ("app", "CNAME")):
        assert sorted(_holders(index, f"{name}.internal.example")) == [
            (
                _arn(account, k.INSTANCE, f"i-{_hex(account)}"),
                f"Z{_hex(account)}/{name}.internal.example/{rtype}",
                RECORD,
            )
            for account in (A, B)
        ]


def test_a_record_to_a_public_address_finds_it_in_another_scanned_account() -> None:
    """A public address is one account's only (AWS gives it): found in any scanned account."""
    peer = res(B, k.INSTANCE, f"i-{_hex(B)}", public_ip="54.0.0.9")
    index = WhoisIndex.build([peer, _zone(A, ("partner.example.", "A", "54.0.0.9"))])
    assert _holders(index, "partner.example") == [
        (peer.arn, f"Z{_hex(A)}/partner.example/A", RECORD)
    ]
