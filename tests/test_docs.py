"""The README and docs stay true: their code runs, their tables name what the code does."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from senad_ap import AlternativeProvision

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOMAIN = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
RULES = ROOT.parent / "shared" / "policy" / "RULES.md"
GUARDS = ("NEED-2", "PLAN-2", "COMM-3", "COMM-4", "INFO-2", "LOC-3", "STAT-1", "STAT-2", "STAT-4")


def test_readme_embedding_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    (code,) = re.findall(r"```python\n(.*?)```", README, re.S)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    printed = capsys.readouterr().out
    assert "refused: NEED-2" in printed
    assert "PlacementOpened senco-1 section 7, version 6" in printed


def test_readme_example_command_prints_a_history_from_a_sqlite_file(tmp_path: Path) -> None:
    store = tmp_path / "example.sqlite"
    result = subprocess.run(  # noqa: S603 - our own example, with this interpreter
        [sys.executable, str(ROOT / "examples" / "record_a_placement.py"), str(store)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert store.exists()
    assert lines[0].startswith("History of placement")
    assert [line.split()[2] for line in lines[1:7]] == [
        "PlacementOpened",
        "NeedsAssessed",
        "PlanAgreed",
        "ConsentGiven",
        "ConsentGiven",
        "PlacementStarted",
    ]
    assert lines[-1] == "Status now: active"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    test_command = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


@pytest.mark.parametrize("rule_id", GUARDS)
def test_domain_doc_names_every_guard_rule(rule_id: str) -> None:
    assert rule_id in DOMAIN


def test_domain_doc_names_every_public_command_method() -> None:
    methods = {
        name
        for name, value in vars(AlternativeProvision).items()
        if callable(value)
        and not name.startswith("_")
        and name.split("_")[0]
        in {"open", "assess", "agree", "revise", "give", "withdraw", "share", "record",
            "start", "correct", "review", "end", "register", "confirm", "appoint", "revoke",
            "grant"}
    }  # fmt: skip
    missing = {m for m in methods if f"`{m}`" not in DOMAIN}
    assert missing == set()


@pytest.mark.skipif(not RULES.exists(), reason="the shared rule catalogue is not beside the repo")
def test_guard_list_matches_the_rule_catalogue() -> None:
    rows = re.findall(r"^\| ([A-Z]+-\d+) \| ([^|]+) \|", RULES.read_text(encoding="utf-8"), re.M)
    guards = {rule for rule, force in rows if force.strip() in {"must", "cannot", "will only"}}
    assert guards == set(GUARDS)
