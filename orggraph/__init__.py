"""orggraph core: schema, models, the temporal graph, its algorithms and the store interface."""
