"""What ``senad-ap --help`` and each command's ``--help`` say: a description, examples (run
against the demo, ``senad-ap demo``), and the exit codes, as docs/inspection.md has them."""

from __future__ import annotations

import textwrap

from senad_ap.cli.session import ENVIRONMENT_VARIABLE, PROJECTIONS_VARIABLE
from senad_ap.cli.tables import terminal_width

#: Every exit code of the command, and what it means (docs/inspection.md lists the same).
EXIT_CODES = (
    (0, "done"),
    (1, "the record refused the command, or could not do it (a store error)"),
    (2, "a bad option, date or value"),
    (3, "no store at that path: missing, empty, a folder, not a database, another "
        "program's database; or `verify` of a store that holds no events"),
    (4, "no such placement, pupil or rule"),
    (5, "`verify` found the store altered"),
    (6, "the store is encrypted and its key was not given (or another key was): give it as "
        "CIPHER_KEY"),
    (7, "the store was written by a newer version of senad-ap (a newer stored format): "
        "upgrade senad-ap"),
)  # fmt: skip

DESCRIPTION = (
    "The record of a school's alternative provision decisions, for inspection.\n\n"
    f"Works on the store named by --db (or ${ENVIRONMENT_VARIABLE}, or ./senad_ap.sqlite): "
    "a SQLite file or a postgresql:// URL. Read commands never write to a SQLite store and "
    "never create a file: they use the projections file beside the store if there is one "
    "(`senad-ap demo` and `senad-ap rebuild` make it), or --projections (or "
    f"${PROJECTIONS_VARIABLE}), and otherwise work the projections out in memory. Global "
    "options may come before or after the command."
)


#: Help text is wrapped to the terminal (``COLUMNS``), never wider than this: long lines read
#: badly even on a wide terminal.
MOST_WIDTH = 88


def help_width() -> int:
    """The width help text is wrapped to: the terminal's (80 when unknown), at most 88."""
    return min(terminal_width(), MOST_WIDTH)


def wrapped(text: str) -> str:
    """``text``'s paragraphs (separated by a blank line) filled to ``help_width()``."""
    return "\n\n".join(textwrap.fill(part, width=help_width()) for part in text.split("\n\n"))


#: A first session, for the main ``--help``: each command with what it shows (at most 78
#: characters a line, so that it fits 80 columns).
FIRST_STEPS = (
    ("senad-ap demo", "write an example school"),
    ("senad-ap compliance --as-at 2025-12-19", "the demo's findings at term's end"),
    ("senad-ap history DEMO-S003", "one placement's every decision"),
    ("senad-ap rules CONTACT-1", "a rule's words, by its id"),
    ("senad-ap COMMAND --help", "a command's help and examples"),
)


def epilog() -> str:
    """The main ``--help``'s closing text: a first session, then the exit codes."""
    width = help_width()
    codes = "\n".join(
        textwrap.fill(meaning, width=width, initial_indent=f"  {code}  ", subsequent_indent="     ")
        for code, meaning in EXIT_CODES
    )
    column = max(len(command) for command, _ in FIRST_STEPS)
    steps = "\n".join(f"  {command:<{column}}  # {what}" for command, what in FIRST_STEPS)
    return f"first steps:\n{steps}\n\nexit codes:\n{codes}"


