"""Imports and exports: an import's upload form and progress, an export's state and download link."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StringConstraints

from filmhub.http.schemas.common import ApiModel

if TYPE_CHECKING:
    from filmhub.transfer.ports import TransferJob


class ImportIn(ApiModel):
    format: Literal["letterboxd", "imdb"]
    filename: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=255, pattern=r"(?i)^[^/\\]*\.(zip|csv)$"),
    ] = Field(description="The export's file name: a `.zip` or a `.csv`; it fixes the upload's content type")


class UploadFormOut(ApiModel):
    url: str = Field(description="POST a multipart form to this URL: every field below, then `file` last")
    fields: dict[str, str]
    expires_in: int = Field(description="Seconds the form stays valid")


class UnmatchedOut(ApiModel):
    line: str = Field(description="`<file>:<line>` in the uploaded export")
    title: str
    year: int | None
    reason: str


class ImportOut(ApiModel):
    import_id: str
    format: str
    filename: str
    state: Literal["waiting_upload", "queued", "running", "done", "failed"]
    total: int
    processed: int
    matched: int
    percent: int
    unmatched: list[UnmatchedOut] = Field(description="The first 100 rows that were not imported, in file order")
    error: str | None = Field(description="Why the whole file could not be imported")
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, job: TransferJob) -> ImportOut:
        return cls(
            import_id=job.id, format=job.format, filename=job.filename, state=job.state.value, total=job.total,
            processed=job.processed, matched=job.matched, percent=job.percent,
            unmatched=[UnmatchedOut(line=u.line, title=u.title, year=u.year, reason=u.reason) for u in job.unmatched],
            error=job.error, created_at=job.created_at, updated_at=job.updated_at,
        )  # fmt: skip


class ImportCreatedOut(ApiModel):
    import_id: str
    upload: UploadFormOut


class ExportOut(ApiModel):
    export_id: str
    state: Literal["queued", "running", "done", "failed"]
    download_url: str | None = Field(description="A presigned link to the ZIP once done; it expires in 15 minutes")
    error: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, job: TransferJob, download_url: str | None = None) -> ExportOut:
        # An export never waits for an upload: pydantic checks the state against the narrower Literal.
        return cls(export_id=job.id, state=job.state.value, download_url=download_url, error=job.error,  # type: ignore[arg-type]
                   created_at=job.created_at, updated_at=job.updated_at)  # fmt: skip
