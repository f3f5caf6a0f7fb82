"""Generate awsexplorer/model/iam_actions.json.gz, the IAM action catalogue, from botocore.

    python scripts/iam_actions.py            # rewrite the shipped file
    python scripts/iam_actions.py --check    # exit 1 when it differs from the installed botocore

The policy evaluator (awsexplorer/model/policy.py) expands action patterns ("kms:*", NotAction
["ec2:*", "s3:*"]) into the actions they name; model/ may not import botocore, so the names are
read here once and shipped as data: {iam prefix: [action, ...]}, sorted, gzip'd JSON.

How the names are derived, and where that is only an approximation (said plainly):
- the IAM prefix of a service is its model's `signingName`, or its `endpointPrefix` when it has
  none. For most services that is the prefix IAM uses; a few differ and are mapped by hand in
  PREFIX_FIXES below (CloudWatch signs as "monitoring" but IAM says "cloudwatch", IoT data
  planes sign as "iotdata"/"iot-jobs-data" but IAM says "iot", ...). Other mismatches may exist
  that nobody has noticed yet; an action under a wrong prefix is simply not found when a
  pattern is expanded, never invented.
- the action names are the API's operation names. IAM authorises most operations by an action
  of the same name, but not all: some actions exist only as permissions (iam:PassRole,
  s3:ListBucket, ...) and some operations are authorised by a differently named action
  (s3:ListObjectsV2 by s3:ListBucket). The catalogue therefore names what the APIs can do, not
  every string IAM accepts; questions about a named action still match it by pattern whether or
  not it is in the catalogue.
- several botocore services share one prefix (elb and elbv2, the sagemaker runtimes); their
  operations are merged.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "awsexplorer" / "model" / "iam_actions.json.gz"

# Signing name (or endpoint prefix) -> the prefix IAM policies use, where the two differ.
PREFIX_FIXES = {
    "monitoring": "cloudwatch",
    "iotdata": "iot",
    "iot-jobs-data": "iot",
    "iotsecuredtunneling": "iot",
    "awsssoportal": "sso",
    "mturk-requester": "mechanicalturk",
}


def catalogue() -> dict[str, list[str]]:
    """{iam prefix: sorted operation names} for every service botocore has a model of."""
    import botocore.session

    loader = botocore.session.get_session().get_component("data_loader")
    found: dict[str, set[str]] = {}
    for service in loader.list_available_services("service-2"):
        model = loader.load_service_model(service, "service-2")
        metadata = model.get("metadata") or {}
        prefix = str(metadata.get("signingName") or metadata.get("endpointPrefix") or service)
        prefix = prefix.lower()
        prefix = PREFIX_FIXES.get(prefix, prefix)
        found.setdefault(prefix, set()).update(model.get("operations") or {})
    return {prefix: sorted(names) for prefix, names in sorted(found.items())}


def encode(data: dict[str, list[str]]) -> bytes:
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return gzip.compress(text.encode("utf-8"), mtime=0)


def main(argv: list[str]) -> int:
    data = encode(catalogue())
    if "--check" in argv:
        current = TARGET.read_bytes() if TARGET.exists() else b""
        same = gzip.decompress(current) == gzip.decompress(data) if current else False
        print("up to date" if same else f"{TARGET} is stale: run scripts/iam_actions.py")
        return 0 if same else 1
    TARGET.write_bytes(data)
    total = sum(len(v) for v in catalogue().values())
    print(f"wrote {TARGET} ({len(data)} bytes, {total} actions)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
