"""--org's permissions: sts:AssumeRole is the one non-read the guard lets out, and
`awsexplorer permissions --org` / docs/permissions.md say what both sides need."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.cli import main
from awsexplorer.model.calls import ACCOUNTS_CALLS
from awsexplorer.scan.guard import is_allowed

ROOT = Path(__file__).resolve().parents[2]


def test_assume_role_is_the_one_allowed_non_read() -> None:
    assert is_allowed("sts", "AssumeRole")
    assert all(is_allowed(c.client, c.operation) for c in ACCOUNTS_CALLS)
    # Its relatives stay refused: they hand out credentials the scan has no use for.
    for operation in ("AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetSessionToken"):
        assert not is_allowed("sts", operation)
    assert not is_allowed("organizations", "CreateAccount")
    assert not is_allowed("organizations", "MoveAccount")


@pytest.mark.parametrize("fmt", ["json", "list"])
def test_permissions_org_lists_the_scanning_side(capsys: Any, fmt: str) -> None:
    assert main(["permissions", "--org", "--format", fmt]) == 0
    out = capsys.readouterr().out
    actions = {c.action for c in ACCOUNTS_CALLS}
    if fmt == "list":
        assert set(out.split()) == actions
        return
    document = json.loads(out)
    statements = document["scanning_account"]["Statement"]
    granted = {
        a
        for s in statements
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert granted == actions
    trust = document["member_role_trust"]["Statement"][0]
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"]["StringLike"]["sts:RoleSessionName"] == "awsexplorer-*"


def test_the_docs_show_the_member_trust_policy() -> None:
    doc = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert "## Many accounts (`scan --org --role NAME`)" in doc
    assert '"sts:RoleSessionName": "awsexplorer-*"' in doc
