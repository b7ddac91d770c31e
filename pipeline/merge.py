"""Stage 4, tables: new rows merged with the kept ones, references resolved, checked, sorted.

All in Arrow: rows of the documents processed in this run are converted once, rows of
unchanged documents are carried over from the previous tables by a filter, and every
table is sorted by its primary key, so the output does not depend on the order in which
workers finished.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.schema import load, to_arrow
from pipeline.segment import session_of


def merge(name: str, old: pa.Table | None, keep_ids: set[str], new_rows: list[dict]) -> pa.Table:
    """Rows of `keep_ids` from the previous table plus this run's rows."""
    schema = load(name).arrow()
    parts = []
    if old is not None and old.num_rows and keep_ids:
        try:
            old = old.select(schema.names).cast(schema)
        except (KeyError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
            old = None  # written by a version with other columns: those documents are redone
        if old is not None:
            parts.append(old.filter(pc.is_in(old["doc_id"], value_set=pa.array(sorted(keep_ids), pa.string()))))
    if new_rows:
        parts.append(to_arrow(name, new_rows))
    return pa.concat_tables(parts) if parts else schema.empty_table()


def sort_by_key(name: str, table: pa.Table) -> pa.Table:
    keys = load(name).primary_key
    return table.sort_by([(k, "ascending") for k in keys]) if table.num_rows else table


def with_paths(docs: pa.Table, paths: dict[str, list[str]]) -> pa.Table:
    """Every path holding a question's file (`paths` by content hash); `source_file` is the first in sort order."""
    rows = docs.to_pylist()
    for r in rows:
        r["source_files"] = sorted(paths[r["sha256"]])
        r["source_file"] = r["source_files"][0]
    return to_arrow("documents", rows)


def resolve_targets(docs: pa.Table, refs: pa.Table) -> pa.Table:
    """target_doc_id of written-question references found in the corpus.

    (session, minister, number) identifies a question; a reference without a session or
    date is taken to be of the referring document's session, to its minister.
    """
    meta = {d["doc_id"]: d for d in docs.select(["doc_id", "session", "minister", "number"]).to_pylist()}
    index: dict[tuple, list[str]] = {}
    for d in meta.values():
        if d["number"] is not None and d["session"] is not None:
            index.setdefault((d["session"], d["minister"], d["number"]), []).append(d["doc_id"])
    targets: list[str | None] = []
    for r in refs.select(["doc_id", "ref_type", "number", "session", "date"]).to_pylist():
        target = None
        if r["ref_type"] == "written_question" and r["number"] and r["number"].isdigit():
            src = meta.get(r["doc_id"], {})
            session = r["session"] or (session_of(r["date"]) if r["date"] else None) or src.get("session")
            hits = index.get((session, src.get("minister"), int(r["number"])), [])
            target = hits[0] if len(hits) == 1 and hits[0] != r["doc_id"] else None
        targets.append(target)
    i = refs.schema.get_field_index("target_doc_id")
    return refs.set_column(i, refs.schema.field(i), pa.array(targets, pa.string()))
