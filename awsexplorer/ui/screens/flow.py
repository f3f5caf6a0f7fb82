"""`:flow`: the request and event paths through the selected resource, both ways, as indented
chains (model/flow.py). A hop shows its failure-mode warnings inline; Enter jumps to the hop's
resource in the tree (Backspace or Esc there comes back). Every string is inert Text."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from awsexplorer.inert import inert
from awsexplorer.model import Finding, Resource, ScanResult
from awsexplorer.model.flow import Flow, Hop, failure_warnings, flow, lines
from awsexplorer.model.relationships import RelationIndex
from awsexplorer.ui.relations_detail import Related
from awsexplorer.ui.screens.pick_list import PickListScreen

WARNING_LIMIT = 300


def flow_options(
    result: Flow, index: RelationIndex, here: str, matches: Callable[[str], bool]
) -> list[Option]:
    """One option per hop, indented by depth, under an "upstream" and a "downstream" heading."""
    options: list[Option] = []
    titles = {
        "up": "Upstream: who sends requests or events to it",
        "down": "Downstream: where it sends them",
    }
    hops = list(enumerate(lines(result)))
    for way, title in titles.items():
        options.append(Option(Text(title, style="bold"), disabled=True))
        shown = 0
        for number, (depth, direction, hop) in hops:
            if direction != way:
                continue
            item = Related(way, hop.kind, hop.arn, index.get(hop.arn))
            if not matches(item.haystack() + " " + " ".join(hop.warnings).lower()):
                continue
            shown += 1
            text = _hop_text(depth, way, hop, item, here)
            options.append(Option(text, id=f"{number}|{hop.arn}"))
        if not shown:
            options.append(Option(Text("  nothing", style="dim"), disabled=True))
    return options


def _hop_text(depth: int, way: str, hop: Hop, item: Related, here: str) -> Text:
    text = Text("  " * depth)
    text.append("← " if way == "up" else "→ ", style="bold")
    text.append(inert(hop.kind, limit=40), style="italic")
    text.append("  ")
    text.append_text(item.label(here))
    if hop.cycle:
        text.append("  (loops back)", style="dim")
    if hop.more:
        text.append(f"  … {hop.more} more not shown", style="dim")
    for warning in hop.warnings:
        text.append("\n" + "  " * depth + "   ⚠ ", style="bold yellow")
        text.append(inert(warning, limit=WARNING_LIMIT), style="yellow")
    return text


class FlowScreen(PickListScreen):
    """The paths through one resource; Enter: that hop's resource in the tree."""

    VIEW_NAME = "Flow"
    HELP_VIEW = "flow"
    FILTER_PLACEHOLDER = "filter: kind, name, id, type, region, warning"
    DEFAULT_CSS = """
    FlowScreen #flow-list { height: 1fr; border: none; padding: 0; }
    """

    def __init__(
        self,
        result: ScanResult,
        index: RelationIndex,
        resource: Resource,
        findings_for: Callable[[str], Iterable[Finding]],
        jump: Callable[[str], object],
    ) -> None:
        super().__init__(result)
        self.index = index
        self.resource = resource
        self.flow = flow(index, resource.arn, findings_for)
        self.warnings = failure_warnings(findings_for(resource.arn))
        self._jump = jump

    def title_text(self) -> str:
        name = inert(self.resource.name, limit=50)
        shown = f" · filter “{self.shown_filter()}”" if self.filter_text.strip() else ""
        return f"Flow through {name}{shown}"

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield from self.compose_filter()
        yield OptionList(*self._options(), id="flow-list")
        yield from self.compose_footer()

    def _options(self) -> list[Option]:
        me = Related("", "", self.resource.arn, self.resource)
        text = Text("● ", style="bold")
        text.append_text(me.label())
        for warning in self.warnings:
            text.append("\n   ⚠ ", style="bold yellow")
            text.append(inert(warning, limit=WARNING_LIMIT), style="yellow")
        here = Option(text, disabled=True)
        return [here, *flow_options(self.flow, self.index, self.resource.region, self.matches)]

    @staticmethod
    def arn_of(option_id: str) -> str:
        return option_id.split("|", 1)[1]

    def _picked(self, arn: str) -> None:
        if self.index.get(arn) is None:
            self.notify(f"{inert(arn, limit=120)} is not a resource of this scan.")
            return
        self.dismiss()
        self._jump(arn)
