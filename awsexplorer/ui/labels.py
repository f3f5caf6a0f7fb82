"""Tree labels and one-line summaries, as rich Text. No Textual, so they are unit-tested directly.

Every label keeps its meaning without colour (NO_COLOR, monochrome terminals): severities have
a marker, statuses are spelled out.

Every string from AWS or a snapshot goes through `show` (inert, cut to a width): a name can hold
escape sequences, markup or ten thousand characters, and is shown as what it is, on one line.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text

from awsexplorer.inert import inert
from awsexplorer.model import Account, RegionStatus, Resource, Severity
from awsexplorer.model.kinds import kind_of, state_of
from awsexplorer.model.sharing import shared_from
from awsexplorer.ui.format import REGION_STATUS_STYLE, SEVERITY_MARK, SEVERITY_STYLE, tone
from awsexplorer.ui.state import RegionView

GLOBAL_LABEL = "Global (IAM, account-wide)"

# Cells a name, a state and a whole resource label take at most: the tree pane is narrower than
# the terminal, and what follows a long name (state, id) must not be pushed out of sight.
NAME_CELLS = 40
STATE_CELLS = 16
LABEL_CELLS = 64
REASON_CELLS = 40


def show(value: object, cells: int | None = None, style: str = "") -> Text:
    """`value` as inert one-line Text, cut with an ellipsis to `cells` terminal cells."""
    text = inert(value, limit=cells * 2 if cells is not None else None)
    shown = Text(text, style=style, no_wrap=True, end="")
    if cells is not None and shown.cell_len > cells:
        shown.truncate(cells, overflow="ellipsis")
    return shown


def short_type(resource_type: str) -> str:
    """The type's name within its service, as the tree shows it (`instance`)."""
    return kind_of(resource_type).short


def severity_badge(counts: Counter[Severity]) -> Text:
    """`!!1 !3 +5` — the worst two severities present, with counts, then how many more warnings
    of lesser severities; empty when nothing."""
    text = Text()
    present = [s for s in Severity if counts.get(s)]
    for severity in present[:2]:
        text.append(" ")
        text.append(f"{SEVERITY_MARK[severity]}{counts[severity]}", style=SEVERITY_STYLE[severity])
    rest = sum(counts[s] for s in present[2:])
    if rest:
        text.append(f" +{rest}", style="dim")
    return text


# Against a baseline (--baseline, :baseline): added, changed, removed. The sign carries the
# meaning without colour; removed resources are dimmed and say so.
DIFF_MARKS = ("+", "~", "-")
DIFF_STYLE = {"+": tone("bold green", "bold"), "~": tone("bold yellow", "bold"), "-": "dim"}


def diff_badge(marks: Counter[str] | None) -> Text:
    """`  +2 ~1 -3`: how many resources under a node were added, changed and removed since the
    baseline; empty without a baseline or change."""
    text = Text()
    for mark in DIFF_MARKS if marks else ():
        if marks and marks.get(mark):
            text.append(" " if text else "  ")
            text.append(f"{mark}{marks[mark]}", style=DIFF_STYLE[mark])
    return text


def removed_label(resource: Resource) -> Text:
    """`- orders  removed  i-0abc`: in the baseline, not in this scan; dimmed where it was."""
    label = Text("- ", style="dim")
    label.append_text(show(resource.name, NAME_CELLS, style="dim strike"))
    label.append("  removed", style="dim italic")
    if resource.id != resource.name:
        label.append_text(show(f"  {resource.id}", style="dim"))
    if label.cell_len > LABEL_CELLS:
        label.truncate(LABEL_CELLS, overflow="ellipsis")
    return label


def severity_mark(severity: Severity | None) -> Text:
    if severity is None:
        return Text("   ")
    # Always a space after the mark: `!! root`, not `!!root`.
    return Text.assemble((f"{SEVERITY_MARK[severity]:<2}", SEVERITY_STYLE[severity]), " ")


