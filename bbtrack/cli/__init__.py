"""The command line: the console entry point, the Typer app, and what both front ends share.

Keep this module import-free: it is on every command's start-up path.
"""
