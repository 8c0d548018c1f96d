"""multipart/form-data request bodies, as API Gateway delivers them (binary bodies base64-encoded).

Only the file part is wanted, so the body is walked part by part with ``bytes.find`` and the walk stops at
the file: a form of tens of thousands of parts is refused after ``MAX_PARTS``, in microseconds, instead of
being parsed whole (the standard library's email parser took seconds for one).  Each part's headers go
through the email header parser; payloads are sliced byte-exact.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import HTTP

from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

#: Parts read before the file must have come: the web app sends the file alone, a form with a few fields fits.
MAX_PARTS = 16
#: A part's headers (disposition, type) are a few hundred bytes; more is not a form a browser sent.
MAX_PART_HEADER_BYTES = 8 * 1024
MALFORMED = "Malformed multipart/form-data body"
TOO_MANY_PARTS = f"A form may have at most {MAX_PARTS} parts before its file"


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


def _boundary(content_type: str) -> bytes:
    header = Message()
    header["Content-Type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str) or not boundary:
        raise MultipartError("Expected a multipart/form-data body")
    return boundary.encode("latin-1", errors="replace")


def find_file(body: bytes, content_type: str, names: Collection[str]) -> FormFile | None:
    """The first part named one of ``names``, read no further than it; None when the form has no such part.

    Raises :class:`MultipartError` for a body that is not a form, or that has more than ``MAX_PARTS`` parts
    before the one wanted."""
    delimiter = b"--" + _boundary(content_type)
    position = body.find(delimiter)
    if position < 0:
        raise MultipartError(MALFORMED)
    parts_read = 0
    while True:
        position += len(delimiter)
        if body.startswith(b"--", position):
            return None  # the closing delimiter
        if parts_read == MAX_PARTS:
            raise MultipartError(TOO_MANY_PARTS)
        line_end = body.find(b"\r\n", position)
        if line_end < 0 or body[position:line_end].strip(b" \t"):
            raise MultipartError(MALFORMED)
        start = line_end + 2
        end = body.find(b"\r\n" + delimiter, start)
        if end < 0:
            raise MultipartError(MALFORMED)
        part = _part(body, start, end)
        if part.name in names:
            return part
        parts_read += 1
        position = end + 2


def _part(body: bytes, start: int, end: int) -> FormFile:
    """The part between ``start`` (after its delimiter line) and ``end`` (the CRLF before the next delimiter)."""
    if body.startswith(b"\r\n", start):
        headers_end, payload_start = start, start + 2  # a part without headers
    else:
        headers_end = body.find(b"\r\n\r\n", start, min(end, start + MAX_PART_HEADER_BYTES))
        if headers_end < 0:
            raise MultipartError(MALFORMED)
        payload_start = headers_end + 4
    headers = BytesHeaderParser(policy=HTTP).parsebytes(body[start:headers_end])
    name = headers.get_param("name", header="content-disposition")
    return FormFile(
        name if isinstance(name, str) else "",
        headers.get_filename(),
        headers.get_content_type(),
        body[payload_start:end],
    )
