"""Poster images are accepted by their bytes, whatever type the client declared."""

from __future__ import annotations

from dataclasses import dataclass

MAX_POSTER_BYTES = 5 * 1024 * 1024
POSTER_TOO_LARGE = "Poster is larger than 5 MB"
#: Enough leading bytes to tell every accepted format apart.
SNIFF_BYTES = 16


@dataclass(frozen=True)
class ImageType:
    content_type: str
    extension: str


JPEG = ImageType("image/jpeg", "jpg")
PNG = ImageType("image/png", "png")
WEBP = ImageType("image/webp", "webp")
IMAGE_TYPES: dict[str, ImageType] = {image.content_type: image for image in (JPEG, PNG, WEBP)}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_WEBP_CHUNKS = (b"VP8 ", b"VP8L", b"VP8X")


def sniff(data: bytes) -> ImageType | None:
    """The image format of ``data`` by its signature (and first chunk), or None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    # A PNG's first chunk is always IHDR; a WebP is a RIFF container whose first chunk is a VP8 variant.
    if data.startswith(_PNG_SIGNATURE) and data[12:16] == b"IHDR":
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:16] in _WEBP_CHUNKS:
        return WEBP
    return None
