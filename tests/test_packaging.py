"""The container image holds what the package declares: every package pyproject installs is copied into
the image, and the system libraries the PDF brief needs are installed there."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _declared_packages() -> set[str]:
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    tops = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    return {t for t in tops if any(fnmatch.fnmatch(t, pattern) for pattern in include)}


def test_the_image_copies_every_declared_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY\s+(\S+)\s+\./\1\s*$", dockerfile, flags=re.MULTILINE))
    declared = _declared_packages()
    assert {"orggraph", "orggraph_cli", "api"} <= declared
    assert declared - copied == set(), f"packages pyproject installs but the Dockerfile does not copy: {declared - copied}"


def test_the_image_installs_pango_for_the_pdf_brief() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for lib in ("libpango-1.0-0", "libpangoft2-1.0-0"):
        assert lib in dockerfile, f"{lib} missing: `orggraph brief --format pdf` needs it (WeasyPrint)"
