"""The lazy read (snapshot._read_stream into LineResources): the same answers as the whole read,
changes kept, nothing kept by a peek, and a damaged line still named in the one-line error, with
the bodies checked here or by the worker process."""

from __future__ import annotations

import copy
import pickle
import threading
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot
from awsexplorer.model import Resource, ScanResult
from awsexplorer.model.kinds import CATCH_ALL, complete, is_catch_all

from .test_snapshot import _many, _result

FIXTURES = [
    Path(__file__).parent / "ui" / "fixtures" / "small-account.json",
    Path(__file__).parent / "ui" / "fixtures" / "screens" / "account.json",
    Path(__file__).parent / "accounts" / "fixtures" / "v1-one-account.json",
    Path(__file__).parent / "accounts" / "fixtures" / "three-accounts.json",
]


@pytest.fixture(params=["here", "worker"])
def where(request: Any, monkeypatch: Any) -> str:
    """Bodies checked in this process, or by the forked worker (any size; one thread)."""
    if request.param == "worker":
        monkeypatch.setattr(snapshot, "_WORKER_BYTES", 0)
        monkeypatch.setattr(threading, "active_count", lambda: 1)
    return str(request.param)


def _whole(path: Path) -> ScanResult:
    return snapshot.from_document(snapshot.read_document(path), str(path))


def _streamed(path: Path) -> ScanResult:
    with snapshot.open_checked(path) as handle:
        return snapshot._read_stream(handle, str(path))  # not sent to the whole read


def _assert_same(lazy: ScanResult, whole: ScanResult) -> None:
    assert lazy.resources and all(type(r) is snapshot.LineResource for r in lazy.resources)
    assert all(type(r) is Resource for r in whole.resources)
    assert snapshot.dumps(lazy) == snapshot.dumps(whole)
    assert [r.to_dict() for r in lazy.resources] == [r.to_dict() for r in whole.resources]
    assert [repr(r) for r in lazy.resources] == [repr(r) for r in whole.resources]
    assert lazy.resources == whole.resources and whole.resources == lazy.resources
    assert lazy == whole
    # None of that parsed a body for good.
    assert all(r._body is not None for r in lazy.resources)  # type: ignore[attr-defined]


