"""What one file gives back to the driver (`DocResult`), apart from the stages that make it.

Kept light: the driver of a run with nothing to process loads this, not the extractors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.schema import TABLE_ORDER, SchemaError, to_arrow


@dataclass
class DocResult:
    """What one file gave: rows of every table for each question it holds, or one `errors` row."""

    source_file: str
    sha256: str | None
    doc_ids: list[str] = field(default_factory=list)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    error: dict | None = None
    warnings: list[str] = field(default_factory=list)  # about the file as a whole (files.warnings)
    # Seconds per stage, and per page (number, text, tables): for `schv bench`.
    cost: dict = field(default_factory=dict)

    @classmethod
    def from_record(cls, record: dict) -> DocResult:
        """A result read back from the journal (pipeline.commit.store), checked against the schemas.

        Raises ValueError for a record that does not hold a result of this version: the
        document is then simply processed again.
        """
        if not isinstance(record, dict) or not isinstance(record.get("rows"), dict):
            raise ValueError("not a journaled result")
        res = cls(**record)
        if not all(isinstance(v, str | None) for v in (res.source_file, res.sha256)):
            raise ValueError("not a journaled result")
        if not all(isinstance(v, str) for v in (*res.doc_ids, *res.warnings)):
            raise ValueError("not a journaled result")
        if not set(res.rows) <= set(TABLE_ORDER):
            raise ValueError("journaled result names an unknown table")
        try:
            for table, rows in res.rows.items():
                to_arrow(table, rows)  # types, required columns, keys: as the final merge checks them
            if res.error is not None:
                to_arrow("errors", [res.error])
        except (SchemaError, AttributeError, TypeError, KeyError) as exc:
            raise ValueError(f"journaled result does not fit the schemas: {exc}") from exc
        return res

    @classmethod
    def failure(cls, source_file: str, sha: str | None, stage: str, error_type: str, message: str) -> DocResult:
        """A file that could not be processed: the row it gets in `errors`."""
        return cls(
            source_file=source_file, sha256=sha,
            error={"source_file": source_file, "sha256": sha, "stage": stage, "error_type": error_type, "message": message, "attempts": 1},
        )
