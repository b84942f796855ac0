"""bbtrack's benchmark: whole-process timings of the CLI on synthetic data.

Run `uv run python -m bench` (see `python -m bench --help` and
docs/performance.md). Nothing here is imported by bbtrack itself.
"""
