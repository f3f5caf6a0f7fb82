"""Workers that take data describe themselves: else Textual describes each with the repr of its
arguments, on the UI thread, as it starts it (a scan of 200,000 resources handed to the checks'
worker froze the screen for 1.5 s: benchmarks/live_accounts_bench.py)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import awsexplorer
from awsexplorer import snapshot
from awsexplorer.config import AppOptions
from awsexplorer.model import ScanResult
from awsexplorer.ui.app import AwsExplorerApp

pytestmark = pytest.mark.ui

FIXTURE = Path(__file__).parent / "fixtures" / "screens" / "account.json"
UI = Path(awsexplorer.__file__).parent / "ui"


def _work_decorators(function: ast.FunctionDef) -> list[ast.Call]:
    return [
        d
        for d in function.decorator_list
        if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "work"
    ]


def test_every_worker_method_with_arguments_has_a_description() -> None:
    seen = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            for call in _work_decorators(node):
                seen.append(node.name)
                if len(node.args.args) > 1 or node.args.vararg or node.args.kwonlyargs:
                    keywords = {k.arg for k in call.keywords}
                    assert "description" in keywords, f"{path.name}: {node.name}"
    assert {"_analyse", "_build_accounts_so_far", "_read_snapshot"} <= set(seen)


async def test_handing_a_scan_to_a_worker_does_not_print_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printed: list[int] = []

    def counted(self: ScanResult) -> str:
        printed.append(len(self.resources))
        return "ScanResult(...)"

    result = snapshot.read(FIXTURE)
    app = AwsExplorerApp(AppOptions(snapshot=FIXTURE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(ScanResult, "__repr__", counted)
        workers: list[Any] = [
            app._build_accounts_so_far([result], app._scan_generation),
            app._analyse(result),
        ]
        for worker in workers:
            await worker.wait()
        await pilot.pause()
        assert printed == []
        assert app.state.resource_total == len(result.resources)  # the analysed view is shown
