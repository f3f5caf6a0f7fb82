"""A large snapshot opened while it is read (snapshot_opening): each result shown before the
whole holds only accounts read whole (every resource and finding of theirs, nothing of another),
the whole is what snapshot.read gives, a damaged file gives read's one-line error, and a reader
told to stop stops its workers. Forced on small files (_PARALLEL_BYTES 0; one thread, as the
parallel read wants)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from awsexplorer import snapshot, snapshot_opening
from awsexplorer.model import ScanResult

from .test_lazy_read import _assert_same, _edited, _whole
from .test_snapshot import _many


@pytest.fixture
def forced(monkeypatch: Any) -> None:
    monkeypatch.setattr(snapshot, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(snapshot, "_CHUNK", 1000)  # many chunks: accounts come in one by one
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def _read(path: Path, every: float = 0.0) -> tuple[list[ScanResult], ScanResult]:
    opening = snapshot_opening.start(path)
    assert opening is not None
    results = opening.results(every)
    parts = []
    while True:
        try:
            parts.append(next(results))
        except StopIteration as stop:
            return parts, stop.value


def test_parts_hold_whole_accounts_and_the_end_is_the_read(tmp_path: Path, forced: None) -> None:
    path = snapshot.write(_many(accounts=12, per_account=40), tmp_path / "twelve.json")
    parts, whole = _read(path)
    _assert_same(whole, _whole(path))
    assert parts, "nothing was shown before the whole"
    by_account = {
        a.id: [r.arn for r in whole.resources if r.account_id == a.id] for a in whole.accounts
    }
    findings = {a.id: [f for f in whole.findings if f.account_id == a.id] for a in whole.accounts}
    counts = []
    for part in parts:
        ids = [a.id for a in part.accounts]
        assert len(ids) >= 2 and len(ids) * 4 < 12 and ids == sorted(ids)  # under a quarter
        assert [r.arn for r in part.resources] == [arn for i in ids for arn in by_account[i]]
        assert part.findings == [f for i in ids for f in findings[i]]
        assert {r.name for r in part.regions} <= {r.name for r in whole.regions}
        counts.append(len(ids))
    assert counts == sorted(set(counts))  # each shows more accounts than the one before


def test_shown_no_more_often_than_asked(tmp_path: Path, forced: None) -> None:
    path = snapshot.write(_many(accounts=6, per_account=60), tmp_path / "six.json")
    parts, whole = _read(path, every=3600.0)
    assert len(parts) <= 1  # the first as soon as two accounts are in, then none for an hour
    _assert_same(whole, _whole(path))


def test_one_account_is_shown_whole_only(tmp_path: Path, forced: None) -> None:
    path = snapshot.write(_many(accounts=1, per_account=200), tmp_path / "one.json")
    parts, whole = _read(path)
    assert parts == []
    _assert_same(whole, _whole(path))


def test_an_account_apart_stops_the_parts(tmp_path: Path, forced: None) -> None:
    """Account A's lines first and last: once a share meets A again, nothing more is shown
    before the whole, which is still the read."""
    result = _many(accounts=4, per_account=60)
    first = result.accounts[0].id
    mine = [r for r in result.resources if r.account_id == first]
    rest = [r for r in result.resources if r.account_id != first]
    result.resources = mine[:30] + rest + mine[30:]
    path = snapshot.write(result, tmp_path / "apart.json")
    parts, whole = _read(path)
    _assert_same(whole, _whole(path))
    for part in parts:
        assert first not in {a.id for a in part.accounts} or len(part.accounts) < 4


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"attributes":{"CidrBlock"', '"attributes":{"CidrBlock":}'),
        ('"tags":{"Name":"ü', '"tags":{"Name":1,"x":"ü'),
    ],
)
def test_a_damaged_line_gives_the_reads_error(
    tmp_path: Path, forced: None, old: str, new: str
) -> None:
    path = _edited(tmp_path, old, new)
    with pytest.raises(snapshot.SnapshotError) as expected:
        _whole(path)
    with pytest.raises(snapshot.SnapshotError) as got:
        _read(path)
    assert got.value.message == expected.value.message


def test_a_reader_told_to_stop_stops_its_workers(tmp_path: Path, forced: None) -> None:
    path = snapshot.write(_many(accounts=6, per_account=60), tmp_path / "six.json")
    opening = snapshot_opening.start(path)
    assert opening is not None
    workers = [worker for worker, _ in opening.reading.workers]
    with pytest.raises(snapshot_opening.Cancelled):
        next(opening.results(0.0, lambda: True))
    assert not any(worker.is_alive() for worker in workers)
    assert opening.handle.closed


def test_a_small_file_is_read_as_before(tmp_path: Path) -> None:
    path = snapshot.write(_many(accounts=3, per_account=20), tmp_path / "small.json")
    assert snapshot_opening.start(path) is None


@pytest.mark.parametrize(
    ("runs", "done", "expected"),
    [
        ([["a", "b"], ["c", "d"]], [False, False], {"a"}),  # b and d go on; c may begin in 0
        ([["a", "b"], ["c", "d"]], [True, False], {"a", "b", "c"}),
        ([["a", "b"], ["b", "c"]], [False, False], {"a"}),  # b: the end of 0, the start of 1
        ([["a", "b"], ["b", "c"]], [True, False], {"a", "b"}),
        ([["a", "b"], ["b", "c"]], [True, True], {"a", "b", "c"}),
        ([["a"], []], [False, False], set()),
        ([["a", "b"], []], [True, False], {"a"}),  # b may go on in share 1, which read nothing
        ([["a", "b"], ["c"]], [True, False], {"a", "b"}),
        ([["a", "b", "a"], []], [False, False], None),  # apart in one share
        ([["a", "b"], ["c", "a"]], [False, False], None),  # apart in two
        ([["a", "b"], ["b", "c"], ["c", "b"]], [True, True, True], None),
    ],
)
def test_whole_accounts(runs: list[list[str]], done: list[bool], expected: set[str] | None) -> None:
    assert snapshot_opening.whole_accounts(runs, done) == expected


class _App:
    """What run_tui runs, kept instead of run: the options it was given."""

    options: list[Any] = []
    return_code = 0

    def __init__(self, options: Any) -> None:
        _App.options.append(options)

    def run(self) -> None:
        pass


@pytest.mark.parametrize(
    ("extra", "as_read"), [([], True), (["--baseline", "BASE"], False), (["SECOND"], False)]
)
def test_the_tui_is_given_the_file_as_it_is_read(
    tmp_path: Path, forced: None, monkeypatch: Any, extra: list[str], as_read: bool
) -> None:
    """One large file: the TUI shows it as it is read (its workers started before the TUI);
    with a baseline, or several files to merge, the file is read first, as before."""
    from awsexplorer.cli import app as cli_app
    from awsexplorer.cli.parser import build_parser

    path = snapshot.write(_many(accounts=3, per_account=20), tmp_path / "three.json")
    other = _many(accounts=4, per_account=5)  # the fourth account alone: not in `path`
    last = other.accounts[-1].id
    other.accounts = other.accounts[-1:]
    other.resources = [r for r in other.resources if r.account_id == last]
    other.findings = [f for f in other.findings if f.account_id == last]
    second = snapshot.write(other, tmp_path / "other.json")
    monkeypatch.setattr(cli_app, "make_app", _App)
    _App.options = []
    argv = ["--snapshot", str(path)]
    if extra == ["--baseline", "BASE"]:
        argv += ["--baseline", str(path)]
    elif extra:
        argv.append(str(second))
    assert cli_app.run_tui(build_parser(argv).parse_args(argv)) == 0
    (options,) = _App.options
    if as_read:
        assert options.opening is not None and options.loaded is None
        assert options.opening.handle.closed  # closed once the app is gone
        assert not any(worker.is_alive() for worker, _ in options.opening.reading.workers)
    else:
        assert options.opening is None and options.loaded is not None


def test_the_reader_pauses_between_the_pieces_it_reads(tmp_path: Path, forced: None) -> None:
    """`pause()` runs between the pieces read (the TUI lets a key through there: on a worker
    thread, the UI thread's key waits for no more than one piece), and the read is the same."""
    path = snapshot.write(_many(accounts=6, per_account=60), tmp_path / "six.json")
    opening = snapshot_opening.start(path)
    assert opening is not None
    pauses: list[int] = []
    results = opening.results(0.0, pause=lambda: pauses.append(1))
    while True:
        try:
            next(results)
        except StopIteration as stop:
            whole = stop.value
            break
    _assert_same(whole, _whole(path))
    assert len(pauses) >= 2  # one a piece (_CHUNK bytes: 1,000 here, so many pieces)