def region_label(
    view: RegionView,
    count: int,
    counts: Counter[Severity],
    only_defaults: bool = False,
    marks: Counter[str] | None = None,
) -> Text:
    """`eu-west-1  42 ▲3`, `us-east-2  scanning 5/14`, `ap-east-1  failed: AuthFailure`,
    `sa-east-1  8  defaults` (dimmed: nothing but what AWS creates by itself)."""
    name = "Global" if view.name == "global" else view.name
    label = show(name, NAME_CELLS, style="bold" if count and not only_defaults else "dim")
    status = view.status
    if status is RegionStatus.PENDING:
        label.append("  pending", style=REGION_STATUS_STYLE[status])
    elif status is RegionStatus.SCANNING:
        label.append(f"  scanning {view.done}/{view.total}", style=REGION_STATUS_STYLE[status])
        if count:
            label.append(f", {count} found")  # not `·`: that is the low-severity marker
        if view.retrying:
            label.append("  retrying", style=tone("yellow", "bold"))
    elif status is RegionStatus.FAILED:
        label.append_text(
            show(
                f"  failed: {view.reason or 'see error log (!)'}",
                REASON_CELLS,
                style=tone("bold red", "bold"),
            )
        )
    elif status is RegionStatus.NOT_ENABLED:
        label.append("  not enabled", style="dim")
    else:
        label.append(f"  {count}" if count else "  empty", style="" if count else "dim")
        # The badge before the notes: at 80 columns the end of the label is cut off.
        label.append_text(severity_badge(counts))
        label.append_text(diff_badge(marks))
        if only_defaults:
            label.append("  defaults", style="dim")
        if status is RegionStatus.PARTIAL:
            label.append(
                f"  partial ({len(view.errors)} failed)", style=REGION_STATUS_STYLE[status]
            )
        return label
    label.append_text(severity_badge(counts))
    return label


def group_label(
    title: str, count: int, counts: Counter[Severity], marks: Counter[str] | None = None
) -> Text:
    label = show(title, NAME_CELLS)
    label.append(f"  {count}", style="dim")
    label.append_text(severity_badge(counts))
    label.append_text(diff_badge(marks))
    return label


def key_state(resource: Resource) -> str | None:
    """`running`, `public`, `unattached`, ... or None when nothing stands out (the record's
    state rule, model/kinds.py); a participant's copy of a shared VPC or subnet says `shared`
    too (model/sharing): a region lists every account's resources, and the copies read alike."""
    state = state_of(resource)
    if shared_from(resource) is not None:
        return f"{state}, shared" if state else "shared"
    return state


def resource_label(
    resource: Resource, worst: Severity | None, mark: str | None = None, account: str | None = None
) -> Text:
    """`!! bastion  running  i-0abc` (name, key state, then the id when it differs). Against a
    baseline, `mark` leads: `+` added, `~` changed, "" unchanged (two spaces, so names align).
    `account`: its account's name, after its own, where a region lists several accounts'
    resources (`!! root  prod-web`): they would read alike."""
    label = Text()
    if mark is not None:
        label.append(f"{mark or ' '} ", style=DIFF_STYLE.get(mark, ""))
    label.append_text(severity_mark(worst))
    label.append_text(show(resource.name, NAME_CELLS))
    if account:
        label.append_text(show(f"  {account}", NAME_CELLS + 2, style="bold"))
    state = key_state(resource)
    if state:  # before the id: at 80 columns the end of a label is cut off
        loud = state.split(",")[0] in ("public", "internet-facing", "unattached")
        style = tone("bold yellow", "bold") if loud else "cyan"
        label.append_text(show(f"  {state}", STATE_CELLS + 2, style=style))
    if resource.id != resource.name:
        label.append_text(show(f"  {resource.id}", style="dim"))
    if label.cell_len > LABEL_CELLS:
        label.truncate(LABEL_CELLS, overflow="ellipsis")
    return label


def account_label(
    account: Account | None,
    total: int,
    counts: Counter[Severity],
    marks: Counter[str] | None = None,
    waiting: str = "connecting…",
) -> Text:
    if account is None:
        return Text(f"Account ({waiting})", style="dim")
    # The header has the id; at 80 columns the alias alone leaves room for the counts.
    label = show(f"Account {account.alias or account.id}", NAME_CELLS, style="bold")
    label.append(f"  {total}", style="dim")
    label.append_text(severity_badge(counts))
    label.append_text(diff_badge(marks))
    return label
