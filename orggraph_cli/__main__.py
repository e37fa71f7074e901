"""`python -m orggraph_cli`: the same as the `orggraph` command."""

from orggraph_cli.main import main

main()
