"""Storage in parts (issue 13): which part a question lives in, parts written as they are
merged, damaged parts found, and a run with nothing to do that loads none of the extractors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.commit import parts
from pipeline.commit.parts import NextGeneration, current, part_keys, read_table, schemas_match
from pipeline.schema import TABLE_ORDER, duplicate_key
from pipeline.tools.bench_archive import fabricate

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("session", "doc_id", "split", "key"), [
    ("2022-2023", "3f2a9c81d0e4b7a5", set(), "2022-2023"),  # a small session: one part
    ("2022-2023", "3f2a9c81d0e4b7a5", {"2022-2023"}, "2022-2023.3"),  # a big one: by first hex digit
    ("2022-2023", "3f2a9c81d0e4b7a5", {"2021-2022"}, "2022-2023"),  # another session is split
    ("1996-1997", "a01177f972833a6d-2", {"1996-1997"}, "1996-1997.a"),  # the second question of a file: the file's bucket
    (None, "007af857c78a8f3a", set(), "none"),  # no session found
    (None, "007af857c78a8f3a", {"none"}, "none.0"),
    ("", "ffb53bcd843d1137", {"none"}, "none.f"),
])
def test_part_key_is_session_and_first_hex_digit_when_split(session: str | None, doc_id: str, split: set[str], key: str) -> None:
    assert part_keys(pa.array([session], pa.string()), pa.array([doc_id]), split).to_pylist() == [key]


@pytest.mark.parametrize(("sessions", "split_at", "split"), [
    (["2022-2023"] * 3 + ["2021-2022"] * 2, 3, {"2022-2023"}),
    (["2022-2023"] * 3 + ["2021-2022"] * 2, 2, {"2022-2023", "2021-2022"}),
    (["2022-2023"] * 3 + [None, "", None], 3, {"2022-2023", "none"}),  # no session counts as one
    (["2022-2023"] * 2, 3, set()),
    ([], 1, set()),
])
def test_a_session_is_split_from_split_at_questions(monkeypatch: pytest.MonkeyPatch, sessions: list, split_at: int, split: set[str]) -> None:
    monkeypatch.setattr(parts, "SPLIT_AT", split_at)
    assert parts.split_sessions(pa.array(sessions, pa.string())) == split


@pytest.mark.parametrize(("rows", "dup"), [
    ([("a", 1), ("a", 2), ("b", 1)], None),  # each column repeats, no pair does
    ([("a", 1), ("b", 2), ("a", 1)], {"doc_id": "a", "seq": 1}),
    ([("b", 7)], None),
])
def test_duplicate_key_finds_a_repeated_pair(rows: list[tuple[str, int]], dup: dict | None) -> None:
    table = pa.table({"doc_id": [r[0] for r in rows], "seq": [r[1] for r in rows]})
    assert duplicate_key(table, ("doc_id", "seq")) == dup


@pytest.fixture()
def archive(tmp_path: Path) -> tuple[Path, Path]:
    """A fabricated archive of 60 questions (the benchmark's, small) and its input files."""
    out, raw = tmp_path / "out", tmp_path / "raw"
    fabricate(out, raw, 60)
    return out, raw


def test_fabricated_parts_hold_only_their_questions(archive: tuple[Path, Path]) -> None:
    out, _ = archive
    gen = current(out)
    assert len(gen.parts("documents")) == 17  # 17 small sessions, one part each
    for key in gen.parts("documents"):
        docs = read_table(out, "documents", ["doc_id", "session"], keys=[key])
        assert set(part_keys(docs["session"], docs["doc_id"]).to_pylist()) == {key}
        dates = read_table(out, "dates", ["doc_id"], keys=[key])
        assert set(dates["doc_id"].to_pylist()) <= set(docs["doc_id"].to_pylist())


def test_a_part_is_on_disk_when_put_and_gone_when_the_run_fails(archive: tuple[Path, Path]) -> None:
    out, _ = archive
    before = current(out)
    key = max(before.parts("documents").values(), key=lambda p: p["rows"])["key"]
    docs = read_table(out, "documents", keys=[key])
    assert docs.num_rows > 1
    with pytest.raises(RuntimeError, match="merge broke"), NextGeneration(out) as gen:
        gen.put("documents", key, docs.slice(1))
        written = [gen.path / f for f in gen.new_files]
        assert len(written) == 1 and written[0].is_file()  # written before finish: not held in memory
        raise RuntimeError("merge broke")
    assert not gen.path.exists()
    assert current(out) == before


def test_same_content_is_linked_and_changes_nothing(archive: tuple[Path, Path]) -> None:
    out, _ = archive
    before = current(out)
    key = sorted(before.parts("documents"))[0]
    with NextGeneration(out) as gen:
        gen.put("documents", key, read_table(out, "documents", keys=[key]))
        assert not gen.new_files
        assert gen.finish() is None
    assert current(out) == before and not gen.path.exists()


def test_a_part_of_another_size_than_recorded_is_damage(archive: tuple[Path, Path]) -> None:
    out, _ = archive
    gen = current(out)
    assert schemas_match(gen)
    part = gen.files("amounts")[0]
    part.write_bytes(part.read_bytes() + b"\0")
    assert not schemas_match(current(out))


@pytest.mark.parametrize("digest", [None, "written with other column types"])
def test_a_generation_of_other_schemas_or_layout_is_not_built_on(archive: tuple[Path, Path], digest: str | None) -> None:
    from pipeline.batch.run import RunOptions, extract

    out, raw = archive
    gen = current(out)
    manifest = json.loads((gen.path / parts.MANIFEST).read_text())
    if digest is None:
        del manifest["schemas"]  # a version with one part per session wrote no digest
    else:
        manifest["schemas"] = digest
    (gen.path / parts.MANIFEST).write_text(json.dumps(manifest))
    assert not schemas_match(current(out))
    summary = extract(raw, out, options=RunOptions(workers=1))
    assert summary.processed == 60  # every question redone once, into today's parts
    assert schemas_match(current(out))


def test_a_run_with_nothing_to_do_loads_no_extractor_and_no_pandas(archive: tuple[Path, Path]) -> None:
    out, raw = archive
    code = (
        "import sys; from pipeline.cli import main; code = main(['extract', '--raw', sys.argv[1], '--out', sys.argv[2]]);"
        "print(code, sorted(m for m in ('pandas', 'pipeline.batch.document', 'pipeline.text.read', 'spacy', 'dateparser', 'pyarrow.dataset') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(raw), str(out)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.stdout.split("\n")[-2] == "0 []", proc.stderr
    assert "none (no change)" in proc.stderr


def test_a_touched_file_gets_its_new_mtime_and_keeps_its_questions(archive: tuple[Path, Path]) -> None:
    from pipeline.batch.run import RunOptions, extract

    out, raw = archive
    docs_before = read_table(out, "documents")
    path = sorted(raw.rglob("*.pdf"))[5]
    name = path.relative_to(raw).as_posix()
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    summary = extract(raw, out, options=RunOptions(workers=1))
    assert (summary.processed, summary.unchanged, summary.changed) == (0, 60, 0)
    files = {r["source_file"]: r for r in read_table(out, "files").to_pylist()}
    assert files[name]["mtime_ns"] == 1_700_000_000_000_000_000
    assert len(files) == 60 and all(r["questions"] == 1 and r["status"] == "ok" for r in files.values())
    assert read_table(out, "documents").equals(docs_before)
    assert summary.written == ["files", "datapackage.json"]  # the package names the new generation


def test_a_renamed_file_moves_its_question_without_processing_it(archive: tuple[Path, Path]) -> None:
    from pipeline.batch.run import RunOptions, extract

    out, raw = archive
    path = sorted(raw.rglob("*.pdf"))[7]
    old_name = path.relative_to(raw).as_posix()
    doc = next(d for d in read_table(out, "documents", ["doc_id", "source_file"]).to_pylist() if d["source_file"] == old_name)
    path.rename(path.with_name("renamed.pdf"))
    new_name = path.with_name("renamed.pdf").relative_to(raw).as_posix()
    summary = extract(raw, out, options=RunOptions(workers=1))
    assert (summary.processed, summary.new, summary.removed) == (0, 1, 1)
    moved = next(d for d in read_table(out, "documents", ["doc_id", "source_file", "source_files"]).to_pylist() if d["doc_id"] == doc["doc_id"])
    assert (moved["source_file"], moved["source_files"]) == (new_name, [new_name])
    files = {r["source_file"]: r for r in read_table(out, "files").to_pylist()}
    assert old_name not in files and files[new_name]["doc_ids"] == [doc["doc_id"]]


def _variants(raw: Path, n: int, start: int = 0) -> None:
    """`n` distinct files of one question in session 2022-2023 (SV 303, a comment appended)."""
    data = (ROOT / "raw" / "sv303-2022-2023.pdf").read_bytes()
    for i in range(start, start + n):
        (raw / f"sv303-{i}.pdf").write_bytes(data + f"%variant {i}\n".encode())


def _state(out: Path) -> dict:
    """Every table's part keys, part files (named by their bytes' hash) and row counts."""
    return current(out).manifest["tables"]


def test_a_session_crossing_split_at_is_regrouped_as_a_fresh_run_would_store_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pipeline.batch.run import RunOptions, extract

    monkeypatch.setattr(parts, "SPLIT_AT", 3)
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    _variants(raw, 2)
    extract(raw, out, options=RunOptions(in_process=True))
    assert set(current(out).parts("documents")) == {"2022-2023"}  # below SPLIT_AT: one part

    _variants(raw, 3, start=2)  # five questions: the session goes into buckets
    extract(raw, out, options=RunOptions(in_process=True))
    keys = set(current(out).parts("documents"))
    assert keys and all(k.startswith("2022-2023.") for k in keys)
    assert current(out).rows("documents") == 5
    for key in keys:  # every row of a question in its question's bucket
        ids = set(read_table(out, "documents", ["doc_id"], keys=[key])["doc_id"].to_pylist())
        assert {key.split(".")[1]} == {d[0] for d in ids}
        for t in ("pages", "dates", "items"):
            assert set(read_table(out, t, ["doc_id"], keys=[key])["doc_id"].to_pylist()) <= ids
    fresh = tmp_path / "fresh"
    extract(raw, fresh, options=RunOptions(in_process=True))
    assert _state(out) == _state(fresh)  # same parts, same bytes, however the archive grew

    for f in sorted(raw.iterdir())[:3]:  # two questions left: one part again
        f.unlink()
    extract(raw, out, options=RunOptions(in_process=True))
    assert set(current(out).parts("documents")) == {"2022-2023"}
    fresh2 = tmp_path / "fresh2"
    extract(raw, fresh2, options=RunOptions(in_process=True))
    assert _state(out) == _state(fresh2)


@pytest.mark.parametrize(("rows", "codec"), [(1, "SNAPPY"), (parts.ZSTD_FROM_ROWS - 1, "SNAPPY"), (parts.ZSTD_FROM_ROWS, "ZSTD"), (10_000, "ZSTD")])
def test_small_parts_are_snappy_large_ones_zstd(rows: int, codec: str) -> None:
    import io

    import pyarrow.parquet as pq

    table = pa.table({"doc_id": [f"d{i:05d}" for i in range(rows)], "seq": list(range(rows))})
    meta = pq.ParquetFile(io.BytesIO(parts.part_bytes(table))).metadata
    assert {meta.row_group(0).column(c).compression for c in range(meta.num_columns)} == {codec}
    assert pq.read_table(io.BytesIO(parts.part_bytes(table))).equals(table)


# The prose columns, whose parts keep no min/max statistics ("statistics": false in schemas/);
# every other column, list elements included, keeps them.
PROSE_COLUMNS = {
    "documents": {"minister_title", "title", "question_text", "answer_text"},
    "items": {"text"},
    "footnotes": {"text"},
    "answer_tables": {"caption", "sentence"},
    "errors": {"message"},
}


def _one_row(field: pa.Field) -> object:
    import datetime as dt
    from decimal import Decimal

    t = field.type
    if pa.types.is_list(t):
        return [_one_row(pa.field("element", t.value_type))]
    if pa.types.is_string(t):
        return "Antwoord van de minister op vraag nr. 303 van 13 februari 2023." * 40
    if pa.types.is_boolean(t):
        return True
    if pa.types.is_date(t):
        return dt.date(2023, 2, 13)
    if pa.types.is_decimal(t):
        return Decimal("4387215.43")
    if pa.types.is_floating(t):
        return 12.5
    return 7


@pytest.mark.parametrize("name", TABLE_ORDER)
def test_prose_columns_keep_no_statistics(name: str) -> None:
    import io

    import pyarrow.parquet as pq

    from pipeline.schema import load

    arrow = load(name).arrow()
    table = pa.table({f.name: [_one_row(f)] for f in arrow}, schema=arrow)
    row_group = pq.ParquetFile(io.BytesIO(parts.part_bytes(table, name))).metadata.row_group(0)
    kept = {row_group.column(i).path_in_schema.split(".")[0]: row_group.column(i).is_stats_set for i in range(row_group.num_columns)}
    assert kept == {f.name: f.name not in PROSE_COLUMNS.get(name, set()) for f in arrow}
    assert pq.read_table(io.BytesIO(parts.part_bytes(table, name))).equals(table)  # values as they were
