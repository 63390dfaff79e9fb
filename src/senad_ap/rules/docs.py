"""docs/rules.md, generated from the rule catalogue and from where the code and the tests cite
each rule: ``python -m senad_ap.rules.docs`` in the repository (or give its root).

``citations(directory, root)`` finds, for each rule id, the functions (or modules) of the
Python files under ``directory`` whose lines cite it, comments included; ``render(root)`` is
the page; ``rule_ids_in(text)`` the rule ids a text uses (references like ``STU-0042`` and
names like ``SHA-256`` are not rule ids).
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from senad_ap.rules import Force, Origin, Rule, all_rules

__all__ = ["NOT_RULES", "citations", "main", "render", "rule_ids_in"]

#: Looks like a rule id; ``rule_ids_in`` keeps those that are.
_TOKEN = re.compile(r"\b[A-Z]{2,8}-[0-9]+\b")
#: Tokens of that shape in the code that are not rule ids: a cipher, a hash, an encoding, the
#: demo school. A number with a leading zero or of four digits or more is a reference.
NOT_RULES = frozenset({"AES-256", "SHA-256", "UTF-8", "DEMO-1"})
#: Code that cites rules without applying them: the demo's data and the test strategies.
_NOT_ENFORCING = ("demo", "testing", "rules")
#: Where ``render`` finds the code and the tests, under the repository's root.
SRC = Path("src") / "senad_ap"
TESTS = Path("tests")

_FORCE_WORDS = {
    Force.GUARD: "guard: a command that would break it is refused, nothing is recorded",
    Force.FINDING: "finding: the decision is recorded, the compliance projection reports the gap",
    Force.DEFINITION: "definition: what the policy's words mean",
    Force.FACT: "fact: kept on the record",
}


def rule_ids_in(text: str) -> set[str]:
    """The rule ids ``text`` uses: tokens like ``PLAN-2``, without references and names."""
    return {
        token
        for token in _TOKEN.findall(text)
        if token not in NOT_RULES and not re.search(r"-(0\d*|\d{4,})$", token)
    }


def _owners(tree: ast.Module) -> list[tuple[int, int, str]]:
    """Each function and class: its first and last line, and its qualified name."""
    found: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                found.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, f"{name}.")

    visit(tree, "")
    return found


def _owner(owners: list[tuple[int, int, str]], line: int) -> str:
    """The innermost function or class holding ``line``, or ``""`` for the module."""
    holding = [(first, name) for first, last, name in owners if first <= line <= last]
    return max(holding)[1] if holding else ""


def citations(directory: Path, root: Path) -> dict[str, dict[str, set[str]]]:
    """For each rule id cited in the Python files under ``directory``: each file (relative to
    ``root``, with ``/``) and the functions or classes that cite it (``""``: at module level)."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(directory.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        owners = _owners(ast.parse(text))
        name = path.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), start=1):
            for rule_id in rule_ids_in(line):
                found[rule_id][name].add(_owner(owners, number))
    return found


def enforcing(root: Path) -> dict[str, dict[str, set[str]]]:
    """``citations`` of the library's code, without the demo, test strategies and catalogue."""
    src = root / SRC
    cited = citations(src, root)
    skip = tuple(f"{(SRC / part).as_posix()}/" for part in _NOT_ENFORCING)
    return {
        rule_id: {path: names for path, names in files.items() if not path.startswith(skip)}
        for rule_id, files in cited.items()
    }


def _places(files: dict[str, set[str]]) -> list[str]:
    lines = []
    for path in sorted(files):
        names = sorted(name for name in files[path] if name)
        where = ", ".join(f"`{name}`" for name in names)
        lines.append(f"- `{path}`" + (f": {where}" if where else " (module level)"))
    return lines or ["- none"]


def _end(text: str) -> str:
    """``text`` ending with one full stop."""
    return text.rstrip(".") + "."


