"""The read-only guard: awsexplorer must never change anything in an account.

Every client the scanner creates gets this guard on its event hooks. It refuses, before the
request is built (so before a byte is sent), any operation that is not on the read-only
allowlist. This is enforced in code, not by convention: a collector cannot call a mutating
operation even by mistake.
"""

from __future__ import annotations

from typing import Any

# Operation-name prefixes that only read.
READ_ONLY_PREFIXES = ("Describe", "List", "Get", "Lookup", "Search", "BatchGet", "Head")

# Operations outside those prefixes that the scan needs and that change nothing in the account
# that a person would notice: they start a read-only report or name the caller.
ALLOWED_EXCEPTIONS = frozenset(
    {
        ("iam", "GenerateCredentialReport"),
        ("iam", "GenerateServiceLastAccessedDetails"),
        # --org: the scan reads each member account through a role assumed in it. AssumeRole
        # hands out temporary credentials for that read-only role and changes nothing in any
        # account; it is the one non-read awsexplorer sends (listed by `awsexplorer permissions`).
        ("sts", "AssumeRole"),
    }
)

# Reads that match the prefixes but hand out secrets, data or fresh credentials. An explorer of
# account structure has no business with them, so they are refused too.
DENIED_READS = frozenset(
    {
        ("s3", "GetObject"),
        ("s3", "GetObjectTorrent"),
        ("secretsmanager", "GetSecretValue"),
        ("secretsmanager", "BatchGetSecretValue"),
        ("ssm", "GetParameter"),
        ("ssm", "GetParameters"),
        ("ssm", "GetParametersByPath"),
        ("ec2", "GetPasswordData"),
        ("sts", "GetSessionToken"),
        ("sts", "GetFederationToken"),
        ("ecr", "GetAuthorizationToken"),
        ("lambda", "GetFunction"),  # returns a download link to the code
        ("dynamodb", "GetItem"),
        ("dynamodb", "BatchGetItem"),
    }
)


class ReadOnlyViolation(Exception):
    """A non-read operation was attempted; it was refused before anything was sent."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"awsexplorer is read-only: refused {service}:{operation} before sending it "
            "(only Describe/List/Get-style calls are allowed)."
        )
        self.service = service
        self.operation = operation


def is_allowed(service: str, operation: str) -> bool:
    if (service, operation) in DENIED_READS:
        return False
    if (service, operation) in ALLOWED_EXCEPTIONS:
        return True
    return operation.startswith(READ_ONLY_PREFIXES)


def _refuse_writes(model: Any = None, **_: Any) -> None:
    service = model.service_model.service_name
    if not is_allowed(service, model.name):
        raise ReadOnlyViolation(service, model.name)


def install(client: Any) -> Any:
    """Guard one botocore/aiobotocore client. Returns the client for chaining.

    Two hooks: `provide-client-params` is the first event of every call (nothing is built yet);
    `before-call` is the last one before the request goes out, in case a future botocore
    reorders the first.
    """
    client.meta.events.register_first("provide-client-params", _refuse_writes)
    client.meta.events.register_first("before-call", _refuse_writes)
    return client
