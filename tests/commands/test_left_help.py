"""Every sub-command's `--help` says the same things the same way: an option with choices lists
them (`{a,b}`, the severities too), an option with a default says it, and what a command does
not do is not offered as if it did (history: no --cost, no --demo in its help)."""

from __future__ import annotations

import argparse
import re
from typing import Any

import pytest

from awsexplorer.cli import main
from awsexplorer.cli.commands import COMMANDS, history
from awsexplorer.cli.parser import build_parser

SEVERITY_CHOICES = "{critical,high,medium,low,info}"


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(commands.choices)


def _help(capsys: Any, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps at the terminal's width


@pytest.mark.parametrize("command", [c.NAME for c in COMMANDS])
def test_choices_are_listed_and_defaults_said(command: str, capsys: Any) -> None:
    text = _help(capsys, command)
    for action in _subparsers()[command]._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        flag = action.option_strings[0]
        if action.choices is not None:
            listed = "{" + ",".join(action.choices) + "}"
            assert f"{flag} {listed}" in text, flag  # usage and options, as argparse shows any
        if action.default not in (None, False, argparse.SUPPRESS):
            assert f"default: {action.default}" in (action.help or "") % vars(action), flag


def test_the_severity_options_list_the_severities(capsys: Any) -> None:
    assert f"--severity {SEVERITY_CHOICES} only findings of this severity or worse" in _help(
        capsys, "findings"
    )
    text = _help(capsys, "diff")
    assert f"--fail-on {SEVERITY_CHOICES} exit 1" in text and "; default: high)" in text


def test_a_severity_is_still_checked_against_the_model(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["diff", "a.json", "b.json", "--fail-on", "urgent"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'urgent' (choose from 'critical', 'high'" in err


def test_the_endpoint_is_a_url_and_no_group_names_an_issue(capsys: Any) -> None:
    for argv in ((), ("scan",), ("history",)):
        text = _help(capsys, *argv)
        assert "--endpoint-url URL" in text and "ENDPOINT_URL send" not in text
        assert not re.search(r"\(issue \d+\)", text)


def test_history_shows_and_applies_its_default_window(capsys: Any) -> None:
    from awsexplorer.model.history import MAX_HOURS

    assert float(history.DEFAULT_HOURS) == MAX_HOURS  # the default is all CloudTrail keeps
    text = _help(capsys, "history")
    assert "--hours N how far back to look, in hours: at most CloudTrail's 90 days" in text
    assert f"(default: {MAX_HOURS}, all of them)" in text
    assert _subparsers()["history"].parse_args(["i-1"]).hours == history.DEFAULT_HOURS


def test_history_offers_only_what_it_reads(capsys: Any) -> None:
    text = _help(capsys, "history")
    assert "--cost" not in text and "--demo" not in text
    assert "--region REGION the region to look in" in text
    assert "every enabled region" not in text  # the scan's wording, not history's


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("history", "i-1", "--cost"), "history reads CloudTrail; --cost"),
        (("--cost", "history", "i-1"), "history reads CloudTrail; --cost"),
        (("history", "i-1", "--hours", ""), "--hours : give a number of hours."),
        (("history", "i-1", "--hours", "0"), "at most 2160 (90 days)"),
    ],
)
def test_history_refuses_in_one_line_with_the_fix(
    capsys: Any, argv: tuple[str, ...], says: str
) -> None:
    assert main(list(argv)) == 2
    out, err = capsys.readouterr()
    assert out == "" and says in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2  # the error, and its hint
