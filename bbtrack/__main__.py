"""`python -m bbtrack`: the same as the `bbtrack` command."""

from .entry import main

main()
