"""Loaders: one module per source format. Each reads files and yields validated records.

Each format module exposes one :class:`~loaders.base.Loader` as ``LOADER``. The registry below is the
order in which :func:`detect` asks each loader whether a file is its own; a format module is imported
the first time its loader is asked for, so a command that loads no file imports none of them.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from loaders.base import FileRejected, FormatLoader, Loader, head_lines

# kind -> module holding its LOADER; most specific sniffers first, generic CSV last.
_REGISTRY: dict[str, str] = {
    "epraccur": "loaders.epraccur",
    "etr": "loaders.etr",
    "epcn": "loaders.epcn",
    "ons": "loaders.ons",
    "register": "loaders.register",
    "graph-csv": "loaders.graph_csv",
}


def loader_for(kind: str) -> Loader:
    """The loader ``--kind kind`` names; KeyError for an unknown kind."""
    if kind not in _REGISTRY:
        raise KeyError(f"unknown kind {kind!r}; expected one of {', '.join(_REGISTRY)}")
    loader: Loader = importlib.import_module(_REGISTRY[kind]).LOADER
    return loader


def loader_module(kind: str) -> FormatLoader:
    """The module-era name of :func:`loader_for`: the loader answers ``.KIND`` and ``.DESCRIPTION`` as
    its module did. Prefer ``loader_for(kind).description``."""
    loader = loader_for(kind)
    if not isinstance(loader, FormatLoader):
        raise TypeError(f"the {kind} loader has no module-era names; use loader_for({kind!r})")
    return loader


def available_kinds() -> list[str]:
    """Kinds whose loader can be imported here, in detection order."""
    out = []
    for kind in _REGISTRY:
        try:
            loader_for(kind)
        except ModuleNotFoundError:
            continue
        out.append(kind)
    return out


def sniff_kind(path: Path, head: list[str]) -> str:
    """The kind of file at ``path`` given its first lines; FileRejected if no loader claims it."""
    kinds = available_kinds()
    for kind in kinds:
        if loader_for(kind).sniff(path, head):
            return kind
    raise FileRejected(path.name, "cannot tell what kind of file this is; name it with --kind "
                       f"(one of {', '.join(kinds)})")


def detect(path: Path) -> str:
    """The kind of file at ``path``, from its name and first lines; FileRejected if none fits."""
    return sniff_kind(path, head_lines(path))
