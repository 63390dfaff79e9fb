"""Benchmarks of senad_ap against bare eventsourcing and the raw store (``python -m benchmarks``).

Not part of the test suite: nothing here asserts a time. Every case is measured side by side,
in the same run, with its baseline, and the table shows the ratio, because absolute times on a
shared machine drift. ``--quick`` runs every case small (CI runs it so the benchmarks cannot
rot); the full run builds stores of 100k, 300k and 1M events. See docs/performance.md.
"""