def _million_bench() -> Any:
    """benchmarks/million_bench.py, whose write_snapshot writes what the #17 benchmark reads."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "million_bench", Path(__file__).parents[1] / "benchmarks" / "million_bench.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("chunk", [64, 1000, 1 << 22])
def test_lazy_is_the_whole_read(tmp_path: Path, monkeypatch: Any, where: str, chunk: int) -> None:
    monkeypatch.setattr(snapshot, "_CHUNK", chunk)  # many chunks, a line cut at every place
    for n, result in enumerate([_many(), _many(accounts=1, per_account=30), _result()]):
        path = snapshot.write(result, tmp_path / f"r{n}.json")
        _assert_same(_streamed(path), _whole(path))
        _assert_same(snapshot.read(path), _whole(path))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_fixtures_rewritten_read_lazily_as_whole(tmp_path: Path, where: str, fixture: Path) -> None:
    """Each fixture (older layouts, read whole) written anew in the line layout reads lazily as
    the whole read reads the new file, and as the fixture itself reads."""
    original = snapshot.read(fixture)
    assert all(type(r) is Resource for r in original.resources)  # older layout: read whole
    path = snapshot.write(original, tmp_path / fixture.name)
    lazy = snapshot.read(path)
    _assert_same(lazy, _whole(path))

    def arn(r: Resource) -> str:
        return r.arn

    assert sorted(lazy.resources, key=arn) == sorted(original.resources, key=arn)  # dumps sorts
    assert snapshot.dumps(lazy) == snapshot.dumps(original)


@pytest.fixture(scope="module")
def bench_file(tmp_path_factory: Any) -> tuple[Path, int]:
    """What benchmarks/million_bench.py writes (#17's file), small: 2 accounts."""
    path = tmp_path_factory.mktemp("bench") / "m.json"
    facts = _million_bench().write_snapshot(path, 2, 1000)
    return path, int(facts["resources"])


def test_the_million_benchmark_layout(tmp_path: Path, bench_file: Any) -> None:
    path, count = bench_file
    _assert_same(snapshot.read(path), _whole(path))
    merged = snapshot.read_many([path, snapshot.write(_many(), tmp_path / "other.json")])
    assert sum(type(r) is snapshot.LineResource for r in merged.resources) == count + 24


def _one(tmp_path: Path) -> tuple[snapshot.LineResource, Resource]:
    path = snapshot.write(_many(), tmp_path / "many.json")
    lazy = snapshot.read(path).resources
    whole = _whole(path).resources
    n = next(i for i, r in enumerate(whole) if r.tags and r.id != "vpc-0")
    resource = lazy[n]
    assert isinstance(resource, snapshot.LineResource)
    return resource, whole[n]


def test_a_change_is_kept(tmp_path: Path) -> None:
    resource, plain = _one(tmp_path)
    resource.attributes["derived"] = [1]  # as model/topology.py adds what it derives
    assert resource._body is None  # parsed once, kept from then on
    assert resource.attributes["derived"] == [1]
    assert resource.peek_attributes()["derived"] == [1]
    resource.tags["team"] = "x"
    assert resource.tags["team"] == "x" and resource.to_dict()["tags"]["team"] == "x"
    plain.attributes["derived"] = [1]
    plain.tags["team"] = "x"
    assert resource == plain and repr(resource) == repr(plain)
    # Setting one field keeps the other as parsed.
    other, plain_other = _one(tmp_path)
    other.tags = {"only": "this"}
    assert other.tags == {"only": "this"} and other.attributes == plain_other.attributes
    other.attributes = {}
    assert other.attributes == {} and other.tags == {"only": "this"}


def test_a_peek_keeps_nothing(tmp_path: Path) -> None:
    resource, plain = _one(tmp_path)
    peeked = resource.peek_attributes()
    assert peeked == plain.attributes and resource.peek_tags() == plain.tags
    peeked["lost"] = True
    resource.peek_tags()["lost"] = "yes"
    assert resource._body is not None  # still unparsed
    assert "lost" not in resource.attributes and "lost" not in resource.tags
    assert resource == plain


def test_copies_and_pickles_are_plain_resources(tmp_path: Path) -> None:
    resource, plain = _one(tmp_path)
    for made in (
        copy.copy(resource),
        copy.deepcopy(resource),
        pickle.loads(pickle.dumps(resource)),
    ):
        assert type(made) is Resource and made == plain and made == resource
    assert resource._body is not None


def test_an_older_record_is_completed_on_first_use(tmp_path: Path) -> None:
    path = snapshot.write(_many(), tmp_path / "many.json")
    lazy = next(r for r in snapshot.read(path).resources if r.id == "vpc-0")
    assert lazy.may_hold("cidr")  # not written, but complete() fills it from CidrBlock
    assert lazy.peek_attributes()["cidr"] == "10.0.0.0/16"
    assert lazy.attributes["cidr"] == "10.0.0.0/16"
    before = dict(lazy.attributes)
    assert complete(lazy).attributes == before  # completing again changes nothing


def test_catch_all_without_parsing(tmp_path: Path) -> None:
    result = _many(accounts=1, per_account=4)
    result.resources[1].attributes = {CATCH_ALL: True}
    result.resources[2].attributes = {"x": {CATCH_ALL: True}}  # not at the top: not catch-all
    path = snapshot.write(result, tmp_path / "c.json")
    lazy = snapshot.read(path).resources
    assert [is_catch_all(r) for r in lazy] == [is_catch_all(r) for r in _whole(path).resources]
    assert [is_catch_all(r) for r in lazy] == [False, True, False, False]
    assert not lazy[3].may_hold(CATCH_ALL) and lazy[3]._body is not None  # type: ignore[attr-defined]
    # A key written with an escape may be any key: looked at.
    text = path.read_text().replace('"catch_all":true', '"catch\\u005fall":true')
    escaped = tmp_path / "e.json"
    escaped.write_text(text)
    assert [is_catch_all(r) for r in snapshot.read(escaped).resources] == [
        False,
        True,
        False,
        False,
    ]


# Lines the lazy read does not take as they are: each read as the whole read reads it (which
# names what is wrong in its one-line error, or reads valid JSON the lazy read leaves to it).
DAMAGED_LINES = [
    ('"tags":{"Name":"ü', '"tags":{"Name":1,"x":"ü', ".tags' has a value that is a number"),
    ('"attributes":{', '"attributes":[],"x":{', ".attributes' is a list, not an object"),
    ('"attributes":{', '"attributes":7,"x":{', ".attributes' is a number, not an object"),
    ('"attributes":{"CidrBlock"', '"attributes":{"CidrBlock":}', "not valid JSON"),
    ('"attributes":{"CidrBlock"', '"attributes":{"CidrBlock":1}}', "not valid JSON"),
    ('"tags":{', '"tags":{"a":"\\ud800",', ""),  # a lone surrogate: json reads it, orjson not
    ('"attributes":{', '"extra":1,"attributes":{', ""),  # a key the format does not name
    ('"account_id":"', '"account_id":"1","account_id":"', ""),  # the account twice
    ('"account_id":"123456789012"', '"account_id":"12345678\\u0039012"', ""),  # an escape
    ('"account_id":"123456789012"', '"account_id":"123456789012","z":null', ""),
    ('"account_id":"123456789012"}', '"account_id":"123456789012"', "not valid JSON"),
    ('"tags":', '"tag":', ""),  # no tags: valid (they are optional), read whole
    ('"subnet_id":null', '"subnet_id":false', ".subnet_id' is true or false, not a string"),
    ('"region":"eu-west-1"', '"region":null', ".region' is null, not a string"),
    ('"type":"ec2:vpc"', '"type":["ec2:vpc"]', ".type' is a list, not a string"),
]
# Valid lines not as dumps writes them that the lazy read takes, with the same answer.
ODD_LINES = [
    ('"name":"', '"name" : "'),  # spaces
    ('"tags":{', '"tags":{"a":"b\\"c",'),  # an escaped quote in a tag
    ('"attributes":{', '"attributes":{},"attributes":{'),  # a key twice: the last wins
]


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = snapshot.dumps(_many(per_account=40))
    lines = text.split("\n")
    index = [n for n, line in enumerate(lines) if old in line and '{"arn":' in line][-1]
    lines[index] = lines[index].replace(old, new, 1)
    path = tmp_path / "edited.json"
    path.write_text("\n".join(lines))
    return path


@pytest.mark.parametrize(("old", "new", "expected"), DAMAGED_LINES)
def test_a_damaged_line_is_named_or_read_whole(
    tmp_path: Path, monkeypatch: Any, where: str, old: str, new: str, expected: str
) -> None:
    monkeypatch.setattr(snapshot, "_CHUNK", 1000)
    path = _edited(tmp_path, old, new)
    with snapshot.open_checked(path) as handle, pytest.raises(snapshot.NOT_STREAMED):
        snapshot._read_stream(handle, str(path))  # the lazy read does not take it
    try:
        whole: Any = _whole(path)
    except snapshot.SnapshotError as exc:
        whole = exc
    if isinstance(whole, snapshot.SnapshotError):
        assert expected and expected in whole.message and "\n" not in whole.message
        with pytest.raises(snapshot.SnapshotError) as caught:
            snapshot.read(path)
        assert caught.value.message == whole.message
    else:  # valid JSON the lazy read does not take: the whole read's answer
        assert not expected
        read = snapshot.read(path)
        assert all(type(r) is Resource for r in read.resources)
        assert read == whole and snapshot.dumps(read) == snapshot.dumps(whole)


@pytest.mark.parametrize(("old", "new"), ODD_LINES)
def test_an_odd_valid_line_reads_as_whole(
    tmp_path: Path, monkeypatch: Any, where: str, old: str, new: str
) -> None:
    monkeypatch.setattr(snapshot, "_CHUNK", 1000)
    path = _edited(tmp_path, old, new)
    lazy = snapshot.read(path)
    assert all(type(r) is snapshot.LineResource for r in lazy.resources)
    assert lazy == _whole(path) and snapshot.dumps(lazy) == snapshot.dumps(_whole(path))


def test_the_worker_answers(tmp_path: Path, monkeypatch: Any) -> None:
    """The worker runs (forked), reads the file itself, and its answer is the one used."""
    monkeypatch.setattr(snapshot, "_WORKER_BYTES", 0)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    path = snapshot.write(_many(), tmp_path / "many.json")
    started = []
    real = snapshot._BodyCheck.__init__

    def spy(self: Any, fd: int, offset: int) -> None:
        real(self, fd, offset)
        started.append(self.running)

    monkeypatch.setattr(snapshot._BodyCheck, "__init__", spy)
    _assert_same(snapshot.read(path), _whole(path))
    assert started == [True]
    # A worker that gives no answer (it failed): the bodies are checked here instead.
    monkeypatch.setattr(snapshot._BodyCheck, "answer", lambda self: None)
    _assert_same(snapshot.read(path), _whole(path))
    monkeypatch.setattr(snapshot, "_all_bodies_hold", lambda resources: False)
    assert all(type(r) is Resource for r in snapshot.read(path).resources)  # read whole
    # A file changed while the worker read it: read whole (the file as it is now).
    monkeypatch.undo()
    monkeypatch.setattr(snapshot, "_WORKER_BYTES", 0)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(snapshot, "_same_file", lambda before, after: False)
    read = snapshot.read(path)
    assert all(type(r) is Resource for r in read.resources) and read == _whole(path)


def test_no_worker_with_other_threads(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(snapshot, "_WORKER_BYTES", 0)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    with snapshot.open_checked(snapshot.write(_many(), tmp_path / "m.json")) as handle:
        assert not snapshot._BodyCheck(handle.fileno(), 0).running


@pytest.mark.parametrize("chunk", [64, 1 << 22])
def test_a_line_break_inside_a_line(
    tmp_path: Path, monkeypatch: Any, where: str, chunk: int
) -> None:
    """Valid JSON (a line break is white space) but not the layout: read whole, or lazily where
    the lines are still cut right (the break is in the chunk where the list closes); the same
    answer either way."""
    monkeypatch.setattr(snapshot, "_CHUNK", chunk)
    text = snapshot.dumps(_many())
    text = text.replace('"attributes":{"CidrBlock"', '"attributes":{\n"CidrBlock"', 1)
    path = tmp_path / "broken.json"
    path.write_text(text)
    read = snapshot.read(path)
    assert read == _whole(path) and snapshot.dumps(read) == snapshot.dumps(_whole(path))


def test_a_large_read_is_frozen_out_of_the_collector(tmp_path: Path, monkeypatch: Any) -> None:
    import gc

    path = snapshot.write(_many(), tmp_path / "many.json")
    before = gc.get_freeze_count()
    snapshot.read(path)
    assert gc.get_freeze_count() == before  # small: left to the collector
    monkeypatch.setattr(snapshot, "FREEZE_RESOURCES", 24)
    try:
        read = snapshot.read(path)
        assert gc.get_freeze_count() > before and gc.isenabled()
        assert all(gc.is_tracked(r) for r in read.resources)
    finally:
        gc.unfreeze()
