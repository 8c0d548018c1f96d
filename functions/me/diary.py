"""/me/diary…: the caller's watch diary, and /me/stats: its counts for a year (all need a token)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.core.errors import InvalidValue
from filmhub.diary.bounds import DEFAULT_PAGE, EARLIEST_DATE, MAX_PAGE
from filmhub.http.auth import BEARER, required_caller
from filmhub.http.paging import NEXT_PAGE_DESCRIPTION, page_response
from filmhub.http.schemas.common import error_responses, route_responses
from filmhub.http.schemas.diary import DiaryEntryIn, DiaryEntryOut, DiaryEntryPatch, YearStatsOut
from filmhub.routes import handler_path
from filmhub.wiring import diary_service

router = APIGatewayHttpRouter()

TAGS = ["diary"]
DATE_QUERY = r"^\d{4}-\d{2}-\d{2}$"


def _half_points(score: float | None) -> int | None:
    from filmhub.core.entities import score_to_half_points  # writes only, with the diary service

    return None if score is None else score_to_half_points(score)


def _query_date(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InvalidValue(name, "must be a date, YYYY-MM-DD") from error


@router.post(
    "/me/diary",
    status_code=201,
    summary="Log a watch of a film (several entries a film are allowed: rewatches)",
    description="The first entry of a film also puts it in the watched list (deleting entries never takes it out).",
    tags=TAGS,
    security=BEARER,
    responses=route_responses(201, 401, 404, 409, 422),
)
def log_watch(body: Annotated[DiaryEntryIn, Body()]) -> DiaryEntryOut:
    from filmhub.diary.service import EntryDraft  # the diary rules: with the service, on the first write

    caller = required_caller(router)
    draft = EntryDraft(
        watched_on=body.watched_on,  # type: ignore[arg-type]  # a date once validated
        rewatch=body.rewatch,
        half_points=_half_points(body.rating),
        note=body.note,
        time_zone=body.tz,
    )
    return DiaryEntryOut.of(diary_service().log(caller.user_id, str(body.film_id), draft))


@router.get(
    "/me/diary",
    summary="The caller's diary, newest watch first; `from` and `to` bound the dates (inclusive)",
    description=NEXT_PAGE_DESCRIPTION,
    tags=TAGS,
    security=BEARER,
    responses=route_responses(200, 400, 401, 422),
)
def list_diary(
    since: Annotated[str | None, Query(alias="from", pattern=DATE_QUERY)] = None,
    until: Annotated[str | None, Query(alias="to", pattern=DATE_QUERY)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Response[list[DiaryEntryOut]]:
    caller = required_caller(router)
    first, last = _query_date("from", since), _query_date("to", until)
    page = diary_service().entries(caller.user_id, first, last, limit, cursor)
    entries = [DiaryEntryOut.of(view) for view in page.entries]
    return page_response(entries, "/me/diary", page.next_cursor, {"from": since, "to": until, "limit": limit})


@router.patch(
    handler_path("/me/diary/{entry_id}"),
    summary="Change a diary entry; `rating` or `note` sent as null clear them",
    tags=TAGS,
    security=BEARER,
    responses=route_responses(200, 400, 401, 404, 409, 422),
)
def edit_entry(entry_id: UUID, body: Annotated[DiaryEntryPatch, Body()]) -> DiaryEntryOut:
    from filmhub.diary.service import EntryDraft

    caller = required_caller(router)
    sent = body.model_fields_set
    draft = EntryDraft(
        watched_on=body.watched_on,  # type: ignore[arg-type]  # a date once validated
        rewatch=body.rewatch,
        half_points=_half_points(body.rating),
        note=body.note,
        clear_rating="rating" in sent and body.rating is None,
        clear_note="note" in sent and body.note is None,
        time_zone=body.tz,
    )
    return DiaryEntryOut.of(diary_service().edit(caller.user_id, str(entry_id), draft))


@router.delete(
    handler_path("/me/diary/{entry_id}"),
    summary="Delete a diary entry (the film stays in the watched list)",
    tags=TAGS,
    security=BEARER,
    responses={204: {"description": "Deleted"}, **error_responses(400, 401, 404, 409)},
)
def delete_entry(entry_id: UUID) -> Response[None]:
    caller = required_caller(router)
    diary_service().delete(caller.user_id, str(entry_id))
    return Response(204)


@router.get(
    "/me/stats",
    summary="The caller's diary in numbers for one year (this year, UTC, by default)",
    tags=TAGS,
    security=BEARER,
    responses=route_responses(200, 401, 422),
)
def year_stats(year: Annotated[int | None, Query(ge=EARLIEST_DATE.year, le=9999)] = None) -> YearStatsOut:
    caller = required_caller(router)
    wanted = year if year is not None else datetime.now(UTC).year
    return YearStatsOut.of(diary_service().stats(caller.user_id, wanted))
