"""The OpenAPI document says what the API answers, including what the shared plumbing answers on every route.

Each test here is a case schema fuzzing (``tests/e2e/test_fuzz.py``) found the document contradicting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

from filmhub.routes import API_PREFIX, ROUTES
from tests.support.api import ApiClient
from tests.support.fixtures import new_user_token

ERROR_OUT = {"$ref": "#/components/schemas/ErrorOut"}
Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return ApiClient().get("/api/schema/openapi.json").json


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, path_item in document["paths"].items():
        for method, operation in path_item.items():
            yield method.upper(), path, operation


def schema_of(response: dict[str, Any]) -> dict[str, Any]:
    return response["content"]["application/json"]["schema"]


def test_the_document_is_valid_and_has_every_route(document: dict[str, Any]) -> None:
    validate(document)
    documented = {f"{method} /api/v1{path}" for method, path, _ in operations(document)}
    # Pages for people (a shared list's /l/{slug}) are outside the JSON API and its document.
    served = {
        route.route_key
        for route in ROUTES
        if route.function not in ("docs", "bot") and route.path.startswith(f"{API_PREFIX}/")
    }
    assert documented == served


def test_every_operation_documents_a_success(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        assert any(status.startswith("2") for status in operation["responses"]), (method, path)
    assert "200" in document["paths"]["/health"]["get"]["responses"]  # was: 503 only


def test_a_204_has_no_body(document: dict[str, Any]) -> None:
    no_content = [op["responses"]["204"] for _, _, op in operations(document) if "204" in op["responses"]]
    assert len(no_content) >= 10
    assert all("content" not in response for response in no_content)


def test_validation_errors_are_the_error_envelope(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        takes_input = bool(operation.get("parameters")) or "requestBody" in operation
        assert ("422" in operation["responses"]) == takes_input, (method, path)
        if takes_input:
            assert schema_of(operation["responses"]["422"]) == ERROR_OUT, (method, path)
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_every_json_body_may_be_refused_by_the_plumbing(document: dict[str, Any]) -> None:
    with_bodies = [(method, path, op) for method, path, op in operations(document) if "requestBody" in op]
    assert len(with_bodies) >= 15
    for method, path, operation in with_bodies:
        assert {"400", "413", "415"} <= set(operation["responses"]), (method, path)
    # POST /me/watchlists answered an undocumented 400 to a malformed body.
    assert schema_of(document["paths"]["/me/watchlists"]["post"]["responses"]["400"]) == ERROR_OUT


@pytest.mark.usefixtures("aws")
def test_check_auth_key_400_takes_either_shape(document: dict[str, Any], api: ApiClient) -> None:
    response = document["paths"]["/auth/telegram/check_auth_key"]["post"]["responses"]["400"]
    assert schema_of(response) == {"anyOf": [{"$ref": "#/components/schemas/AuthKeyErrorOut"}, ERROR_OUT]}
    path = "/auth/telegram/check_auth_key"
    assert api.post(path, json_body={"tg_code": "unknown"}).json == {"error": "incorrect_auth_key"}
    malformed = api.post(path, body=b"\x00", content_type="application/json")
    assert malformed.json == {"status_code": 400, "detail": "Malformed JSON body"}


@pytest.mark.usefixtures("aws")
def test_a_presigned_upload_form_is_a_documented_201(document: dict[str, Any], api: ApiClient) -> None:
    responses = document["paths"]["/films/{film_id}/poster/upload-url"]["post"]["responses"]
    assert "201" in responses
    assert "200" not in responses  # it was documented as 200 while answering 201
    token = new_user_token()
    film = api.post("/films", json_body={"title": "Постер", "description": "x"}, token=token).json
    answer = api.post(f"/films/{film['id']}/poster/upload-url", json_body={"content_type": "image/png"}, token=token)
    assert answer.status == 201
