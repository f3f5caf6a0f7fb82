"""The detail pane's "Internet exposure" block for an instance, ENI, load balancer, RDS instance
or ECS service: "Reachable from the internet: tcp/443 via alb-web (listener 443)" or "Not
reachable from the internet: blocked by acl-0abc rule 90 deny all traffic from 0.0.0.0/0".

The verdicts are the one exposure result of the scan on screen (`exposure_of`, computed once:
by the analysis worker after a scan, on first use for a snapshot), the same the checks,
`:exposed`, the path view (`p`) and `awsexplorer exposure` show. No Textual; every string from
AWS or a snapshot is built into Text as inert data, never markup.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from awsexplorer.inert import inert
from awsexplorer.model import Resource
from awsexplorer.model.exposure import Exposure, Verdict
from awsexplorer.ui.format import tone
from awsexplorer.ui.state import ExplorerState
from awsexplorer.ui.views.exposed import EXPOSABLE, summary

SHOWN = 6  # lines of each kind, at most; `p` shows them all
LINE_LIMIT = 300
LIMIT = 200  # characters of one value from AWS or a snapshot, in a hop
VERDICT_MARK = {"allow": "✔", "deny": "✘", "none": "·"}


def state_exposure(state: ExplorerState) -> Exposure | None:
    """The exposure of the scan on screen; None while a scan is still coming in (partial
    data would give a wrong answer) or while a worker works it out for a big estate."""
    if state.scanning:
        return None
    return state.exposure()


def exposure_block(state: ExplorerState, resource: Resource) -> list[RenderableType]:
    """The heading and the lines; nothing for a type the internet does not reach directly."""
    if resource.type not in EXPOSABLE:
        return []
    heading = Text("\nInternet exposure", style="bold underline")
    exposure = state_exposure(state)
    if exposure is None:
        if state.scanning:
            return [heading, Text(f"worked out {state.until_whole}", style="dim")]
        if state.exposure_error is not None:
            return [
                heading,
                Text("could not be worked out: ", style="bold yellow")
                + Text(inert(state.exposure_error, limit=LINE_LIMIT)),
            ]
        return [
            heading,
            Text("being worked out for every resource… (shown when ready)", style="dim"),
        ]
    said = summary(resource, exposure, lambda arn: state.get(arn))
    body = Text()

    def line(label: str, style: str, text: str) -> None:
        if body:
            body.append("\n")
        body.append(label, style=style)
        body.append(inert(text, limit=LINE_LIMIT))

    reach_style = tone("bold red", "bold reverse")
    for text in said.reachable[:SHOWN]:
        line("Reachable from the internet: ", reach_style, text)
    if len(said.reachable) > SHOWN:
        line("", "dim", f"… and {len(said.reachable) - SHOWN} more reachable (p)")
    for text in said.blocked[:SHOWN]:
        line("Not reachable from the internet: ", tone("green"), text)
    if len(said.blocked) > SHOWN:
        line("", "dim", f"… and {len(said.blocked) - SHOWN} more blocked (p)")
    for note in said.notes:
        line("Not known: ", tone("yellow"), note)
    if not (said.reachable or said.blocked or said.notes):
        line(
            "Not reachable from the internet: ",
            tone("green"),
            "no security group of it admits the internet, and no internet-facing load "
            "balancer forwards to it",
        )
    else:
        body.append("\np: the whole path, hop by hop", style="dim")
    return [heading, body]


def hop_id(value: str | None) -> str:
    """A hop's id as shown: an ARN (a listener's) by its resource part, cut to fit 80 columns."""
    if not value:
        return "-"
    if value.startswith("arn:") and value.count(":") >= 5:
        value = value.split(":", 5)[5]
    return inert(value, limit=44)


def hop_lines(verdict: Verdict, indent: str = "     ") -> Text:
    """The path, one hop per line: layer, verdict, id, then the rule."""
    text = Text()
    for n, hop in enumerate(verdict.path, 1):
        style = tone("green") if hop.verdict == "allow" else tone("red", "bold")
        text.append(f"\n{indent}{n}. {hop.layer:<15}", style="dim")
        text.append(f"{VERDICT_MARK.get(hop.verdict, '?')} {hop.verdict:<6}", style=style)
        text.append(hop_id(hop.id))
        text.append(f"\n{indent}   {inert(hop.rule, limit=LIMIT)}", style="italic")
    return text
