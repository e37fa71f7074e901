"""Jinja2 templates for the browser views, with the link helpers every page uses."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi.templating import Jinja2Templates

from orggraph.schema import SCHEMA

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

PAGE_FOR_LABEL = {"Decision": "decision", "Committee": "committee", "Meeting": "meeting"}
DECLARATION_TEXT = {"declared": "Declared", "partial": "Partly declared", "undeclared": "Undeclared"}
PARTICIPATION_TEXT = {"voted": "Voted", "withdrew": "Withdrew", "present": "Present, did not vote",
                      "absent": "Absent", "unknown": "Attendance not recorded"}


def page_url(node_id: str, label: str | None = None) -> str:
    return f"/{PAGE_FOR_LABEL.get(label or '', 'node')}/{quote(node_id, safe='')}"


def query_url(path: str, params: dict[str, object]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "", False)}
    return path + ("?" + urlencode(clean) if clean else "")


def rel_caption(rel_type: str) -> str:
    spec = SCHEMA.relationships.get(rel_type)
    return spec.caption if spec else rel_type


templates.env.globals.update(page_url=page_url, query_url=query_url, rel_caption=rel_caption,
                             DECLARATION_TEXT=DECLARATION_TEXT, PARTICIPATION_TEXT=PARTICIPATION_TEXT)
