"""The path view (`p`): for one resource, every port the internet can reach or that its
security groups open, and for the port under the cursor the whole path, hop by hop: address,
route, network ACL in, security group, network ACL out (and listener, target group through a
load balancer), each with the rule that decided it. The way to answer "why can't users reach
my site?": the blocking hop is named, the classic one included (the ACL lets 443 in, its
outbound rules keep the replies from leaving).

From the one exposure result (model/exposure.py `exposure_of`), as every other view: in the app
the one ExplorerState keeps (screens/exposed.kept_exposure), worked out by a worker for a big
estate; until it is in, this view says so, and fills in when the app hands it the scan again.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from awsexplorer.inert import inert
from awsexplorer.model import ScanResult
from awsexplorer.model.exposure import Verdict
from awsexplorer.ui.exposure_detail import LIMIT, hop_lines
from awsexplorer.ui.format import tone
from awsexplorer.ui.screens.exposure_wait import (
    NOT_YET,
    READING,
    WaitsForExposure,
    kept_exposure,
    lookup_for,
)
from awsexplorer.ui.state import UNTIL_READ, UNTIL_SCANNED
from awsexplorer.ui.views.exposed import (
    Lookup,
    blocked_by,
    how,
    label,
    short_label,
    verdicts_for,
)


def verdict_prompt(verdict: Verdict, own_arn: str, look: Lookup, width: int) -> Text:
    mark = Text(
        "✔ " if verdict.reachable else "✘ ",
        style=tone("red" if verdict.reachable else "green", "bold"),
    )
    text = Text.assemble(mark, (f"{inert(verdict.port_text, limit=24):<12}", "bold"))
    text.append(f" IPv{verdict.ip_version} ")
    if verdict.arn != own_arn:
        text.append(f"{inert(short_label(look(verdict.arn), verdict.arn), limit=60)} ")
    if verdict.reachable:
        text.append(inert(how(verdict, look), limit=LIMIT), style="dim")
    else:
        text.append("blocked by ", style="dim")
        text.append(inert(blocked_by(verdict), limit=LIMIT), style="dim")
    text.truncate(max(width, 20), overflow="ellipsis")
    return text


class PathScreen(WaitsForExposure):
    """One resource's verdicts; the highlighted one's path below, hop by hop."""

    VIEW_NAME = "Path"
    HELP_VIEW = "path"

    DEFAULT_CSS = """
    PathScreen #path-list {
        height: auto;
        max-height: 7;
        border: none;
        padding: 0;
        border-bottom: solid $panel-lighten-2;
    }
    PathScreen #path-scroll {
        height: 1fr;
        padding: 0 1;
    }
    PathScreen #path-empty {
        height: auto;
    }
    """

    BINDINGS = [
        Binding("enter", "jump", "Show", priority=True),
    ]

    def __init__(
        self,
        result: ScanResult,
        arn: str,
        now: datetime | None = None,
        *,
        chosen: Verdict | None = None,
    ) -> None:
        super().__init__(result, now)
        self.arn = arn
        self.chosen = chosen
        self.verdicts: list[Verdict] = []
        self.path_shown = Text()  # the highlighted verdict's path, as shown below the list

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield Static(id="path-empty", classes="view-empty")
        yield OptionList(id="path-list")
        with VerticalScroll(id="path-scroll"):
            yield Static(id="path-hops")
        yield from self.compose_footer()

    def main_widget(self) -> Widget | None:
        return self.option_list

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#path-list", OptionList)

    def on_mount(self) -> None:
        self.rebuild()
        self.option_list.focus()

    def title_text(self) -> str:
        look = lookup_for(self.app, self.result)
        who = inert(label(look(self.arn), self.arn), limit=60)
        return f"{super().title_text()} · {who}"

    def rebuild(self) -> None:
        super().rebuild()
        look = lookup_for(self.app, self.result)
        resource = look(self.arn)
        exposure, waiting = kept_exposure(self.app, self.result)
        if resource is None or exposure is None:
            self.verdicts = []
        else:
            self.verdicts = verdicts_for(resource, exposure, look)
        options = self.option_list
        options.clear_options()
        width = (options.size.width or self.app.size.width) - 2
        options.add_options(
            Option(verdict_prompt(v, self.arn, look, width), id=f"v:{n}")
            for n, v in enumerate(self.verdicts)
        )
        if self.verdicts:
            start = 0
            if self.chosen is not None and self.chosen in self.verdicts:
                start = self.verdicts.index(self.chosen)
            options.highlighted = start
        options.display = bool(self.verdicts)
        empty = self.query_one("#path-empty", Static)
        empty.display = not self.verdicts
        if exposure is None and waiting in NOT_YET:
            until = UNTIL_READ if waiting == READING else UNTIL_SCANNED
            said = f"The paths are worked out {until}."
        elif resource is None:
            said = "This resource is no longer in the scan."
        elif exposure is None:  # the app's worker: not in yet, or failed (said with why)
            said = f"The paths: {waiting[0].lower()}{waiting[1:]}"
        else:
            notes = exposure.notes.get(self.arn) or []
            said = (
                "Nothing to trace: no security group of it admits the internet on any port, "
                "and no internet-facing load balancer forwards to it."
            )
            if notes:
                said += " Not known: " + "; ".join(notes)
        empty.update(Text(inert(said, limit=600)))
        self._show_path()
        self.wait_for_exposure(waiting)

    @property
    def current(self) -> Verdict | None:
        option = self.option_list.highlighted_option
        if option is None or option.id is None:
            return None
        n = int(option.id.split(":", 1)[1])
        return self.verdicts[n] if n < len(self.verdicts) else None

    def _show_path(self) -> None:
        hops = self.query_one("#path-hops", Static)
        verdict = self.current
        if verdict is None:
            self.path_shown = Text()
            hops.update(self.path_shown)
            return
        look = lookup_for(self.app, self.result)
        if verdict.reachable:
            text = Text("Reachable from the internet: ", style=tone("red", "bold"))
            text.append(inert(f"{verdict.port_text} {how(verdict, look)}", limit=LIMIT))
        else:
            text = Text("Not reachable from the internet: ", style=tone("green", "bold"))
            text.append(inert(f"{verdict.port_text} blocked by {blocked_by(verdict)}", limit=LIMIT))
        if verdict.arn != self.arn:
            who = label(look(verdict.arn), verdict.arn)
            text.append(f"\non {inert(who, limit=LIMIT)}", style="dim")
        text.append_text(hop_lines(verdict, indent=""))
        self.path_shown = text
        hops.update(text)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_path()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_jump()

    def action_jump(self) -> None:
        verdict = self.current
        self.jump_to(verdict.arn if verdict is not None else self.arn)
