"""``python -m senad_ap.reference [root]``: write docs/events.md and the command table of
docs/domain.md under the repository root given (the working directory if none)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from senad_ap.reference import commands, events

DOMAIN_DOC = Path("docs") / "domain.md"


def main(argv: Sequence[str] = ()) -> int:
    root = Path(argv[0]) if argv else Path.cwd()
    events.main([str(root)])
    domain = root / DOMAIN_DOC
    domain.write_text(commands.replace_table(domain.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote the command table of {domain}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
