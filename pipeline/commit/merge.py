"""The commit stage: new rows merged with the kept ones, references resolved, checked, sorted.

All in Arrow: rows of the documents processed in this run are converted once (per table,
by the caller), rows of unchanged documents are carried over from the previous parts by a
filter, and every table is sorted by its primary key, so the output does not depend on the
order in which workers finished. Nothing here turns a whole table into Python rows.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.schema import empty_table, load


def merge(name: str, old: pa.Table | None, drop_ids: pa.Array, new: pa.Table | None) -> pa.Table:
    """The previous rows (of one part) without `drop_ids` (questions removed or redone), plus
    this run's rows of the part (converted by the caller, once per table)."""
    schema = load(name).arrow()
    parts = []
    if old is not None and old.num_rows:
        parts.append(old.filter(pc.invert(pc.is_in(old["doc_id"], value_set=drop_ids))) if len(drop_ids) else old)
    if new is not None and new.num_rows:
        parts.append(new)
    return pa.concat_tables(parts) if parts else empty_table(schema)


def sort_by_key(name: str, table: pa.Table) -> pa.Table:
    keys = load(name).primary_key
    return table.sort_by([(k, "ascending") for k in keys]) if table.num_rows else table


def with_paths(docs: pa.Table, paths: dict[str, list[str]]) -> pa.Table:
    """Every path holding a question's file (`paths` by content hash); `source_file` is the first in sort order.

    In Arrow: one list per distinct hash, taken for every row.
    """
    if not docs.num_rows:
        return docs
    shas = pc.unique(docs["sha256"])
    lists = [sorted(paths[s]) for s in shas.to_pylist()]
    idx = pc.index_in(docs["sha256"], value_set=shas)
    for name, values in (("source_files", pa.array(lists, pa.list_(pa.string()))), ("source_file", pa.array([v[0] for v in lists], pa.string()))):
        i = docs.schema.get_field_index(name)
        docs = docs.set_column(i, docs.schema.field(i), pc.take(values, idx))
    return docs


def _is_written_question_number(refs: pa.Table) -> pa.ChunkedArray:
    return pc.fill_null(pc.and_(pc.equal(refs["ref_type"], "written_question"), pc.match_substring_regex(refs["number"], r"^[0-9]+$")), False)


def affected_refs(refs: pa.Table, docs: pa.Table, changed: pa.Table) -> pa.Array:
    """doc_ids of the questions holding a reference whose target a new or removed question
    (`changed`: session, minister, number) may change. In Arrow down to the references with
    such a number; those few are checked key by key."""
    refs = refs.filter(_is_written_question_number(refs))
    refs = refs.filter(pc.is_in(pc.cast(refs["number"], pa.int64()), value_set=pc.unique(pc.cast(changed["number"], pa.int64()))))
    if not refs.num_rows:
        return pa.array([], pa.string())
    meta = docs.select(["doc_id", "session", "minister"])
    src = {d["doc_id"]: d for d in meta.filter(pc.is_in(meta["doc_id"], value_set=pc.unique(refs["doc_id"]))).to_pylist()}
    wanted = set(zip(*changed.select(["session", "minister", "number"]).to_pydict().values(), strict=True))
    hit = [key in wanted for key in lookup_keys(refs, src)]
    return pc.unique(refs.filter(pa.array(hit, pa.bool_()))["doc_id"])


def lookup_keys(refs: pa.Table, src: dict[str, dict]) -> list[tuple]:
    """(session, minister, number) each reference to a written question looks for; `refs`
    holds only such references, `src` the referring questions' session and minister."""
    from pipeline.segment.segment import session_of  # with the text stages: loaded only when references are resolved

    keys = []
    for r, number in zip(refs.select(["doc_id", "session", "date"]).to_pylist(), pc.cast(refs["number"], pa.int64()).to_pylist(), strict=True):
        s = src.get(r["doc_id"], {})
        session = r["session"] or (session_of(r["date"]) if r["date"] else None) or s.get("session")
        keys.append((session, s.get("minister"), number))
    return keys


def resolve_targets(docs: pa.Table, refs: pa.Table) -> pa.Table:
    """target_doc_id of written-question references found in the corpus.

    (session, minister, number) identifies a question; a reference without a session or
    date is taken to be of the referring document's session, to its minister. `docs`
    needs only doc_id, session, minister and number, of the whole corpus; only the
    references to written questions are looked at one by one, against the questions with
    their numbers.
    """
    targets = pa.nulls(refs.num_rows, pa.string())
    mask = _is_written_question_number(refs) if refs.num_rows else None
    if mask is not None and pc.any(mask).as_py():
        cand = refs.filter(mask).select(["doc_id", "number", "session", "date"])
        numbers = pc.cast(cand["number"], pa.int64())
        meta = docs.select(["doc_id", "session", "minister", "number"])
        sources = meta.filter(pc.is_in(meta["doc_id"], value_set=pc.unique(cand["doc_id"])))
        src = {d["doc_id"]: d for d in sources.to_pylist()}
        hits_of = meta.filter(pc.and_(pc.is_in(pc.cast(meta["number"], pa.int64()), value_set=pc.unique(numbers)), pc.is_valid(meta["session"])))
        index: dict[tuple, list[str]] = {}
        for d in hits_of.to_pylist():
            index.setdefault((d["session"], d["minister"], d["number"]), []).append(d["doc_id"])
        found: list[str | None] = []
        for r, key in zip(cand.to_pylist(), lookup_keys(cand, src), strict=True):
            hits = index.get(key, [])
            found.append(hits[0] if len(hits) == 1 and hits[0] != r["doc_id"] else None)
        targets = pc.replace_with_mask(targets, mask.combine_chunks(), pa.array(found, pa.string()))
    i = refs.schema.get_field_index("target_doc_id")
    return refs.set_column(i, refs.schema.field(i), targets)
