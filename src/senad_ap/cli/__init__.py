"""``senad-ap``: the inspector's command line over a store.

Works on the embedded SQLite file ``senad_ap.sqlite`` in the current folder unless
``--db PATH`` (or the ``SENAD_AP_DB`` environment variable) names another. A read command
never writes to the store it reads: it refuses a file that is not a senad-ap store, with its
path (``store_check``), and keeps the projections in the file beside the store only if that
file is there (``demo`` and ``rebuild`` make it), where ``--projections`` (or
``SENAD_AP_PROJECTIONS``) says, or else in memory. Exit codes (``help_text.EXIT_CODES``): 0
done; 1 the record refused or could not do it; 2 a bad option or date; 3 no store there (or
``verify`` of a store with no events); 4 no such placement; 5 ``verify`` found the store
altered; 6 the store's key is needed."""

from __future__ import annotations

from senad_ap.cli.command import _COMMANDS as _COMMANDS
from senad_ap.cli.command import _parser as _parser
from senad_ap.cli.command import main as main
from senad_ap.cli.command import run as run

__all__ = ["main"]
