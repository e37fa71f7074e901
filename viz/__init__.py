"""Browser views (pyvis)."""
