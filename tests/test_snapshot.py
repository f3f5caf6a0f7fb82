"""The snapshot file: round trip, atomic private writes, and one-line errors for bad files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awsexplorer import snapshot
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


def _result() -> ScanResult:
    return ScanResult(
        account=Account("123456789012", "acme-prod", "aws", "arn:aws:iam::123456789012:user/me"),
        started_at="2026-11-27T10:00:00Z",
        finished_at="2026-11-27T10:00:09Z",
        regions=[
            RegionScan("global", RegionStatus.OK),
            RegionScan(
                "eu-west-1",
                RegionStatus.PARTIAL,
                [CallError("eu-west-1", "ec2", "DescribeVolumes", "AccessDenied", "no")],
            ),
            RegionScan("ap-east-1", RegionStatus.NOT_ENABLED, reason="opt-in region"),
        ],
        resources=[
            Resource(
                arn="arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1",
                type="ec2:vpc",
                id="vpc-1",
                name="prod",
                region="eu-west-1",
                vpc_id="vpc-1",
                tags={"Name": "prod"},
                # As a scan writes it today: the raw API field and the record's normalised ones.
                attributes={
                    "CidrBlock": "10.0.0.0/16",
                    "cidr": "10.0.0.0/16",
                    "cidrs": ["10.0.0.0/16"],
                    "ipv6_cidrs": [],
                    "is_default": False,
                    "flow_logs": [],
                },
            )
        ],
        findings=[
            Finding(
                "ec2-vpc-flow-logs-disabled",
                Severity.LOW,
                "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1",
                "eu-west-1",
                "vpc-1 has no flow logs",
                "aws ec2 create-flow-logs ...",
            )
        ],
        checks=[
            CheckResult("ec2-ebs-unencrypted", CheckStatus.NOT_EVALUATED, "DescribeVolumes denied")
        ],
    )


def test_round_trip_is_lossless(tmp_path: Path) -> None:
    original = _result()
    path = snapshot.write(original, tmp_path / "scan.json")
    loaded = snapshot.read(path)
    assert snapshot.to_dict(loaded) == snapshot.to_dict(original)
    assert loaded.region("eu-west-1").errors[0].region == "eu-west-1"  # type: ignore[union-attr]


def test_an_older_snapshot_gains_the_normalised_fields_its_raw_ones_hold(tmp_path: Path) -> None:
    older = _result()
    older.resources[0].attributes = {"CidrBlock": "10.0.0.0/16", "flow_logs": []}
    loaded = snapshot.read(snapshot.write(older, tmp_path / "old.json"))
    attributes = loaded.resources[0].attributes
    assert attributes["cidr"] == "10.0.0.0/16"
    assert attributes["CidrBlock"] == "10.0.0.0/16"  # the raw field is kept as it was


def test_document_shape_matches_the_documented_format(tmp_path: Path) -> None:
    data = json.loads(snapshot.dumps(_result()))
    assert data["format"] == "awsexplorer.snapshot" and data["version"] == 2
    assert set(data) >= {"accounts", "started_at", "finished_at", "resources", "findings"}
    assert "regions" not in data  # version 2: each account holds its regions
    (account,) = data["accounts"]
    assert {k: account[k] for k in ("id", "alias", "name", "ou_path", "status", "reason")} == {
        "id": "123456789012",
        "alias": "acme-prod",
        "name": None,
        "ou_path": None,
        "status": "partial",
        "reason": None,
    }
    assert account["regions"][0] == {
        "name": "ap-east-1",
        "status": "not-enabled",
        "errors": [],
        "reason": "opt-in region",
    }
    assert set(data["resources"][0]) == {
        "arn",
        "type",
        "id",
        "name",
        "region",
        "vpc_id",
        "subnet_id",
        "tags",
        "attributes",
        "account_id",
    }
    assert data["resources"][0]["account_id"] == "123456789012"
    assert data["findings"][0]["account_id"] == "123456789012"
    assert data["checks"] == [
        {"id": "ec2-ebs-unencrypted", "status": "not-evaluated", "reason": "DescribeVolumes denied"}
    ]


def test_written_privately_and_atomically(tmp_path: Path) -> None:
    path = snapshot.write(_result(), tmp_path / "nested" / "scan.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["scan.json"]  # no temp file left


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path, monkeypatch: Any) -> None:
    path = snapshot.write(_result(), tmp_path / "scan.json")
    before = path.read_text()
    monkeypatch.setattr(snapshot, "dumps", lambda _r: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        snapshot.write(_result(), path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["scan.json"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is not valid JSON (line 1"),
        ('{"hello": 1}', "is not an awsexplorer snapshot"),
        ('{"format": "awsexplorer.snapshot", "version": 99}', "is snapshot version 99"),
        ('{"format": "awsexplorer.snapshot", "version": 1, "account": {}}', "is damaged"),
        ("", "is not valid JSON"),
    ],
)
def test_bad_files_fail_with_one_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.read(path)
    assert expected in str(caught.value)
    assert "\n" not in caught.value.message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(snapshot.SnapshotError, match="no such file"):
        snapshot.read(tmp_path / "absent.json")
    with pytest.raises(snapshot.SnapshotError, match="is a directory"):
        snapshot.read(tmp_path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "scan.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(snapshot.SnapshotError, match="not a text file"):
        snapshot.read(path)


def test_a_missing_field_is_named_with_a_hint(tmp_path: Path) -> None:
    data = json.loads(snapshot.dumps(_result()))
    del data["accounts"]
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(data))
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.read(path)
    assert "the field 'accounts' is missing" in caught.value.message
    assert caught.value.hint and "awsexplorer scan --output" in caught.value.hint


def _document(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(snapshot.dumps(_result()))
    for path, value in changes.items():
        target = data
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value is _DELETE:
            del target[int(last) if isinstance(target, list) else last]
        else:
            target[int(last) if isinstance(target, list) else last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([1, 2], "is not an awsexplorer snapshot (a list without"),
        ("just text", "is not an awsexplorer snapshot (a string without"),
        (_document(version="1"), "its version is a string, not a number"),
        (_document(version=True), "its version is true or false, not a number"),
        (_document(version=_DELETE), "it has no 'version' field"),
        (_document(resources={"a": 1}), "'resources' is an object, not a list"),
        (
            _document(accounts__0__regions="eu-west-1"),
            "'accounts[0].regions' is a string, not a list",
        ),
        (_document(account="123456789012"), "'account' is a string, not an object or null"),
        (_document(accounts=[]), "'accounts' is empty"),
        (_document(accounts__0__status="fine"), "'accounts[0].status' is not one of"),
        (_document(resources__0__account_id=_DELETE), "'resources[0].account_id' is missing"),
        (
            _document(resources__0__account_id="999999999999"),
            "'resources[0].account_id' is not one of the 'accounts'",
        ),
        (
            _document(findings__0__account_id="999999999999"),
            "'findings[0].account_id' is not one of the 'accounts'",
        ),
        (_document(resources__0="arn:aws:ec2:x"), "'resources[0]' is a string, not an object"),
        (_document(resources__0__id=_DELETE), "the field 'resources[0].id' is missing"),
        (_document(resources__0__name=5), "'resources[0].name' is a number, not a string or null"),
        (_document(resources__0__tags=["a"]), "'resources[0].tags' is a list, not an object"),
        (_document(resources__0__tags__Name=1), "'resources[0].tags' has a value that is a number"),
        (_document(resources__0__vpc_id=[]), "'resources[0].vpc_id' is a list, not a string"),
        (
            _document(accounts__0__regions__1__status="fine"),
            "'accounts[0].regions[1].status' is not one of",
        ),
        (
            _document(accounts__0__regions__1__errors__0=3),
            "'accounts[0].regions[1].errors[0]' is a number, not an object",
        ),
        (_document(findings__0__severity="urgent"), "'findings[0].severity' is not one of"),
        (_document(findings__0__message=None), "'findings[0].message' is null, not a string"),
        (_document(findings="none"), "'findings' is a string, not a list or null"),
        (_document(checks__0=["x"]), "'checks[0]' is a list, not an object"),
        (_document(started_at=20261127), "'started_at' is a number, not a string"),
    ],
)
def test_malformed_documents_name_what_is_wrong(
    tmp_path: Path, capsys: Any, document: Any, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.read(path)
    message = caught.value.message
    assert expected in message
    assert "\n" not in message and "indices" not in message and "'str'" not in message
    assert caught.value.hint
    # The same through the command line: one line and a hint, exit 2, no traceback.
    from awsexplorer.cli import main

    assert main(["findings", str(path)]) == 2
    _, err = capsys.readouterr()
    assert expected in err and "Traceback" not in err and "hint:" in err
    assert len(err.strip().splitlines()) == 2


def test_version_as_a_string_is_not_reported_as_the_version_we_read(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_document(version="1")))
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.read(path)
    assert "is snapshot version" not in caught.value.message


def test_every_valid_shape_still_reads(tmp_path: Path) -> None:
    """Optional fields may be null or absent, as the format says."""
    data = _document(
        findings=None,
        checks=_DELETE,
        resources__0__tags=None,
        resources__0__attributes=None,
        resources__0__name=None,
        profile=None,
    )
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(data))
    loaded = snapshot.read(path)
    assert loaded.resources[0].name == "vpc-1" and loaded.findings == []


def test_non_regular_files_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(snapshot.SnapshotError, match=r"is a named pipe \(FIFO\), not a snapshot"):
        snapshot.read(fifo)  # before the fix: waits for a writer forever
    with pytest.raises(snapshot.SnapshotError, match="is a character device, not a snapshot"):
        snapshot.read("/dev/zero")  # before the fix: MemoryError


def test_files_over_the_size_limit_are_refused(tmp_path: Path, monkeypatch: Any) -> None:
    path = snapshot.write(_result(), tmp_path / "scan.json")
    monkeypatch.setattr(snapshot, "MAX_SNAPSHOT_BYTES", path.stat().st_size - 1)
    with pytest.raises(snapshot.SnapshotError, match="awsexplorer reads snapshots of at most"):
        snapshot.read(path)


def null_device(folder: Path) -> Path:
    """A character device like /dev/null (1, 3), made in `folder` (needs root, as the report of
    /dev/null being replaced did)."""
    path = folder / "null"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    return path


@pytest.mark.parametrize("kind", ["fifo", "symlink", "directory", "device"])
def test_write_refuses_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "out.json"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        (tmp_path / "real.json").write_text("keep me")
        target.symlink_to(tmp_path / "real.json")
    elif kind == "directory":
        target.mkdir()
    else:
        target = null_device(tmp_path)  # never /dev/null itself: a regression would destroy it
    before = os.lstat(target)
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.write(_result(), target)
    assert str(target) in caught.value.message and caught.value.hint
    after = os.lstat(target)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert after.st_ino == before.st_ino
    if kind == "symlink":
        assert (tmp_path / "real.json").read_text() == "keep me"
        assert "real.json" in caught.value.hint


def test_json_escapes_what_acts_on_a_terminal_and_round_trips(tmp_path: Path) -> None:
    result = _result()
    hostile = "a\x9b2J\u202eb\u200bc\x1b]52;c;x\x07\U000e0041\x7f"
    result.resources[0] = Resource(
        **{**result.resources[0].to_dict(), "name": hostile, "tags": {hostile: hostile}}
    )
    path = snapshot.write(result, tmp_path / "scan.json")
    raw = path.read_text(encoding="utf-8")
    for char in "\x9b\u202e\u200b\x1b\x07\U000e0041\x7f":
        assert char not in raw
    assert "\\u009b" in raw and "\\u202e" in raw and "\\udb40\\udc41" in raw
    loaded = snapshot.read(path)
    assert loaded.resources[0].name == hostile
    assert loaded.resources[0].tags == {hostile: hostile}


_JSON_UNSAFE_SAMPLE = "\x7f\x80\x9b\x9f\u00ad\u200b\u202e\u2066\ufeff\ud800\udfff\U000e0041"


@given(
    st.text(
        alphabet=st.one_of(
            st.characters(codec="utf-8"),
            st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
            st.sampled_from(_JSON_UNSAFE_SAMPLE),
        )
    )
)
def test_escape_json_text_fast_paths_match_the_plain_regex(text: str) -> None:
    """escape_json_text skips the regex for ASCII and searches only the non-ASCII characters
    first; whatever the text, the result is what one regex pass over it gives."""
    from awsexplorer.inert import _UNSAFE_IN_JSON, _json_escape, escape_json_text

    document = json.dumps({"name": text}, ensure_ascii=False)
    escaped = escape_json_text(document)
    assert escaped == _UNSAFE_IN_JSON.sub(_json_escape, document)
    assert _UNSAFE_IN_JSON.search(escaped) is None
    assert json.loads(escaped) == {"name": text}


# -- the streamed read (snapshot._read_stream): the same ScanResult as the whole read -----------


def _many(accounts: int = 2, per_account: int = 12) -> ScanResult:
    """Several accounts, a resource of every shape the format allows (no name, null tags and
    attributes, an older record without normalised fields, non-ASCII and hostile text)."""
    from awsexplorer.model import AccountScan

    result = _result()
    base = result.resources[0]
    resources = []
    scans = []
    for a in range(accounts):
        account = f"{123456789012 + a}"
        scans.append(AccountScan(id=account, alias=f"acct-{a}", regions=result.regions))
        for n in range(per_account):
            resources.append(
                Resource(
                    arn=f"arn:aws:ec2:eu-west-1:{account}:vpc/vpc-{n}",
                    type=base.type,
                    id=f"vpc-{n}",
                    name=["", f"név-{n}", "evil\u202e\x1b[31m"][n % 3],
                    region="eu-west-1",
                    vpc_id=f"vpc-{n}" if n % 2 else None,
                    tags={} if n % 4 == 0 else {"Name": f"ünï-{n}", "k": "v"},
                    attributes={"CidrBlock": "10.0.0.0/16"} if n % 5 == 0 else base.attributes,
                    account_id=account,
                )
            )
    result.resources = resources
    result.accounts = scans
    result.findings = [
        Finding("c", Severity.HIGH, r.arn, r.region, "m", "f", account_id=r.account_id)
        for r in resources[::3]
    ]
    return result


def _whole(path: Path) -> ScanResult:
    return snapshot.from_document(snapshot.read_document(path), str(path))


def _same(a: ScanResult, b: ScanResult) -> None:
    assert [r.to_dict() for r in a.resources] == [r.to_dict() for r in b.resources]
    assert snapshot.to_dict(a) == snapshot.to_dict(b)
    assert (a.regions, a.account, a.accounts) == (b.regions, b.account, b.accounts)


@pytest.mark.parametrize("chunk", [64, 1000, 1 << 22])
def test_the_streamed_read_is_the_whole_read(tmp_path: Path, monkeypatch: Any, chunk: int) -> None:
    monkeypatch.setattr(snapshot, "_CHUNK", chunk)  # many chunks, a line cut at every place
    path = snapshot.write(_many(), tmp_path / "many.json")
    with snapshot.open_checked(path) as handle:
        streamed = snapshot._read_stream(handle, str(path))  # not sent to the whole read
    _same(streamed, _whole(path))
    _same(snapshot.read(path), streamed)
    # The older record was completed as the whole read completes it; the rest kept as written.
    completed = next(r for r in streamed.resources if r.id == "vpc-0")
    assert completed.attributes["cidr"] == "10.0.0.0/16" and completed.name == "vpc-0"
    # The same few strings are one object each.
    assert len({id(r.region) for r in streamed.resources}) == 1


def test_one_account_and_earlier_layouts_read_as_before(tmp_path: Path) -> None:
    one = snapshot.write(_result(), tmp_path / "one.json")
    with snapshot.open_checked(one) as handle:
        _same(snapshot._read_stream(handle, str(one)), _whole(one))
    data = snapshot.to_dict(_many())
    indented = tmp_path / "indented.json"  # the earlier version 2 layout: read whole
    indented.write_text(json.dumps(data, indent=1))
    v1 = tmp_path / "v1.json"
    document = snapshot.to_dict(_result())
    account = document.pop("accounts")[0]
    document.update(version=1, regions=account["regions"])
    for item in document["resources"] + document["findings"]:
        del item["account_id"]
    v1.write_text(json.dumps(document, indent=1))
    for path in (indented, v1):
        with snapshot.open_checked(path) as handle, pytest.raises(snapshot.NOT_STREAMED):
            snapshot._read_stream(handle, str(path))
        _same(snapshot.read(path), _whole(path))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"type":"ec2:vpc"', '"type":7', ".type' is a number, not a string"),
        ('"name":"', '"name":false,"x":"', ".name' is true or false, not a string or null"),
        ('"tags":{"Name":"ü', '"tags":{"Name":1,"x":"ü', ".tags' has a value that is a number"),
        ('"attributes":{', '"attributes":[],"x":{', ".attributes' is a list, not an object"),
        ('"account_id":"123456789013"', '"account_id":"999"', "is not one of the 'accounts'"),
        ('"account_id":"123456789012"}', '"account_id":"123456789012"', "not valid JSON"),
        ('"id":"vpc-', '"id":"\\ud800vpc-', ""),  # a lone surrogate: json reads it, orjson not
    ],
)
def test_a_damaged_line_is_read_whole_and_named(
    tmp_path: Path, monkeypatch: Any, old: str, new: str, expected: str
) -> None:
    monkeypatch.setattr(snapshot, "_CHUNK", 1000)
    text = snapshot.dumps(_many())
    lines = text.split("\n")
    index = [n for n, line in enumerate(lines) if old in line and '{"arn":' in line][-1]
    lines[index] = lines[index].replace(old, new, 1)
    path = tmp_path / "damaged.json"
    path.write_text("\n".join(lines))
    with snapshot.open_checked(path) as handle, pytest.raises(snapshot.NOT_STREAMED):
        snapshot._read_stream(handle, str(path))
    try:
        whole: Any = _whole(path)
    except snapshot.SnapshotError as exc:
        whole = exc
    if isinstance(whole, snapshot.SnapshotError):
        with pytest.raises(snapshot.SnapshotError) as caught:
            snapshot.read(path)
        assert caught.value.message == whole.message and expected in whole.message
        assert "\n" not in whole.message
    else:  # valid JSON the stream does not read itself: the whole read's answer
        assert not expected
        _same(snapshot.read(path), whole)
