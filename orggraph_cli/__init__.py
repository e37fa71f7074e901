"""The `orggraph` command line: the composition root that joins core, loaders, API and views."""
