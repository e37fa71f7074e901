"""Store backends behind :class:`orggraph.store.Store`."""
