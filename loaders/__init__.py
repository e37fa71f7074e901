"""Loaders: one module per source format. Each reads files and yields validated records.

Each format module exposes one :class:`~loaders.base.Loader` as ``LOADER``. The registry below is the
order in which :func:`detect` asks each loader whether a file is its own; a format module is imported
the first time its loader is asked for, so a command that loads no file imports none of them.

Every loader is handed out guarded (:class:`Guarded`): whatever ``--kind`` a file is read as, a file the
loader cannot read at all (a workbook or an image read as CSV, undecodable text) and a file that yields
no record are refused with one line (:class:`~loaders.base.FileRejected`), never a traceback and never a
silent "loaded 0". Detection reads content, not names: ODS names every release ``epraccur.csv``.
"""

from __future__ import annotations

import importlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from loaders.base import FileRejected, FormatLoader, LoadContext, Loader, ParsedFile, head_lines
from loaders.checks import binary_kind

# kind -> module holding its LOADER; most specific sniffers first, generic CSV last.
_REGISTRY: dict[str, str] = {
    "epraccur": "loaders.epraccur",
    "eccg": "loaders.eccg",
    "etr": "loaders.etr",
    "epcn": "loaders.epcn",
    "gp-reg": "loaders.gpreg",
    "ons": "loaders.ons",
    "declarations-log": "loaders.declarations",
    "register": "loaders.register",
    "graph-csv": "loaders.graph_csv",
}


# What a reader of a file that is not what it was taken for may raise, besides FileRejected.
_UNREADABLE = (UnicodeError, ValueError, KeyError, IndexError, TypeError, OSError, zipfile.BadZipFile)


@dataclass(frozen=True)
class Guarded:
    """A loader whose ``parse`` refuses, in one line, a file it cannot read or that yields nothing."""

    inner: Loader

    @property
    def kind(self) -> str:
        return self.inner.kind

    @property
    def description(self) -> str:
        return self.inner.description

    def sniff(self, path: Path, head: list[str]) -> bool:
        return self.inner.sniff(path, head)

    def load_phase(self, path: Path, head: list[str]) -> int:
        return self.inner.load_phase(path, head)

    def parse(self, path: Path, ctx: LoadContext) -> ParsedFile:
        try:
            parsed = self.inner.parse(path, ctx)
        except FileRejected:
            raise
        except _UNREADABLE as exc:
            what = binary_kind(path)
            reason = f"this is {what}" if what else f"cannot be read ({exc.__class__.__name__}: {exc})"
            raise FileRejected(path.name, f"{reason}, not a file of kind {self.kind} "
                               f"({self.description})") from None
        if not parsed.records:
            first = parsed.report.rejected[0] if parsed.report.rejected else None
            raise FileRejected(path.name, f"0 records of kind {self.kind}: nothing in the file could be read as "
                               f"{self.description}" + (f" ({len(parsed.report.rejected)} rows rejected, the "
                                                        f"first: {first})" if first else ""))
        return parsed


def loader_for(kind: str) -> Loader:
    """The loader ``--kind kind`` names (guarded, see :class:`Guarded`); KeyError for an unknown kind."""
    if kind not in _REGISTRY:
        raise KeyError(f"unknown kind {kind!r}; expected one of {', '.join(_REGISTRY)}")
    loader: Loader = importlib.import_module(_REGISTRY[kind]).LOADER
    return Guarded(loader)


def loader_module(kind: str) -> FormatLoader:
    """The module-era name of :func:`loader_for`: the loader answers ``.KIND`` and ``.DESCRIPTION`` as
    its module did. Prefer ``loader_for(kind).description``."""
    loader = importlib.import_module(_REGISTRY[kind]).LOADER if kind in _REGISTRY else loader_for(kind)
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
