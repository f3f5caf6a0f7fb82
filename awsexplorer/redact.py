"""What the debug log (`--log-file`) may hold: no credential, no response body, no raw control
character.

botocore logs at DEBUG every request it signs: the Authorization header (the access key id and
the signature), X-Amz-Security-Token (the whole session token), the canonical request and the
string to sign; aiobotocore and botocore log every response body (Lambda environment values,
credentials from STS). The README suggests attaching the log to bug reports, so every record
that reaches the file passes `LogRedactor`, the handler's filter:

- response bodies are dropped (scan/session.py also drops them at botocore's parsers);
- session tokens, signatures, secret keys and Authorization headers become `[redacted]`;
- access key ids keep their last four characters (`…MPLE`), enough to tell two keys apart;
- the message is made inert (a name holding ESC shows as ␛; a newline in a name cannot forge a
  log line: continuation lines are indented).

Pure standard library, so the CLI can install it without loading botocore.
"""

from __future__ import annotations

import logging
import re

from awsexplorer.inert import inert

REDACTED = "[redacted]"

# A value: the rest of a header, a query parameter or a JSON/dict field, up to its delimiter.
_VALUE = r"[^\s'\",&;}\]]+"
_SEP = r"""(?:['"]?\s*[:=]\s*(?-i:b)?['"]?|\s*\n)"""

_SECRETS = re.compile(
    r"(?i)(?P<key>x-amz-security-token|security[_-]?token|session[_-]?token|"
    r"aws_session_token|secret[_-]?access[_-]?key|aws_secret_access_key|"
    r"x-amz-signature|signature)"
    rf"(?P<sep>{_SEP})(?P<value>{_VALUE})"
)
# "Authorization: AWS4-HMAC-SHA256 Credential=AKIA.../..., SignedHeaders=..., Signature=..."
# The scheme is kept; the credential scope loses its key id below; the signature above.
_AUTHORIZATION = re.compile(
    r"(?i)(?P<key>authorization)(?P<sep>['\"]?\s*[:=]\s*(?-i:b)?['\"]?)"
    r"(?P<value>(?!b?['\"]?AWS4-HMAC-SHA256)[^'\"\s][^'\"\n]*)"
)
_KEY_ID_FIELD = re.compile(
    r"(?i)(?P<key>access[_-]?key[_-]?id|aws_access_key_id|credential)"
    rf"(?P<sep>{_SEP})(?P<value>[A-Za-z0-9]+)"
)
# Access key ids anywhere (AKIA long-term, ASIA temporary, and the other unique-id prefixes).
_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|AGPA|ABIA|ACCA)[A-Z0-9]{12,}\b")
# A session token is hundreds of base64 characters; nothing else we log looks like that.
_LONG_TOKEN = re.compile(r"[A-Za-z0-9/+]{120,}={0,2}")


def _keep_last4(value: str) -> str:
    return "…" + value[-4:] if len(value) > 4 else REDACTED


def redact(text: str) -> str:
    """`text` with every credential we know the shape of taken out."""
    text = _SECRETS.sub(lambda m: m["key"] + m["sep"] + REDACTED, text)
    text = _AUTHORIZATION.sub(lambda m: m["key"] + m["sep"] + REDACTED, text)
    text = _KEY_ID_FIELD.sub(lambda m: m["key"] + m["sep"] + _keep_last4(m["value"]), text)
    text = _KEY_ID.sub(lambda m: _keep_last4(m.group()), text)
    return _LONG_TOKEN.sub(REDACTED, text)


def safe_log_text(text: str) -> str:
    """Redacted and inert; newlines kept but indented, so each record starts a line of its own."""
    return inert(redact(text), keep_newlines=True).replace("\n", "\n    ")


class LogRedactor(logging.Filter):
    """A handler filter: drops response bodies and rewrites every other record's message as
    safe_log_text (its arguments folded in), and its traceback likewise."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Response body"):
            return False
        try:
            message = record.getMessage()
        except Exception:  # a library's bad format string: keep what it meant to say
            message = f"{record.msg!r} {record.args!r}"
        record.msg = safe_log_text(message)
        record.args = None
        if record.exc_info:
            record.exc_text = safe_log_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = safe_log_text(record.stack_info)
        return True
