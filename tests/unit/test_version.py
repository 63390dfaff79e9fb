"""The version an installed senad_ap reports is the one pyproject.toml declares."""

from __future__ import annotations

import tomllib
from pathlib import Path

import senad_ap

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"
CHANGELOG = Path(__file__).parents[2] / "CHANGELOG.md"


def test_the_version_is_the_one_pyproject_declares() -> None:
    declared = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]

    assert senad_ap.__version__ == declared


def test_the_changelog_has_an_entry_for_the_version() -> None:
    assert f"## [{senad_ap.__version__}]" in CHANGELOG.read_text(encoding="utf-8")
