"""Reference pages generated from the code, so that they cannot drift from it:
``python -m senad_ap.reference`` in the repository (or give its root) writes docs/events.md
(``senad_ap.reference.events``) and the command table of docs/domain.md
(``senad_ap.reference.commands``). tests/test_reference_docs.py fails when either is stale.
"""
