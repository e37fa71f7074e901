"""Meetings: the chair's brief (JSON, a printable A4 page, a PDF) and a committee's meetings.

The brief is the engine's :class:`MeetingBrief`, the same JSON as `orggraph brief --meeting ID`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse, Response

from api.auth import require
from api.deps import MemoDep, StoreDep
from api.problems import ApiError, problem_doc
from api.service import brief_graph, brief_out, meetings_of
from api.store_reads import require_node
from orggraph.engine.models import MeetingBrief, MeetingSummary
from orggraph.findings import brief_names
from viz.brief import PdfUnavailable, render_brief_html, render_brief_pdf

router = APIRouter(prefix="/api", tags=["meetings"], responses=problem_doc(400, 401, 403, 404, 422, 503))
reader = [Depends(require("reader"))]
Id = Annotated[str, Path(min_length=1, max_length=200)]
MaxHops = Annotated[int, Query(ge=1, le=8, description="Longest interest path, in relationships")]
PDF_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
          "description": "The brief as an A4 PDF"}}
HTML_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {"schema": {"type": "string"}}},
          "description": "The brief as a self-contained A4 page, for print"}}


@router.get("/meetings/{meeting_id}/brief", response_model=MeetingBrief, dependencies=reader,
            summary="The chair's brief for one meeting")
def get_brief(meeting_id: Id, store: StoreDep, memo: MemoDep, max_hops: MaxHops = 4) -> Any:
    """Each agenda item in order with its conflicted members (recommended action, register status,
    declared at the meeting), its quorum after the exclusions (failing clauses, who presides,
    co-optable members) and the committee on the day. 404: no such node; 422: not a meeting."""
    body = memo.get(store.version(), ("brief-json", meeting_id, max_hops),
                    lambda: brief_out(store, memo, meeting_id, max_hops).model_dump_json().encode())
    return Response(body, media_type="application/json")


@router.get("/meetings/{meeting_id}/brief.html", response_class=HTMLResponse, responses=HTML_DOC,
            dependencies=reader, summary="The chair's brief as a printable A4 page")
def get_brief_html(meeting_id: Id, store: StoreDep, memo: MemoDep, max_hops: MaxHops = 4) -> HTMLResponse:
    brief = brief_out(store, memo, meeting_id, max_hops)
    return HTMLResponse(render_brief_html(brief, brief_names(brief_graph(store, meeting_id, max_hops), brief)))


@router.get("/meetings/{meeting_id}/brief.pdf", response_class=Response, responses=PDF_DOC,
            dependencies=reader, summary="The chair's brief as an A4 PDF")
def get_brief_pdf(meeting_id: Id, store: StoreDep, memo: MemoDep, max_hops: MaxHops = 4) -> Response:
    brief = brief_out(store, memo, meeting_id, max_hops)
    try:
        pdf = memo.get(store.version(), ("brief-pdf", meeting_id, max_hops), lambda: render_brief_pdf(
            brief, brief_names(brief_graph(store, meeting_id, max_hops), brief)))
    except PdfUnavailable as exc:
        raise ApiError(503, str(exc)) from None
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="brief-{_safe(meeting_id)}.pdf"'})


@router.get("/committees/{committee_id}/meetings", response_model=list[MeetingSummary], dependencies=reader,
            summary="A committee's meetings with their conflicts, inquorate items and planned items")
def get_committee_meetings(committee_id: Id, store: StoreDep, memo: MemoDep) -> list[MeetingSummary]:
    require_node(store, committee_id, ("Committee",), "committee")
    return meetings_of(store, memo, committee_id)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)[:100]
