"""/me/imports and /me/exports: bring history in from Letterboxd or IMDb, take everything out (all need a token).

The work happens in the transfer worker behind the queue; these routes create jobs and report on them.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.auth import BEARER, required_caller
from filmhub.http.schemas.common import route_responses
from filmhub.http.schemas.transfers import ExportOut, ImportCreatedOut, ImportIn, ImportOut, UploadFormOut
from filmhub.routes import handler_path
from filmhub.transfer.ports import Direction
from filmhub.wiring import transfer_service

router = APIGatewayHttpRouter()
TAGS = ["transfers"]


@router.post("/me/imports", status_code=201, summary="Start an import: a presigned form to upload the export to",
             description="POST the `upload.fields` and the file (≤ 20 MB, `file` last) to `upload.url`; the import "
                         "starts when the upload lands. Poll `GET /me/imports/{import_id}` for progress.",
             tags=TAGS, security=BEARER, responses=route_responses(201, 400, 401, 422, 503))  # fmt: skip
def create_import(body: Annotated[ImportIn, Body()]) -> tuple[ImportCreatedOut, int]:
    from filmhub.transfer.formats import ExportFormat  # the formats' parsers (csv, zipfile) come with it

    caller = required_caller(router)
    job, form = transfer_service().create_import(caller.user_id, ExportFormat(body.format), body.filename)
    upload = UploadFormOut(url=form.url, fields=form.fields, expires_in=form.expires_in)
    return ImportCreatedOut(import_id=job.id, upload=upload), 201


@router.get("/me/imports", summary="The caller's imports, newest first", tags=TAGS, security=BEARER,
            responses=route_responses(200, 401))  # fmt: skip
def list_imports() -> list[ImportOut]:
    caller = required_caller(router)
    return [ImportOut.of(job) for job in transfer_service().jobs(caller.user_id, Direction.IMPORT)]


@router.get(handler_path("/me/imports/{import_id}"), summary="An import's progress and the rows it could not import",
            tags=TAGS, security=BEARER, responses=route_responses(200, 400, 401, 404))  # fmt: skip
def get_import(import_id: UUID) -> ImportOut:
    caller = required_caller(router)
    return ImportOut.of(transfer_service().job(caller.user_id, Direction.IMPORT, str(import_id)))


@router.post("/me/exports", status_code=201, summary="Start an export of everything the account holds",
             tags=TAGS, security=BEARER, responses=route_responses(201, 401, 503))  # fmt: skip
def create_export() -> tuple[ExportOut, int]:
    caller = required_caller(router)
    return ExportOut.of(transfer_service().create_export(caller.user_id)), 201


@router.get("/me/exports", summary="The caller's exports, newest first", tags=TAGS, security=BEARER,
            responses=route_responses(200, 401))  # fmt: skip
def list_exports() -> list[ExportOut]:
    caller = required_caller(router)
    return [ExportOut.of(job) for job in transfer_service().jobs(caller.user_id, Direction.EXPORT)]


@router.get(handler_path("/me/exports/{export_id}"), summary="An export; once done, a link to its ZIP",
            tags=TAGS, security=BEARER, responses=route_responses(200, 400, 401, 404, 503))  # fmt: skip
def get_export(export_id: UUID) -> ExportOut:
    caller = required_caller(router)
    service = transfer_service()
    job = service.job(caller.user_id, Direction.EXPORT, str(export_id))
    return ExportOut.of(job, service.download_url(job))
