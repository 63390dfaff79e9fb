"""Every fenced block of README.md and docs/*.md is run or checked by its language tag, and
every figure the docs quote about the code or the demo is checked against the real value.

The convention (docs/testing.md, "The docs are tested"):

- ```python: run as a module of its own, in a fresh temporary folder (each block stands alone);
- ```sh: each command line run for real with the installed ``senad-ap`` and Python, in a
  fresh temporary folder (the demo store there already, unless the block makes it); exit 0;
- ```console: ``$ command`` lines, each followed by its output as printed at 80 columns,
  compared exactly; a line ``…`` stands for lines left out (``…`` alone: output not shown);
- ```json, ```toml: parsed; ```mermaid: a diagram of a known kind whose module names exist;
- ```text: shown, not run (a synopsis, made-up output, a crontab line).

A command that cannot run in a test is in ``SKIPPED`` with its reason.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
BIN = Path(sys.executable).parent
LANGUAGES = ("python", "sh", "console", "text", "json", "toml", "mermaid")
MERMAID_KINDS = ("flowchart", "graph", "sequenceDiagram", "classDiagram", "stateDiagram",
                 "stateDiagram-v2", "erDiagram", "gantt", "pie", "journey", "timeline")  # fmt: skip

#: Commands the docs give that a test cannot run, each with why.
SKIPPED = {
    "python3 -m venv .venv && . .venv/bin/activate && pip install -q -e .": (
        "installs the package: the tests run in that installation already"
    ),
    "python3 -m venv .venv && . .venv/bin/activate && pip install -q -e '.[test]' && pytest "
    "&& mypy && ruff check . && ruff format --check .": "this is the suite",
    "pip install 'senad-ap[testing]'": "installs from the package registry",
    "python -m benchmarks --quick": "takes about a minute; .ci/run runs it",
    "python -m benchmarks": "the full benchmark builds stores of up to a million events",
    "python -m benchmarks --sizes 100000": "builds a store of 100,000 events",
    "python -m benchmarks --only register": "the full-size register benchmark",
    "python -m benchmarks --stores sqlite": "the full benchmark on SQLite",
}


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # the line of the opening fence
    language: str
    text: str

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks_of(path: Path) -> list[Block]:
    """Every fenced block of ``path``, in order."""
    found: list[Block] = []
    opening: tuple[int, str] | None = None
    body: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fence = re.fullmatch(r"\s*```(.*)", line)
        if opening is None and fence:
            opening, body = (number, fence.group(1).strip()), []
        elif opening is not None and fence and fence.group(1).strip() == "":
            found.append(Block(path, opening[0], opening[1], "\n".join(body) + "\n"))
            opening = None
        elif opening is not None:
            body.append(line)
    return found


BLOCKS = [block for path in DOCS for block in blocks_of(path)]


def commands_of(block: Block) -> list[tuple[str, list[str]]]:
    """A shell block's commands, each with the output the doc shows after it (console)."""
    if block.language == "sh":
        lines = (re.sub(r"\s+#\s.*$", "", line).strip() for line in block.text.splitlines())
        return [(line, ["…"]) for line in lines if line and not line.startswith("#")]
    commands: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:].strip(), []))
        elif commands:
            commands[-1][1].append(line)
        else:
            pytest.fail(f"{block.name}: a console block starts with a `$ command` line")
    return commands


def shown_output_matches(shown: list[str], printed: list[str]) -> bool:
    """The output shown equals what was printed; ``…`` lines stand for lines left out."""
    if "…" not in shown:
        return shown == printed
    parts = "\n".join(shown).split("…")
    chunks = [part.strip("\n").split("\n") if part.strip("\n") else [] for part in parts]
    at = 0
    for index, chunk in enumerate(chunks):
        if not chunk:
            continue
        if index == 0:
            if printed[: len(chunk)] != chunk:
                return False
            at = len(chunk)
            continue
        last = index == len(chunks) - 1
        starts = [i for i in range(at, len(printed) - len(chunk) + 1)
                  if printed[i : i + len(chunk)] == chunk]  # fmt: skip
        if last:
            starts = [i for i in starts if i + len(chunk) == len(printed)]
        if not starts:
            return False
        at = starts[0] + len(chunk)
    return True


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo school, written once for the session: ``senad_ap.sqlite`` and its projections."""
    folder = tmp_path_factory.mktemp("demo")
    printed = run_command("senad-ap demo", folder).stdout
    (folder / "demo.out").write_text(printed, encoding="utf-8")
    return folder


def reader_environment() -> dict[str, str]:
    """A reader's shell: the installed ``senad-ap`` and Python first, 80 columns, no store
    or key of the caller's."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("SENAD_AP_", "CIPHER_KEY", "PYTEST", "COV_"))}  # fmt: skip
    environment.update(PATH=f"{BIN}{os.pathsep}{environment.get('PATH', '')}", COLUMNS="80")
    return environment


