"""What the report says under each rule id: the policy's own sentence and its source, from the
rule catalogue in the package (``senad_ap.rules``), and what the record is checked for, from
the table of ``senad_ap.domain.compliance`` (its module text, the one place in the package that
words each check)."""

from __future__ import annotations

import re
from functools import cache

import senad_ap.domain.compliance as checks
from senad_ap.rules import all_rules

__all__ = ["rule_checks", "rule_sentences"]

_ROW = re.compile(r"^([A-Z]+-\d+)\s{2,}(.+)$")


@cache
def rule_checks() -> dict[str, str]:
    """Rule id -> the sentence of its check (joined over its lines; two checks of one id, as
    STAT-4's, joined with "; "). Empty if the module's text was stripped (``python -OO``)."""
    text = checks.__doc__ or ""
    parts = text.split("==========  ")
    if len(parts) < 4:
        return {}
    table = parts[2].split("\n", 1)[-1]  # the rows between the 2nd and 3rd rules
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in table.splitlines():
        row = _ROW.match(line)
        if row is not None:
            current = found.setdefault(row.group(1), [])
            current.append(row.group(2).strip())
        elif line.startswith(" " * 12) and current is not None:
            current[-1] += " " + line.strip()
    return {rule: "; ".join(texts).replace("``", "") for rule, texts in found.items()}


@cache
def rule_sentences() -> dict[str, tuple[str, str]]:
    """Rule id -> (the policy's sentence, or the statute's, as the catalogue quotes it; its
    source)."""
    return {r.id: (r.sentence, r.source) for r in all_rules()}
