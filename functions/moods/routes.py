"""GET /moods, GET /moods/{id}."""

from __future__ import annotations

from uuid import UUID

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from filmhub.http.schemas.catalog import MoodOut
from filmhub.http.schemas.common import route_responses
from filmhub.routes import handler_path
from filmhub.wiring import catalog_service

router = APIGatewayHttpRouter()


@router.get("/moods", summary="All moods", tags=["catalog"])
def list_moods() -> list[MoodOut]:
    return [MoodOut.of(mood) for mood in catalog_service().moods()]


@router.get(
    handler_path("/moods/{mood_id}"), summary="One mood", tags=["catalog"], responses=route_responses(200, 400, 404)
)
def get_mood(mood_id: UUID) -> MoodOut:
    return MoodOut.of(catalog_service().mood(str(mood_id)))
