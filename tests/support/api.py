"""Call the functions in-process with the same API Gateway events the local gateway builds."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from local.gateway import LocalGateway


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class ApiClient:
    """Routes like API Gateway (the shared route table), then invokes the handler directly."""

    def __init__(self, token: str | None = None) -> None:
        self.gateway = LocalGateway(cors_origins=["http://localhost:5173"])
        self.token = token

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes | None = None,
        content_type: str | None = None,
        query: dict[str, Any] | list[tuple[str, Any]] | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        source_ip: str = "127.0.0.1",
    ) -> ApiResponse:
        all_headers = {"host": "api.test", **(headers or {})}
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode()
            content_type = content_type or "application/json"
        if content_type:
            all_headers["content-type"] = content_type
        bearer = token or self.token
        if bearer:
            all_headers["authorization"] = f"Bearer {bearer}"
        target = path if path.startswith(("/api", "/l/")) else f"/api/v1{path}"
        if query:
            target += "?" + urlencode(query, doseq=True)
        response = self.gateway.handle(method, target, list(all_headers.items()), body or b"", source_ip)
        return ApiResponse(response.status, {k.lower(): v for k, v in response.headers}, response.body)

    def get(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("DELETE", path, **kwargs)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
