"""`awsexplorer diff` compares the snapshots' lines (snapshot.read_lines, model.diff.diff_items):
it must say exactly what the full comparison of the two read-back scans says (model.diff.diff),
for every kind of change, every earlier file layout and version, and a damaged line."""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any

import literal
import pytest

from awsexplorer import snapshot
from awsexplorer.cli import main
from awsexplorer.cli.commands.diff import text_lines
from awsexplorer.inert import json_text
from awsexplorer.model import Finding, Resource, ScanResult, Severity
from awsexplorer.model.diff import cancel_equal, diff

QUIET = literal.arn("subnet", "subnet-quiet")  # only its free-IP count moves: volatile
PLACED = literal.arn("instance", "i-placed")  # only its subnet_public moves: consequential
HOSTILE = literal.arn("instance", 'i-"odd\\one')  # an ARN that needs escapes in JSON
TWIN = literal.arn("instance", "i-twïn")  # a non-ASCII ARN: compared by its UTF-8 bytes


def _extra(public: bool, free: int, name: str) -> list[Resource]:
    return [
        Resource(
            QUIET,
            "ec2:subnet",
            "subnet-quiet",
            "quiet",
            literal.REGION,
            vpc_id="vpc-1",
            attributes={"cidr": "10.0.8.0/24", "AvailableIpAddressCount": free},
        ),
        Resource(
            PLACED,
            "ec2:instance",
            "i-placed",
            "placed",
            literal.REGION,
            attributes={"state": "running", "subnet_public": public},
        ),
        Resource(
            TWIN,
            "ec2:instance",
            "i-twin",
            name,  # non-ASCII and bidi: escaped in the file, compared as text
            literal.REGION,
            tags={"owner": "ünïcode\u202e"},
        ),
    ]


def _twin_findings(severity: Severity) -> list[Finding]:
    """Two findings with one check, resource and message: matched as equal findings first."""
    return [
        Finding("tag-missing-required", Severity.LOW, TWIN, literal.REGION, "missing cost", "f"),
        Finding("tag-missing-required", severity, TWIN, literal.REGION, "missing cost", "f"),
    ]


def _pair() -> tuple[ScanResult, ScanResult]:
    """literal's pair (added, removed, changed, finding new/resolved/message moved), plus a
    volatile-only and a consequential-only resource, a renamed resource, equal twin findings."""
    old, new = literal.old_scan(), literal.new_scan()
    old.resources += _extra(False, 250, "twin")
    new.resources += _extra(True, 249, "twïn \u202eevil")
    old.findings += _twin_findings(Severity.MEDIUM)
    new.findings += _twin_findings(Severity.LOW)[1:]
    return old, new


def _v1(result: ScanResult) -> dict[str, Any]:
    """The version 1 document of a one-account scan, as the version 1 writer wrote it."""
    data = snapshot.to_dict(result)
    account = data.pop("accounts")[0]
    data["version"] = 1
    data["regions"] = account["regions"]
    for item in data["resources"] + data["findings"]:
        del item["account_id"]
    return data


