"""``python -m senad_ap``: the same as the ``senad-ap`` command."""

from senad_ap.cli import run

if __name__ == "__main__":
    run()
