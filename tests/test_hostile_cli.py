"""The hostile corpus through every non-interactive renderer: `scan --format text` (the summary),
`findings` as text, CSV and JSON, the snapshot file itself and the debug log.

Every user-controlled field of a scan result holds a corpus string; the raw output must hold
none of the forbidden sequences (tests/hostile.py), markup must stay literal text, no formula may
start a CSV cell, JSON must give back the exact strings, and nothing may crash. Then the same
through a live scan of moto, whose JSON services (Lambda, SQS) accept control characters.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from awsexplorer import snapshot
from awsexplorer.cli import main
from awsexplorer.cli import text as report
from awsexplorer.model import (
    Account,
    CallError,
    CheckResult,
    CheckStatus,
    Finding,
    RegionScan,
    RegionStatus,
    Resource,
    ScanResult,
    Severity,
)
from tests.hostile import CORPUS, leaks

REGION = "eu-west-1"
OSC52 = CORPUS["osc52-clipboard"]


def _hostile_result() -> ScanResult:
    """A scan result with a corpus string in every field a tag, a name or AWS can set."""
    resources: list[Resource] = []
    findings: list[Finding] = []
    errors: list[CallError] = []
    for n, (label, value) in enumerate(CORPUS.items()):
        arn = f"arn:aws:sqs:{REGION}:123456789012:q{n}"
        resources.append(
            Resource(
                arn=arn,
                type="sqs:queue",
                id=f"q{n}-{value}",
                name=value,
                region=REGION,
                tags={"Name": value, value: value, "Owner": label},
                attributes={"description": value, "policy_name": value, "path": value},
            )
        )
        findings.append(
            Finding("sqs-queue-unencrypted", Severity.MEDIUM, arn, REGION, f"{value} !", value)
        )
        errors.append(CallError(REGION, "sqs", "ListQueues", value[:50], value))
    return ScanResult(
        account=Account("123456789012", OSC52, "aws", f"arn:aws:iam::123456789012:user/{OSC52}"),
        started_at="2026-12-01T10:00:00Z",
        finished_at="2026-12-01T10:00:09Z",
        regions=[
            RegionScan("global", RegionStatus.OK),
            RegionScan(REGION, RegionStatus.PARTIAL, errors),
            RegionScan("ap-east-1", RegionStatus.FAILED, reason=CORPUS["link"]),
        ],
        resources=resources,
        findings=findings,
        checks=[CheckResult("ec2-ebs-unencrypted", CheckStatus.NOT_EVALUATED, CORPUS["close"])],
    )


@pytest.fixture
def hostile_snapshot(tmp_path: Path) -> Path:
    return snapshot.write(_hostile_result(), tmp_path / "hostile.json")


@pytest.fixture(autouse=True)
def _terminal_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """rich writes styles and hyperlinks as it would to a terminal, so parsed markup shows."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("NO_COLOR", raising=False)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_snapshot_file_is_safe_to_cat_and_round_trips(hostile_snapshot: Path) -> None:
    raw = hostile_snapshot.read_text(encoding="utf-8")
    assert leaks(raw) == []
    assert "\\u202e" in raw and "\\u009b" in raw  # escaped, not dropped
    loaded = snapshot.read(hostile_snapshot)
    assert snapshot.to_dict(loaded) == snapshot.to_dict(_hostile_result())
    assert {r.name for r in loaded.resources} == set(CORPUS.values())


def test_summary_text_is_inert_and_literal() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120, color_system="truecolor")
    report.print_summary(console, _hostile_result())
    out = buffer.getvalue()
    assert leaks(out) == []
    assert "\x1b]8;" not in out  # no hyperlink at all: markup was not parsed
    assert "␛]52;c;ZWNobyBwd25lZA==" in out  # the payload is shown, made visible
    assert "unbalanced [/] close" in out  # the check's reason, literally


