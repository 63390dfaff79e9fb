"""The sentence the report shows for each rule id: the check's, from the compliance module's
table (senad_ap.report.rules)."""

from __future__ import annotations

from senad_ap.report.rules import rule_checks, rule_sentences


def test_a_rule_reads_the_whole_sentence_of_its_check_over_its_lines() -> None:
    assert rule_checks()["COMM-4"] == (
        "each outside provider (and the allied children's home) of a running placement keeps a "
        "current, satisfactory risk assessment (a must rule: checked as a guard at the start, "
        "reported as a finding afterwards, when an assessment runs out and nothing can be "
        "refused)"
    )


def test_a_rule_with_two_checks_reads_both() -> None:
    first, second = rule_checks()["STAT-4"].split("; a running placement")
    assert first.startswith("a provider that became unregistered")
    assert second.startswith(" whose student is protected")


def test_the_header_row_is_not_a_rule() -> None:
    assert all("-" in rule for rule in rule_checks())


def test_a_rule_reads_the_policys_own_sentence_and_its_source() -> None:
    sentence, source = rule_sentences()["COMM-4"]
    assert (sentence, source.startswith("Policy section 7, version 6")) == (
        "Risk assessed as being safe to allow the student to learn, with appropriate "
        "safeguarding policies;",
        True,
    )
