"""The layers' boundaries, proved in fresh interpreters (sys.modules does not lie) and from the
source (the import graph of our own modules, built with ast).

model and checks are pure (no Textual, no aiobotocore); the scanner's events and the snapshot
format load without Textual; the UI never loads aiobotocore or botocore, so its first frame
never waits for the service models. Among our modules: model imports nothing else of ours,
checks only the model and the config, the scanner neither the UI nor the checks, presenters
never the scanner; no import cycle, whether at import time, deferred or for the type checker.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Collection
from pathlib import Path

import pytest


def loaded_after(*modules: str) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60
    )
    return set(json.loads(out.stdout))


@pytest.mark.parametrize(
    "module",
    ["awsexplorer.model", "awsexplorer.checks", "awsexplorer.scan.events", "awsexplorer.snapshot"],
)
def test_core_modules_do_not_load_textual(module: str) -> None:
    assert "textual" not in loaded_after(module)


@pytest.mark.parametrize("module", ["awsexplorer.model", "awsexplorer.checks"])
def test_pure_layers_do_not_load_aiobotocore(module: str) -> None:
    loaded = loaded_after(module)
    assert not loaded & {"aiobotocore", "botocore", "aiohttp", "moto"}


def test_the_ui_never_loads_the_aws_sdk_or_moto() -> None:
    loaded = loaded_after("awsexplorer.ui.app", "awsexplorer.cli")
    assert "textual" in loaded  # the probe works
    assert not loaded & {"aiobotocore", "botocore", "boto3", "aiohttp", "moto"}


def test_no_ui_module_loads_the_aws_sdk() -> None:
    import pkgutil

    import awsexplorer.ui

    modules = [m.name for m in pkgutil.walk_packages(awsexplorer.ui.__path__, "awsexplorer.ui.")]
    assert "awsexplorer.ui.screens.main" in modules
    loaded = loaded_after(*modules)
    assert not loaded & {"aiobotocore", "botocore", "boto3", "aiohttp", "moto"}


def test_ui_bookkeeping_is_testable_without_textual() -> None:
    loaded = loaded_after(
        "awsexplorer.ui.state",
        "awsexplorer.ui.labels",
        "awsexplorer.ui.details",
        "awsexplorer.ui.scanning",
        "awsexplorer.ui.keys",
    )
    assert "textual" not in loaded
    assert not loaded & {"aiobotocore", "botocore"}


# -- our own layers, from the source (ast): who imports whom, and no cycles ----------------------

PACKAGE = Path(__file__).resolve().parents[1] / "awsexplorer"

# How an import is made: at import time ("top"), deferred inside a function ("function"), or
# only for the type checker ("typing", under `if TYPE_CHECKING:`).
TOP, FUNCTION, TYPING = "top", "function", "typing"
# {module: {(imported module, how)}}
Graph = dict[str, set[tuple[str, str]]]

# Presenters: Textual-free code that turns the model into rows, labels and text for the TUI and
# the CLI. They show what model/ and checks/ decided and never reach the scanner.
PRESENTERS = (
    "awsexplorer.ui.views",
    "awsexplorer.ui.labels",
    "awsexplorer.ui.details",
    "awsexplorer.ui.format",
    "awsexplorer.ui.keys",
    "awsexplorer.cli.text",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


class _Imports(ast.NodeVisitor):
    """The awsexplorer modules one module imports, each with how (TOP, FUNCTION or TYPING)."""

    def __init__(self, name: str, is_package: bool, modules: Collection[str]) -> None:
        self.name, self.is_package, self.modules = name, is_package, modules
        self.in_function = self.in_typing = 0
        self.edges: set[tuple[str, str]] = set()

    def _resolve(self, dotted: str) -> str | None:
        while dotted and dotted not in self.modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    def _add(self, dotted: str) -> None:
        target = self._resolve(dotted)
        if target is not None and target != self.name:
            how = TYPING if self.in_typing else FUNCTION if self.in_function else TOP
            self.edges.add((target, how))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.in_function += 1
        self.generic_visit(node)
        self.in_function -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            self.in_typing += 1
            for statement in node.body:
                self.visit(statement)
            self.in_typing -= 1
            for statement in node.orelse:
                self.visit(statement)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "awsexplorer":
                self._add(alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.name.split(".") if self.is_package else self.name.split(".")[:-1]
            base = base[: len(base) - node.level + 1]
            source = ".".join([*base, node.module] if node.module else base)
        else:
            source = node.module or ""
        if source.split(".")[0] != "awsexplorer":
            return
        for alias in node.names:
            full = f"{source}.{alias.name}"
            self._add(full if full in self.modules else source)


def import_graph() -> dict[str, set[tuple[str, str]]]:
    """{module: {(imported module, how)}} over awsexplorer/**/*.py."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        visitor = _Imports(name, path.name == "__init__.py", modules)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        graph[name] = visitor.edges
    return graph


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The import graph, parsed once for this module's tests (they only read it)."""
    return import_graph()


