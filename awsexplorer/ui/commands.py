"""Ctrl+P: the command palette finds any resource, in any region, by id, ARN, name or tag value.

Names come from AWS or a snapshot: the palette's own helpers (`Matcher.highlight`, a `str` prompt,
`help`) parse their text as markup, so a name with `[/]` in it would break every search. The hits
are built here as Content from inert text, and the ARN goes into the prompt, not into `help`.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from awsexplorer.inert import inert
from awsexplorer.ui.labels import short_type
from awsexplorer.ui.messages import JumpTo, ShowAccount
from awsexplorer.ui.state import ExplorerState

MAX_HITS = 40
# Characters of a name shown at most: the palette is one line per hit.
NAME_LIMIT = 60


def highlighted(matcher: Matcher, text: str) -> Content:
    """`text` as literal Content, with the characters the query matched styled as the palette
    styles them (what `Matcher.highlight` does, without parsing `text` as markup)."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if offset < len(text) and not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _with_help(prompt: Content, help_text: str) -> Content:
    """The prompt, then the help line dimmed under it, as the palette shows its `help`."""
    return Content.assemble(prompt, "\n", Content(help_text).stylize("dim"))


class ResourceProvider(Provider):
    """Resources from the current scan; choosing one shows it in the tree (a JumpTo)."""

    @property
    def _state(self) -> ExplorerState | None:
        state = getattr(self.app, "state", None)
        return state if isinstance(state, ExplorerState) else None

    async def search(self, query: str) -> Hits:
        state = self._state
        if state is None:
            return
        found = state.search(query, limit=MAX_HITS)
        matcher = self.matcher(query)
        for rank, resource in enumerate(found):
            name = inert(resource.name, limit=NAME_LIMIT)
            label = name if resource.id == resource.name else f"{name}  {inert(resource.id)}"
            text = f"{label}  ·  {inert(short_type(resource.type))}  ·  {inert(resource.region)}"
            yield Hit(
                1.0 - rank / (MAX_HITS * 2),
                _with_help(highlighted(matcher, text), inert(resource.arn, limit=200)),
                partial(self.app.post_message, JumpTo(resource.arn)),
                text=text,
            )

    async def discover(self) -> Hits:
        state = self._state
        if state is None:
            return
        for finding in state.findings[:10]:
            resource = state.get(finding.resource)
            if finding.account_level:  # filed under root's ARN, about the whole account
                text = inert(f"{finding.severity.value}: account · {finding.check}")
                message: JumpTo | ShowAccount = ShowAccount()
            elif resource is None:
                continue
            else:
                text = inert(
                    f"{finding.severity.value}: {resource.name} · {resource.region}",
                    limit=NAME_LIMIT,
                )
                message = JumpTo(resource.arn)
            yield DiscoveryHit(
                _with_help(Content(text), inert(finding.message, limit=200)),
                partial(self.app.post_message, message),
                text=text,
            )
