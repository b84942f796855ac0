"""bbtrack: track the commitments of the 2023 Spring Meeting in YAML kept in git.

The package is a library first (`bbtrack.load.loader`, `bbtrack.ops.query`, `bbtrack.write.edit`);
`bbtrack.cli.app` is a thin Typer layer over it. Keep this module import-free: it
is on every command's start-up path.
"""

__version__ = "0.1.0"
