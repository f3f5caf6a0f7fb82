"""The top two lines: which account (on a colour band of its own), who we are, how the scan goes.

The band's colour is derived from the account id, so production and staging never look alike;
`--account-color` overrides it. Under NO_COLOR the words still say everything.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.color import Color, ColorParseError
from textual.containers import Vertical
from textual.widgets import Static

from awsexplorer.inert import inert
from awsexplorer.model import RegionStatus, Severity
from awsexplorer.ui.accounts_view import account_colour
from awsexplorer.ui.accounts_view import production as accounts_production
from awsexplorer.ui.format import SEVERITY_MARK, SEVERITY_STYLE
from awsexplorer.ui.state import ExplorerState


def parse_colour(value: str | None) -> Color | None:
    if not value:
        return None
    try:
        return Color.parse(value)
    except ColorParseError:
        return None


class AccountHeader(Vertical):
    DEFAULT_CSS = """
    AccountHeader { height: 2; width: 1fr; }
    AccountHeader > Static { height: 1; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    AccountHeader > #band { text-style: bold; }
    """

    def __init__(
        self,
        state: ExplorerState,
        *,
        colour_override: str | None = None,
        source: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.state = state
        self.colour_override = parse_colour(colour_override)
        # "demo account" (or "demo Organization"), "snapshot FILE", or "" for a live account.
        self.source = source

    @property
    def band_colour(self) -> Color:
        if self.colour_override is not None:
            return self.colour_override
        account = self.state.account
        if self.state.member_accounts and self.state.account_view is None:
            return Color.parse("#303030")  # every account: each node carries its own band
        return Color.parse(account_colour(account.id) if account else "#303030")

    def compose(self) -> ComposeResult:
        yield Static(id="band")
        yield Static(id="status")

    def on_mount(self) -> None:
        self.refresh_header()

    _shown: tuple[Color, Text, Text] | None = None  # what refresh_header last put up

    def refresh_header(self) -> None:
        """Show the state as it is now; nothing is repainted when that is what is shown (the
        screen refreshes the header on every batch of scan events, and at its mount)."""
        colour = self.band_colour
        shown = (colour, self.band_text(), self.status_line())
        if shown == self._shown:
            return
        self._shown = shown
        band = self.query_one("#band", Static)
        band.styles.background = colour
        band.styles.color = Color.parse("black" if colour.brightness > 0.55 else "white")
        band.update(shown[1])
        self.query_one("#status", Static).update(shown[2])

    def band_text(self) -> Text:
        """` AWS 123456789012  alias  profile prod  [demo account]  caller-arn`."""
        state = self.state
        line = Text()
        account = state.account
        if account is None:
            line.append(" AWS  reading…" if state.reading else " AWS  connecting…")
            return line
        accounts = state.member_accounts
        if accounts and state.account_view is None:  # a snapshot of several accounts
            failed = sum(a.status.value == "failed" for a in accounts)
            line.append(f" AWS {len(accounts)} accounts")
            production = len(accounts_production(state))
            if production:
                line.append("  ")
                line.append(f"{production} PROD", style="reverse")
            if failed:
                line.append(f"  {failed} failed")
            if self.source:
                line.append(f"  [{inert(self.source, limit=80)}]")
            line.append("  :account NAME shows one", style="not bold")
            return line
        # All of it read from AWS or a snapshot (the alias is anyone's to set): inert, and cut
        # so that one long alias does not push the rest off the line.
        line.append(f" AWS {inert(account.id, limit=40)}")
        # PROD with several accounts (narrowed to one); a scan of one keeps today's header.
        if accounts and account.id in accounts_production(state):
            line.append(" ")
            line.append(" PROD ", style="reverse")
        if accounts:
            line.append(f"  (1 of {len(accounts)} accounts; :account all)", style="not bold")
        if account.alias:
            line.append(f"  {inert(account.alias, limit=40)}")
        if state.profile:
            line.append(f"  profile {inert(state.profile, limit=40)}")
        if self.source:
            line.append(f"  [{inert(self.source, limit=80)}]")
        line.append(f"  {inert(account.caller_arn, limit=200)}", style="not bold")
        return line

    def status_line(self) -> Text:
        state = self.state
        scanned = [v for v in state.regions.values() if v.status is not RegionStatus.NOT_ENABLED]
        failed = sum(1 for v in scanned if v.status is RegionStatus.FAILED)
        errors = sum(len(v.errors) for v in scanned)
        text = Text()
        if state.scanning and (state.account is None or state.member_accounts) and state.note:
            # Before the first answer, or several accounts coming in: what is happening.
            text.append(f" {inert(state.note)}", style="bold yellow")
            if state.account is None:
                return text
        elif state.scanning and state.account is None:
            text.append(f" {inert(state.note or 'Connecting to AWS…')}", style="bold yellow")
            return text
        if state.scanning and state.member_accounts:
            pass  # said above
        elif state.scanning:
            done = sum(1 for v in scanned if v.finished)
            text.append(f" Scanning {done}/{len(scanned)} regions", style="bold yellow")
        elif state.account is None:
            text.append(f" {inert(state.note or 'Starting…')}", style="dim")
        else:
            text.append(f" {len(scanned)} regions", style="bold")
        text.append(f" · {state.resource_total} resources")
        counts = state.severity_counts()
        if counts:
            text.append(" ·")
            for severity in Severity:
                if counts.get(severity):
                    text.append(
                        f" {SEVERITY_MARK[severity]}{counts[severity]}",
                        style=SEVERITY_STYLE[severity],
                    )
        if failed:
            text.append(f" · {failed} region{'s' if failed != 1 else ''} failed", style="bold red")
        if errors:
            text.append(f" · {errors} failed call{'s' if errors != 1 else ''} (!)", style="red")
        return text
