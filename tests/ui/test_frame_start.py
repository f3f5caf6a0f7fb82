"""Start-up (issue 18): the first frame of `awsexplorer --snapshot FILE` waits for nothing it
does not show. What it imports is proved in a fresh interpreter (sys.modules does not lie) at the
moment the frame holding the account id is handed to the terminal, as the `--help` test in
tests/test_cli.py does for `--help`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "small-account.json"

# The real command line (cli.main: parser, settings, the snapshot read before the screen is
# taken), headless at 80x24; on the first frame that shows the account, the modules loaded so
# far are written to stderr and the process leaves at once.
PROBE = """
import os, sys
from textual.app import App

ACCOUNT = {account!r}
original_display = App._display
original_run = App.run


def display(self, screen, renderable):
    if renderable is not None and hasattr(renderable, "render_segments"):
        if ACCOUNT in renderable.render_segments(self.console):
            sys.stderr.write("\\n".join(sorted(sys.modules)))
            sys.stderr.flush()
            os._exit(0)
    return original_display(self, screen, renderable)


def run(self, **kwargs):
    return original_run(self, headless=True, size=(80, 24))


App._display = display
App.run = run
from awsexplorer.cli import main
main(["--snapshot", {snapshot!r}])
"""


def no_config(home: Path) -> dict[str, str]:
    """The environment with no config file (a user's could disable a check)."""
    env = {k: v for k, v in os.environ.items() if k != "AWSEXPLORER_CONFIG"}
    env["XDG_CONFIG_HOME"] = str(home)
    return env


def first_frame_modules(snapshot: Path, home: Path) -> set[str]:
    account = json.loads(snapshot.read_text())["account"]["id"]
    code = PROBE.format(account=account, snapshot=str(snapshot))
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=no_config(home),
    )
    return set(run.stderr.split("\n"))


# Imported on first use, never for the first frame: the screens other than the main one (each
# where it is pushed), the detail's blocks for a selected resource and the models behind them,
# the checks' evaluation and catalogue (a snapshot that does not say which settings judged it
# is not judged again; settings_from_args reads the catalogue only for a disabled check id).
NOT_FOR_THE_FIRST_FRAME = (
    "awsexplorer.checks.api",
    "awsexplorer.checks.evaluation",
    "awsexplorer.checks.identity",
    "awsexplorer.checks.network",
    "awsexplorer.checks.data",
    "awsexplorer.ui.screens.help",
    "awsexplorer.ui.screens.save_snapshot",
    "awsexplorer.ui.screens.scan_error",
    "awsexplorer.ui.screens.scan_view",
    "awsexplorer.ui.screens.whois",
    "awsexplorer.ui.screens.vpc",
    "awsexplorer.ui.screens.findings",
    "awsexplorer.ui.views",
    "awsexplorer.ui.exposure_detail",
    "awsexplorer.ui.relations_detail",
    "awsexplorer.ui.operations_detail",
    "awsexplorer.model.exposure",
    "awsexplorer.model.relationships",
    "awsexplorer.model.whois",
    "awsexplorer.model.diff",
    "awsexplorer.model.operations",
    "awsexplorer.model.topology",
    "aiobotocore",
    "botocore",
    "moto",
)


def test_the_first_frame_loads_only_what_it_shows(tmp_path: Path) -> None:
    loaded = first_frame_modules(FIXTURE, tmp_path)
    # The probe works: the frame came from the real start-up, with the tree and the detail.
    assert {"awsexplorer.ui.screens.main", "awsexplorer.ui.details", "textual.app"} <= loaded
    early = sorted(
        m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_FOR_THE_FIRST_FRAME)
    )
    assert early == [], f"the first frame waited for {early}"


def test_settings_read_the_check_catalogue_only_for_a_disabled_check(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from awsexplorer.cli.parser import build_parser\n"
        "from awsexplorer.checks import settings_from_args\n"
        "parser = build_parser()\n"
        "settings_from_args(parser.parse_args([]))\n"
        "print('awsexplorer.checks.identity' in sys.modules)\n"
        "try:\n"
        "    settings_from_args(parser.parse_args(['--disable-check', 'no-such-check']))\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc.message)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=no_config(tmp_path),
    )
    none_disabled, refused = run.stdout.splitlines()
    assert none_disabled == "False"  # no check module was imported
    assert refused.startswith("UserError Command line: Unknown check id: no-such-check")
