"""The README and docs stay true: their code runs, their tables name what the code does."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from uuid import UUID

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
    assert "is at version 2, not 1 as expected" in printed
    assert "3 ConsentGiven senco-1" not in printed
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
    assert lines[-4:] == [
        "Status now: active",
        "Student: Sam Example",
        "After erasure: student [erased], status erased: personal data destroyed at the end of "
        "retention",
        "Verified: True (21 events, none rewritten)",
    ]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    test_command = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


@pytest.mark.parametrize("rule_id", GUARDS)
def test_domain_doc_names_every_guard_rule(rule_id: str) -> None:
    assert rule_id in DOMAIN


def test_domain_doc_names_every_public_command_method() -> None:
    # The facade's methods, those of its parts (``PlacementDecisions``) included.
    own = [c for c in AlternativeProvision.__mro__ if c.__module__.startswith("senad_ap.")]
    methods = {
        name
        for cls in own
        for name, value in vars(cls).items()
        if callable(value)
        and not name.startswith("_")
        and name.split("_")[0]
        in {"open", "assess", "agree", "revise", "give", "withdraw", "share", "record",
            "start", "correct", "review", "end", "register", "confirm", "appoint", "revoke",
            "grant"}
    }  # fmt: skip
    missing = {m for m in methods if f"`{m}`" not in DOMAIN}
    assert {"record_attendance", "open_placement", "register_provider"} <= methods
    assert missing == set()


def test_domain_doc_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOMAIN, re.S)
    for code in blocks:
        exec(compile(code, "docs/domain.md", "exec"), {})  # noqa: S102 - the doc's own example
    assert blocks != []


@pytest.mark.skipif(not RULES.exists(), reason="the shared rule catalogue is not beside the repo")
def test_guard_list_matches_the_rule_catalogue() -> None:
    rows = re.findall(r"^\| ([A-Z]+-\d+) \| ([^|]+) \|", RULES.read_text(encoding="utf-8"), re.M)
    guards = {rule for rule, force in rows if force.strip() in {"must", "cannot", "will only"}}
    assert guards == set(GUARDS)


TESTING = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")


def _python_blocks(text: str) -> list[tuple[int, str]]:
    """Each ```python block of ``text``: the line its code starts on, and the code."""
    return [
        (text.count("\n", 0, block.start(1)) + 1, block.group(1))
        for block in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M)
    ]


@pytest.mark.parametrize(
    ("line", "code"),
    [pytest.param(*block, id=f"line {block[0]}") for block in _python_blocks(TESTING)],
)
def test_testing_doc_examples_run_and_pass(
    line: int, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run as a module of its own (dataclasses look their module up), padded so that a
    # failure's traceback gives the line in docs/testing.md; then its tests are called.
    module = ModuleType("docs_testing")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile("\n" * (line - 1) + code, "docs/testing.md", "exec"), vars(module))  # noqa: S102
    tests = [test for name, test in vars(module).items() if name.startswith("test_")]
    for test in tests:
        test()
    assert tests != []


def test_testing_doc_shows_every_public_strategy() -> None:
    import senad_ap.testing

    assert [name for name in senad_ap.testing.__all__ if f"`{name}" not in TESTING] == []


INSPECTION = (ROOT / "docs" / "inspection.md").read_text(encoding="utf-8")
SHOULD_AND_WILL = (
    "AIM-1", "AIM-2", "AIM-3", "AIM-4", "PLAN-1", "PLAN-3", "PLAN-4", "COMM-2", "COMM-5",
    "COMM-6", "COMM-7", "COMM-8", "COMM-9", "INFO-1", "INFO-3", "CONTACT-1", "PT-1", "PT-2",
    "QUAL-1", "QUAL-2", "QUAL-3", "QUAL-4", "LOC-2", "STAT-3", "STAT-5", "STAT-6",
)  # fmt: skip


def _table_rows(heading: str) -> list[list[str]]:
    section = INSPECTION.split(heading, 1)[1]
    rows = re.findall(r"^\|(.+)\|$", section, re.M)
    cells = [[c.strip() for c in row.split("|")] for row in rows]
    table = []
    for row in cells[2:]:
        if row[0].startswith("---"):
            break
        table.append(row)
    return table


EVOLVING = (ROOT / "docs" / "evolving-events.md").read_text(encoding="utf-8")


def test_evolving_events_doc_example_runs() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", EVOLVING, re.S)
    exec(compile(code, "docs/evolving-events.md", "exec"), {})  # noqa: S102 - the doc's own example


def test_inspection_doc_example_runs() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", INSPECTION, re.S)
    exec(compile(code, "docs/inspection.md", "exec"), {})  # noqa: S102 - the doc's own example


def test_inspection_doc_names_every_senad_ap_command() -> None:
    from senad_ap.cli import _COMMANDS

    documented = set(re.findall(r"^senad-ap (\w+)", INSPECTION, re.M))
    assert documented == set(_COMMANDS)


@pytest.mark.parametrize("rule_id", SHOULD_AND_WILL)
def test_inspection_doc_says_how_every_should_and_will_rule_is_reported(rule_id: str) -> None:
    assert rule_id in INSPECTION.split("## Compliance findings", 1)[1].split("## The export")[0]


def test_inspection_doc_lists_exactly_the_export_fields() -> None:
    from senad_ap.projections import AuditEntry

    documented = set()
    for row in _table_rows("## The export (JSON Lines)"):
        documented |= set(re.findall(r"`(\w+)`", row[0]))
    example = AuditEntry(
        position=1, record_id=UUID(int=1), record_kind="placement", record_version=1,
        placement_id=None, provider_ids=(), school_id="S", event_type="PlacementOpened",
        recorded_at=datetime(2025, 9, 1, tzinfo=UTC), effective_on=date(2025, 9, 1),
        late_entry=False, actor_id="a", actor_role="school staff", actor_school_id="S",
        actor_provider_id=None, policy_version="v", evidence_for=(), description="d",
        facts={}, idempotency_key=None, corrects_version=None,
    )  # fmt: skip
    assert documented == set(example.to_json())


#: Finding ids defined in docs/domain.md, not in the shared catalogue (SI 2024/208 reg. 13).
OWN_FINDINGS = ("NOTIFY-1", "NOTIFY-2")


@pytest.mark.parametrize("rule_id", OWN_FINDINGS)
def test_inspection_doc_has_a_findings_row_for_each_rule_of_our_own(rule_id: str) -> None:
    rows = _table_rows("## Compliance findings")

    assert rule_id in [row[0] for row in rows]


@pytest.mark.parametrize("rule_id", OWN_FINDINGS)
def test_domain_doc_defines_each_rule_of_our_own_with_its_source(rule_id: str) -> None:
    section = DOMAIN.split("## Absence followed up", 1)[1].split("\n## ", 1)[0]

    assert (rule_id in section, "SI 2024/208" in section) == (True, True)
