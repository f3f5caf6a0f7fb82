"""awsexplorer.scan.aiohttp_import: aiohttp imported without loading the CA store twice (#18's
serial start), failing closed, and every other SSL context left as it was. Each check runs in
a fresh interpreter: what is measured is the first import of aiohttp."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

# Counts the CA-store loads (set_default_verify_paths, which load_default_certs calls).
COUNTING = """
import json, ssl
calls = []
original = ssl.SSLContext.set_default_verify_paths
def counted(self):
    calls.append(1)
    original(self)
ssl.SSLContext.set_default_verify_paths = counted
"""


def _fresh(code: str, *, counting: bool = True) -> dict[str, Any]:
    source = (COUNTING if counting else "") + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_scan_imports_aiohttp_without_its_ca_loads_and_its_defaults_fail_closed() -> None:
    found = _fresh(
        """
        import awsexplorer.scan.runner  # the scan's entry: imports aiohttp through aiobotocore
        import aiohttp.connector as connector
        loads_at_import = len(calls)
        verified = connector._SSL_CONTEXT_VERIFIED
        ssl.create_default_context()  # anyone's context, after the import: loads as before
        print(json.dumps({
            "loads_at_import": loads_at_import,
            "restored": ssl.SSLContext.set_default_verify_paths is counted,
            "verify_mode": int(verified.verify_mode),
            "check_hostname": verified.check_hostname,
            "default_roots": verified.cert_store_stats()["x509_ca"],
            "later_loads": len(calls) - loads_at_import,
        }))
        """
    )
    assert found["loads_at_import"] == 0  # aiohttp's own import made 2
    assert found["restored"] is True
    # No roots, but a certificate is still required and the host checked: closed, not open.
    assert found["verify_mode"] == 2 and found["check_hostname"] is True
    assert found["default_roots"] == 0
    assert found["later_loads"] == 1  # the real load again, for every context made after


def test_without_the_module_aiohttp_loads_the_store_twice() -> None:
    """What the module saves (so the test above would fail if the import went around it)."""
    found = _fresh(
        """
        import aiohttp
        print(json.dumps({"loads_at_import": len(calls)}))
        """
    )
    assert found["loads_at_import"] == 2


def test_the_scans_own_context_trusts_botocores_bundle_and_other_threads_are_untouched() -> None:
    found = _fresh(
        """
        import json, ssl, threading
        from awsexplorer.scan import aiohttp_import
        from awsexplorer.scan.http import SharedTLSSession
        ours = SharedTLSSession(verify=True)._shared_verify_context()
        # The patch's function, called from a thread that is not the importer: the real load.
        other = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        thread = threading.Thread(target=aiohttp_import._skipped_while_importing, args=(other,))
        thread.start(); thread.join()
        reference = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        reference.set_default_verify_paths()
        print(json.dumps({
            "ours": ours.cert_store_stats()["x509_ca"],
            "ours_mode": int(ours.verify_mode),
            "other": other.cert_store_stats()["x509_ca"],
            "reference": reference.cert_store_stats()["x509_ca"],
        }))
        """,
        counting=False,
    )
    assert found["ours"] > 0 and found["ours_mode"] == 2
    assert found["other"] == found["reference"]