def run_command(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603 - the docs' own commands, as a reader runs them
        ["bash", "-c", command],  # noqa: S607 - bash from the reader's PATH
        cwd=folder, env=reader_environment(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, f"`{command}` exited {result.returncode}: {result.stderr}"
    return result


def run_shell(block: Block, folder: Path, demo: Callable[[], Path]) -> None:
    commands = [(c, shown) for c, shown in commands_of(block) if c not in SKIPPED]
    if not commands:
        pytest.skip("; ".join(SKIPPED[c] for c, _ in commands_of(block)))
    (folder / "examples").symlink_to(ROOT / "examples")
    makes_demo = any(c.startswith("senad-ap demo") for c, _ in commands)
    if not makes_demo and any("senad-ap" in c for c, _ in commands):
        for stored in demo().glob("senad_ap*.sqlite"):
            shutil.copy(stored, folder / stored.name)
    for command, shown in commands:
        printed = run_command(command, folder).stdout.splitlines()
        assert shown_output_matches(shown, printed), "\n".join([f"$ {command}", *printed])


def run_python(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    # A module of its own (dataclasses look their module up), padded so that a traceback
    # gives the line in the doc.
    module = ModuleType("docs_block")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    code = compile("\n" * block.line + block.text, str(block.path), "exec")
    exec(code, vars(module))  # noqa: S102 - the doc's own example


def module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # its parent package is missing
        return False


def check_mermaid(block: Block) -> None:
    kind = block.text.split(maxsplit=1)[0]
    assert kind in MERMAID_KINDS, f"{block.name}: not a mermaid diagram kind: {kind}"
    sources = [p.relative_to(ROOT / "src" / "senad_ap").as_posix()
               for p in (ROOT / "src" / "senad_ap").rglob("*.py")]  # fmt: skip
    files = set(re.findall(r"[\w/]+\.py\b", block.text))
    modules = set(re.findall(r"\bsenad_ap(?:\.\w+)+", block.text))
    missing = [f for f in files if not any(s == f or s.endswith("/" + f) for s in sources)]
    missing += [m for m in modules if not module_exists(m)]
    assert missing == [], f"{block.name} names modules that are not in src/: {missing}"


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
def test_doc_block_runs(
    block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    assert block.language in LANGUAGES, f"{block.name}: tag it ({', '.join(LANGUAGES)})"
    monkeypatch.chdir(tmp_path)
    if block.language == "python":
        run_python(block, monkeypatch)
    elif block.language in {"sh", "console"}:
        run_shell(block, tmp_path, lambda: Path(request.getfixturevalue("demo_store")))
    elif block.language == "json":
        json.loads(block.text)
    elif block.language == "toml":
        tomllib.loads(block.text)
    elif block.language == "mermaid":
        check_mermaid(block)


def test_every_doc_has_its_blocks_found() -> None:
    fences = sum(path.read_text(encoding="utf-8").count("```") for path in DOCS)
    assert fences == 2 * len(BLOCKS)


@pytest.mark.parametrize("command", sorted(SKIPPED))
def test_each_skipped_command_is_still_in_a_doc(command: str) -> None:
    shell = [b for b in BLOCKS if b.language in {"sh", "console"}]
    assert command in [c for block in shell for c, _ in commands_of(block)]


def test_console_output_left_out_is_matched_in_order() -> None:
    printed = ["a", "b", "c", "d"]
    verdicts = [shown_output_matches(s, printed) for s in
                (["a", "…", "d"], ["a", "…", "c"], ["…", "c", "d"], ["…"], ["a", "b"])]  # fmt: skip
    assert verdicts == [True, False, True, True, False]


# Figures. Each row: a doc, a pattern whose groups are the figures it quotes, and what they
# must be. A sentence that changes no longer matches, and the test fails. "about N" figures
# are checked to within 10%. The measured numbers of docs/performance.md (and the timings
# quoted elsewhere, e.g. "took 13.5 s") are measurements of one run on one machine, not
# figures of the code: they are left out on purpose.
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
           "ten", "eleven", "twelve")  # fmt: skip
WORDS = {word: n for n, word in enumerate(NUMBERS)}


def number(text: str) -> int:
    text = text.strip().lower()
    return WORDS[text] if text in WORDS else int(re.sub(r"[,\s]", "", text))


def cli_json(demo: Path, *arguments: str) -> Any:
    result = run_command(" ".join(("senad-ap", *arguments, "--json")), demo)
    return json.loads(result.stdout)


def demo_summary(demo: Path) -> dict[str, int]:
    # What the demo says it wrote: "… 41 placements at 6 providers, 6460 events …"
    printed = (demo / "demo.out").read_text(encoding="utf-8")
    placements, providers, events = re.search(
        r"(\d+) placements at (\d+) providers, (\d+) events", printed
    ).groups()  # type: ignore[union-attr]
    return {"placements": int(placements), "providers": int(providers), "events": int(events)}


def pupils(demo: Path) -> dict[str, Any]:
    rows = cli_json(demo, "attendance", "--pupils")["pupils"]
    return {row["student_reference"]: row["whole_record"] for row in rows}


def missed(record: dict[str, Any]) -> tuple[int, int]:
    return (record["authorised_absence"] + record["unauthorised_absence"], record["possible"])


def absence_figures(demo: Path) -> tuple[int, ...]:
    by_pupil = pupils(demo)
    bands = [record["band"] for record in by_pupil.values() if record is not None]
    persistent = sum(band in {"persistent", "severe"} for band in bands)
    return (persistent, len(by_pupil), *missed(by_pupil["DEMO-S024"]),
            *missed(by_pupil["DEMO-S017"]))  # fmt: skip


def dual_registered_possible(demo: Path) -> tuple[int, ...]:
    by_pupil = pupils(demo)
    return (by_pupil["DEMO-S040"]["possible"], by_pupil["DEMO-S001"]["possible"])


def findings_on_15_october(demo: Path) -> tuple[int, ...]:
    counts = []
    for option in ("--on", "--as-at", "--as-known-on"):
        counts.append(len(cli_json(demo, "compliance", option, "2025-10-15")["findings"]))
    rows = cli_json(demo, "compliance", "--as-at", "2025-10-15")["findings"]
    closed = sum(row["closed_on"] is not None for row in rows)
    assert len(set(counts)) == 1, f"the three senses differ: {counts}"
    return (counts[0], closed)


def read_models() -> int:
    from senad_ap import AlternativeProvision
    from senad_ap.projections import Projections

    return len(Projections(AlternativeProvision.in_memory()).all)


def catalogue_counts() -> tuple[int, ...]:
    from senad_ap import all_rules

    ids = [r.id for r in all_rules()]
    statutory = [i for i in ids if i.startswith("STAT-")]
    ours = [i for i in ids if i.startswith("NOTIFY-")]
    return (len(ids) - len(statutory) - len(ours), len(statutory))


def snapshot_interval() -> int:
    from senad_ap.application.records import SNAPSHOT_INTERVAL

    return SNAPSHOT_INTERVAL


def constant(module: str, name: str) -> Callable[[Path], tuple[int, ...]]:
    """A number the code keeps as a module constant."""
    return lambda _: (int(getattr(importlib.import_module(module), name)),)


def worth_keeping() -> int:
    from senad_ap.cli.session import WORTH_KEEPING

    return WORTH_KEEPING


@dataclass(frozen=True)
class Figure:
    doc: str
    pattern: str
    value: Callable[[Path], tuple[int, ...]]
    about: bool = False  # "about N": within 10%


def _demo(key: str) -> Callable[[Path], tuple[int, ...]]:
    return lambda demo: (demo_summary_cached(demo)[key],)


@functools.cache
def demo_summary_cached(demo: Path) -> dict[str, int]:
    return demo_summary(demo)


FIGURES = (
    Figure("README.md", r"a demo school \(about (\d+) placements", _demo("placements"), True),
    Figure("docs/inspection.md", r"On the demo\s+\(about ([\d,]+) events\)", _demo("events"), True),
    Figure(
        "docs/inspection.md",
        r"the demo, (\d+) of the (\d+) pupils are persistently absent, one of them\s+"
        r"\(DEMO-S024, (\d+) of (\d+)\s+possible sessions missed\) severely; DEMO-S017 "
        r"and DEMO-S028, (\d+) of (\d+) missed",
        absence_figures,
    ),
    Figure(
        "docs/inspection.md",
        r"are not possible sessions\s+\((\d+) possible, not (\d+)\)",
        dual_registered_possible,
    ),
    Figure(
        "docs/inspection.md",
        r"On the demo, on\s+2025-10-15, all three say (\d+) findings "
        r"\((\w+) of them closed since\)",
        findings_on_15_october,
    ),
    Figure("README.md", r"The read models \(([^)]*)\)", lambda _: (read_models(),)),
    Figure(
        "docs/performance.md", r"everything the (\w+) projections do", lambda _: (read_models(),)
    ),
    Figure(
        "docs/domain.md",
        r"the catalogue's (\d+) rules and (\d+) statutory facts",
        lambda _: catalogue_counts(),
    ),
    Figure("docs/domain.md", r"kept every (\d+) events", lambda _: (snapshot_interval(),)),
    Figure(
        "docs/architecture.md", r"snapshot every (\d+) versions", lambda _: (snapshot_interval(),)
    ),
    Figure(
        "docs/inspection.md",
        r"from\s+([\d,]+) events, says so on stderr",
        lambda _: (worth_keeping(),),
    ),
    Figure(
        "docs/inspection.md",
        r"any\s+of its first ([\d,]+) rows is the plain JSON",
        constant("senad_ap.application.codec", "_ROWS_LOOKED_AT"),
    ),
    Figure(
        "README.md",
        r"padded to buckets of (\d+), 64, 128",
        constant("senad_ap.application.personal", "PAD_BUCKETS"),
    ),
    Figure(
        "docs/inspection.md",
        r"padded to buckets of (\d+), 64, 128",
        constant("senad_ap.application.personal", "PAD_BUCKETS"),
    ),
    Figure(
        "docs/inspection.md",
        r"expiring within (\d+) days",
        constant("senad_ap.report.render", "EXPIRY_WARNING_DAYS"),
    ),
    Figure(
        "docs/performance.md",
        r"the last (\d+) records read are kept",
        constant("senad_ap.projections.in_effect", "_MOST_RECORDS_HELD"),
    ),
    Figure(
        "docs/personal-data.md",
        r"the student's own (\d+)-bit key",
        lambda _: (8 * constant("senad_ap.application.personal", "_KEY_BYTES")(ROOT)[0],),
    ),
)


def quoted(figure: Figure) -> tuple[int, ...]:
    text = (ROOT / figure.doc).read_text(encoding="utf-8")
    found = re.search(figure.pattern, text)
    assert found is not None, f"{figure.doc} no longer says {figure.pattern!r}"
    groups = found.groups()
    if figure.pattern.startswith("The read models"):
        return (len(re.split(r",\s+", groups[0])),)
    return tuple(number(group) for group in groups)


@pytest.mark.parametrize("figure", FIGURES, ids=[f"{f.doc}:{f.pattern[:30]}" for f in FIGURES])
def test_doc_figure_is_the_real_value(figure: Figure, demo_store: Path) -> None:
    shown, real = quoted(figure), figure.value(demo_store)
    if figure.about:
        assert [abs(s - r) <= r / 10 for s, r in zip(shown, real, strict=True)] == [True] * len(
            real
        ), f"{figure.doc}: about {shown}, really {real}"
    else:
        assert shown == real


def test_no_doc_quotes_a_count_of_demo_events_unchecked() -> None:
    # "the demo's N events" and the like, outside the figures above and not a measurement.
    unchecked = []
    for path in DOCS:
        text, doc = path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
        checked = [m.span() for f in FIGURES if f.doc == doc for m in re.finditer(f.pattern, text)]
        for found in re.finditer(r"demo\W[^.]{0,40}?\b(\d[\d, ]*\d) events", text):
            inside = any(start <= found.start(1) < end for start, end in checked)
            measured = "when this was measured" in text[found.end() : found.end() + 40]
            if not (inside or measured):
                unchecked.append(f"{doc}: {found.group(0)}")
    assert unchecked == []


def policy_defaults_quoted() -> list[tuple[str, str, str]]:
    """Each default of ``PolicyParameters`` a doc quotes: "`persistent_absence_rate` (`0.10`)",
    "`PolicyParameters.full_time_hours`, 32.5", "`earliest_date` (default 2000-01-01)"."""
    import attrs

    from senad_ap import PolicyParameters

    names = "|".join(field.name for field in attrs.fields(PolicyParameters))
    pattern = rf"`(?:PolicyParameters\.)?({names})`(?:, | \(`?(?:default )?)([\d.-]*\d)"
    return [(path.relative_to(ROOT).as_posix(), found.group(1), found.group(2))
            for path in DOCS
            for found in re.finditer(pattern, path.read_text(encoding="utf-8"))]  # fmt: skip


def test_docs_quote_the_policy_parameters_defaults() -> None:
    from decimal import Decimal

    from senad_ap import PolicyParameters

    defaults = PolicyParameters()
    quoted = policy_defaults_quoted()

    def same(shown: str, real: object) -> bool:
        if re.fullmatch(r"[\d.]+", shown) and isinstance(real, int | Decimal | float):
            return Decimal(shown) == Decimal(str(real))
        return shown == str(real)

    wrong = [(doc, name, shown) for doc, name, shown in quoted
             if not same(shown, getattr(defaults, name))]  # fmt: skip
    assert (len(quoted) >= 15, wrong) == (True, [])
