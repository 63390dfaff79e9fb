"""The house stays in order: no module in ``src/`` over about 500 lines, and no import cycle
among the application's rooms (issue 11)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "senad_ap"
#: About 500 lines, as the house rules say; data modules (tables of codes) may be longer.
LIMIT = 520


@pytest.mark.parametrize("module", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_is_over_about_500_lines(module: Path) -> None:
    assert len(module.read_text(encoding="utf-8").splitlines()) <= LIMIT


def _imports_of(module: Path) -> set[str]:
    """The ``senad_ap.application`` modules ``module`` imports anywhere (for typing only, or
    inside a function, included: those are cycles too, only hidden)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "senad_ap.application":
                found |= {f"senad_ap.application.{alias.name}" for alias in node.names}
            elif node.module.startswith("senad_ap.application."):
                found.add(node.module)
    return found


def test_the_application_rooms_import_each_other_without_a_cycle() -> None:
    rooms = {
        f"senad_ap.application.{path.stem}": path
        for path in (SRC / "application").glob("*.py")
        if path.stem != "__init__"
    }
    graph = {name: _imports_of(path) & set(rooms) for name, path in rooms.items()}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"import cycle: {' -> '.join((*path, name))}"
        if name in done:
            return
        for imported in graph[name]:
            visit(imported, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())
    assert "senad_ap.application.pipeline" in graph["senad_ap.application.app"]
