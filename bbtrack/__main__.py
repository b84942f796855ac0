"""`python -m bbtrack`: the same as the `bbtrack` command."""

from .cli import main

main()
