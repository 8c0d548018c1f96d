"""multipart/form-data request bodies, as API Gateway delivers them (binary bodies base64-encoded).

Parsed with the standard library's email parser: no extra dependency in the Lambda layer, and it
keeps part payloads byte-exact.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP

from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent


class MultipartError(ValueError):
    """The body is not a multipart/form-data body (or not decodable)."""


@dataclass(frozen=True)
class FormFile:
    name: str
    filename: str | None
    content_type: str
    data: bytes


def raw_body(event: BaseProxyEvent) -> bytes:
    """The request body as sent: Powertools' ``decoded_body`` would decode binary bytes as UTF-8."""
    body = event.body or ""
    if not event.is_base64_encoded:
        return body.encode("utf-8")
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error as error:
        raise MultipartError("Body is not valid base64") from error


def parse_form(body: bytes, content_type: str) -> dict[str, FormFile]:
    """The parts of a form by field name (the first part wins when a name repeats)."""
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type.lower():
        raise MultipartError("Expected a multipart/form-data body")
    header = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", errors="replace")
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise MultipartError("Malformed multipart/form-data body")
    parts: dict[str, FormFile] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and name not in parts:
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            parts[name] = FormFile(name, part.get_filename(), part.get_content_type(), data)
    return parts