def _outputs(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[tuple[int, str], tuple[int, str]]:
    json_run = (main(["diff", *argv, "--format", "json"]), capsys.readouterr().out)
    text_run = (main(["diff", *argv]), capsys.readouterr().out)
    return json_run, text_run


def _expected(old: str, new: str, *extra: str) -> tuple[str, list[str]]:
    """The full comparison: both files read into ScanResults, every resource compared."""
    found = diff(snapshot.read(old), snapshot.read(new), include_volatile="--all" in extra)
    return json_text(found.to_dict(), indent=1) + "\n", text_lines(found, old, new)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    old, new = _pair()
    paths = {
        "old": tmp_path / "old.json",  # the one-line-per-item layout
        "new": tmp_path / "new.json",
        "old-indented": tmp_path / "old-indented.json",  # the earlier version 2 layout
        "old-v1": tmp_path / "old-v1.json",
        "new-v1": tmp_path / "new-v1.json",
        "new-hostile": tmp_path / "new-hostile.json",  # an ARN with escapes: read whole
    }
    snapshot.write(old, paths["old"])
    snapshot.write(new, paths["new"])
    paths["old-indented"].write_text(
        json.dumps(snapshot.to_dict(old), indent=1, ensure_ascii=False) + "\n"
    )
    paths["old-v1"].write_text(json.dumps(_v1(old), indent=1) + "\n")
    paths["new-v1"].write_text(json.dumps(_v1(new), indent=1) + "\n")
    new.resources.append(Resource(HOSTILE, "ec2:instance", 'i-"odd\\one', "odd", literal.REGION))
    snapshot.write(new, paths["new-hostile"])
    return {k: str(v) for k, v in paths.items()}


def test_the_writer_puts_one_resource_and_one_finding_per_line(files: dict[str, str]) -> None:
    text = Path(files["new"]).read_text()
    _, new = _pair()
    assert json.loads(text) == json.loads(json.dumps(snapshot.to_dict(new), default=str))
    lines = text.splitlines()
    assert sum(line.startswith('  {"arn":"') for line in lines) == len(new.resources)
    assert sum(line.startswith('  {"check":"') for line in lines) == len(new.findings)
    assert "\u202e" not in text and "\\u202e" in text  # inert.json_text's guarantee holds
    read = snapshot.read_lines(files["new"])
    assert isinstance(read, snapshot.Lines)
    assert set(read.by_arn()) == {r.arn for r in new.resources}  # the non-ASCII ARN read right
    # Every earlier layout is read whole, as before.
    assert not isinstance(snapshot.read_lines(files["old-indented"]), snapshot.Lines)
    assert not isinstance(snapshot.read_lines(files["old-v1"]), snapshot.Lines)
    assert not isinstance(snapshot.read_lines(files["new-hostile"]), snapshot.Lines)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("old", "new"),
        ("new", "old"),
        ("old-indented", "new"),
        ("old-v1", "new"),
        ("new", "old-v1"),
        ("old-v1", "new-v1"),
        ("old", "new-hostile"),
    ],
)
@pytest.mark.parametrize("extra", [(), ("--all",)])
def test_the_line_comparison_says_what_the_full_comparison_says(
    files: dict[str, str],
    old: str,
    new: str,
    extra: tuple[str, ...],
    capsys: pytest.CaptureFixture[str],
) -> None:
    expected_json, expected_text = _expected(files[old], files[new], *extra)
    (json_code, json_out), (text_code, text_out) = _outputs(
        [files[old], files[new], *extra], capsys
    )
    assert json_out == expected_json
    assert text_out == "\n".join(expected_text) + "\n"
    assert json_code == text_code
    found = json.loads(json_out)
    if (old, new) == ("old", "new"):  # every kind of change is in the pair
        changed = {c["arn"] for c in found["changed"]}
        assert found["added"] == [literal.BUCKET] and found["removed"] == [literal.QUEUE]
        assert {literal.SG, literal.INSTANCE, literal.SUBNET, literal.TABLE, TWIN} <= changed
        assert (QUIET in changed) == bool(extra) and (PLACED in changed) == bool(extra)
        assert [f["check"] for f in found["findings"]["new"]] == ["ec2-sg-open-admin-port"]
        resolved = {(f["check"], f["severity"]) for f in found["findings"]["resolved"]}
        assert ("tag-missing-required", "medium") in resolved  # the twin that went
        assert ("tag-missing-required", "low") not in resolved  # its equal twin stayed


