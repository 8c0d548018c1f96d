"""Real, tiny images and multipart/form-data bodies, built in code (no binary fixtures in the repo)."""

from __future__ import annotations

import base64
import struct
import uuid
import zlib

#: A 1×1 progressive JPEG (SOI, JFIF, quantisation and Huffman tables, one scan, EOI).
TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////"
    "////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)
#: A 1×1 lossless WebP (RIFF container, one VP8L chunk).
TINY_WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png() -> bytes:
    """A 1×1 grey PNG: signature, IHDR, IDAT (one filtered scanline), IEND."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + _png_chunk(b"IEND", b"")
    )


TINY_PNG = tiny_png()


def multipart_form(
    data: bytes, field: str = "file", filename: str = "poster.jpg", content_type: str = "image/jpeg"
) -> tuple[bytes, str]:
    """A browser-like form with one file part and one text part; returns (body, Content-Type header)."""
    boundary = f"----FilmHubBoundary{uuid.uuid4().hex}"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="comment"\r\n\r\n'
            "постер\r\n"
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"