def evidence_events() -> dict[str, list[str]]:
    """Per rule id, the event types that are evidence for it (their ``evidence_for``)."""
    from senad_ap.reference.events import event_types  # the domain, imported only here

    found: dict[str, list[str]] = {}
    for cls in event_types():
        for rule_id in cls.evidence_for:
            found.setdefault(rule_id, []).append(cls.__name__)
    return {rule_id: sorted(names) for rule_id, names in found.items()}


def _events_line(names: Sequence[str]) -> str:
    if not names:
        return "Events that are its evidence: none of its own."
    links = ", ".join(f"[{name}](events.md#{name.lower()})" for name in names)
    return f"Events that are its evidence: {links}."


def _section(
    rule: Rule,
    enforced: dict[str, set[str]],
    checked: dict[str, set[str]],
    events: Sequence[str] = (),
) -> str:
    words = (
        "The policy's words:"
        if rule.origin is Origin.POLICY
        else "The rule, in this project's words (the source's are not quoted):"
    )
    lines = [
        f"### {rule.id}",
        "",
        f"**{rule.force.value}** (*{rule.modal}*, {rule.origin.value}): {_end(rule.short)}",
        "",
        words,
        "",
        f"> {rule.sentence}",
        "",
        f"Source: {_end(rule.source)}",
        "",
        f"Evidence on the record: {_end(rule.evidence)}",
        "",
        _events_line(events),
        "",
        f"Applied by: {_end('; '.join(rule.applied_by))}",
        "",
        "Enforced in:",
        "",
        *_places(enforced),
        "",
        "Checked by:",
        "",
        *_places(checked),
    ]
    return "\n".join(lines)


def render(root: Path) -> str:
    """docs/rules.md for the repository at ``root``."""
    enforced = enforcing(root)
    checked = citations(root / TESTS, root)
    rules = all_rules()
    events = evidence_events()
    head = [
        "# The rule catalogue",
        "",
        "<!-- Generated by `python -m senad_ap.rules.docs` from src/senad_ap/rules/catalogue.toml",
        "     and the code and tests that cite each rule: do not edit by hand. -->",
        "",
        "Every rule id the library cites, in errors (`PolicyViolationError.rule`), compliance",
        "findings (`FindingRow.rule`), the record's events (`evidence_for`) and the code, with",
        "the words behind it. The policy rules quote the school group's policy *Alternative",
        "Provision – Education other than at School (England)*, section 7, version 6",
        "(ratified December 2024) word for word; the policy numbers no paragraphs, so the source",
        "counts them under each heading. The statutory facts (`STAT-*`) and the rules this",
        "project defines (`NOTIFY-*`) give the law or guidance they come from. In code:",
        '`senad_ap.rule("PLAN-2")`, `senad_ap.all_rules()` (`senad_ap.rules`).',
        "",
        "Force:",
        "",
        *(f"- {words}." for words in _FORCE_WORDS.values()),
        "",
        "*Events that are its evidence* are the event types that name the rule in their",
        "`evidence_for` ([events.md](events.md) describes each).",
        "*Enforced in* lists the functions of the library that cite the rule (the demo and the",
        "test strategies left out); *checked by*, the tests that do. Every guard and finding has",
        "both (tests/unit/test_rules.py checks it); definitions and facts are exempt, as they",
        "shape the record rather than being checked on their own.",
        "",
        "| id | force | the rule, in short |",
        "|---|---|---|",
        *(f"| [{r.id}](#{r.id.lower()}) | {r.force.value} | {r.short} |" for r in rules),
        "",
        "## The rules",
    ]
    sections = [
        _section(r, enforced.get(r.id, {}), checked.get(r.id, {}), events.get(r.id, ()))
        for r in rules
    ]
    return "\n\n".join(["\n".join(head), *sections]) + "\n"


def main(argv: Sequence[str] = ()) -> int:
    """Write docs/rules.md under the repository root given (the working directory if none)."""
    root = Path(argv[0]) if argv else Path.cwd()
    target = root / "docs" / "rules.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(root), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
