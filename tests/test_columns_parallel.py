"""The parallel read (snapshot._read_parallel: forked workers read shares of the resource lines
into columns): the same answers as the whole read and as the one-process stream, every damaged line
still named in the one-line error (or the file read whole), and the other layouts left to the
stream. Forced here on small files (_PARALLEL_BYTES 0; one thread, as the check wants)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot
from awsexplorer.model import Resource, ScanResult

from .test_lazy_read import DAMAGED_LINES, ODD_LINES, _assert_same, _edited, _whole
from .test_snapshot import _many, _result


@pytest.fixture
def parallel(monkeypatch: Any) -> list[bool]:
    """Every read goes through _read_parallel; the list says, per read, whether it answered
    (True) or left the file to the stream (False)."""
    monkeypatch.setattr(snapshot, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    answers: list[bool] = []
    real = snapshot._read_parallel

    def spy(handle: Any, source: str) -> ScanResult | None:
        try:
            result = real(handle, source)
        except snapshot.NOT_STREAMED:
            answers.append(False)
            raise
        answers.append(result is not None)
        return result

    monkeypatch.setattr(snapshot, "_read_parallel", spy)
    return answers


@pytest.mark.parametrize("chunk", [64, 1000, 1 << 22])
def test_parallel_is_the_whole_read(
    tmp_path: Path, monkeypatch: Any, parallel: list[bool], chunk: int
) -> None:
    monkeypatch.setattr(snapshot, "_CHUNK", chunk)  # many chunks, a line cut at every place
    for n, result in enumerate([_many(), _many(accounts=1, per_account=30), _result()]):
        path = snapshot.write(result, tmp_path / f"r{n}.json")
        _assert_same(snapshot.read(path), _whole(path))
    assert parallel == [True, True, True]


def test_one_resource_is_one_worker(tmp_path: Path, parallel: list[bool]) -> None:
    result = _many(accounts=1, per_account=1)
    result.resources = result.resources[:1]
    path = snapshot.write(result, tmp_path / "one.json")
    _assert_same(snapshot.read(path), _whole(path))
    assert parallel == [True]


@pytest.mark.parametrize(("old", "new", "expected"), DAMAGED_LINES)
def test_a_damaged_line_is_named_or_read_as_whole(
    tmp_path: Path, monkeypatch: Any, parallel: list[bool], old: str, new: str, expected: str
) -> None:
    monkeypatch.setattr(snapshot, "_CHUNK", 1000)
    path = _edited(tmp_path, old, new)
    try:
        whole: Any = _whole(path)
    except snapshot.SnapshotError as exc:
        whole = exc
    if isinstance(whole, snapshot.SnapshotError):
        assert expected and expected in whole.message
        with pytest.raises(snapshot.SnapshotError) as caught:
            snapshot.read(path)
        assert caught.value.message == whole.message
        assert parallel == [False]  # the workers refused it
    else:  # valid JSON: the whole read's answer, whichever read gave it
        read = snapshot.read(path)
        assert read == whole and snapshot.dumps(read) == snapshot.dumps(whole)
        assert [r.account_id for r in read.resources] == [r.account_id for r in whole.resources]


@pytest.mark.parametrize(("old", "new"), ODD_LINES)
def test_an_odd_valid_line_reads_as_whole(
    tmp_path: Path, monkeypatch: Any, parallel: list[bool], old: str, new: str
) -> None:
    monkeypatch.setattr(snapshot, "_CHUNK", 1000)
    path = _edited(tmp_path, old, new)
    read = snapshot.read(path)
    assert all(type(r) is snapshot.LineResource for r in read.resources)
    assert read == _whole(path) and snapshot.dumps(read) == snapshot.dumps(_whole(path))
    assert parallel == [True]


def test_a_key_of_the_head_again_in_the_body(tmp_path: Path, parallel: list[bool]) -> None:
    """Valid JSON whose body repeats a head field: the whole reading takes the last one, so the
    line is not what its head says. The workers see it (a body of more than tags and
    attributes) and the file is read whole."""
    path = _edited(tmp_path, '"attributes":{', '"arn":"arn:other","attributes":{')
    read = snapshot.read(path)
    assert parallel == [False]
    assert all(type(r) is Resource for r in read.resources)
    assert read == _whole(path) and "arn:other" in {r.arn for r in read.resources}


@pytest.mark.parametrize("workers", [2, 3, 7])
def test_shares(tmp_path: Path, monkeypatch: Any, parallel: list[bool], workers: int) -> None:
    """The lines cut into as many shares as workers (fewer when there are fewer lines)."""
    monkeypatch.setattr(snapshot, "_workers", lambda: workers)
    spools: list[int] = []  # one per worker started
    real = snapshot.tempfile.TemporaryFile

    def counted() -> Any:
        spools.append(1)
        return real()

    monkeypatch.setattr(snapshot.tempfile, "TemporaryFile", counted)
    path = snapshot.write(_many(), tmp_path / "many.json")
    _assert_same(snapshot.read(path), _whole(path))
    assert len(spools) == workers
    result = _many(accounts=1, per_account=2)
    result.resources = result.resources[:2]
    path = snapshot.write(result, tmp_path / "two.json")
    spools.clear()
    _assert_same(snapshot.read(path), _whole(path))
    assert 1 <= len(spools) <= 2  # two lines: two shares at most (cut after the middle)
    assert parallel == [True, True]


def test_workers_follow_the_cores(monkeypatch: Any) -> None:
    monkeypatch.setattr(snapshot.os, "sched_getaffinity", lambda pid: {0})
    assert snapshot._workers() == 2
    monkeypatch.setattr(snapshot.os, "sched_getaffinity", lambda pid: set(range(64)))
    assert snapshot._workers() == snapshot._MOST_WORKERS


def test_a_worker_that_refuses_or_fails(
    tmp_path: Path, monkeypatch: Any, parallel: list[bool]
) -> None:
    path = snapshot.write(_many(), tmp_path / "many.json")
    monkeypatch.setattr(snapshot, "_bodies_hold", lambda bodies: False)
    read = snapshot.read(path)  # a line the worker does not take: read whole
    assert all(type(r) is Resource for r in read.resources) and read == _whole(path)
    monkeypatch.setattr(snapshot, "_line_columns", lambda *args: 1 / 0)
    read = snapshot.read(path)  # the worker failed: read whole
    assert all(type(r) is Resource for r in read.resources) and read == _whole(path)
    assert parallel == [False, False]


def test_a_file_changed_while_read(tmp_path: Path, monkeypatch: Any, parallel: list[bool]) -> None:
    path = snapshot.write(_many(), tmp_path / "many.json")
    monkeypatch.setattr(snapshot, "_same_file", lambda before, after: False)
    read = snapshot.read(path)
    assert all(type(r) is Resource for r in read.resources) and read == _whole(path)


def test_left_to_the_stream(tmp_path: Path, monkeypatch: Any) -> None:
    """Small files, other threads, or no fork: _read_parallel reads nothing and the stream
    reads the file (the handle where it was)."""
    path = snapshot.write(_many(), tmp_path / "many.json")
    with snapshot.open_checked(path) as handle:
        assert snapshot._read_parallel(handle, str(path)) is None  # small
        monkeypatch.setattr(snapshot, "_PARALLEL_BYTES", 0)
        monkeypatch.setattr(threading, "active_count", lambda: 2)
        assert snapshot._read_parallel(handle, str(path)) is None  # another thread
        assert handle.tell() == 0
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    whole = snapshot.write(_many(), tmp_path / "whole.json")
    whole.write_text(whole.read_text().replace("\n", "\n "))  # another layout
    with snapshot.open_checked(whole) as handle:
        assert snapshot._read_parallel(handle, str(whole)) is None


def test_chunks_read_while_the_workers_still_write(
    tmp_path: Path, monkeypatch: Any, parallel: list[bool]
) -> None:
    """The parent takes each worker's chunks as they are written: a chunk seen half written
    (here the workers write a few bytes at a time, slowly) is waited for, never read short."""
    import os
    import time

    path = snapshot.write(_many(per_account=60), tmp_path / "many.json")
    monkeypatch.setattr(snapshot, "_CHUNK", 1000)  # many chunks
    real_fdopen, real_columns = os.fdopen, snapshot._line_columns

    def tiny_writes(fd: int, mode: str, buffering: int = -1) -> Any:
        return real_fdopen(fd, mode, buffering=7)  # the workers' writes (the read's only call)

    def slow(*args: Any) -> Any:
        time.sleep(0.01)
        return real_columns(*args)

    monkeypatch.setattr(os, "fdopen", tiny_writes)
    monkeypatch.setattr(snapshot, "_line_columns", slow)
    looks: list[int] = []
    real_written = snapshot._written_columns

    def counted(fd: int, offsets: list[int], n: int) -> Any:
        got = list(real_written(fd, offsets, n))
        looks.append(len(got))
        return iter(got)

    monkeypatch.setattr(snapshot, "_written_columns", counted)
    _assert_same(snapshot.read(path), _whole(path))
    assert parallel == [True]
    # Chunks taken at several looks, with looks between that found the next one not yet whole.
    assert looks.count(0) >= 1 and len(looks) - looks.count(0) >= 2
