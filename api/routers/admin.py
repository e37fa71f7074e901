"""Loading files over HTTP (admin) and exporting the whole graph (auditor)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile

from api.auth import require
from api.deps import AnyStoreDep, SettingsDep, StoreDep
from api.problems import ApiError, problem_doc
from api.schemas import GraphExport, LoadReport
from api.store_reads import whole_graph
from orggraph.errors import StoreError
from orggraph.stores.base import Store

router = APIRouter(prefix="/api", tags=["admin"])
CHUNK = 1024 * 1024


MAX_NAME_BYTES = 255  # what a file system takes for one name


def safe_name(filename: str | None, n: int) -> str:
    # Keep the name (loaders detect the kind from it) but never a path.
    base = Path((filename or "").replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    if len(base.encode()) > MAX_NAME_BYTES:
        raise ApiError(400, f"file {n}: its name is {len(base.encode())} bytes long, over the limit of "
                            f"{MAX_NAME_BYTES} bytes; rename it (nothing was loaded)")
    return base or f"upload-{n}"


def load_each(store: Store, paths: list[tuple[Path, str]], kind: str | None, strict: bool) -> list[LoadReport]:
    """Each file all or nothing, in order; one file's failure does not stop the others. If the store itself
    fails part-way (another load holds it too long), the files not reached are reported as not loaded."""
    from loaders.base import FileReport
    from loaders.pipeline import committed, load_file

    reports: list[FileReport] = []
    for n, (path, name) in enumerate(paths):
        try:
            reports.append(load_file(store, path, kind=kind, strict=strict, display_name=name))
        except StoreError as exc:
            if not any(committed(r) for r in reports):
                raise  # nothing written yet: the store's own error (503) says it all
            reports += [FileReport(file=rest, kind=kind or "?", status="rejected",
                                   error=f"{rest}: not loaded: {exc}") for _, rest in paths[n:]]
            break
    return [LoadReport(**r.to_dict(), committed=committed(r)) for r in reports]


async def save_uploads(files: list[UploadFile], folder: Path, limit: int) -> list[tuple[Path, str]]:
    names = [safe_name(upload.filename, n) for n, upload in enumerate(files, start=1)]  # all checked first
    paths: list[tuple[Path, str]] = []
    total = 0
    for n, (upload, name) in enumerate(zip(files, names, strict=True), start=1):
        (folder / str(n)).mkdir()
        path = folder / str(n) / name
        with path.open("wb") as fh:
            while chunk := await upload.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise ApiError(413, f"upload is over the limit of {limit} bytes")
                fh.write(chunk)
        paths.append((path, name))
    return paths


@router.post("/load", response_model=list[LoadReport], dependencies=[Depends(require("admin"))],
             responses=problem_doc(400, 401, 403, 413, 422, 503),
             summary="Load files into the store (admin): the same files and reports as `orggraph load`")
async def load(store: AnyStoreDep, settings: SettingsDep,
               files: Annotated[list[UploadFile], File(description="One or more files", min_length=1)],
               kind: Annotated[str | None, Form(description="File kind, if it cannot be detected")] = None,
               strict: Annotated[bool, Form(description="Reject a whole file if any row is bad")] = False,
               ) -> list[LoadReport]:
    """Each file is parsed and written all-or-nothing, in order; one file's failure (a bad file, a
    loader's crash) does not change what the others do. Rejected rows are reported with file, row,
    column, value and what was expected.

    200: at least one file is in the store; each report's ``committed`` says whether that file is
    (whole) or not (not at all), and ``status``/``error`` say why not. 422: nothing was committed (every
    file rejected, or none loaded a row); the problem's ``errors`` has each file's reason. The caller's
    key and the size (ORGGRAPH_MAX_UPLOAD_MB, whole request) are checked before the upload is read."""
    from starlette.concurrency import run_in_threadpool

    from loaders import available_kinds

    if kind is not None and kind not in available_kinds():
        raise ApiError(400, f"kind={kind!r}: expected one of {', '.join(available_kinds())}")
    with tempfile.TemporaryDirectory(prefix="orggraph-upload-") as tmp:
        paths = await save_uploads(files, Path(tmp), settings.max_upload_bytes)
        reports = await run_in_threadpool(load_each, store, paths, kind, strict)
    if reports and not any(r.committed for r in reports):
        # Nothing loaded at all: a client error (wrong file or kind), said in the files' own words.
        raise ApiError(422, "nothing loaded: " + "; ".join(r.error or f"{r.file}: no rows loaded" for r in reports),
                       errors=[{"file": r.file, "status": r.status, "message": r.error or "no rows loaded"}
                               for r in reports])
    return reports


@router.get("/export", response_model=GraphExport, dependencies=[Depends(require("auditor"))],
            responses=problem_doc(401, 403, 503), summary="The whole graph in canonical JSON (auditor)")
def export(store: StoreDep) -> GraphExport:
    return GraphExport(**whole_graph(store).to_data())  # the whole graph is what is asked for
