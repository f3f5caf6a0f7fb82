"""Choices the parser offers that are facts of the model (the severities), read from the model
only when argparse checks a value against them or shows them (`findings --help`): building the
parser, which every start does (`awsexplorer --help` too), does not load the model."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Iterator, Sequence

# typing's constant without importing typing (for `--help`; mypy reads any such name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class ModelChoices(Sequence[str]):
    """A sequence of strings computed on first use."""

    def __init__(self, values: Callable[[], Iterable[str]]) -> None:
        self._values = values
        self._loaded: tuple[str, ...] | None = None

    def _all(self) -> tuple[str, ...]:
        if self._loaded is None:
            self._loaded = tuple(self._values())
        return self._loaded

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, value: object) -> bool:
        return value in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())


def _severities() -> list[str]:
    from awsexplorer.model import Severity

    return [s.value for s in Severity]


# critical, high, medium, low, info: worst first (model/findings.py's Severity).
SEVERITIES = ModelChoices(_severities)


def add_model_choice(
    parser: argparse.ArgumentParser | Any, *flags: str, choices: ModelChoices, **kwargs: Any
) -> argparse.Action:
    """`parser.add_argument(*flags, choices=choices, **kwargs)`, shown as argparse shows any
    choices (`--severity {critical,high,medium,low,info}`, as `--format {text,json}`), without
    reading them when the parser is built: argparse's add_argument formats the option once to
    check it, which would list them. The choices are attached to the returned action after;
    argparse reads them from it when it checks a value or writes the help or usage."""
    action: argparse.Action = parser.add_argument(*flags, **kwargs)
    action.choices = choices
    return action
