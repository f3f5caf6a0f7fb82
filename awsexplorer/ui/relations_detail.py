"""The detail pane's "Uses" and "Used by" sections, grouped by kind, and the lines the `u` list
and `:flow` show. No Textual: rich Text built from inert strings, never markup.

The relationship index (model/relationships.py) is the state's: built once per scan or snapshot,
off the UI thread by the app on a big account; until it is ready the pane says so.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text

from awsexplorer.inert import inert
from awsexplorer.model import GLOBAL_REGION, Resource
from awsexplorer.model.relationships import Edge, RelationIndex
from awsexplorer.ui.labels import short_type
from awsexplorer.ui.state import ExplorerState

SHOWN_PER_KIND = 4  # the pane lists this many per kind; `u` lists them all
# Up to this many resources the index is built on the spot when the pane first needs it; above,
# the app's worker builds it (a second or so at 100,000 resources) and the pane waits.
BUILD_IN_PLACE = 20_000
NAME_LIMIT = 60
USES, USED_BY = "uses", "used by"


@dataclass(frozen=True, slots=True)
class Related:
    """One end of an edge as the UI lists it."""

    direction: str  # USES or USED_BY
    kind: str
    arn: str
    resource: Resource | None  # None: not a resource of this scan (a principal, another account)

    def label(self, here: str | None = None, account: str | None = None) -> Text:
        """`name  id  type  region  account` (the region only when it differs from `here`, the
        account only when it differs from `account`: a link to another scanned account)."""
        text = Text()
        if self.resource is None:
            text.append(inert(self.arn, limit=200), style="dim")
            return text
        r = self.resource
        text.append(inert(r.name, limit=NAME_LIMIT), style="bold")
        if r.id != r.name:
            text.append(f"  {inert(r.id, limit=NAME_LIMIT)}")
        text.append(f"  {inert(short_type(r.type), limit=40)}", style="dim")
        if r.region != here:
            where = "global" if r.region == GLOBAL_REGION else r.region
            text.append(f"  {inert(where, limit=40)}", style="cyan")
        if account and r.account_id and r.account_id != account:
            text.append(f"  account {inert(r.account_id, limit=40)}", style="magenta")
        return text

    def haystack(self) -> str:
        r = self.resource
        parts = [self.direction, self.kind, self.arn]
        if r is not None:
            parts += [r.name, r.id, r.type, r.region]
        return " ".join(parts).lower()


def related(index: RelationIndex, arn: str) -> list[Related]:
    """Everything `arn` uses, then everything that uses it, each sorted by kind then name."""

    def ends(edges: list[Edge], direction: str) -> list[Related]:
        found = [Related(direction, e.kind, e.other(arn), index.get(e.other(arn))) for e in edges]
        return sorted(found, key=lambda x: (x.kind, _sort_name(x), x.arn))

    return ends(index.uses(arn), USES) + ends(index.used_by(arn), USED_BY)


def _sort_name(item: Related) -> str:
    return item.resource.name.lower() if item.resource is not None else item.arn.lower()


def _heading(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def relations_block(state: ExplorerState, resource: Resource) -> list[RenderableType]:
    """ "Uses (n)" and "Used by (n)", grouped by kind, a few per kind; `u` lists them all.

    Shown on every cursor move: a group used by thousands is counted, and only the few shown
    are looked up and sorted."""
    if not state.relations_ready and state.resource_total > BUILD_IN_PLACE:
        return [_heading("Uses · Used by"), Text("Working out what uses what…", style="dim")]
    index = state.relations()
    parts: list[RenderableType] = []
    total = 0
    for direction, title in ((USES, "Uses"), (USED_BY, "Used by")):
        by_kind: dict[str, list[str]] = {}
        for kind, other in index.pairs(resource.arn, used_by=direction == USED_BY):
            by_kind.setdefault(kind, []).append(other)
        count = sum(len(others) for others in by_kind.values())
        total += count
        parts.append(_heading(f"{title} ({count})"))
        if not count:
            parts.append(Text("Nothing.", style="dim"))
            continue
        body = Text()
        for kind in sorted(by_kind):
            others = by_kind[kind]
            items = [Related(direction, kind, other, index.get(other)) for other in others]
            first = heapq.nsmallest(SHOWN_PER_KIND, items, key=lambda x: (_sort_name(x), x.arn))
            if body:
                body.append("\n")
            body.append(inert(kind, limit=40), style="italic")
            body.append(f" ({len(others)})", style="dim")
            for item in first:
                body.append("\n  ")
                body.append_text(item.label(resource.region, resource.account_id))
            if len(others) > SHOWN_PER_KIND:
                body.append(f"\n  … {len(others) - SHOWN_PER_KIND} more", style="dim")
        parts.append(body)
    if total:
        parts.append(
            Text("u: the whole list (Enter jumps there, Backspace comes back)", style="dim")
        )
    return parts
