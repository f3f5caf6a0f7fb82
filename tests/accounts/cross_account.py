"""A resource of one account, for the cross-account link tests (model and UI)."""

from __future__ import annotations

from awsexplorer.model import Resource


def res(account_id: str, rtype: str, rid: str, **attributes: object) -> Resource:
    """`rtype` as "service:kind"; in eu-west-1, or global for IAM (as a scan puts them)."""
    service, kind = rtype.split(":", 1)
    region = "global" if service == "iam" else "eu-west-1"
    where = "" if service == "iam" else region
    return Resource(
        arn=f"arn:aws:{service}:{where}:{account_id}:{kind}/{rid}",
        type=rtype,
        id=rid,
        name=rid,
        region=region,
        attributes=dict(attributes),
        account_id=account_id,
    )
