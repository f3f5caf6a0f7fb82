"""Ctrl+P: the command palette finds any resource, in any region, by id, ARN, name or tag value."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from awsexplorer.ui.labels import short_type
from awsexplorer.ui.messages import JumpTo, ShowAccount
from awsexplorer.ui.state import ExplorerState
from awsexplorer.ui.views.common import is_account_level

MAX_HITS = 40


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
            label = (
                resource.name if resource.id == resource.name else f"{resource.name}  {resource.id}"
            )
            text = f"{label}  ·  {short_type(resource.type)}  ·  {resource.region}"
            yield Hit(
                1.0 - rank / (MAX_HITS * 2),
                matcher.highlight(text),
                partial(self.app.post_message, JumpTo(resource.arn)),
                text=text,
                help=resource.arn,
            )

    async def discover(self) -> Hits:
        state = self._state
        if state is None:
            return
        for finding in state.findings[:10]:
            resource = state.get(finding.resource)
            if is_account_level(finding):  # filed under root's ARN, about the whole account
                text = f"{finding.severity.value}: account · {finding.check}"
                message: JumpTo | ShowAccount = ShowAccount()
            elif resource is None:
                continue
            else:
                text = f"{finding.severity.value}: {resource.name} · {resource.region}"
                message = JumpTo(resource.arn)
            yield DiscoveryHit(
                text,
                partial(self.app.post_message, message),
                text=text,
                help=finding.message,
            )
