"""Settings: defaults, the TOML file (strict), command-line flags over it, clear errors."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from awsexplorer.checks import check_ids, settings_from_args
from awsexplorer.config import Settings, add_arguments, from_args, from_mapping, load_file
from awsexplorer.errors import UserError


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Never pick up the developer's own ~/.config/awsexplorer/config.toml.
    monkeypatch.delenv("AWSEXPLORER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def parse(*argv: str) -> Settings:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return settings_from_args(parser.parse_args(list(argv)))


def test_defaults() -> None:
    settings = parse()
    assert settings == Settings()
    assert settings.required_tags == ("project", "environment", "owner")
    assert settings.stale_days == 90
    assert settings.disabled_checks == frozenset()


def test_flags() -> None:
    settings = parse(
        "--disable-check",
        "ec2-nat-gateway-cost,tag-missing-required",
        "--disable-check",
        "rds-single-az",
        "--required-tags",
        "Team, CostCenter",
        "--stale-days",
        "30",
    )
    assert settings.disabled_checks == {
        "ec2-nat-gateway-cost",
        "tag-missing-required",
        "rds-single-az",
    }
    assert settings.required_tags == ("Team", "CostCenter")
    assert settings.required_tag_keys == {"team", "costcenter"}
    assert settings.stale_days == 30


def test_config_file_then_flags_over_it(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        'disabled_checks = ["ec2-nat-gateway-cost"]\nrequired_tags = ["team"]\nstale_days = 45\n'
    )
    settings = parse(
        "--config", str(config), "--stale-days", "60", "--disable-check", "rds-single-az"
    )
    assert settings.disabled_checks == {"ec2-nat-gateway-cost", "rds-single-az"}
    assert settings.required_tags == ("team",)
    assert settings.stale_days == 60


def test_default_config_file_is_read_when_present(tmp_path: Path) -> None:
    default = tmp_path / "xdg" / "awsexplorer" / "config.toml"
    default.parent.mkdir(parents=True)
    default.write_text("stale_days = 120\n")
    assert parse().stale_days == 120


def test_unknown_key_is_rejected_with_a_suggestion(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("stale_day = 30\n")
    with pytest.raises(UserError) as caught:
        load_file(config)
    assert "unknown setting 'stale_day'" in caught.value.message
    assert str(config) in caught.value.message
    assert "Did you mean stale_days?" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"stale_days": "90"}, "stale_days must be a whole number"),
        ({"stale_days": 0}, "stale_days must be at least 1"),
        ({"required_tags": "owner"}, "required_tags must be a list of strings"),
        ({"disabled_checks": ["rds-singel-az"]}, "Unknown check id: rds-singel-az"),
    ],
)
def test_bad_values_are_rejected(data: dict, expected: str) -> None:
    with pytest.raises(UserError) as caught:
        from_mapping(data, "test.toml", known_checks=check_ids())
    assert expected in caught.value.message


def test_unknown_check_id_on_the_command_line_suggests_the_right_one() -> None:
    with pytest.raises(UserError) as caught:
        parse("--disable-check", "rds-singel-az")
    assert "Unknown check id: rds-singel-az" in caught.value.message
    assert "rds-single-az" in (caught.value.hint or "")


def test_invalid_toml_and_missing_named_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("stale_days = = 3\n")
    with pytest.raises(UserError, match="not valid TOML"):
        load_file(broken)
    with pytest.raises(UserError, match="no such file"):
        parse("--config", str(tmp_path / "missing.toml"))


def test_flags_before_a_sub_command_survive_it() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    sub = parser.add_subparsers(dest="command").add_parser("scan")
    add_arguments(sub, sub=True)
    assert from_args(parser.parse_args(["--stale-days", "30", "scan"])).stale_days == 30
    assert from_args(parser.parse_args(["scan", "--stale-days", "40"])).stale_days == 40
    assert from_args(parser.parse_args(["scan"])) == Settings()


def test_the_checks_refuse_settings_that_disable_an_unknown_check() -> None:
    """config.py does not know the catalogue; evaluate checks the ids, so a Settings built by
    hand with a misspelt id fails as the command line does, never silently runs the check."""
    from awsexplorer.checks import evaluate
    from tests.checks.check_fixtures import scan

    with pytest.raises(UserError) as caught:
        evaluate(scan(), Settings(disabled_checks=frozenset({"rds-singel-az"})))
    assert "Unknown check id: rds-singel-az" in caught.value.message
    assert "rds-single-az" in (caught.value.hint or "")
