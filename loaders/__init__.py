"""Loaders: one module per source format. Each reads files and yields validated records.

The registry below is the order in which ``detect`` asks each loader whether a file is its own.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from loaders.base import FileRejected, head_lines

# kind -> module; most specific sniffers first, generic CSV last.
_MODULES = {
    "epraccur": "loaders.epraccur",
    "etr": "loaders.etr",
    "epcn": "loaders.epcn",
    "ons": "loaders.ons",
    "register": "loaders.register",
    "graph-csv": "loaders.graph_csv",
}


def loader_module(kind: str) -> ModuleType:
    if kind not in _MODULES:
        raise KeyError(f"unknown kind {kind!r}; expected one of {', '.join(_MODULES)}")
    return importlib.import_module(_MODULES[kind])


def available_kinds() -> list[str]:
    out = []
    for kind in _MODULES:
        try:
            loader_module(kind)
        except ModuleNotFoundError:
            continue
        out.append(kind)
    return out


def detect(path: Path) -> str:
    """The kind of file at ``path``, from its name and first lines; FileRejected if none fits."""
    head = head_lines(path)
    for kind in available_kinds():
        if loader_module(kind).sniff(path, head):
            return kind
    raise FileRejected(path.name, "cannot tell what kind of file this is; name it with --kind "
                       f"(one of {', '.join(available_kinds())})")