def cycles(graph: dict[str, set[tuple[str, str]]], kinds: Collection[str]) -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    adjacent = {m: sorted({t for t, how in edges if how in kinds}) for m, edges in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for root in sorted(adjacent):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for j in range(i, len(adjacent[node])):
                target = adjacent[node][j]
                if target not in index:
                    work.append((node, j + 1))
                    work.append((target, 0))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.add(frozenset(component))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return found


def _in(module: str, *layers: str) -> bool:
    return any(module == layer or module.startswith(layer + ".") for layer in layers)


def _imports_of(graph: dict[str, set[tuple[str, str]]], *layers: str) -> dict[str, set[str]]:
    return {m: {t for t, _ in edges} for m, edges in graph.items() if _in(m, *layers)}


def test_the_graph_sees_every_kind_of_import(graph: Graph) -> None:
    """The probe works: top-level, deferred and typing-only imports are all found."""
    assert ("awsexplorer.model", TOP) in graph["awsexplorer.checks.identity"]
    kinds = {how for edges in graph.values() for _, how in edges}
    assert kinds == {TOP, FUNCTION, TYPING}
    chain = {
        "a": {("b", TOP)},
        "b": {("c", FUNCTION)},
        "c": {("a", TYPING), ("d", TOP)},
        "d": set(),
    }
    assert cycles(chain, {TOP, FUNCTION, TYPING}) == {frozenset({"a", "b", "c"})}
    assert cycles(chain, {TOP, FUNCTION}) == set()


def test_model_imports_nothing_else_of_ours(graph: Graph) -> None:
    for module, targets in _imports_of(graph, "awsexplorer.model").items():
        assert all(_in(t, "awsexplorer.model") for t in targets), (module, targets)


def test_checks_import_only_the_model_and_the_settings(graph: Graph) -> None:
    allowed = ("awsexplorer.checks", "awsexplorer.model", "awsexplorer.config")
    for module, targets in _imports_of(graph, "awsexplorer.checks").items():
        assert all(_in(t, *allowed) for t in targets), (module, targets)


def test_the_scanner_imports_neither_the_ui_nor_the_checks(graph: Graph) -> None:
    for module, targets in _imports_of(graph, "awsexplorer.scan").items():
        assert not any(_in(t, "awsexplorer.ui", "awsexplorer.checks") for t in targets), (
            module,
            targets,
        )


def test_presenters_never_import_the_scanner(graph: Graph) -> None:
    presenters = _imports_of(graph, *PRESENTERS)
    assert "awsexplorer.ui.views.iam" in presenters  # the probe works
    for module, targets in presenters.items():
        assert not any(_in(t, "awsexplorer.scan") for t in targets), (module, targets)


def test_no_import_time_cycles(graph: Graph) -> None:
    assert cycles(graph, {TOP}) == set()


def test_no_import_cycles_at_all(graph: Graph) -> None:
    """Not even through deferred or typing-only imports: they still tie the modules' designs
    together (the last three, settings-checks, cli-commands and ui.app-screens.main, are gone)."""
    found = cycles(graph, {TOP, FUNCTION, TYPING})
    assert not found, f"import cycle(s): {[sorted(c) for c in found]}"
