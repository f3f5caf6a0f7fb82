"""A large snapshot opened while it is read: the accounts read whole so far are shown, and the
rest come in, as a live scan of several accounts shows them (issue 17: a 1,000,000-resource
estate took 10-15 s before the TUI's first frame, most of it reading).

`start(path)` starts the parallel read's workers (snapshot.ParallelRead) while the process has
one thread, before the TUI starts its own. `Opening.results` then runs on a worker thread of the
TUI: it yields a ScanResult of the accounts whose every resource line is read, and returns the
whole ScanResult, what snapshot.read(path) gives. A file the workers refuse is read whole
(snapshot.read: its answer, or its one-line error).

An account's lines are read whole when no share of the file may still hold one of them. That
holds when each account's lines are written together, as awsexplorer writes them (one account's
scan after another: model/accounts.merge). A file whose lines of one account are apart is seen so
when a share meets that account again: from then on nothing more is shown before the whole."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from itertools import chain, groupby, pairwise
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO

from awsexplorer import snapshot
from awsexplorer.model import AccountScan, Finding, Resource, ScanResult

_ACCOUNT_ID = attrgetter("account_id")


class Cancelled(Exception):
    """The reader was told to stop (the TUI is closing)."""


@dataclass
class Opening:
    """A snapshot file whose resource lines the workers are reading (see start)."""

    path: Path
    size: int
    handle: BinaryIO
    reading: snapshot.ParallelRead
    accounts_total: int = 0  # the document's accounts, once it is read

    def results(
        self,
        every: float,
        cancelled: Callable[[], bool] = lambda: False,
        pause: Callable[[], None] = lambda: None,
    ) -> Generator[ScanResult, None, ScanResult]:
        """Yields the accounts read whole so far (at least two, one more at least than last
        time, fewer than a quarter of them), no more often than every `every` seconds;
        returns the whole result, what snapshot.read gives, or raises its SnapshotError.
        Cancelled when `cancelled()`: the workers are stopped. `pause()` runs between the
        pieces read (the TUI lets a key through there)."""
        try:
            with self.reading, snapshot.collector_paused():
                return (yield from self._read(every, cancelled, pause))
        except snapshot.NOT_STREAMED:
            pass  # read whole: the same answer, or the one-line error that names what is wrong
        finally:
            self.handle.close()
        if cancelled():
            raise Cancelled
        return snapshot.read(self.path)

    def close(self) -> None:
        """Stop the workers (results never asked for)."""
        self.reading.close()
        self.handle.close()

    def _read(
        self, every: float, cancelled: Callable[[], bool], pause: Callable[[], None]
    ) -> Generator[ScanResult, None, ScanResult]:
        result = self.reading.document()
        accounts = result.account_scans()
        self.accounts_total = len(accounts)
        findings: dict[str | None, list[Finding]] = {}
        for account_id, run in groupby(result.findings, _ACCOUNT_ID):
            findings.setdefault(account_id, []).extend(run)
        shares_read: list[list[Resource]] = [[] for _ in range(self.reading.shares)]
        runs: list[list[str]] = [[] for _ in range(self.reading.shares)]
        by_account: dict[str, list[Resource]] = {}
        shown = 1  # how many accounts were shown (none yet: at least two are)
        together = len(accounts) > 1
        shown_at = time.monotonic() - every
        for n, made in self.reading.chunks():
            pause()
            if cancelled():
                raise Cancelled
            shares_read[n] += made
            if not together:
                continue
            share = runs[n]
            for account_id, lines in groupby(made, _ACCOUNT_ID):
                if not share or share[-1] != account_id:
                    share.append(account_id)
                by_account.setdefault(account_id, []).extend(lines)
            if time.monotonic() - shown_at < every:
                continue
            read = whole_accounts(runs, self.reading.ended)
            if read is None:
                together = False  # an account's lines apart: nothing more before the whole
                continue
            # Shown while fewer than a quarter are in: past that, the whole is near enough, and
            # loading these again would only put it off (at 1,000,000 resources a showing of 29
            # of 50 accounts put the whole off by 3-4 s).
            if shown < len(read) and len(read) * 4 < len(accounts):
                shown = len(read)
                yield _part(result, [a for a in accounts if a.id in read], by_account, findings)
                shown_at = time.monotonic()
        resources = self.reading.finish(list(chain.from_iterable(shares_read)))
        del shares_read, by_account
        result.resources = resources
        if len(resources) >= snapshot.FREEZE_RESOURCES:
            gc.freeze()  # as snapshot.read does: kept for the process's life, no cycle
        return result


def start(path: Path) -> Opening | None:
    """The workers started on the snapshot at `path` (in a process with one thread); None when
    the parallel read does not apply (a small file, another layout, no fork): read it as
    before. A SnapshotError for a file that cannot be opened."""
    handle = snapshot.open_checked(path)
    try:
        reading = snapshot.ParallelRead.start(handle, str(path))
    except snapshot.NOT_STREAMED:
        reading = None
    if reading is None:
        handle.close()
        return None
    return Opening(path, os.fstat(handle.fileno()).st_size, handle, reading)


def whole_accounts(runs: list[list[str]], done: list[bool]) -> set[str] | None:
    """The accounts none of whose lines is still to be read, from each share's runs of one
    account so far (`runs`, in file order) and whether each share is read to its end (`done`).
    A share's last run may go on while the share is not done, or in the next share while that
    one has read nothing; its first may have begun at the end of the share before, while that
    one is not done. None when an account's lines are not
    together: in one share twice, or in two shares other than as the end of one and the start
    of the next."""
    places: dict[str, list[tuple[int, int]]] = {}
    for n, share in enumerate(runs):
        for i, account_id in enumerate(share):
            places.setdefault(account_id, []).append((n, i))
    read = set()
    for account_id, found in places.items():
        for (n, i), (m, j) in pairwise(found):
            if m != n + 1 or i != len(runs[n]) - 1 or j != 0:
                return None
        if all(
            (i < len(runs[n]) - 1 or (done[n] and (n + 1 == len(runs) or runs[n + 1])))
            and (i > 0 or n == 0 or done[n - 1])
            for n, i in found
        ):
            read.add(account_id)
    return read


def _part(
    result: ScanResult,
    accounts: list[AccountScan],
    resources: dict[str, list[Resource]],
    findings: dict[str | None, list[Finding]],
) -> ScanResult:
    """`result` (the document, without resources) as these accounts alone, with their resources
    and findings."""
    from awsexplorer.model.accounts import merged_regions

    return ScanResult(
        account=accounts[0].account,
        started_at=result.started_at,
        finished_at=result.finished_at,
        regions=merged_regions(accounts),
        resources=list(chain.from_iterable(resources.get(a.id, []) for a in accounts)),
        findings=list(chain.from_iterable(findings.get(a.id, []) for a in accounts)),
        checks=result.checks,
        profile=result.profile,
        settings=result.settings,
        accounts=accounts,
    )
