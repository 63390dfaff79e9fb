"""``senad-ap rules``: the rule catalogue on the command line, and each rule in words where the
command names it, under a refusal and under the compliance findings (issue 16)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from senad_ap.cli import main
from senad_ap.cli.rules import rule_line
from senad_ap.errors import PolicyViolationError
from senad_ap.rules import Force, all_rules, rule
from tests.integration.demo_school import STORE_VARIABLES, DemoFolder, Run

#: The exit code for "no such placement, pupil or rule" (docs/inspection.md).
NOT_FOUND = 4
#: A rule's id at the start of a row of the list.
_ROW = re.compile(r"^([A-Z]+-\d+)\s")


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in (*STORE_VARIABLES, "SENAD_AP_PROJECTIONS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("COLUMNS", "80")


def _main(*args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return Run(code, out.getvalue(), err.getvalue())


def _listed(text: str) -> list[str]:
    """The rule id of each row of the list."""
    found = (_ROW.match(line) for line in text.splitlines())
    return [m[1] for m in found if m is not None]


def _unwrapped(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------ the list
def test_the_list_names_every_rule_of_the_catalogue_in_its_order() -> None:
    run = _main("rules")

    assert (run.code, _listed(run.out)) == (0, [r.id for r in all_rules()])


def test_no_line_of_the_list_passes_80_columns() -> None:
    run = _main("rules")

    assert max(len(line) for line in run.out.splitlines()) <= 80


def test_the_list_gives_each_rules_short_form() -> None:
    run = _main("rules", "--wide")

    assert [r.short in run.out for r in all_rules()] == [True] * len(all_rules())


def test_force_guard_lists_exactly_the_guard_rules() -> None:
    run = _main("rules", "--force", "guard")

    assert _listed(run.out) == [r.id for r in all_rules() if r.force is Force.GUARD]


def test_json_gives_every_rule_with_its_sentence() -> None:
    run = _main("rules", "--json")
    found = {r["id"]: r["sentence"] for r in json.loads(run.out)["rules"]}

    assert found == {r.id: r.sentence for r in all_rules()}


# -------------------------------------------------------------------------- one in full
def test_one_rule_in_full_shows_the_policys_sentence_word_for_word() -> None:
    run = _main("rules", "PLAN-2")

    assert (run.code, _unwrapped(rule("PLAN-2").sentence) in _unwrapped(run.out)) == (0, True)


def test_one_rule_in_full_shows_its_source_evidence_and_what_applies_it() -> None:
    plan = rule("PLAN-2")
    run = _main("rules", "PLAN-2")

    assert [
        _unwrapped(text) in _unwrapped(run.out)
        for text in (plan.source, plan.evidence, *plan.applied_by)
    ] == [True] * (2 + len(plan.applied_by))


def test_one_rule_in_full_fits_80_columns() -> None:
    run = _main("rules", "CONTACT-1", "STAT-7")

    assert max(len(line) for line in run.out.splitlines()) <= 80


def test_a_lower_case_id_shows_the_rule() -> None:
    assert _main("rules", "plan-2").out == _main("rules", "PLAN-2").out


def test_several_ids_show_each_rule_in_turn() -> None:
    run = _main("rules", "QUAL-4", "contact-1")
    starts = re.findall(r"^([A-Z]+-\d+): ", run.out, flags=re.MULTILINE)

    assert (run.code, starts) == (0, ["QUAL-4", "CONTACT-1"])


def test_ids_of_another_force_than_asked_are_named_with_their_force() -> None:
    run = _main("rules", "--force", "finding", "PLAN-2")

    assert (run.code, run.out) == (0, "None of the rules given is a finding: PLAN-2 is a guard.\n")


def test_an_unknown_id_exits_with_the_not_found_code_and_prints_nothing() -> None:
    run = _main("rules", "PLAN-22")

    assert (run.code, run.out) == (NOT_FOUND, "")


def test_an_unknown_id_suggests_the_closest_id_and_the_list() -> None:
    run = _main("rules", "CONTAKT-1")

    assert ("CONTACT-1" in run.err, "`senad-ap rules` lists every rule" in run.err) == (True, True)


# --------------------------------------------------------------------------- no store
def test_rules_creates_nothing_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    run = _main("rules", "PLAN-2")

    assert (run.code, list(tmp_path.iterdir())) == (0, [])


def test_rules_needs_no_store_even_when_db_names_a_missing_one(tmp_path: Path) -> None:
    run = _main("--db", str(tmp_path / "nowhere.sqlite"), "rules")

    assert (run.code, list(tmp_path.iterdir())) == (0, [])


def test_rules_help_has_a_description_and_an_example() -> None:
    run = _main("rules", "--help")

    assert ("rule catalogue" in run.out, "\n  senad-ap rules PLAN-2" in run.out) == (True, True)


# ------------------------------------------------------------------ the rule, named in words
def test_a_refusal_names_its_rules_short_form_and_how_to_read_it_in_full() -> None:
    refusal = PolicyViolationError("PLAN-2", "the plan gives 20 hours a week, not full time.")

    line = _unwrapped(rule_line(refusal, 80))

    assert line == (
        f"PLAN-2 — {rule('PLAN-2').short}. `senad-ap rules PLAN-2` shows the rule in full."
    )


def test_a_refusals_rule_line_fits_80_columns() -> None:
    refusal = PolicyViolationError("STAT-4", "the setting is not registered.")

    assert max(len(line) for line in rule_line(refusal, 80).splitlines()) <= 80


def test_the_compliance_findings_name_each_rule_in_words(demo_folder: DemoFolder) -> None:
    run = _main("--db", str(demo_folder.db), "compliance", "--as-at", "2025-12-19", "--wide")

    assert (run.code, f"  CONTACT-1  {rule('CONTACT-1').short}" in run.out) == (0, True)
