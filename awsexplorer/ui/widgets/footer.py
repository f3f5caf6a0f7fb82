"""Textual's Footer, recomposed once per batch of binding changes."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer (8.2.8) queues a whole recompose of its keys for every
    `refresh_bindings` call: six for one screen pushed (focus, mount, resume...), which were
    most of the 160-290 ms a key such as `u` took (benchmarks/README.md, session 11). Here each
    call still queues one, at the same place, but only the last one queued recomposes: the
    footer ends as Textual's does, without the recomposes the next one undoes."""

    _asked = 0

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._asked += 1
            self.call_after_refresh(self._recompose_if_last, self._asked)

    async def _recompose_if_last(self, asked: int) -> None:
        if asked == self._asked:
            await self.recompose()