@pytest.mark.parametrize("output_format", ["text", "csv", "json"])
def test_findings_output_is_inert(
    hostile_snapshot: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    code, out, err = _run(capsys, "findings", str(hostile_snapshot), "--format", output_format)
    assert code == 0, err
    assert "Traceback" not in err
    assert leaks(out) == [] and leaks(err) == []
    assert "\x1b]8;" not in out
    if output_format == "text":
        assert "␛]52;c;ZWNobyBwd25lZA==" in out
    if output_format == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert len(rows) == len(CORPUS)
        for row in rows:
            for cell in row.values():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
                assert not any(c in cell for c in "\x1b\x07\x08\r"), cell
        messages = {row["remediation"] for row in rows}
        assert "'" + CORPUS["formula"] in messages  # neutralised, not dropped
    if output_format == "json":
        document = json.loads(out)
        assert {f["remediation"] for f in document["findings"]} == set(CORPUS.values())
        assert document["account"]["alias"] == OSC52
        assert document["checks"][0]["reason"] == CORPUS["close"]


def test_list_checks_in_each_format(capsys: pytest.CaptureFixture[str]) -> None:
    for output_format in ("text", "csv", "json"):
        code, out, _ = _run(capsys, "findings", "--list-checks", "--format", output_format)
        assert code == 0 and leaks(out) == [] and "sqs" in out


# --- a live scan of moto with hostile names, tags and descriptions ----------------------------


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


@pytest.fixture
def hostile_account(aws: Callable[..., Any]) -> None:
    """A Lambda tagged Name = the OSC 52 payload and described with the corpus, and queues
    tagged with every corpus string (moto's JSON services store control characters as sent)."""
    role = aws("iam").create_role(
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
    aws("lambda", REGION).create_function(
        FunctionName="payments",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": _zip()},
        Description=CORPUS["csi-clear"] + CORPUS["link"] + CORPUS["bidi"],
        Tags={"Name": OSC52, "Owner": CORPUS["close"], "Link": CORPUS["osc8-link"]},
    )
    sqs = aws("sqs", REGION)
    escapes = [v for k, v in CORPUS.items() if k != "long"]
    for n in range(0, len(escapes), 8):
        tags = {f"t{n + i}": value[:256] for i, value in enumerate(escapes[n : n + 8])}
        tags["Name"] = escapes[n][:256]
        sqs.create_queue(QueueName=f"queue-{n}", tags=tags)


@pytest.fixture
def cli_env(cli_scan_args: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    return [*cli_scan_args, "--region", REGION]


@pytest.mark.usefixtures("hostile_account")
def test_live_scan_text_and_file_and_log_leak_nothing(
    cli_env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file, log_file = tmp_path / "s.json", tmp_path / "debug.log"
    code, out, err = _run(
        capsys, "--log-file", str(log_file), *cli_env, "--format", "text", "--output", str(out_file)
    )
    assert code == 0, err
    raw = out_file.read_text(encoding="utf-8")
    log = log_file.read_text(encoding="utf-8")
    for text in (out, err, raw, log):
        assert leaks(text) == []
    assert "Traceback" not in err
    # The payload did arrive (this is not a scan that found nothing): escaped in the file,
    # and the function is in the summary.
    (function,) = [r for r in json.loads(raw)["resources"] if r["type"] == "lambda:function"]
    assert function["tags"]["Name"] == OSC52
    assert "function 1" in out


@pytest.mark.usefixtures("hostile_account")
def test_live_scan_output_dash_is_standard_output(
    cli_env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, *cli_env, "--format", "text", "--output", "-")
    assert code == 0, err
    assert not (tmp_path / "-").exists()
    assert leaks(out) == [] and leaks(err) == []
    document = json.loads(out)  # standard output is the snapshot alone; the summary is on stderr
    names = {r["tags"].get("Name") for r in document["resources"]}
    assert OSC52 in names
    assert "function 1" in err


# --- the debug log holds no credential --------------------------------------------------------

KEY_ID = "ASIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = (
    "IQoJb3JpZ2luX2VjEHMaCXVzLWVhc3QtMSJHMEUCIQDzExampleSessionTokenValue0123456789abcdefghij"
    "klmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/+0123456789exampleexampleexampleexample=="
)


def test_debug_log_redacts_credentials_and_is_private(
    moto_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    previous = os.umask(0o022)  # what a user has: files 0644 unless made private
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    log_file = tmp_path / "debug.log"
    try:
        code, _, err = _run(
            capsys,
            "--log-file",
            str(log_file),
            "scan",
            "--endpoint-url",
            moto_url,
            "--region",
            REGION,
        )
    finally:
        os.umask(previous)
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
    assert code == 0, err
    log = log_file.read_text(encoding="utf-8")
    assert "Authorization" in log and "X-Amz-Security-Token" in log  # the headers were logged
    assert TOKEN not in log and TOKEN[:40] not in log
    assert SECRET not in log
    assert KEY_ID not in log
    assert KEY_ID[-4:] in log
    assert "Signature=[redacted]" in log
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("line", "kept", "gone"),
    [
        (  # a presigned URL: the credential's key id, token and signature in the query
            f"GET https://s3/?X-Amz-Credential={KEY_ID}%2F20261201&X-Amz-Security-Token="
            f"{TOKEN[:60]}&X-Amz-Signature=abcdef0123456789",
            ["X-Amz-Credential=…MPLE", "X-Amz-Security-Token=[redacted]"],
            [KEY_ID, TOKEN[:60], "abcdef0123456789"],
        ),
        (  # botocore.auth's canonical request and signature, on lines of their own
            f"CanonicalRequest:\nPOST\n/\n\nx-amz-security-token:{TOKEN[:60]}\n\nSignature:\n"
            "0123456789abcdef0123456789abcdef",
            ["x-amz-security-token:[redacted]", "Signature:\n    [redacted]"],
            [TOKEN[:60], "0123456789abcdef0123456789abcdef"],
        ),
        (  # credentials as a dict or JSON (an STS response, a credential provider)
            f'{{"AccessKeyId": "{KEY_ID}", "SecretAccessKey": "{SECRET}", '
            f'"SessionToken": "{TOKEN[:60]}"}}',
            ['"AccessKeyId": "…MPLE"', '"SecretAccessKey": "[redacted]"'],
            [KEY_ID, SECRET, TOKEN[:60]],
        ),
        ("Authorization: Bearer eyJhbGciOi.payload.sig", ["Authorization: [redacted]"], ["eyJ"]),
        (f"a token alone: {TOKEN}", ["[redacted]"], [TOKEN[:60]]),
        (  # a hostile name cannot write to the terminal of whoever reads the log, nor forge
            # a record: continuation lines are indented
            f"queue {OSC52}\n2026-12-01 10:00:00 ERROR forged",
            ["␛]52;c;", "\n    2026-12-01 10:00:00 ERROR forged"],
            ["\x1b", "\n2026"],
        ),
        ("Calculating signature using v4 auth.", ["Calculating signature using v4 auth."], []),
    ],
)
def test_log_text_is_redacted_and_inert(line: str, kept: list[str], gone: list[str]) -> None:
    from awsexplorer.redact import safe_log_text

    safe = safe_log_text(line)
    for text in kept:
        assert text in safe
    for text in gone:
        assert text not in safe
