"""The account options (--profile twice, --all-profiles, --org --role, --external-id,
--accounts, --exclude), read in one place for the TUI and `scan` alike: which accounts to scan,
or None for one account, as ever."""

from __future__ import annotations

import argparse

from awsexplorer.config import AccountChoice
from awsexplorer.errors import UserError


def asks_many_accounts(args: argparse.Namespace) -> bool:
    """Whether the options ask for several accounts (--profile twice, --all-profiles, --org)."""
    profiles = getattr(args, "profiles", None) or ()
    return bool(getattr(args, "org", False) or getattr(args, "all_profiles", False)) or (
        len(profiles) > 1
    )


def _ids(values: list[str] | None) -> tuple[str, ...]:
    """--accounts/--exclude: repeatable, each a comma-separated list of ids."""
    return tuple(v.strip() for value in values or () for v in value.split(",") if v.strip())


def account_choice(args: argparse.Namespace) -> AccountChoice | None:
    """The accounts the options choose, checked before anything is scanned (a one-line error
    with the fix for options that do not go together); None: one account. With --demo, --org's
    role defaults to the one the demo's member accounts have."""
    profiles = tuple(getattr(args, "profiles", None) or ())
    org, role = getattr(args, "org", False), getattr(args, "role", None)
    org_only = [
        flag
        for flag, value in (
            ("--role", role),
            ("--external-id", getattr(args, "external_id", None)),
            ("--accounts", getattr(args, "accounts", None)),
            ("--exclude", getattr(args, "exclude", None)),
        )
        if value
    ]
    if org:
        if getattr(args, "demo", False) and not role:
            from awsexplorer.demo.organization import MEMBER_ROLE

            role = MEMBER_ROLE
        if not role:
            raise UserError(
                "--org needs --role NAME: the role to assume in each member account.",
                "e.g. --org --role OrganizationAccountAccessRole (docs/scale.md, 'The member "
                "role').",
            )
        return AccountChoice(
            org_role=role,
            external_id=getattr(args, "external_id", None),
            include=_ids(getattr(args, "accounts", None)),
            exclude=_ids(getattr(args, "exclude", None)),
        )
    if org_only:
        raise UserError(f"{', '.join(org_only)} go with --org.")
    if getattr(args, "all_profiles", False):
        if profiles:
            raise UserError("Give --profile or --all-profiles, not both.")
        return AccountChoice(all_profiles=True)
    if len(profiles) > 1:
        return AccountChoice(profiles=profiles)
    return None
