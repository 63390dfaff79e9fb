"""Progress bars for the commands that take seconds (``demo``, ``rebuild``, the first read's
catch-up), on standard error and only when it is a terminal: a log or a pipe gets no bar and
no carriage returns. A bar is drawn only once the work has taken a second."""

from __future__ import annotations

import time
from typing import TextIO

#: The bar's width in characters, between its brackets.
_BAR = 30
#: Seconds of work before a bar is drawn: quick work shows none.
_AFTER = 1.0


class ProgressBar:
    """``bar(done, total)`` redraws the bar on ``err`` (a terminal); ``bar.finish()`` ends
    its line, if one was drawn."""

    def __init__(self, err: TextIO, label: str) -> None:
        self._err = err
        self._label = label
        self._started = time.monotonic()
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self._drawn and time.monotonic() - self._started < _AFTER and done < total:
            return
        if not self._drawn and done >= total:
            return  # finished before a bar was due: none
        filled = _BAR * min(done, total) // max(total, 1)
        self._err.write(f"\r{self._label} [{'#' * filled}{'.' * (_BAR - filled)}] {done}/{total}")
        self._err.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self._err.write("\n")
            self._err.flush()
            self._drawn = False


def progress_bar(err: TextIO, label: str) -> ProgressBar | None:
    """A bar on ``err``, or None when ``err`` is not a terminal (then nothing is drawn)."""
    try:
        terminal = err.isatty()
    except (AttributeError, ValueError):  # a closed or bare stream
        terminal = False
    return ProgressBar(err, label) if terminal else None
