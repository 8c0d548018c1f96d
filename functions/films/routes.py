"""POST /films, GET|PUT /films/{id}, the poster (upload, presigned upload, delete), GET /films/search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.core.errors import InvalidInput, InvalidValue, PayloadTooLarge
from filmhub.films.images import MAX_POSTER_BYTES, POSTER_TOO_LARGE
from filmhub.http.auth import BEARER, optional_caller, required_caller
from filmhub.http.limits import client_ip
from filmhub.http.schemas.common import error_responses, route_responses
from filmhub.http.schemas.films import FilmIn, FilmOut, PosterConfirmIn, PosterUploadIn, PosterUploadOut, films_out
from filmhub.routes import handler_path
from filmhub.wiring import film_search, film_service

if TYPE_CHECKING:
    from filmhub.films.service import FilmDraft

router = APIGatewayHttpRouter()

#: The web app names the poster field ``file``; older clients send ``data``.
FILE_FIELDS = ("file", "data")
#: Form fields and boundaries around the file: a body further over the poster limit is refused unread.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
FILM_WRITES_LIMIT = (
    "More film creations and edits by one user than `RATE_LIMIT_FILM_WRITES` per "
    "`RATE_LIMIT_FILM_WRITES_WINDOW_SECONDS`: 429 with `Retry-After`."
)
MULTIPART_DESCRIPTION = (
    "A `multipart/form-data` body with one image file in the field `file` (or `data`): JPEG, PNG or WebP by its "
    "bytes, at most 5 MB. Larger files: use `/poster/upload-url`."
)


def _draft(body: FilmIn) -> FilmDraft:
    # The film rules come with the service that applies them (wiring, on the first write): reads never need them.
    from filmhub.films.service import FilmDraft

    return FilmDraft(
        title=body.title,
        description=body.description,
        genre_ids=tuple(str(genre_id) for genre_id in body.genres_ids or ()),
        country=body.country,
        release_year=body.release_year,
    )


@router.post(
    "/films",
    status_code=201,
    summary="Create a film owned by the caller",
    description=FILM_WRITES_LIMIT,
    tags=["films"],
    security=BEARER,
    responses=route_responses(201, 400, 401, 422, 429),
)
def create_film(body: FilmIn) -> FilmOut:
    caller = required_caller(router)
    return FilmOut.of(film_service().create(caller.user_id, _draft(body)))


@router.get(
    "/films/search",
    summary="Search films by title, or by a description of what happens in them",
    description="`title` alone searches titles (the local catalog and TMDB/Kinopoisk); `description` asks an LLM "
    "for candidate titles and looks them up, falling back to keyword search over titles and descriptions. More "
    "searches than `RATE_LIMIT_SEARCH` per window (per user, or per address without a token): 429 with `Retry-After`.",
    tags=["films"],
    security=BEARER,
    responses=route_responses(200, 401, 422, 429),
)
def search_films(
    title: Annotated[str | None, Query(max_length=512)] = None,
    description: Annotated[str | None, Query(max_length=5000)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[FilmOut]:
    caller = optional_caller(router)
    user_id = caller.user_id if caller else None
    return films_out(film_search().search(title, description, limit, user_id, address=client_ip(router)))


@router.get(
    handler_path("/films/{film_id}"),
    summary="One film; flags for the caller when a token is sent",
    tags=["films"],
    security=BEARER,
    responses=route_responses(200, 400, 401, 404),
)
def get_film(film_id: UUID) -> FilmOut:
    caller = optional_caller(router)
    return FilmOut.of(film_service().get(str(film_id), caller.user_id if caller else None))


@router.put(
    handler_path("/films/{film_id}"),
    summary="Edit a film (its owner only)",
    description=FILM_WRITES_LIMIT,
    tags=["films"],
    security=BEARER,
    responses=route_responses(200, 400, 401, 403, 404, 409, 422, 429),
)
def update_film(film_id: UUID, body: FilmIn) -> FilmOut:
    caller = required_caller(router)
    return FilmOut.of(film_service().update(str(film_id), caller.user_id, _draft(body)))


@router.put(
    handler_path("/films/{film_id}/poster"),
    summary="Upload the film's poster (its owner only)",
    description=MULTIPART_DESCRIPTION,
    tags=["films"],
    security=BEARER,
    responses={204: {"description": "Stored"}, **error_responses(400, 401, 403, 404, 409, 413, 422, 503)},
)
def upload_poster(film_id: UUID) -> Response[None]:
    # The only route with a multipart body: its parser (and the email package it uses) is imported here.
    from filmhub.http.multipart import MultipartError, find_file, raw_body

    caller = required_caller(router)
    body = raw_body(router.current_event)
    if len(body) > MAX_POSTER_BYTES + MULTIPART_OVERHEAD_BYTES:
        raise PayloadTooLarge(POSTER_TOO_LARGE)
    try:
        upload = find_file(body, router.current_event.headers.get("content-type", ""), FILE_FIELDS)
    except MultipartError as error:
        raise InvalidInput(str(error)) from error
    if upload is None:
        raise InvalidValue("file", "A poster file is required (field `file`)")
    film_service().upload_poster(str(film_id), caller.user_id, upload.data)
    return Response(204)


@router.delete(
    handler_path("/films/{film_id}/poster"),
    summary="Remove the film's poster (its owner only)",
    tags=["films"],
    security=BEARER,
    responses={204: {"description": "Removed"}, **error_responses(400, 401, 403, 404, 409, 503)},
)
def delete_poster(film_id: UUID) -> Response[None]:
    caller = required_caller(router)
    film_service().delete_poster(str(film_id), caller.user_id)
    return Response(204)


@router.post(
    handler_path("/films/{film_id}/poster/upload-url"),
    status_code=201,
    summary="A presigned S3 form to upload a poster directly (its owner only)",
    description="POST the returned fields and the file to `url`, then confirm with `/poster/confirm`.",
    tags=["films"],
    security=BEARER,
    responses=route_responses(201, 400, 401, 403, 404, 422, 503),
)
def poster_upload_url(film_id: UUID, body: PosterUploadIn) -> PosterUploadOut:
    caller = required_caller(router)
    upload = film_service().poster_upload_url(str(film_id), caller.user_id, body.content_type)
    return PosterUploadOut(url=upload.url, fields=upload.fields, key=upload.key, expires_in=upload.expires_in)


@router.post(
    handler_path("/films/{film_id}/poster/confirm"),
    summary="Make a directly uploaded poster the film's poster, once its bytes are checked",
    tags=["films"],
    security=BEARER,
    responses={204: {"description": "Stored"}, **error_responses(400, 401, 403, 404, 409, 413, 422, 503)},
)
def confirm_poster(film_id: UUID, body: PosterConfirmIn) -> Response[None]:
    caller = required_caller(router)
    film_service().confirm_poster(str(film_id), caller.user_id, body.key)
    return Response(204)
