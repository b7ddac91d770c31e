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


class NoPages(DocumentError):
    stage, error_type = "text", "no_pages"


# Failures that say nothing certain about the file itself: retried on the next run.
TRANSIENT_ERRORS = frozenset(
    {"timeout", "worker_crash", "worker_error", "out_of_memory", "unreadable", "no_result", "changed", "not_a_regular_file"}
)
# Of those, the ones the bytes themselves may cause (pdfium aborting on a flate bomb, a page
# that never finishes): tried again once, lasting when the same bytes fail so again.
REPEATABLE_ERRORS = frozenset({"worker_crash", "out_of_memory", "timeout"})
MAX_ATTEMPTS = 2


def is_lasting(row: dict) -> bool:
    """Whether an `errors` row stands until the bytes change (or `--force`), instead of a retry."""
    if row["error_type"] in REPEATABLE_ERRORS:
        return (row.get("attempts") or 1) >= MAX_ATTEMPTS
    return row["error_type"] not in TRANSIENT_ERRORS


def with_attempts(row: dict, before: dict | None) -> dict:
    """The row with `attempts` counted on: one more when the same bytes failed so the run before."""
    repeated = before is not None and row["error_type"] in REPEATABLE_ERRORS and before["error_type"] in REPEATABLE_ERRORS
    return {**row, "attempts": (before.get("attempts") or 1) + 1 if repeated else 1}


def retry_note(row: dict) -> str:
    """What the next run does with a failed file, in words (for `schv status`)."""
    if row["error_type"] in REPEATABLE_ERRORS and is_lasting(row):
        return f"lasting: failed {row['attempts']} times in a row on these bytes; `schv extract --force` tries again"
    if is_lasting(row):
        return "lasting until the file changes"
    return "retried on the next run"
