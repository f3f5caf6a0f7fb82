"""The keys, in one table: the help screen shows it and docs/keys.md is generated from it."""

from __future__ import annotations

# (key, what it does). Order: moving, finding, acting, views, leaving.
KEYS: list[tuple[str, str]] = [
    ("↑ ↓  j k", "move in the tree (and in every list)"),
    ("→ ←  l h", "expand / collapse a node"),
    ("Enter / Space", "expand or collapse the node; pick a suggestion"),
    ("Tab / Shift+Tab", "switch between the tree and the detail pane"),
    ("/", "filter the current view: the tree (name, id, ARN, tag, type) or the detail's JSON"),
    (":", "jump to any resource by id, ARN, name or tag value, in any region; or a command"),
    (":vpc :iam :findings", "switch to the VPC topology, IAM principals or findings view"),
    (":errors  or  !", "the error log: every failed call with its AWS error code"),
    (":region NAME", "go to a region in the tree"),
    (":10.0.1.5", "whose address: an IP, CIDR or DNS name -> its owner(s), in any region"),
    ("Ctrl+P", "command palette: resources and every action, searchable"),
    ("Ctrl+Z", "attention only: hide everything without a warning (toggle)"),
    ("c", "copy the ARN (or id, region, account id) to the clipboard (OSC 52: works over SSH)"),
    ("r", "rescan the selected region, or the whole account from the account node"),
    ("t", "the resource's CloudTrail history: who changed it, when, from where"),
    ("u", "what uses the resource, and what it uses (Enter in the detail pane too)"),
    (":flow", "request and event paths through the resource, both ways, with warnings"),
    ("Backspace", "back to where a jump from Used by or :flow left (Esc right after, too)"),
    ("p", "the internet's path to the resource: every port, hop by hop, or what blocks it"),
    (":exposed", "everything the internet can reach, in every region, admin and database first"),
    (":changes [HOURS]", "every change CloudTrail recorded in the selected region (default 24 h)"),
    ("m", "go to the CloudFormation stack that manages the resource"),
    (":account NAME", "narrow every view to one account (several accounts; :account all)"),
    ("x", "go to another scanned account the resource names (peering, trust, policy)"),
    ("s", "save the current scan as a snapshot file (reopen with --snapshot FILE)"),
    ("?", "this help"),
    ("Esc", "back: clear the filter, leave attention-only, close a view"),
    ("q", "quit"),
]

# The keys every view shares, after its own.
_VIEW_COMMON: list[tuple[str, str]] = [
    ("/", "filter this view: words to look for (Enter: done, Esc: clear)"),
    (":", "jump to a resource or switch view (Esc comes back here)"),
    ("Esc", "clear the filter, then back to the tree"),
    ("!", "the error log"),
    ("?", "this help"),
    ("q", "quit"),
]

# `?` in a view shows that view's keys, not the tree's.
VIEW_KEYS: dict[str, list[tuple[str, str]]] = {
    "whois": [
        ("↑ ↓  j k", "move"),
        ("Enter", "show that owner in the tree, in any region"),
        ("Esc", "back"),
        ("?", "this help"),
    ],
    "vpc": [
        ("↑ ↓  j k", "move"),
        ("Enter", "show the resource in the tree; on a group, fold or unfold it"),
        ("Space", "fold or unfold"),
        ("l h", "unfold / fold"),
        ("E", "unfold everything"),
        *_VIEW_COMMON,
    ],
    "iam": [
        ("↑ ↓  j k", "move"),
        ("1-8", "sort by that column (again: the other way round); 1-9 with several accounts"),
        ("s", "sort by the next column"),
        ("Enter", "show the principal in the tree"),
        *_VIEW_COMMON,
    ],
    "findings": [
        ("↑ ↓  j k", "move"),
        ("s", "show only this severity and worse (cycles)"),
        ("Enter", "show the resource in the tree"),
        *_VIEW_COMMON,
    ],
    "exposed": [
        ("↑ ↓  j k", "move"),
        ("Space", "unfold or fold the row's hops (l h too)"),
        ("Enter", "show the resource in the tree, in its region"),
        ("p", "the resource's path view: every port, hop by hop"),
        *_VIEW_COMMON,
    ],
    "path": [
        ("↑ ↓  j k", "choose a port: its path is shown below, hop by hop"),
        ("Enter", "show the resource in the tree"),
        *[row for row in _VIEW_COMMON if row[0] != "/"],
    ],
    "history": [
        ("↑ ↓  j k", "move"),
        ("Enter", "the event's whole JSON; in :changes, jump to the resource it touched"),
        ("v", "the event's whole JSON"),
        ("a", "show or hide read-only events (Describe, List, Get...)"),
        ("c", "copy the event id"),
        *_VIEW_COMMON,
    ],
    "event": [
        ("↑ ↓", "scroll"),
        ("/", "search the JSON (matches are highlighted; n: the next one)"),
        ("c", "copy the whole JSON"),
        *[row for row in _VIEW_COMMON if row[0] != "/"],
    ],
    "used-by": [
        ("↑ ↓  j k", "move"),
        ("Enter", "show that resource in the tree, in any region (Backspace comes back)"),
        *_VIEW_COMMON,
    ],
    "flow": [
        ("↑ ↓  j k", "move"),
        ("Enter", "show that hop's resource in the tree (Backspace comes back)"),
        *_VIEW_COMMON,
    ],
    "errors": [
        ("↑ ↓  j k", "move"),
        ("Tab", "switch between the regions and the failed calls"),
        *[row for row in _VIEW_COMMON if row[0] != "/"],  # nothing to filter here
    ],
}


def markdown_table() -> str:
    rows = ["| Key | What it does |", "| --- | --- |"]
    rows += [f"| `{key}` | {what} |" for key, what in KEYS]
    return "\n".join(rows)
