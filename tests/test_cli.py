"""The command line: exit codes, one-line errors with a hint, no tracebacks."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from awsexplorer.cli import main

SSO_CONFIG = """
[profile corp]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = eu-west-1

[profile staging]
region = eu-west-1

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
"""


@pytest.fixture
def aws_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with an SSO profile that has never logged in and a plain profile without keys."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(SSO_CONFIG)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    return home


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_unknown_profile_lists_the_known_ones(aws_home: Path, capsys: Any) -> None:
    code, _, err = _run(capsys, "scan", "--profile", "prod")
    assert code == 2
    assert "Unknown AWS profile 'prod'" in err
    assert "Known profiles: corp, staging" in err
    assert "Traceback" not in err


def test_profile_before_the_subcommand_means_the_same(aws_home: Path, capsys: Any) -> None:
    code, _, err = _run(capsys, "--profile", "prod", "scan")
    assert code == 2 and "Unknown AWS profile 'prod'" in err


def test_sso_not_logged_in_gives_the_login_command(aws_home: Path, capsys: Any) -> None:
    code, _, err = _run(capsys, "scan", "--profile", "corp")
    assert code == 2
    assert "SSO session has expired or was never started" in err
    assert "aws sso login --profile corp" in err
    assert "Traceback" not in err


def test_no_credentials_suggests_the_demo(capsys: Any) -> None:
    code, _, err = _run(capsys, "scan")
    assert code == 2
    assert "No AWS credentials found" in err
    assert "awsexplorer --demo" in err and "aws configure" in err


def test_malformed_region_is_a_usage_error(capsys: Any) -> None:
    code, _, err = _run(capsys, "scan", "--region", "Ireland")
    assert code == 2 and "Not a region name: Ireland" in err


def test_corrupt_snapshot_is_one_line_not_a_traceback(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "scan.json"
    path.write_text('{"format": "awsexplorer.snapshot", "version": 1')
    code, _, err = _run(capsys, "--snapshot", str(path))
    assert code == 2
    assert "is not valid JSON" in err and "Traceback" not in err


@pytest.fixture
def moto_env(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    return moto_url


def test_scan_text_summary_and_snapshot_file(
    moto_env: str, aws: Any, tmp_path: Path, capsys: Any
) -> None:
    aws("ec2", "ap-southeast-2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    out_file = tmp_path / "s.json"
    code, out, _ = _run(
        capsys,
        "scan",
        "--endpoint-url",
        moto_env,
        "--region",
        "eu-west-1,ap-southeast-2",
        "--output",
        str(out_file),
    )
    assert code == 0, out
    assert "ap-southeast-2" in out and "eu-west-1" in out and "instance 1" in out
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    data = json.loads(out_file.read_text())
    instances = [r for r in data["resources"] if r["type"] == "ec2:instance"]
    assert [i["region"] for i in instances] == ["ap-southeast-2"]


def test_scan_json_goes_to_stdout(moto_env: str, capsys: Any) -> None:
    code, out, _ = _run(
        capsys, "scan", "--endpoint-url", moto_env, "--region", "eu-west-1", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["format"] == "awsexplorer.snapshot"
    (account,) = data["accounts"]  # snapshot version 2: each account holds its regions
    assert {r["name"] for r in account["regions"]} >= {"global", "eu-west-1"}


def test_endpoint_from_environment(moto_env: str, monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_env)
    code, out, _ = _run(capsys, "scan", "--region", "eu-west-1", "--format", "json")
    assert code == 0 and json.loads(out)["account"]["id"] == "123456789012"


def test_permissions_policy_lists_only_reads(capsys: Any) -> None:
    code, out, _ = _run(capsys, "permissions")
    assert code == 0
    actions = json.loads(out)["Statement"][0]["Action"]
    assert "ec2:DescribeVpcs" in actions and "sts:GetCallerIdentity" in actions
    verbs = {a.split(":", 1)[1] for a in actions}
    # API Gateway's IAM actions are HTTP verbs: apigateway:GET is its read (never PUT/POST/...).
    allowed = ("Describe", "List", "Get", "Generate", "Lookup", "Search", "BatchGet", "View", "GET")
    assert all(v.startswith(allowed) for v in verbs), sorted(verbs)


def test_permissions_doc_is_current() -> None:
    from awsexplorer.cli.commands.permissions import render_markdown

    doc = Path(__file__).resolve().parents[1] / "docs" / "permissions.md"
    assert doc.read_text(encoding="utf-8") == render_markdown(), (
        "docs/permissions.md is stale: regenerate it with "
        "python -c 'from awsexplorer.cli.commands.permissions import render_markdown as r; "
        'print(r(), end="")\' > docs/permissions.md'
    )


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device"])
def test_scan_output_refuses_what_is_not_a_regular_file_before_scanning(
    tmp_path: Path, capsys: Any, kind: str
) -> None:
    target = tmp_path / "out.json"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        target.symlink_to(tmp_path / "elsewhere.json")
    else:
        from tests.test_snapshot import null_device

        target = null_device(tmp_path)  # like /dev/null, which `scan -o /dev/null` replaced
    before = os.lstat(target)
    # No credentials at all: the refusal comes first, before any scanning.
    code, out, err = _run(capsys, "scan", "--output", str(target))
    assert code == 2 and out == ""
    assert str(target) in err and "will not replace it" in err and "hint:" in err
    assert "No AWS credentials" not in err and "Traceback" not in err
    after = os.lstat(target)
    assert (after.st_ino, stat.S_IFMT(after.st_mode)) == (
        before.st_ino,
        stat.S_IFMT(before.st_mode),
    )


def test_log_file_that_cannot_be_written_is_one_line(tmp_path: Path, capsys: Any) -> None:
    code, _, err = _run(
        capsys, "--log-file", str(tmp_path / "missing" / "debug.log"), "scan", "--region", "x"
    )
    assert code == 2
    assert "Cannot write the log file" in err and "Traceback" not in err


def test_user_errors_are_printed_inert(tmp_path: Path, capsys: Any) -> None:
    """A file name is echoed in the error: it must not carry an escape to the terminal."""
    code, _, err = _run(capsys, "findings", str(tmp_path / "\x1b]52;c;ZWNo\x07.json"))
    assert code == 2
    assert "\x1b" not in err and "\x07" not in err and "␛]52;c;ZWNo␇.json: no such file" in err


# -- start-up (issue 18): `--help` builds every parser from light modules only -----------------

# What `awsexplorer --help` must not load (each costs it milliseconds; the model and Textual
# tens): the model, the config's dataclasses, the snapshot reader, the checks, the scanner, the
# UI, and the third-party libraries behind them.
HEAVY = (
    "awsexplorer.model",
    "awsexplorer.config",
    "awsexplorer.inert",
    "awsexplorer.snapshot",
    "awsexplorer.checks",
    "awsexplorer.scan",
    "awsexplorer.ui",
    "textual",
    "rich",
    "asyncio",
    "botocore",
    "aiobotocore",
    "dataclasses",
    "logging",
    "tomllib",
    "json",
)


def modules_loaded_by(argv: list[str]) -> set[str]:
    """The modules a fresh interpreter holds after `main(argv)` (sys.modules does not lie)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from awsexplorer.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write('\\n'.join(sorted(sys.modules)))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "usage: awsexplorer" in run.stdout  # the probe works: the help was printed
    return set(run.stderr.split("\n"))


