"""The rule catalogue (issue 16): every rule id the code cites is in it, with the policy's own
sentence and its source; every guard and finding is enforced by code and checked by a test;
docs/rules.md is generated from it and kept up to date."""

from __future__ import annotations

import re
import string
from functools import cache
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import senad_ap
from senad_ap import PolicyViolationError, Rule, all_rules, rule
from senad_ap.errors import InvalidInputError, NotFoundError, SenadApError
from senad_ap.rules import Force, Origin
from senad_ap.rules.docs import citations, enforcing, main, render, rule_ids_in

ROOT = Path(__file__).resolve().parent.parent.parent
SHARED = ROOT.parent / "shared" / "policy"
POLICY_TEXT = SHARED / "000_c6238c44f23eb487.txt"
SHARED_CATALOGUE = SHARED / "RULES.md"
IDS = [r.id for r in all_rules()]
CHECKED = (Force.GUARD, Force.FINDING)


@cache
def _enforced() -> dict[str, dict[str, set[str]]]:
    return enforcing(ROOT)


@cache
def _checked() -> dict[str, dict[str, set[str]]]:
    return citations(ROOT / "tests", ROOT)


def test_a_rule_is_found_by_its_id_with_the_policys_sentence() -> None:
    found = rule("PLAN-2")

    assert (found.force, found.modal, found.origin) == (Force.GUARD, "must", Origin.POLICY)
    assert found.sentence.startswith("All students must receive full-time provision in total")
    assert "Planning for alternative provision" in found.source


def test_an_id_not_in_the_catalogue_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError, match="no rule 'PLAN-99'") as refused:
        rule("PLAN-99")

    assert refused.value.field == "rule_id"


@given(st.text(alphabet=string.ascii_uppercase + string.digits + "-", max_size=12))
def test_any_other_text_is_no_rule(text: str) -> None:
    if text in IDS:
        assert rule(text).id == text
    else:
        with pytest.raises(InvalidInputError):
            rule(text)


def test_every_rule_is_looked_up_as_itself_and_ids_are_unique() -> None:
    assert [rule(rule_id) for rule_id in IDS] == list(all_rules())
    assert len(set(IDS)) == len(IDS)


def test_the_catalogue_ships_as_package_data() -> None:
    data = resources.files("senad_ap.rules").joinpath("catalogue.toml")

    assert data.is_file()


def test_the_catalogue_is_public_from_the_package() -> None:
    assert {"Rule", "rule", "all_rules"} <= set(senad_ap.__all__)
    assert senad_ap.rule("INFO-2") is rule("INFO-2")


@pytest.mark.parametrize("rule_id", IDS)
def test_every_rule_has_its_words_its_source_evidence_and_what_applies_it(rule_id: str) -> None:
    found = rule(rule_id)

    assert re.fullmatch(r"[A-Z]{2,8}-[1-9]\d*", found.id)
    assert [f for f in (found.short, found.sentence, found.source, found.evidence) if not f] == []
    assert found.applied_by != ()


def _plain(text: str) -> str:
    """The policy's words without its mark-up: bold, footnote marks, ticks, bullets, tags."""
    text = re.sub(r"<sup>\d+</sup>|</?b>|\*\*|✓", " ", text)
    text = re.sub(r"^\s*- ", " ", text, flags=re.M)
    return " ".join(text.split())


@pytest.mark.skipif(not POLICY_TEXT.exists(), reason="the policy text is not beside the repo")
@pytest.mark.parametrize("rule_id", [r.id for r in all_rules() if r.origin is Origin.POLICY])
def test_every_policy_rule_quotes_the_policy_word_for_word(rule_id: str) -> None:
    policy = _plain(POLICY_TEXT.read_text(encoding="utf-8"))
    parts = [part for part in _plain(rule(rule_id).sentence).rstrip(".").split(". ") if part]

    assert [part for part in parts if part not in policy] == []


@pytest.mark.skipif(not SHARED_CATALOGUE.exists(), reason="RULES.md is not beside the repo")
def test_the_catalogue_has_every_rule_of_the_shared_catalogue_with_its_force() -> None:
    rows = re.findall(
        r"^\| ([A-Z]+-\d+) \| ([^|]+) \| ([^|]+) \|",
        SHARED_CATALOGUE.read_text(encoding="utf-8"),
        re.M,
    )
    shared = {rule_id: (force.strip(), short.strip()) for rule_id, force, short in rows}
    ours = {r.id: (r.modal, r.short) for r in all_rules() if r.origin is not Origin.PROJECT}

    assert ours == shared


def test_every_rule_id_cited_in_the_library_is_in_the_catalogue() -> None:
    cited = set(citations(ROOT / "src" / "senad_ap", ROOT))

    assert cited - set(IDS) == set()


def test_a_new_rule_id_is_caught_and_references_are_not() -> None:
    line = "PLAN-9 refuses STU-0042 (RETURN-2025, SHA-256, DEMO-1, CONTACT-1)"

    assert rule_ids_in(line) == {"PLAN-9", "CONTACT-1"}


@pytest.mark.parametrize("rule_id", [r.id for r in all_rules() if r.force in CHECKED])
def test_every_guard_and_finding_is_enforced_by_library_code(rule_id: str) -> None:
    assert _enforced().get(rule_id, {}) != {}


@pytest.mark.parametrize("rule_id", [r.id for r in all_rules() if r.force in CHECKED])
def test_every_guard_and_finding_is_checked_by_a_test(rule_id: str) -> None:
    tests = _checked().get(rule_id, {})
    # This file cites every rule: only another test file counts.
    assert set(tests) - {"tests/unit/test_rules.py"} != set()


def test_docs_rules_md_is_up_to_date() -> None:
    written = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")

    assert written == render(ROOT), (
        "docs/rules.md is stale: regenerate it with `python -m senad_ap.rules.docs` "
        "at the repository's root"
    )


def test_policy_violation_error_carries_its_rule() -> None:
    refusal = PolicyViolationError("LOC-3", "the children's home is for residential students")

    assert refusal.rule == rule("LOC-3")
    assert "cannot be used for non-residential students" in refusal.rule.sentence


def test_an_error_without_a_rule_has_none() -> None:
    assert NotFoundError("No such placement.", kind="placement", id="x").rule is None
    assert SenadApError("STAT-7: the student's data was erased.").rule == rule("STAT-7")


def test_a_rule_reads_as_its_id_and_short_form() -> None:
    assert str(rule("QUAL-4")).startswith("QUAL-4: good arrangements with other services")
    assert isinstance(rule("QUAL-4"), Rule)


def test_the_generator_writes_the_page_and_lists_no_code_where_none_cites_a_rule(
    tmp_path: Path,
) -> None:
    (tmp_path / "src" / "senad_ap").mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_one.py").write_text("def test_it():\n    'LOC-3'\n")

    assert main([str(tmp_path)]) == 0
    page = (tmp_path / "docs" / "rules.md").read_text(encoding="utf-8")
    loc_3 = page.split("### LOC-3", 1)[1].split("###", 1)[0]
    assert "Enforced in:\n\n- none" in loc_3
    assert "- `tests/test_one.py`: `test_it`" in loc_3
