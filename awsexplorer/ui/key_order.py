"""Keys typed fast are handled in the order they were typed.

Textual runs a priority binding (our lists' Enter, Space, `/`, `:`) as soon as the app reads
the key, while an ordinary key travels first to the focused widget and then bubbles back up
to the app, where its binding runs. A terminal delivers `j` and Enter typed quickly (or pasted,
or sent by tmux) in one read: Enter's priority binding then ran before `j` had moved the
cursor, so `:findings`, `j`, Enter showed the first finding, and the `j` then moved the tree
of the screen Enter had jumped to.

Here a key whose binding has priority waits while the key forwarded before it is still on
its way (neither stopped by a widget nor back at the app), and every key typed after it waits
behind it. The wait is short: a few turns of the event loop, never more than `MAX_WAIT`
seconds (a key dropped on the way, by a screen closing, is never seen arriving).
"""

from __future__ import annotations

from collections import deque
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ScreenStackError

if TYPE_CHECKING:
    from textual.app import App

    _Base = App[Any]
else:
    _Base = object

MAX_WAIT = 0.25  # seconds a priority key waits for the keys before it, at most
_RETRY = 0.002  # seconds between looks


class KeysInOrder(_Base):
    """Mixed into the App (first in its bases)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: deque[events.Key] = deque()
        self._travelling: events.Key | None = None  # the last key forwarded, until it is done
        self._waiting_since: float | None = None
        self._release_scheduled = False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._held or self._must_wait(event):
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
        await super().on_event(event)
        if event.is_forwarded and not event._stop_propagation:
            self._travelling = event

    def _key_on_its_way(self) -> bool:
        key = self._travelling
        if key is None or key._stop_propagation:
            self._travelling = None
            return False
        return True

    def _must_wait(self, event: events.Key) -> bool:
        return self._key_on_its_way() and self._has_priority_binding(event.key)

    def _has_priority_binding(self, key: str) -> bool:
        try:
            chain = self.screen._binding_chain
        except ScreenStackError:  # no screen yet: nothing can be waiting
            return False
        return any(
            binding.priority
            for _, bindings in chain
            for binding in bindings.key_to_bindings.get(key, ())
        )

    def _schedule_release(self) -> None:
        if not self._release_scheduled:
            self._release_scheduled = True
            self.set_timer(_RETRY, self._release)

    async def _release(self) -> None:
        self._release_scheduled = False
        while self._held:
            event = self._held[0]
            if self._must_wait(event):
                now = monotonic()
                if self._waiting_since is None:
                    self._waiting_since = now
                if now - self._waiting_since < MAX_WAIT:
                    self._schedule_release()
                    return
                self._travelling = None  # lost on the way: do not wait for it any longer
            self._waiting_since = None
            self._held.popleft()
            await self._handle_now(event)
