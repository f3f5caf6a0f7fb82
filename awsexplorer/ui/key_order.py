"""Keys typed fast land where they would have landed typed one by one.

Textual runs a priority binding (our lists' Enter, Space, `/`, `:`) as soon as the app reads
the key, while an ordinary key travels first to the focused widget and then bubbles back up
to the app, where its binding runs; and what a binding sets off (the prompt's Enter opening a
view, the view mounting and focusing its list) takes further turns of the event loop. A
terminal delivers keys typed quickly (or pasted, or sent by tmux) in one read, and they
overtook all that: `:findings`, Enter, `j` typed the `j` into the prompt before its Enter had
opened the findings; in the findings, `j`, Enter showed the first finding.

So a key read while the key before it is on its way (neither stopped by a widget nor back at
the app), or while what that key set off is still to be handled, waits, and the keys read
after it wait behind it. "Still to be handled" is read from Textual's own state, not guessed
from the key: a message posted and not yet taken up, a callback not yet run, a screen not yet
mounted, in the app, the screens on the stack, or the widgets between the focus (or the last
key's target) and its screen: they decide where the next key goes (a footer redrawing for the
new focus does not). No screen or binding is special-cased. A key read when all that is idle
runs at once.

The wait is a few turns of the event loop. A key is let go anyway after `MAX_WAIT` seconds'
worth of looks (a key dropped on the way, by a screen closing, is never seen arriving); a loop
held up by a long mount looks less often, so the key waiting for that mount waits it out.

Long builds on worker threads (the relationship index, the exposure analysis, the search index)
give way to keys: while keys are being read they sleep (`give_way_to_keys`), else the
interpreter is shared out in 5 ms slices and a key waits for half of them. They give way as well
to the work on a worker thread the user waits for (`foreground_work`: a filter's matching). And
they run one at a time, taking turns at their pauses (`Turns`): two of them beside the UI thread
kept it from the interpreter for up to 100 ms at a time. A big snapshot's read and load, which
the user waits for, takes turns with them too, and gives each key 80 ms (`let_keys_through`).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from time import monotonic, sleep
from typing import TYPE_CHECKING, Any

from textual import events
from textual.screen import Screen
from textual.worker import get_current_worker

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.message_pump import MessagePump

    _Base = App[Any]
else:
    _Base = object

MAX_WAIT = 0.25  # seconds' worth of looks a key waits for the keys before it, at most
_RETRY = 0.002  # seconds between looks
_MAX_LOOKS = round(MAX_WAIT / _RETRY)


class Closing(Exception):
    """The app is closing: a background build stops at its next pause (give_way_or_stop)."""


KEYS_QUIET = 0.25  # seconds after a key during which background builds give way (give_way_to_keys)
GIVE_WAY_MOST = 5.0  # seconds one give_way_to_keys call sleeps at most
SETTLING_MOST = 2.0  # seconds after a key its effects may keep background builds waiting
KEY_HANDLED = 0.08  # seconds after a key arrives that a foreground load leaves it the interpreter


def _work_left(pump: MessagePump) -> bool:
    """Has `pump` a message posted to it and not yet taken up, or a callback still to run (a
    screen's, after its next refresh)? A handler suspended in an await is not seen; the app's
    own (a binding's action) finish before a held key is let go (`_release` runs after them)."""
    return bool(
        pump.message_queue_size
        or pump._pending_message is not None
        or pump._next_callbacks
        or (isinstance(pump, Screen) and pump._callbacks)
    )


def _sleep_while(busy: Callable[[], bool], step: float, most: float) -> None:
    """Sleep `step` at a time while `busy()`, `most` seconds at most."""
    waited = 0.0
    while waited < most and busy():
        sleep(step)
        waited += step


class Turns:
    """Background builds run their Python one at a time, in turns handed over at their pauses,
    first come first served. With two CPU-bound threads the interpreter passes between them
    every 5 ms, and a third thread asking for it (the UI thread with a key) only gets it if it
    wins a race at one of those hand-overs: at 1,000,000 resources, with the relationship and
    search indexes built together, it waited up to 98-103 ms (150-330 ms with a third thread
    asking as well), against 42-81 ms beside one of them at a time.
    Taking turns costs the builds nothing: one interpreter ran them one at a time anyway."""

    POLL = 0.05  # seconds between looks at whether a build waiting for its turn is to stop
    SLICE = 0.1  # seconds a build keeps its turn through its pauses while another waits

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: deque[int] = deque()  # the threads waiting for a turn, in order
        self._holder: int | None = None
        self._since = 0.0  # monotonic(): when the holder took its turn

    def share(self, stop: Callable[[], bool]) -> None:
        """At a build's pause: its turn taken if it has none; handed over and taken again
        (behind those waiting) if another build waits and it has had it for SLICE. A pause
        every few milliseconds (a load's pieces) would otherwise wait for the other's pieces
        each time."""
        with self._changed:
            if self._holder == threading.get_ident() and (
                not self._waiting or monotonic() - self._since < self.SLICE
            ):
                return
        self.hand_over()
        self.take(stop)

    def take(self, stop: Callable[[], bool]) -> None:
        """Wait for this thread's turn (at once if it has it); Closing when `stop()` says so."""
        me = threading.get_ident()
        with self._changed:
            if self._holder == me:
                return
            self._waiting.append(me)
            while self._holder is not None or self._waiting[0] != me:
                self._changed.wait(self.POLL)
                if stop():
                    self._waiting.remove(me)
                    self._changed.notify_all()
                    raise Closing
            self._waiting.popleft()
            self._holder = me
            self._since = monotonic()

    def hand_over(self) -> None:
        """This thread's turn is over (nothing, if it has none)."""
        with self._changed:
            if self._holder == threading.get_ident():
                self._holder = None
                self._changed.notify_all()


def background_build_of(app: object) -> AbstractContextManager[Callable[[], None] | None]:
    """`app.background_build()` (KeysInOrder), or no pause for an app without one."""
    build = getattr(app, "background_build", None)
    return build() if build is not None else nullcontext(None)


class EscapesInBursts:
    """Esc in a burst of keys arrives as Esc. Textual's input parser reads an Esc followed in
    the same read by keys that make no escape sequence of the terminal's (`Esc /vpc`, typed
    fast, pasted by tmux, or coalesced over SSH) as the key `^` (circumflex_accent) followed by
    them: Esc then `/` on the IAM list typed `/` there instead of going back first. A `^`
    typed alone comes in a read of its own; so a `^` another key follows within BURST seconds
    is sent as the Esc it was, and one nothing follows is sent as itself once BURST is over.
    Wraps the driver's `send_message`, on its input thread."""

    # Seconds. The keys of one read are sent one after another by the input thread, which
    # takes the interpreter for each: with a worker running it waits up to 5 ms (the switch
    # interval) and more on a busy machine. At 5 ms, one burst in three lost its Esc in tmux
    # while CI ran beside it. A typist's keys are 80 ms apart and more.
    BURST = 0.05

    def __init__(self, send: Callable[[Any], None]) -> None:
        self._send = send
        self._held: events.Key | None = None  # a `^`, until the next key or BURST
        self._lock = threading.Lock()

    def send(self, message: Any) -> None:
        with self._lock:
            held, self._held = self._held, None
        if held is not None:
            self._send(events.Key("escape", "\x1b") if isinstance(message, events.Key) else held)
        if isinstance(message, events.Key) and message.key == "circumflex_accent":
            with self._lock:
                self._held = message
            timer = threading.Timer(self.BURST, self._flush, (message,))
            timer.daemon = True
            timer.start()
            return
        self._send(message)

    def _flush(self, caret: events.Key) -> None:
        """BURST after `caret`: sent as itself if nothing followed it. Only that one: an
        earlier `^`'s timer would send a later one as `^` before its BURST was over (`Esc x
        Esc y` in one burst lost its second Esc when `y` came more than BURST after the
        first)."""
        with self._lock:
            if self._held is not caret:
                return
            self._held = None
        self._send(caret)


class KeysInOrder(_Base):
    """Mixed into the App (first in its bases)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: deque[events.Key] = deque()
        self._travelling: events.Key | None = None  # the last key forwarded, until it is done
        self._settling = False  # a key ran, and the app has not been seen idle since
        self._path: list[DOMNode] = []  # the widgets the last key forwarded was to go through
        self._looks = 0  # at the first held key
        self._release_scheduled = False
        self._releasing = False
        self._key_read_at = -KEYS_QUIET  # monotonic(): when the last key was read
        self._foreground: set[object] = set()  # work the user waits for (foreground_work)
        self._turns = Turns()  # background builds, one at a time

    def give_way_to_keys(self) -> None:
        """On a worker thread, between pieces of a long build (the relationship index of
        1,000,000 resources takes ~50 s): sleep while the user is pressing keys, and until
        what the last key set off is done (a view mounting takes hundreds of turns of the event
        loop, each waiting up to 5 ms for the interpreter while a worker holds it: `:` took
        3 s to open its bar after a 1,000,000-resource open), so that each key has the
        interpreter to itself. At most GIVE_WAY_MOST seconds a call: the build goes on."""
        _sleep_while(self._keys_in_play, KEYS_QUIET / 4, GIVE_WAY_MOST)

    def _keys_in_play(self) -> bool:
        since = monotonic() - self._key_read_at
        # `_settling` is cleared only when the app is next seen idle, which an app with
        # nothing to do may not be for a while: trusted for SETTLING_MOST after the key.
        return bool(
            since < KEYS_QUIET
            or self._held
            or (self._settling and since < SETTLING_MOST)
            or self._foreground
        )

    @contextmanager
    def foreground_work(self) -> Iterator[None]:
        """Around work on a worker thread that the user waits for (a filter's matching): the
        background builds give way to it as to keys. At 1,000,000 resources the tree showed
        `/a` 2.1-2.3 s after the keys with the exposure analysis running beside the matching,
        1.2-1.4 s with it giving way (two threads, one interpreter)."""
        token = object()
        self._foreground.add(token)
        try:
            yield
        finally:
            self._foreground.discard(token)

    def give_way_or_stop(self) -> None:
        """A background build's pause: while keys are in play, its turn handed over and
        give_way_to_keys; Closing if the app is closing (Textual cancels its workers then: a
        long build would otherwise keep the process from exiting until it is done, 24 s after
        `q` on a 1,000,000-resource snapshot whose relationship index was being built); then
        its turn (Turns.share). `background_build` hands the turn over at the build's end."""
        self._pause_in_turn(self._keys_in_play, self.give_way_to_keys, GIVE_WAY_MOST)

    def let_keys_through(self) -> None:
        """Between pieces of work the user waits for on a worker thread (a big snapshot read
        and loaded while its first accounts are shown): as give_way_or_stop, but only while a
        key is arriving or being handled (KEY_HANDLED: what a key and its frame take), so that
        the key has the interpreter to itself. Not the KEYS_QUIET after each key the builds
        give: that would hold the read up for as long as the user browses what is in."""
        self._pause_in_turn(
            self._key_in_flight,
            lambda: _sleep_while(self._key_in_flight, _RETRY, SETTLING_MOST),
            SETTLING_MOST,
        )

    def _pause_in_turn(
        self, keys: Callable[[], bool], give_way: Callable[[], None], most: float
    ) -> None:
        worker = get_current_worker()
        until = monotonic() + most
        while True:
            if keys():
                self._turns.hand_over()
                give_way()
            if worker.is_cancelled:
                raise Closing
            self._turns.share(lambda: worker.is_cancelled)
            # A key may have come while it waited for its turn: it goes first.
            if not keys() or monotonic() > until:
                return

    def _key_in_flight(self) -> bool:
        # Not `_settling` (until the app is next seen idle): while a snapshot is shown as it
        # is read the app is seldom idle, and the read stood still (every account in at 14-22
        # s, 8-12 s before).
        return bool(monotonic() - self._key_read_at < KEY_HANDLED or self._held)

    def foreground_load(self) -> AbstractContextManager[Callable[[], None]]:
        """Around work the user waits for on a worker thread: its pause (let_keys_through),
        and its turn handed over when it ends."""
        return self._in_turn(self.let_keys_through)

    def background_build(self) -> AbstractContextManager[Callable[[], None]]:
        """Around a long build on a worker thread: its pause (give_way_or_stop, to call before
        it starts and between its pieces), and its turn handed over when it ends (Turns)."""
        return self._in_turn(self.give_way_or_stop)

    @contextmanager
    def _in_turn(self, pause: Callable[[], None]) -> Iterator[Callable[[], None]]:
        try:
            yield pause
        finally:
            self._turns.hand_over()

    def _note_arrivals(self) -> None:
        """The app reads a key only when its loop gets to it, behind whatever it is doing (a
        big snapshot's whole being shown, then its frame). The driver's input thread notes
        each key as it comes, so that a background build starting meanwhile gives way to it
        (give_way_to_keys) before the app has read it."""
        driver = self._driver
        if driver is None or self._arrivals_noted:
            return
        self._arrivals_noted = True
        send = EscapesInBursts(driver.send_message).send

        def send_message(message: Any) -> None:
            if isinstance(message, events.Key):
                self._key_read_at = monotonic()  # one float: safe from the input thread
            send(message)

        driver.send_message = send_message  # type: ignore[method-assign]

    _arrivals_noted = False

    async def on_event(self, event: events.Event) -> None:
        self._note_arrivals()
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._key_read_at = monotonic()
            if self._held or self._releasing or self._must_wait():
                self._held.append(event)
                self._schedule_release()
                return
            await self._handle_now(event)
            return
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls each class's own _on_key along the MRO (App's runs the bindings next).
        if event is self._travelling:
            self._travelling = None  # bubbled back to the app: its binding runs now, in turn

    async def _handle_now(self, event: events.Key) -> None:
        self._settling = True
        await super().on_event(event)
        if event.is_forwarded:
            self._path = (self.focused or self.screen).ancestors_with_self
            if not event._stop_propagation:
                self._travelling = event

    def _key_on_its_way(self) -> bool:
        key = self._travelling
        if key is None or key._stop_propagation:
            self._travelling = None
            return False
        return True

    def _must_wait(self) -> bool:
        if self._key_on_its_way():
            return True
        if self._settling and self._busy():
            return True
        self._settling = False
        self._path = []
        return False

    def _busy(self) -> bool:
        """Has the app, a screen on the stack, or a widget between the focus (or the last key's
        target) and its screen something still to handle, or is it still mounting?"""
        stack = self._screen_stack
        nodes: set[MessagePump] = {self, *stack, *self._path}
        if stack and (focused := stack[-1].focused) is not None:
            nodes.update(focused.ancestors_with_self)
        return any(
            not (node._closing or node._closed) and (not node._is_mounted or _work_left(node))
            for node in nodes
        )

    def _on_idle(self) -> None:
        # Textual calls each class's own _on_idle along the MRO, each time the app's queue runs
        # dry. Once seen settled the keys before are done: a key read later does not wait for
        # whatever the screens are busy with by then (a scan's refresh).
        if self._settling and not self._held:
            self._must_wait()

    def _schedule_release(self) -> None:
        if not (self._release_scheduled or self._releasing):
            self._release_scheduled = True
            self.set_timer(_RETRY, self._release)

    async def _release(self) -> None:
        # Run by the app once its queue is empty (set_timer calls back through call_next).
        self._release_scheduled = False
        if self._exit:
            self._held.clear()  # typed after the app was told to quit
            return
        self._releasing = True
        try:
            while self._held:
                if self._must_wait():
                    self._looks += 1
                    if self._looks < _MAX_LOOKS:
                        break
                    # Lost on the way, or the app kept busy by something else: wait no longer.
                    self._travelling = None
                self._looks = 0
                await self._handle_now(self._held.popleft())
        finally:
            self._releasing = False
        if self._held:
            self._schedule_release()
