"""Where poster objects live in the bucket.

Only ``posters/`` is ever served (CloudFront on AWS, the bucket policy of the local stack).  A direct upload
(presigned POST) lands under ``uploads/``, which nothing serves: ``/confirm`` checks its bytes and moves it to
a fresh ``posters/`` key, and an upload never confirmed expires by the bucket's lifecycle rule on ``uploads/``.
Every key is new and random, so a replaced poster never shadows a cached one.
"""

from __future__ import annotations

import re
import uuid

from filmhub.films.images import ImageType

POSTERS_PREFIX = "posters/"
UPLOADS_PREFIX = "uploads/"
#: Days an unconfirmed upload lives (S3 lifecycle rules count whole days); a form is valid for 10 minutes.
UNCONFIRMED_UPLOAD_DAYS = 1

_UPLOAD_KEY = re.compile(rf"{UPLOADS_PREFIX}(?P<film>[0-9a-f-]{{36}})/[0-9a-f-]{{36}}\.(?P<ext>jpg|png|webp)")


def poster_key(film_id: str, image: ImageType) -> str:
    return f"{POSTERS_PREFIX}{film_id}/{uuid.uuid4()}.{image.extension}"


def upload_key(film_id: str, image: ImageType) -> str:
    return f"{UPLOADS_PREFIX}{film_id}/{uuid.uuid4()}.{image.extension}"


def parse_upload_key(key: str) -> tuple[str, str] | None:
    """(film id, extension) of a direct upload's key; None for anything else."""
    matched = _UPLOAD_KEY.fullmatch(key)
    return None if matched is None else (matched["film"], matched["ext"])
