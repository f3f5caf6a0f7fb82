"""Worker processes whose events come back to this process as they happen.

A scan spread over processes (one account's regions: scan/runner.py; several accounts:
scan/accounts.py) still shows what it reads as it reads it: each worker puts its events on one
queue, a thread of the parent hands them to the event loop in batches, in the order each worker
sent them, and a worker's last message (WorkerDone) says it sent all of them. The pool is the
standard library's (`ProcessPoolExecutor`); this only carries the events."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from awsexplorer.scan.session import SentCall


@dataclass(frozen=True, slots=True)
class WorkerDone:
    """A worker's last message for one task: all its events are sent (the task's future says
    whether it failed). `calls_sent`: what the read-only guard let it send (a region share)."""

    calls_sent: frozenset[SentCall] = frozenset()


# In a worker process: the queue its events go back to the parent on.
_EVENTS: Any = None


def _worker_start(events: Any) -> None:
    global _EVENTS
    _EVENTS = events


def sender(index: int) -> Callable[[Any], None]:
    """In a worker process, for its task number `index`: what sends one event to the parent."""
    queue = _EVENTS

    def send(event: Any) -> None:
        # Pickled here, not by the queue's feeder thread: an event that cannot be pickled then
        # fails the task (the scan says why) instead of being dropped with a traceback.
        queue.put((index, pickle.dumps(event, pickle.HIGHEST_PROTOCOL)))

    return send


def _read_events(
    events: Any,
    workers: int,
    loop: asyncio.AbstractEventLoop,
    absorb: Callable[[list[tuple[int, Any]]], None],
) -> None:
    """In a thread of the parent: hand the workers' events to the loop in batches (all that
    are waiting), until every task is done or the parent puts None."""
    import queue

    done = 0
    while done < workers:
        batch = [events.get()]
        with contextlib.suppress(queue.Empty):
            while len(batch) < 512:
                batch.append(events.get_nowait())
        ended = None in batch
        items = [(index, pickle.loads(data)) for index, data in filter(None, batch)]
        done += sum(isinstance(event, WorkerDone) for _, event in items)
        with contextlib.suppress(RuntimeError):  # the loop is closed: the scan is over
            loop.call_soon_threadsafe(absorb, items)
        if ended:
            return


def _quiet(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


class WorkerPool:
    """`tasks` tasks on `tasks` worker processes (forked where the platform forks: made now,
    so that a worker inherits what this process holds at this moment). Each task's events
    reach `on_event` on this event loop, as they come; `done` gets each task's WorkerDone."""

    def __init__(
        self,
        tasks: int,
        on_event: Callable[[Any], None],
        done: Callable[[WorkerDone], None] | None = None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        context = multiprocessing.get_context()
        self._events = context.Queue()
        waiting = set(range(tasks))
        self._all_in: asyncio.Future[None] = self._loop.create_future()

        def absorb(batch: list[tuple[int, Any]]) -> None:
            for index, event in batch:
                if isinstance(event, WorkerDone):
                    if done is not None:
                        done(event)
                    waiting.discard(index)
                    if not waiting and not self._all_in.done():
                        self._all_in.set_result(None)
                else:
                    on_event(event)

        threading.Thread(
            target=_read_events,
            args=(self._events, tasks, self._loop, absorb),
            name="awsexplorer-worker-events",
            daemon=True,
        ).start()
        self._pool = ProcessPoolExecutor(
            max_workers=tasks,
            mp_context=context,
            initializer=_worker_start,
            initargs=(self._events,),
        )
        self._futures: list[asyncio.Future[Any]] = []

    def start(self, task: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """Run `task(*args)` in a worker. The task must send WorkerDone last (`sender`)."""
        future = self._loop.run_in_executor(self._pool, task, *args)
        self._futures.append(future)
        return future

    async def results(self) -> list[Any]:
        """Every task's result, once every event they sent has been handed on."""
        results = await asyncio.gather(*self._futures)
        await self._all_in
        return results

    def stop(self) -> None:
        """The scan is cancelled or failed: end the workers now, not when their tasks are
        done; their own failures are this one's consequence, not reported."""
        for process in list(getattr(self._pool, "_processes", {}).values()):
            with contextlib.suppress(Exception):
                process.terminate()
        for future in self._futures:
            future.add_done_callback(_quiet)

    def close(self) -> None:
        self._events.put(None)  # the reader's end, if a worker never said it was done
        self._events.cancel_join_thread()  # and this process's exit never waits on the queue
        self._pool.shutdown(wait=False, cancel_futures=True)
