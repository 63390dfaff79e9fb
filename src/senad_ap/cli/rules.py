"""``senad-ap rules``: the rule catalogue on the command line (issue 16), and the line that
names a refused command's rule in words.

Every refusal and every finding names a rule by its id; ``senad-ap rules`` lists them all
with their short forms, and ``senad-ap rules PLAN-2`` gives one in full: the policy's own
sentence, its source, the evidence on the record and what applies it. It needs no store and
opens none. ``rule_line`` is what the command prints under a refusal that names a rule.
"""

from __future__ import annotations

import argparse
import difflib
import textwrap
from collections.abc import Sequence
from typing import TextIO

from senad_ap.cli.output import _json, _table
from senad_ap.cli.report import CommandParsers
from senad_ap.cli.session import EXIT_NOT_FOUND, EXIT_USAGE, _ExitError, _Session
from senad_ap.cli.tables import paragraph, plural
from senad_ap.errors import SenadApError
from senad_ap.rules import Force, Origin, Rule, all_rules

#: What each force means, in a few words, for the heading of one rule in full.
_FORCE_WORDS = {
    Force.GUARD: "a command that would break it is refused, and nothing is recorded",
    Force.FINDING: "the decision is recorded, and the compliance findings report the gap",
    Force.DEFINITION: "what the policy's words mean",
    Force.FACT: "a fact the record keeps",
}


def add_rules_parser(commands: CommandParsers) -> None:
    """``rules [ID ...] [--force FORCE] [--json] [--wide]``."""
    rules = commands.add_parser(
        "rules", help="the rule catalogue: every rule id, or one rule's words in full"
    )
    rules.add_argument(
        "rule",
        metavar="ID",
        nargs="*",
        help="rule ids to show in full, in any case (plan-2); none: the list of every rule",
    )
    rules.add_argument(
        "--force",
        choices=[force.value for force in Force],
        help="only the rules of this force (guard: refused; finding: reported)",
    )
    rules.add_argument("--json", action="store_true", help="JSON for machines")
    rules.add_argument(
        "--wide",
        action="store_true",
        help="rows and paragraphs on one line each, however wide (for grep and scripts)",
    )


def _rules(session: _Session, args: argparse.Namespace) -> None:
    wanted = [_find(text) for text in args.rule]
    chosen = wanted or list(all_rules())
    if args.force is not None:
        chosen = [r for r in chosen if r.force is Force(args.force)]
    if args.json:
        _json(session.out, {"rules": [_as_json(r) for r in chosen]})
    elif wanted and not chosen:
        forces = "; ".join(f"{r.id} is a {r.force.value}" for r in wanted)
        paragraph(
            session.out, f"None of the rules given is a {args.force}: {forces}.", session.width
        )
    elif wanted:
        for number, found in enumerate(chosen):
            if number:
                session.out.write("\n")
            _in_full(session.out, found, session.width)
    else:
        _listed(session, chosen, args.force)


def _find(text: str) -> Rule:
    """The rule with the id ``text``, in any case; exit 4 with the closest ids otherwise."""
    if "\x00" in text or not text.isprintable():
        raise _ExitError("The rule id given is not valid text.", EXIT_USAGE)
    catalogue = {r.id: r for r in all_rules()}
    wanted = text.strip().upper()
    if wanted in catalogue:
        return catalogue[wanted]
    close = difflib.get_close_matches(wanted, list(catalogue), n=3, cutoff=0.6)
    hint = f"Did you mean {_either(close)}? " if close else ""
    raise _ExitError(
        f"There is no rule {text!r} in the rule catalogue. {hint}"
        "`senad-ap rules` lists every rule.",
        EXIT_NOT_FOUND,
    )


def _either(ids: Sequence[str]) -> str:
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + f" or {ids[-1]}"


def _listed(session: _Session, rules: Sequence[Rule], force: str | None) -> None:
    rows = [(r.id, r.force.value, r.short) for r in rules]
    _table(session, ["id", "force", "the rule, in short"], rows)
    counted = plural(len(rules), f"{force} rule" if force else "rule")
    paragraph(
        session.out,
        f"{counted}; "
        "`senad-ap rules ID` gives one in full: the policy's words, its source, the evidence "
        "and what applies it.",
        session.width,
    )


def _in_full(out: TextIO, rule: Rule, width: int | None) -> None:
    """One rule: its id, force and verb, the policy's own sentence, source, evidence and what
    applies it, each wrapped to ``width``."""
    verb = "" if rule.modal == rule.force.value else f"{rule.modal}; "
    paragraph(
        out,
        f"{rule.id}: {rule.force.value} ({verb}{rule.origin.value}): {_FORCE_WORDS[rule.force]}.",
        width,
        hang="    ",
    )
    words = (
        "The policy's words:"
        if rule.origin is Origin.POLICY
        else "The rule, in this project's words (the source's are not quoted):"
    )

    def line(text: str) -> None:
        paragraph(out, text, width, indent="  ", hang="    ")

    line(f"In short: {_end(rule.short)}")
    line(words)
    paragraph(out, f"“{rule.sentence}”", width, indent="    ")
    line(f"Source: {_end(rule.source)}")
    line(f"Evidence on the record: {_end(rule.evidence)}")
    line(f"Applied by: {_end('; '.join(rule.applied_by))}")


def _end(text: str) -> str:
    """``text`` ending with one full stop."""
    return text.rstrip(".") + "."


def _as_json(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "force": rule.force.value,
        "modal": rule.modal,
        "origin": rule.origin.value,
        "short": rule.short,
        "sentence": rule.sentence,
        "source": rule.source,
        "evidence": rule.evidence,
        "applied_by": list(rule.applied_by),
    }


def rule_line(error: SenadApError, width: int | None) -> str:
    """What the command prints under a refusal that names a rule: the rule's short form and
    how to read it in full (``""`` when the error names no rule of the catalogue)."""
    if error.rule_id is None:
        return ""
    try:
        rule = error.rule
    except SenadApError:  # an id outside the catalogue: the message names it already
        return ""
    if rule is None:  # pragma: no cover - rule_id is not None
        return ""
    text = f"{rule.id} — {_end(rule.short)}"
    hint = f"  `senad-ap rules {rule.id}` shows the rule in full.\n"
    if width is None:
        return f"  {text}\n{hint}"
    lines = textwrap.wrap(
        text, width=width, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False
    )
    return "".join(f"{line}\n" for line in lines) + hint


def rules_named(out: TextIO, rule_ids: set[str], width: int | None) -> None:
    """Under a table of findings: each rule it names, in catalogue order, with its short form
    (an id outside the catalogue is left out: the table names it already)."""
    named = [r for r in all_rules() if r.id in rule_ids]
    if not named:
        return
    out.write("\n")
    paragraph(out, "The rules named (`senad-ap rules ID` shows one in full):", width)
    hang = " " * (max(len(r.id) for r in named) + 4)
    for found in named:
        paragraph(out, f"  {found.id.ljust(len(hang) - 4)}  {found.short}", width, hang=hang)
