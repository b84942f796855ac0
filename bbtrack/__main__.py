"""`python -m bbtrack`: the same as the `bbtrack` command."""

from .cli.entry import main

main()
