"""Remediations name the flagged resource and its region, so a command can be pasted as is."""

from __future__ import annotations

from check_fixtures import root, run, scan, user
from test_checks_network import rule, sg


def test_security_group_command_names_the_group_and_its_region() -> None:
    findings, _ = run(
        "ec2-sg-open-admin-port",
        scan(sg("sg-0abc", rule("tcp", 22, v4=("0.0.0.0/0",)), region="ap-southeast-2")),
    )
    (finding,) = findings
    assert (
        "`aws ec2 revoke-security-group-ingress --group-id sg-0abc --ip-permissions ... "
        "--region ap-southeast-2`" in finding.remediation
    )
    # prose outside the commands is left alone
    assert "Session Manager" in finding.remediation


def test_global_resources_get_no_region_and_untouched_commands_stay_generic() -> None:
    findings, _ = run(
        "iam-user-console-no-mfa",
        scan(root(), user("bob", console_access=True, mfa_enabled=False)),
    )
    (finding,) = findings
    assert "`aws iam enable-mfa-device --user-name bob ...`" in finding.remediation
    assert "`aws iam create-virtual-mfa-device`" in finding.remediation  # nothing to fill in
    assert "--region" not in finding.remediation


def test_a_name_with_backslashes_is_filled_in_as_literal_text() -> None:
    # A user name is set by people: `\1` or a trailing `\` once made re.sub fail (the check was
    # lost as "internal error") or read as a group reference.
    for name in ("bob\\", "bob\\1", "bob\\g<0>"):
        findings, result = run(
            "iam-user-console-no-mfa",
            scan(root(), user(name, console_access=True, mfa_enabled=False)),
        )
        (finding,) = findings
        assert f"`aws iam enable-mfa-device --user-name {name} ...`" in finding.remediation
        assert result.status == "evaluated"
