"""Tables and paragraphs that fit the terminal.

The width is ``COLUMNS``, else the terminal's, else 80 (``terminal_width``); ``--wide`` gives
``None``: rows on one line each, however long, for ``grep`` and scripts. A table too wide for
the width wraps its cells at spaces; when even its narrowest words do not fit, it leaves out
the columns that hold the same text on every row (named once, under the table) and is
printed in parts, each repeating the first column. Plain text, no colour: the output
is read by people, tests and scripts alike."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import TextIO

#: Between two columns.
_GAP = "  "
#: A column is narrowed to no less than this (or its longest word), unless all of it is
#: narrower: below it, a sentence wraps into a tall, thin column.
_READABLE = 18
#: Never narrower than this, whatever ``COLUMNS`` says.
_NARROWEST = 40


def terminal_width() -> int:
    """``COLUMNS``, else the width of the terminal on standard output, else 80."""
    return max(shutil.get_terminal_size((80, 24)).columns, _NARROWEST)


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 seal``, ``2 seals``; ``many`` for a noun whose plural is not ``noun + "s"``."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def paragraph(
    out: TextIO, text: str, width: int | None, *, indent: str = "", hang: str | None = None
) -> None:
    """``text`` wrapped to ``width`` (on one line when ``width`` is None), its first line
    indented by ``indent``, the others by ``hang`` (default: ``indent``)."""
    if width is None:
        out.write(f"{indent}{text}\n")
        return
    lines = textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent if hang is None else hang,
        break_on_hyphens=False,
    )
    out.write("\n".join(lines or [indent.rstrip()]) + "\n")


def fields(out: TextIO, parts: Sequence[str], width: int | None, *, hang: str) -> None:
    """``parts`` on a line, two spaces apart; a part that would pass ``width`` starts the next
    line, indented by ``hang`` (a part is never split unless it alone is too wide)."""
    lines = [parts[0]]
    for part in parts[1:]:
        if width is not None and len(lines[-1]) + len(_GAP) + len(part) > width:
            lines.append(hang + part)
        else:
            lines[-1] += _GAP + part
    for line in lines:
        paragraph(out, line, width, hang=hang)


def table(
    out: TextIO,
    headers: Sequence[str],
    cells: Sequence[Sequence[str]],
    width: int | None,
    *,
    text_below: bool = False,
) -> None:
    """The rows under their headers, fitted to ``width``: as they are if they fit; else (with
    ``text_below``) the last column, a sentence or more, under each row, across the width;
    else the cells wrapped; else, without the columns the same on every row, in parts."""
    headers = list(headers)
    rows = [list(row) for row in cells]
    if width is None or _total(_natural(headers, rows)) <= width:
        _rows(out, headers, rows, _natural(headers, rows))
        return
    if text_below and len(headers) > 1:
        _with_text_below(out, headers, rows, width)
        return
    widths = _shrunk(headers, rows, width)
    if widths is not None:
        _header(out, headers, widths)
        for row in rows:
            _row(out, row, widths)
        return
    # Still too wide: a column the same on every row is named once, under the table.
    same: list[tuple[str, str]] = []
    if len(rows) > 1:
        keep = [i for i in range(len(headers)) if i == 0 or len({r[i] for r in rows}) > 1]
        same = [(headers[i], rows[0][i]) for i in range(len(headers)) if i not in keep]
        headers = [headers[i] for i in keep]
        rows = [[r[i] for i in keep] for r in rows]
    _fitted(out, headers, rows, width)
    if same:
        paragraph(
            out, "The same on every row: " + "; ".join(f"{h}: {v}" for h, v in same) + ".", width
        )


def _with_text_below(out: TextIO, headers: list[str], rows: list[list[str]], width: int) -> None:
    paragraph(out, f"(the {headers[-1]} is under each row)", width)
    widths = _shrunk(headers[:-1], [r[:-1] for r in rows], width)
    if widths is None:  # pragma: no cover - only with very many columns before the text
        widths = _natural(headers[:-1], [r[:-1] for r in rows])
    _header(out, headers[:-1], widths)
    for row in rows:
        _row(out, row[:-1], widths)
        paragraph(out, row[-1], width, indent="    ")


def _fitted(out: TextIO, headers: list[str], rows: list[list[str]], width: int) -> None:
    widths = _shrunk(headers, rows, width)
    if widths is not None:
        _header(out, headers, widths)
        for row in rows:
            _row(out, row, widths)
        return
    # Too many columns for the width: in parts, each led by the first column (the row's key).
    mins = _narrowest(headers, rows, width)
    parts: list[list[int]] = [[0]]
    for i in range(1, len(headers)):
        if len(parts[-1]) > 1 and _total([mins[j] for j in (*parts[-1], i)]) > width:
            parts.append([0])
        parts[-1].append(i)
    for number, part in enumerate(parts):
        if number:
            out.write("\n")
        chosen = [headers[i] for i in part]
        chosen_rows = [[r[i] for i in part] for r in rows]
        widths = _shrunk(chosen, chosen_rows, width) or [
            min(m, width) for m in _narrowest(chosen, chosen_rows, width)
        ]
        _header(out, chosen, widths)
        for row in chosen_rows:
            _row(out, row, widths)


def _natural(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    return [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]


def _narrowest(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Each column's narrowest readable width: its longest word, and at least its widest text
    up to ``_READABLE`` (a word longer than half the width is broken)."""
    cap = max(width // 2, 8)
    natural = _natural(headers, rows)
    words = [
        min(max(len(word) for text in (h, *(r[i] for r in rows)) for word in text.split() or [""]),
            cap)
        for i, h in enumerate(headers)
    ]  # fmt: skip
    return [min(max(m, min(n, _READABLE)), cap) for m, n in zip(words, natural, strict=True)]


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + len(_GAP) * (len(widths) - 1)


def _shrunk(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """The columns' widths, the widest narrowed first, down to their longest words; None when
    even those do not fit."""
    widths = _natural(headers, rows)
    mins = _narrowest(headers, rows, width)
    if _total(mins) > width:
        return None
    while _total(widths) > width:
        i = max(range(len(widths)), key=lambda j: (widths[j] - mins[j] > 0, widths[j]))
        widths[i] -= 1
    return widths


def _header(out: TextIO, headers: Sequence[str], widths: Sequence[int]) -> None:
    _row(out, headers, widths)
    out.write(_GAP.join("-" * w for w in widths) + "\n")


def _row(out: TextIO, row: Sequence[str], widths: Sequence[int]) -> None:
    wrapped = [
        textwrap.wrap(text, width=w, break_on_hyphens=False) or [""]
        for text, w in zip(row, widths, strict=True)
    ]
    for n in range(max(len(lines) for lines in wrapped)):
        line = _GAP.join(
            (lines[n] if n < len(lines) else "").ljust(w)
            for lines, w in zip(wrapped, widths, strict=True)
        )
        out.write(line.rstrip() + "\n")


def _rows(
    out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
) -> None:
    """Every row on one line."""
    out.write(_GAP.join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    out.write(_GAP.join("-" * w for w in widths) + "\n")
    for row in rows:
        out.write(_GAP.join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