#: Each command's description and examples, for its ``--help``.
COMMANDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "demo": (
        "Write a realistic example school into the store (41 placements, a term of attendance, "
        "some gaps left open on purpose), then keep its projections beside it. Refuses a store "
        "that already holds data unless --force. The demo is dated 2025: its term ended on "
        "2025-12-19.",
        ("senad-ap demo", "senad-ap --db trial.sqlite demo"),
    ),
    "placements": (
        "The placement register: every placement, its student, status, setting, dates, hours "
        "and attendance.",
        (
            "senad-ap placements",
            "senad-ap placements --status active --as-at 2025-11-03",
            "senad-ap placements --db other.sqlite --json",
        ),
    ),
    "history": (
        "Every decision on one placement, who took it and when it took effect, with the "
        "attendance marks. PLACEMENT is the placement's id, its first 8 characters or more, or "
        "the student reference.",
        ("senad-ap history DEMO-S003", "senad-ap history 5b69ce1a --as-known-on 2025-10-24"),
    ),
    "compliance": (
        "The compliance findings open on a day (today by default), with the id of the rule "
        "behind each, the group's (POL-1) first. On the demo, give its last day: today is long "
        "after its term, so most of today's findings are what was left undone since.",
        (
            "senad-ap compliance --as-at 2025-12-19",
            "senad-ap compliance --as-known-on 2025-10-24 --json",
        ),
    ),
    "attendance": (
        "Attendance by term and by week: of one placement, of one pupil across their "
        "placements (--pupil), or every pupil's totals with their absence band (--pupils).",
        (
            "senad-ap attendance DEMO-S003",
            "senad-ap attendance --pupil DEMO-S032 --by session",
            "senad-ap attendance --pupils --as-at 2025-12-19",
        ),
    ),
    "providers": (
        "Every provider: registration, URN, lapse, risk assessment, quality-assurance visit "
        "and placements now.",
        ("senad-ap providers", "senad-ap providers --json"),
    ),
    "export": (
        "The whole audit trail, one JSON object a line, in the order it was recorded.",
        ("senad-ap export -o audit.jsonl", "senad-ap export | head"),
    ),
    "rebuild": (
        "Drop every projection and work it out again from the log, into the projections file "
        "beside the store (or --projections). Also the way to keep projections beside a store "
        "that has none, so that read commands need not work them out each time.",
        ("senad-ap rebuild", "senad-ap --db copy.sqlite rebuild"),
    ),
    "report": (
        "The inspector's pack: one self-contained HTML file (no network, prints on A4) with a "
        "summary of the placements, the open findings grouped by rule with the policy's own "
        "sentence, the providers' registration and risk assessments, and, per placement, a "
        "timeline of every decision and a weekly attendance chart; as in effect on a date "
        "(--as-at) or as known on one (--as-known-on), for the whole record, a school, a "
        "provider or one placement.",
        (
            "senad-ap report --as-at 2025-12-19",
            "senad-ap report --placement DEMO-S003 -o DEMO-S003.html",
            "senad-ap report --as-known-on 2025-10-24 --school DEMO-1",
        ),
    ),
    "seal": (
        "Record a seal: the head of the hash chain over the log, so that a later rewrite "
        "shows. Keep the seals outside the store (`senad-ap seals`).",
        ("senad-ap seal", "senad-ap seal --by head-DEMO-1"),
    ),
    "seals": (
        "Every seal recorded, one JSON object a line, for an inspector to keep and give "
        "back to `verify --seals`.",
        ("senad-ap seals -o seals.jsonl",),
    ),
    "retention": (
        "Students whose retention has ended (STAT-7), due for erasure; --all lists every "
        "student with the day their retention ends.",
        ("senad-ap retention", "senad-ap retention --all --school DEMO-1"),
    ),
    "forget": (
        "Erase a student's personal data once their retention has ended (STAT-7): their key is "
        "destroyed, and their name, date of birth and notes read [erased] everywhere.",
        ("senad-ap forget DEMO-S001 --school DEMO-1 --by head-DEMO-1",),
    ),
    "verify": (
        "Check that nothing in the store was altered, removed, inserted or reordered, against "
        "its hash chain and seals, and against seals kept outside it (--seals) and the group's "
        "public key (--public-key). A store with no events is refused (exit 3): nothing would "
        "be proved.",
        ("senad-ap verify", "senad-ap verify --seals seals.jsonl --public-key group.pub"),
    ),
    "rules": (
        "The rule catalogue: every rule id that refusals and findings name, with its force "
        "and the rule in short (--force: only guards, findings, definitions or facts); with "
        "ids (in any case), each rule in full: the policy's own sentence, its source, the "
        "evidence on the record that meets it and what applies it. Needs no store.",
        (
            "senad-ap rules",
            "senad-ap rules --force guard",
            "senad-ap rules PLAN-2 contact-1",
            "senad-ap rules --json",
        ),
    ),
}


def command_help(name: str) -> tuple[str, str]:
    """The description and the examples (as an epilog) of the command ``name``."""
    description, examples = COMMANDS[name]
    return description, "examples:\n" + "\n".join(f"  {line}" for line in examples)