def test_a_damaged_line_gets_the_whole_files_one_line_error(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = Path(files["new"]).read_text().splitlines(keepends=True)
    index = next(n for n, line in enumerate(lines) if literal.SG in line and '"arn"' in line)
    lines[index] = lines[index].replace('"type":"ec2:security-group"', '"type":7')
    damaged = tmp_path / "damaged.json"
    damaged.write_text("".join(lines))
    read = snapshot.read_lines(damaged)
    assert isinstance(read, snapshot.Lines)  # the header is fine: the line is found when used
    with pytest.raises(snapshot.SnapshotError) as whole:
        snapshot.read_document(damaged)
    assert "'resources[" in str(whole.value) and ".type' is a number" in str(whole.value)
    assert main(["diff", files["old"], str(damaged)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0].endswith(str(whole.value).splitlines()[0])
    # Cut short: read whole, so the error names the line where the JSON stops.
    cut = tmp_path / "cut.json"
    cut.write_text("".join(lines[: len(lines) // 2]))
    assert main(["diff", files["old"], str(cut)]) == 2
    assert "is not valid JSON" in capsys.readouterr().err


def test_cancel_equal_takes_the_last_equal_item_and_keeps_order() -> None:
    assert cancel_equal(["x", "y", "x", "z"], ["x", "w"]) == (["x", "y", "z"], ["w"])
    assert cancel_equal([], ["a"]) == ([], ["a"])
    assert cancel_equal(["a", "b"], ["a", "b"]) == ([], [])  # nothing moved
    assert cancel_equal(["a", "b", "c"], ["d", "c", "a"]) == (["b"], ["d"])  # none twice
    assert cancel_equal(["a", "b"], ["b", "a", "a"]) == ([], ["a"])  # an item twice
    items = [copy.copy(f) for f in _twin_findings(Severity.MEDIUM)]
    assert cancel_equal(items, items[:1]) == (items[1:], [])


@pytest.mark.parametrize("chunk", [200, 1 << 22])
def test_the_lines_compared_in_place_are_the_generic_comparison(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """snapshot.differing_lines (the lines by ARN's bytes, read a chunk at a time, compared
    unparsed) finds what model.diff.differing finds on every line by ARN, in the same order."""
    from awsexplorer.model.diff import differing

    monkeypatch.setattr(snapshot, "_CHUNK", chunk)
    old, new = snapshot.read_lines(files["old"]), snapshot.read_lines(files["new"])
    assert isinstance(old, snapshot.Lines) and isinstance(new, snapshot.Lines)
    assert len(old.resources) == len(_pair()[0].resources)
    assert snapshot.differing_lines(old, new) == differing(old.by_arn(), new.by_arn())
    pairs, added, removed = snapshot.differing_lines(old, new)
    assert added and removed and pairs  # every kind is in the pair
    assert snapshot.differing_lines(old, old) == ([], [], [])
    # Every line is one whole object, as the whole read has it.
    whole = snapshot.read_document(files["new"])["resources"]
    assert [json.loads(line) for line in new.by_arn().values()] == json.loads(json.dumps(whole))


def test_a_byte_that_is_not_utf8_in_an_equal_line_reads_whole(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The line comparison never parses equal lines, but the file is still checked as text, as
    the whole reading checks it: the same one-line error."""
    raw = Path(files["new"]).read_bytes()
    at = raw.index(b'"arn":"') + len(b'"arn":"arn:aws')
    broken = tmp_path / "broken.json"
    broken.write_bytes(raw[:at] + b"\xff" + raw[at + 1 :])
    with pytest.raises(snapshot.SnapshotError, match="is not a text file"):
        snapshot.read_lines(broken)
    assert main(["diff", str(broken), str(broken)]) == 2
    assert "is not a text file" in capsys.readouterr().err


def _edited(path: str, edit: Any, target: Path) -> str:
    """A copy of the snapshot at `path` with its resource lines (each `  {"arn":...},`) edited."""
    lines = Path(path).read_text().splitlines(keepends=True)
    at = [n for n, line in enumerate(lines) if line.startswith('  {"arn":"')]
    lines[at[0] : at[-1] + 1] = edit(lines[at[0] : at[-1] + 1])
    target.write_text("".join(lines))
    return str(target)


def _framing_breaks(resources: list[str]) -> list[str]:
    """A raw line break inside one resource line (still valid JSON, one object)."""
    index = next(n for n, line in enumerate(resources) if literal.SG in line)
    resources[index] = resources[index].replace(',"type":', ',\n"type":', 1)
    return resources


def _arn_twice(resources: list[str]) -> list[str]:
    """The security group's line again at the end, renamed: two lines, one ARN."""
    line = next(line for line in resources if literal.SG in line)
    resources[-1] = resources[-1].rstrip("\n") + ",\n"
    return [*resources, line.replace('"name":"web"', '"name":"web-2"').rstrip(",\n") + "\n"]


@pytest.mark.parametrize("fork", [True, False], ids=["checked-aside", "checked-here"])
@pytest.mark.parametrize("edit", [_framing_breaks, _arn_twice], ids=["break", "twice"])
def test_a_line_framed_otherwise_or_an_arn_twice_says_what_the_whole_reading_says(
    files: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    edit: Any,
    fork: bool,
) -> None:
    """A line break inside a line, or an ARN on two lines (the whole reading keeps its last
    line, in the first one's place): the lines do not hold, the file is read whole. The check
    runs in a worker process (forked) when this process has one thread, else in this one: the
    same answer."""
    # Another thread running makes it check here (as a thread another test left would).
    monkeypatch.setattr(threading, "active_count", lambda: 1 if fork else 2)
    edited = _edited(files["new"], edit, tmp_path / "edited.json")
    assert not snapshot.lines_hold(snapshot.map_file(edited))
    assert snapshot.lines_hold(snapshot.map_file(files["new"]))
    assert not isinstance(snapshot.read_lines(edited), snapshot.Lines)
    for old, new in ((files["old"], edited), (edited, files["old"]), (files["old"], files["new"])):
        expected_json, expected_text = _expected(old, new)
        (_, json_out), (_, text_out) = _outputs([old, new], capsys)
        assert json_out == expected_json
        assert text_out == "\n".join(expected_text) + "\n"
    if edit is _arn_twice:
        found = json.loads(_outputs([files["new"], edited], capsys)[0][1])
        assert [c["arn"] for c in found["changed"]] == [literal.SG]  # the renamed twin counts
