"""The links between the README and the docs lead somewhere: a file that exists and, where a
link names a heading (``file.md#anchor``), a heading with that anchor, as GitHub makes it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.M):
        slug, n = anchor(heading), 1
        while slug in found:  # a repeated heading gets -1, -2 ...
            slug = f"{anchor(heading)}-{n}"
            n += 1
        found.add(slug)
    return found


def links() -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        text = FENCE.sub("", path.read_text(encoding="utf-8"))
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):  # https:, mailto: ... not ours to check
                continue
            found.append((str(path.relative_to(ROOT)), target))
    return found


def test_the_anchor_of_a_heading_is_githubs() -> None:
    assert anchor("What each check catches, and what stays out of reach") == (
        "what-each-check-catches-and-what-stays-out-of-reach"
    )
    assert anchor("The `senad-ap` command") == "the-senad-ap-command"


@pytest.mark.parametrize(("source", "target"), links())
def test_a_link_leads_to_a_file_and_heading_that_exist(source: str, target: str) -> None:
    file_part, _, fragment = target.partition("#")
    path = (ROOT / source).parent / file_part if file_part else ROOT / source
    assert path.exists(), f"{source} links to {target}: no such file"
    if fragment and path.suffix == ".md":
        assert fragment in anchors(path), f"{source} links to {target}: no such heading"