@pytest.mark.parametrize("argv", [["--help"], ["scan", "--help"], ["history", "--help"]])
def test_help_loads_nothing_heavy(argv: list[str]) -> None:
    loaded = modules_loaded_by(argv)
    heavy = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert "awsexplorer.cli.commands.findings" in loaded  # every sub-command's parser was built
    assert heavy == [], f"`awsexplorer {' '.join(argv)}` loaded {heavy}"


def test_severity_choices_come_from_the_model() -> None:
    from awsexplorer.cli.choices import SEVERITIES
    from awsexplorer.model import Severity

    assert list(SEVERITIES) == [s.value for s in Severity]
    assert "high" in SEVERITIES and "urgent" not in SEVERITIES and len(SEVERITIES) == 5


def test_findings_severity_is_checked_and_listed(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["findings", "x.json", "--severity", "urgent"])
    assert exit_.value.code == 2
    assert "invalid choice: 'urgent'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["findings", "--help"])
    assert "critical, high, medium, low, info" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("option", ["--processes", "--max-accounts"])
@pytest.mark.parametrize("given", ["0", "-2", "two"])
def test_scan_counts_below_one_are_refused_before_anything_runs(
    option: str, given: str, capsys: Any
) -> None:
    # Before: `--processes 0` went on to look for credentials (and fail on those instead).
    with pytest.raises(SystemExit) as exit_:
        main(["scan", option, given])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: not a whole number of at least 1: '{given}'" in err
    assert "credentials" not in err


def test_an_unknown_option_of_a_command_is_said_with_that_commands_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`whois SNAP ADDRESS --bogus`: the command's usage and name, not the top level's twenty
    lines of TUI options (argparse's parse_args says it with the top level's)."""
    with pytest.raises(SystemExit) as exit_:
        main(["whois", "s.json", "10.0.0.1", "--bogus"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: awsexplorer whois ")
    assert "awsexplorer whois: error: unrecognized arguments: --bogus" in err
    assert "--account-color" not in err  # a top-level option
    with pytest.raises(SystemExit):
        main(["--bogus"])
    assert "awsexplorer: error: unrecognized arguments: --bogus" in capsys.readouterr().err


_ACCOUNT_OPTIONS = [
    "--org",
    "--role",
    "R",
    "--accounts",
    "1,2",
    "--exclude",
    "3",
    "--external-id",
    "X",
]


@pytest.mark.parametrize("argv", [[*_ACCOUNT_OPTIONS, "scan"], ["scan", *_ACCOUNT_OPTIONS]])
def test_the_account_options_mean_the_same_before_and_after_scan(argv: list[str]) -> None:
    """`awsexplorer --org --role R scan` scanned one account: the sub-command's defaults reset
    what the top level had read, in silence."""
    from awsexplorer.cli.parser import build_parser

    args = build_parser(argv).parse_args(argv)
    assert (args.org, args.role, args.accounts, args.exclude, args.external_id) == (
        True,
        "R",
        ["1,2"],
        ["3"],
        "X",
    )
    assert (
        build_parser(["--all-profiles", "scan"]).parse_args(["--all-profiles", "scan"]).all_profiles
    )
    plain = build_parser(["scan"]).parse_args(["scan"])
    assert (plain.org, plain.all_profiles, plain.role, plain.accounts) == (False, False, None, None)
