"""Browser views of the graph (pyvis / vis-network), served with no third-party resources.

:func:`build_view` turns a subgraph into vis-network data (colour and shape by label from the schema,
edge captions with dates, tooltips with sources, highlighted paths, a legend); :func:`render_fragment`
embeds it in a page served by the app, :func:`render_page` writes a self-contained offline page.
This package knows nothing of how a subgraph was found.
"""

from viz.network import STATIC_DIR, VIS_DIR, GraphView, LegendEntry, build_view, render_fragment, render_page

__all__ = ["STATIC_DIR", "VIS_DIR", "GraphView", "LegendEntry", "build_view", "render_fragment", "render_page"]
