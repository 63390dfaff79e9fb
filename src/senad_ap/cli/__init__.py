"""``senad-ap``: the inspector's command line over a store.

Works on the embedded SQLite file ``senad_ap.sqlite`` in the current folder unless
``--db PATH`` (or the ``SENAD_AP_DB`` environment variable) names another; the projections
live beside it (``senad_ap.projections.sqlite``). Every read command first brings the
projections up to date with the log. Exit codes: 0 done; 1 the record refused or could not
do it; 2 a bad option or date; 3 no store there; 4 no such placement; 5 ``verify`` found the store
altered.
"""

from __future__ import annotations

from senad_ap.cli.command import _COMMANDS as _COMMANDS
from senad_ap.cli.command import _parser as _parser
from senad_ap.cli.command import main as main
from senad_ap.cli.command import run as run

__all__ = ["main"]
