"""The per-type record is the one place a type is known (model/kinds.py).

- A type id ("ec2:instance") is written only in model/kinds.py: collectors, checks, the model,
  presenters and the UI name it through the kinds constants (demo/ seeds AWS and is exempt).
- Above the scanner nothing reads a raw (PascalCase) API field of a resource's attributes: the
  collectors write the normalised fields the record declares, and `kinds.complete` fills them in
  for an older snapshot. Rule documents are the exception (see _RAW_EXEMPT and _RAW_ALLOWED).
- docs/resource-types.md is generated from the records and kept current.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from awsexplorer.model import Resource, kinds
from awsexplorer.model.kinds_docs import render_markdown

PACKAGE = Path(__file__).resolve().parents[2] / "awsexplorer"
# The checkout's docs, not the installed package's neighbour (CI installs it into a venv).
DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "resource-types.md"


def _modules(*exempt: str) -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE.parent).as_posix()
        if not name.startswith(exempt):
            found.append((name, ast.parse(path.read_text(encoding="utf-8"), name)))
    return found


def test_type_ids_are_written_only_in_the_records() -> None:
    ids = set(kinds.REGISTRY)
    found = [
        f"{name}:{node.lineno}: {node.value!r}"
        for name, tree in _modules("awsexplorer/model/kinds.py", "awsexplorer/demo/")
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ids
    ]
    assert found == [], "name the type through its constant in model/kinds.py"


def test_the_literal_check_sees_a_literal() -> None:
    tree = ast.parse('if r.type == "ec2:instance":\n    pass\n')
    values = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert kinds.INSTANCE in values and kinds.INSTANCE in kinds.REGISTRY


def test_every_record_has_a_constant_and_every_constant_a_record() -> None:
    constants = {
        value
        for name, value in vars(kinds).items()
        if name.isupper() and isinstance(value, str) and ":" in value
    }
    assert constants == set(kinds.REGISTRY)


# -- raw API fields ------------------------------------------------------------------------------

# Where a raw field is the point: the scanner writes them; the record's `complete` reads them for
# older snapshots; route tables and NACL entries (routing), policy documents (policy) and security
# group rules and NACL entries (exposure) are parsed as AWS documents, field by field.
_RAW_EXEMPT = (
    "awsexplorer/scan/",
    "awsexplorer/demo/",
    "awsexplorer/model/kinds.py",
    "awsexplorer/model/routing.py",
    "awsexplorer/model/policy.py",
    "awsexplorer/model/exposure.py",
)

# What is left: may only shrink (a test fails when an entry is no longer needed).
_RAW_ALLOWED = {
    # A security group's inbound rules, read as the rule documents exposure.py also reads.
    ("awsexplorer/checks/network.py", "IpPermissions"),
    # A route table's entries compared between two snapshots, as routing.py reads them.
    ("awsexplorer/model/diff.py", "Routes"),
}

_PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def _holds_attributes(node: ast.expr) -> bool:
    """`x.attributes` or a local named `attributes`/`attrs` (how every reader spells it)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "attributes"
    return isinstance(node, ast.Name) and node.id in ("attributes", "attrs")


def raw_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """`<attributes>.get("Pascal")` and `<attributes>["Pascal"]`, with their line numbers."""
    found = []
    for node in ast.walk(tree):
        key = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and _holds_attributes(node.func.value)
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            key = node.args[0].value
        elif (
            isinstance(node, ast.Subscript)
            and _holds_attributes(node.value)
            and isinstance(node.slice, ast.Constant)
        ):
            key = node.slice.value
        if isinstance(key, str) and _PASCAL.match(key):
            found.append((node.lineno, key))
    return found


def test_the_raw_read_check_sees_each_spelling() -> None:
    code = (
        'a = r.attributes.get("IsDefault")\n'
        'b = attrs["CidrBlock"]\n'
        'c = attributes.get("State", {})\n'
        'd = r.attributes.get("is_default")\n'
        'e = other.get("State")\n'
    )
    assert [key for _, key in raw_reads(ast.parse(code))] == ["IsDefault", "CidrBlock", "State"]


def test_nothing_above_the_scanner_reads_a_raw_api_field() -> None:
    found = {
        (name, key): line for name, tree in _modules(*_RAW_EXEMPT) for line, key in raw_reads(tree)
    }
    new = [
        f"{name}:{line}: {key}"
        for (name, key), line in sorted(found.items())
        if (name, key) not in _RAW_ALLOWED
    ]
    assert new == [], "read the normalised field the record declares (model/kinds.py)"
    stale = sorted(_RAW_ALLOWED - set(found))
    assert stale == [], "no longer read: take it off _RAW_ALLOWED"


# -- old snapshots -------------------------------------------------------------------------------


@pytest.mark.parametrize("rtype", sorted(kinds.LEGACY))
def test_what_complete_fills_is_a_field_of_the_record(rtype: str) -> None:
    record = kinds.REGISTRY[rtype]
    assert sorted(set(kinds.LEGACY[rtype]) - set(record.fields)) == []


def test_complete_fills_an_old_snapshots_fields_from_the_raw_ones_and_keeps_the_new() -> None:
    vpc = Resource("arn:v", kinds.VPC, "vpc-1", "vpc-1", "eu-west-1")
    vpc.attributes.update({"CidrBlock": "10.0.0.0/16", "IsDefault": True})
    peering = Resource("arn:p", kinds.VPC_PEERING_CONNECTION, "pcx-1", "pcx-1", "eu-west-1")
    peering.attributes.update(
        {
            "Status": {"Code": "active"},
            "RequesterVpcInfo": {"VpcId": "vpc-1", "Region": "eu-west-1"},
            "AccepterVpcInfo": {"VpcId": "vpc-2", "Region": "us-east-1"},
        }
    )
    kept = Resource("arn:s", kinds.SUBNET, "subnet-1", "subnet-1", "eu-west-1")
    kept.attributes.update({"cidr": "10.0.1.0/24", "CidrBlock": "10.9.9.0/24"})
    kinds.complete(vpc)
    kinds.complete(peering)
    kinds.complete(kept)
    assert (vpc.attributes["cidr"], vpc.attributes["is_default"]) == ("10.0.0.0/16", True)
    assert {k: peering.attributes[k] for k in ("state", "accepter_vpc_id", "accepter_region")} == {
        "state": "active",
        "accepter_vpc_id": "vpc-2",
        "accepter_region": "us-east-1",
    }
    assert kept.attributes["cidr"] == "10.0.1.0/24"
    assert "available_ips" not in kept.attributes  # no raw source: left out, not invented


# -- docs ----------------------------------------------------------------------------------------


def test_resource_types_doc_is_current() -> None:
    assert DOCS_PATH.read_text(encoding="utf-8") == render_markdown(), (
        "docs/resource-types.md is stale: run python -m awsexplorer.model.kinds_docs"
    )


def test_resource_types_doc_lists_every_type_with_its_fields() -> None:
    text = render_markdown()
    for kind in kinds.KINDS:
        assert f"## `{kind.type}`: {kind.title}" in text
        for name in kind.fields:
            assert f"| `{name}` |" in text
