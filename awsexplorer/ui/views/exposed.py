"""What `:exposed`, the detail pane's exposure block and the path view show, as plain data.

Everything comes from the one exposure result (model/exposure.py `exposure_of`): the same
verdicts the checks and `awsexplorer exposure` read. No Textual here. Strings are raw (from AWS
or a snapshot): the renderers make them inert.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from awsexplorer.model import Resource
from awsexplorer.model.exposure import (
    LISTENER,
    TARGET,
    Exposure,
    Verdict,
    hop_text,
    risk_rank,
    sort_key,
)
from awsexplorer.model.kinds import (
    DATABASE,
    ECS_SERVICE,
    INSTANCE,
    LOAD_BALANCER,
    NETWORK_INTERFACE,
)
from awsexplorer.ui.views.common import matches, name_from_arn

# The types whose detail pane says whether the internet reaches them (issue 16).
EXPOSABLE = frozenset({INSTANCE, NETWORK_INTERFACE, LOAD_BALANCER, DATABASE, ECS_SERVICE})

RISK_TITLES = {0: "ADMIN PORTS", 1: "DATABASE PORTS", 2: "OTHER PORTS"}

Lookup = Callable[[str], Resource | None]  # ARN -> resource


def label(resource: Resource | None, fallback: str) -> str:
    """`name (id)` when they differ, else the one of them."""
    if resource is None:
        return name_from_arn(fallback)
    if resource.name and resource.name != resource.id:
        return f"{resource.name} ({resource.id})"
    return resource.id


def short_label(resource: Resource | None, fallback: str) -> str:
    """The name a person gave it, else its id: "alb-web"."""
    if resource is None:
        return name_from_arn(fallback)
    return resource.name or resource.id


def listener_port(verdict: Verdict) -> str | None:
    """The listener's port on a path through a load balancer ("443")."""
    hop = next((h for h in verdict.path if h.layer == LISTENER), None)
    return hop.rule.rsplit(" ", 1)[-1] if hop is not None else None


def how(verdict: Verdict, lookup: Lookup) -> str:
    """ "via alb-web (listener 443)" or "direct at 203.0.113.10"."""
    if verdict.via is not None:
        port = listener_port(verdict)
        listener = f" (listener {port})" if port else ""
        return f"via {short_label(lookup(verdict.via), verdict.via)}{listener}"
    return f"direct at {verdict.address}" if verdict.address else "direct"


def blocked_by(verdict: Verdict) -> str:
    hop = verdict.blocking
    return hop_text(hop) if hop is not None else "no path"


@dataclass(frozen=True, slots=True)
class ExposedRow:
    """One reachable (resource, protocol, ports, IP version), with how it is reached."""

    verdict: Verdict
    resource: str  # "web-1 (i-0abc)"
    how: str  # "via alb-web (listener 443)" / "direct at 203.0.113.10"
    risk: int  # 0 admin, 1 database, 2 other
    account: str = ""  # its account's name when the scan holds several (account_names)

    @property
    def arn(self) -> str:
        return self.verdict.arn

    def matches(self, text: str) -> bool:
        v = self.verdict
        return matches(
            text,
            v.port_text,
            f"ipv{v.ip_version}",
            self.resource,
            v.arn,
            v.resource_type,
            v.region,
            self.account,
            v.address,
            self.how,
            RISK_TITLES[self.risk],
            *(hop_text(h) for h in v.path),
        )


def exposed_rows(
    exposure: Exposure, lookup: Lookup, accounts: dict[str, str] | None = None
) -> list[ExposedRow]:
    """Every reachable verdict, in any region, admin then database ports first. `accounts`:
    account id -> name, when the scan holds several (each row then names its account)."""
    names = accounts or {}
    return [
        ExposedRow(
            v,
            label(lookup(v.arn), v.arn),
            how(v, lookup),
            risk_rank(v),
            names.get(v.account_id, ""),
        )
        for v in exposure.reachable()
    ]


def verdicts_for(resource: Resource, exposure: Exposure, lookup: Lookup) -> list[Verdict]:
    """What the detail pane and the path view say about one resource: its own verdicts, those
    of its targets when it is a load balancer, those reaching it through one; an ECS service
    is reached through its target groups."""
    if resource.type != ECS_SERVICE:
        return exposure.about(resource.arn)
    found: list[Verdict] = []
    for entry in resource.attributes.get("load_balancers") or []:
        if not isinstance(entry, dict) or not entry.get("target_group_arn"):
            continue
        group = lookup(str(entry["target_group_arn"]))
        if group is None:
            continue
        for lb_arn in group.attributes.get("load_balancers") or []:
            for verdict in exposure.about(str(lb_arn)):
                hops = verdict.path
                if any(h.layer == TARGET and h.id == group.id for h in hops):
                    found.append(verdict)
    return sorted(dict.fromkeys(found), key=sort_key)


def _distinct(verdicts: Iterable[Verdict]) -> list[Verdict]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for v in verdicts:
        key = (v.arn, v.protocol, v.ports, v.ip_version, v.via, v.reachable)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


@dataclass(frozen=True, slots=True)
class ExposureSummary:
    """The detail pane's lines: reachable ones, then the blocked ones with their blocking hop."""

    reachable: list[str]
    blocked: list[str]
    notes: list[str]


def summary(resource: Resource, exposure: Exposure, lookup: Lookup) -> ExposureSummary:
    verdicts = _distinct(verdicts_for(resource, exposure, lookup))
    reachable, blocked = [], []
    for v in verdicts:
        on = ""
        if v.arn != resource.arn:  # a load balancer's target, or a service's task
            on = f" on {short_label(lookup(v.arn), v.arn)}"
        version = f" (IPv{v.ip_version})" if v.ip_version == 6 else ""
        if v.reachable:
            reachable.append(f"{v.port_text}{version}{on} {how(v, lookup)}")
        else:
            blocked.append(f"{v.port_text}{version}{on}: blocked by {blocked_by(v)}")
    return ExposureSummary(reachable, blocked, list(exposure.notes.get(resource.arn, [])))
