"""Loading files over HTTP (admin) and exporting the whole graph (auditor)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from api.auth import require
from api.deps import GraphDep, SettingsDep, StoreDep
from api.problems import ApiError, problem_doc
from api.schemas import GraphExport, LoadReport

router = APIRouter(prefix="/api", tags=["admin"])
CHUNK = 1024 * 1024


def safe_name(filename: str | None, n: int) -> str:
    # Keep the name (loaders detect the kind from it) but never a path.
    base = Path((filename or "").replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    return base or f"upload-{n}"


@router.post("/load", response_model=list[LoadReport], dependencies=[Depends(require("admin"))],
             responses=problem_doc(400, 401, 403, 413, 422, 503),
             summary="Load files into the store (admin): the same files and reports as `orggraph load`")
async def load(request: Request, store: StoreDep, settings: SettingsDep,
               files: Annotated[list[UploadFile], File(description="One or more files", min_length=1)],
               kind: Annotated[str | None, Form(description="File kind, if it cannot be detected")] = None,
               strict: Annotated[bool, Form(description="Reject a whole file if any row is bad")] = False,
               ) -> list[LoadReport]:
    """Each file is parsed and written all-or-nothing; rejected rows are reported with file, row, column,
    value and what was expected. When no file loads at all (every one rejected: a wrong kind, a file
    with nothing of its kind) the answer is 422 with each file's reason. The whole upload is limited in
    size (ORGGRAPH_MAX_UPLOAD_MB)."""
    from starlette.concurrency import run_in_threadpool

    from loaders import available_kinds
    from loaders.pipeline import load_file

    if kind is not None and kind not in available_kinds():
        raise ApiError(400, f"kind={kind!r}: expected one of {', '.join(available_kinds())}")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > settings.max_upload_bytes:
        raise ApiError(413, f"upload of {int(length)} bytes is over the limit of {settings.max_upload_bytes}")
    reports: list[LoadReport] = []
    with tempfile.TemporaryDirectory(prefix="orggraph-upload-") as tmp:
        paths: list[tuple[Path, str]] = []
        total = 0
        used: set[str] = set()
        for n, upload in enumerate(files, start=1):
            name = safe_name(upload.filename, n)
            folder = Path(tmp) / str(n)
            folder.mkdir()
            path = folder / name
            with path.open("wb") as fh:
                while chunk := await upload.read(CHUNK):
                    total += len(chunk)
                    if total > settings.max_upload_bytes:
                        raise ApiError(413, f"upload is over the limit of {settings.max_upload_bytes} bytes")
                    fh.write(chunk)
            used.add(name)
            paths.append((path, name))
        for path, name in paths:
            report = await run_in_threadpool(load_file, store, path, kind=kind, strict=strict, display_name=name)
            reports.append(LoadReport(**report.to_dict()))
    if reports and all(r.status == "rejected" for r in reports):
        # Nothing loaded at all: a client error (wrong file or kind), said in the files' own words.
        raise ApiError(422, "nothing loaded: " + "; ".join(r.error or f"{r.file}: rejected" for r in reports))
    return reports


@router.get("/export", response_model=GraphExport, dependencies=[Depends(require("auditor"))],
            responses=problem_doc(401, 403, 503), summary="The whole graph in canonical JSON (auditor)")
def export(graph: GraphDep) -> GraphExport:
    return GraphExport(**graph.to_data())
