"""Typed failures: each becomes one row of the `errors` table, never a crash of the batch."""

from __future__ import annotations


class DocumentError(Exception):
    """A file that cannot be turned into a written question, with the stage that found out."""

    stage = "pipeline"
    error_type = "error"

    def __init__(self, message: str, *, stage: str | None = None, error_type: str | None = None):
        super().__init__(message)
        if stage:
            self.stage = stage
        if error_type:
            self.error_type = error_type


class NotAPdf(DocumentError):
    stage, error_type = "text", "not_pdf"


class EncryptedPdf(DocumentError):
    stage, error_type = "text", "encrypted"


class BrokenPdf(DocumentError):
    stage, error_type = "text", "broken_pdf"


class NoTextLayer(DocumentError):
    stage, error_type = "text", "no_text_layer"


class NotAWrittenQuestion(DocumentError):
    stage, error_type = "segment", "not_written_question"
