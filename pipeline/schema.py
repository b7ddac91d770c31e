"""Table schemas, read from `schemas/*.json`: the one place that says what each column is.

The files are Frictionless Table Schemas with two extra keys per field: `arrow`, giving
the exact Parquet type (decimals and lists need more than Frictionless types say), and
`statistics`, false for prose columns whose Parquet min/max statistics nobody filters by.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from operator import itemgetter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc


def _schema_dir() -> Traversable:
    """`schemas/` as the wheel ships it (package `pipeline.schemas`, see pyproject.toml), else
    the top-level folder of a checkout or editable install, which is the one source."""
    try:
        shipped = resources.files("pipeline.schemas")
        if shipped.joinpath("files.json").is_file():
            return shipped
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "schemas"


SCHEMA_DIR = _schema_dir()
# Order in which tables are written; `files` last, so a crash before it means "redo".
TABLE_ORDER = (
    "documents", "pages", "items", "footnotes", "dates", "amounts", "article_refs", "doc_refs",
    "answer_tables", "answer_table_cells", "errors", "files",
)


class SchemaError(ValueError):
    """A table breaks its declared schema: a bug, never written to disk."""


@dataclass(frozen=True)
class TableSchema:
    name: str
    description: str
    fields: tuple[dict, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[dict, ...]

    # Cached: a night of thousands of parts asks for them per part, and building them cost
    # a tenth of a commit. The lists are shared; callers do not change them.
    @cached_property
    def columns(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @cached_property
    def required(self) -> list[str]:
        return [f["name"] for f in self.fields if f.get("constraints", {}).get("required")]

    @cached_property
    def with_statistics(self) -> list[str]:
        """The Parquet columns whose parts keep min/max statistics: all but the prose ones
        ("statistics": false), whose extremes are kilobytes of text no reader filters by.
        A list's statistics are its elements' ("numbers.list.element", as Parquet names them)."""
        kept = [arrow for arrow, f in zip(self._arrow, self.fields, strict=True) if f.get("statistics", True)]
        return [f"{a.name}.list.element" if pa.types.is_list(a.type) else a.name for a in kept]

    @cached_property
    def _arrow(self) -> pa.Schema:
        return pa.schema([pa.field(f["name"], arrow_type(f["arrow"]), nullable=f["name"] not in self.required) for f in self.fields])

    def arrow(self) -> pa.Schema:
        return self._arrow


def empty_table(schema: pa.Schema) -> pa.Table:
    """A table of `schema` without rows. Not `Schema.empty_table()`: that imports pandas (0.3 s)."""
    return pa.Table.from_batches([], schema=schema)


def arrow_type(spec: str) -> pa.DataType:
    """ "list<int32>", "decimal(38,6)", "date32", ... -> the pyarrow type."""
    m = re.fullmatch(r"list<(.+)>", spec)
    if m:
        return pa.list_(arrow_type(m.group(1)))
    m = re.fullmatch(r"decimal\((\d+),(\d+)\)", spec)
    if m:
        return pa.decimal128(int(m.group(1)), int(m.group(2)))
    simple = {"string": pa.string(), "int32": pa.int32(), "int64": pa.int64(), "bool": pa.bool_(), "date32": pa.date32(), "float64": pa.float64()}
    return simple[spec]


@cache
def load(name: str) -> TableSchema:
    raw = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    s = raw["schema"]
    return TableSchema(
        name=raw["name"],
        description=raw.get("description", ""),
        fields=tuple(s["fields"]),
        primary_key=tuple(s.get("primaryKey", ())),
        foreign_keys=tuple(s.get("foreignKeys", ())),
    )


def to_arrow(name: str, rows: list[dict]) -> pa.Table:
    """Rows -> an Arrow table of exactly the declared columns and types, checked (validate), or SchemaError."""
    table = rows_table(name, rows)
    validate(name, table)
    return table


def rows_table(name: str, rows: list[dict]) -> pa.Table:
    """Rows -> an Arrow table of exactly the declared columns and types, or SchemaError;
    not validated: for a caller that validates the parts it cuts the table into."""
    schema = load(name)
    arrow = schema.arrow()
    if not rows:  # no conversion: from_pylist costs a pandas import (pyarrow's check for DataFrames) when nothing else has
        return empty_table(arrow)
    # Column by column with itemgetter, which also finds a missing column (KeyError): from_pylist
    # reads each value through a Python-level get, and the check for missing columns was a
    # second pass; together they cost half of the conversion (measured on the bench corpus).
    try:
        columns = {c: list(map(itemgetter(c), rows)) for c in schema.columns}
    except KeyError:
        missing = {c for r in rows for c in schema.columns if c not in r}
        raise SchemaError(f"{name}: rows lack columns {sorted(missing)}") from None
    try:
        return pa.Table.from_pydict(columns, schema=arrow)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SchemaError(f"{name}: {exc}") from exc


@cache
def _numeric_limits(name: str) -> tuple[tuple[str, str, int, int], ...]:
    """(field, arrow type, bound, scale) of each number column: an integer's values lie in
    [-bound, bound); a decimal(p, s) holds at most s decimals and p - s digits before the mark."""
    out = []
    for f in load(name).fields:
        arrow = f["arrow"]
        m = re.fullmatch(r"decimal\((\d+),(\d+)\)", arrow)
        if m:
            out.append((f["name"], arrow, int(m.group(1)) - int(m.group(2)), int(m.group(2))))
        elif arrow.startswith("int"):
            out.append((f["name"], arrow, 2 ** (31 if arrow == "int32" else 63), 0))
    return tuple(out)


def check_values(name: str, rows: list[dict]) -> None:
    """The cheap part of to_arrow for one document: numbers the Parquet types can hold.

    Run per document, so that one odd value ("0,00000000001 euro") fails that document
    instead of the whole run, without converting every row twice.
    """
    for field, arrow, bound, scale in _numeric_limits(name):
        values = [v for row in rows if (v := row.get(field)) is not None]
        if not values:
            continue
        if arrow.startswith("int"):
            if min(values) < -bound or max(values) >= bound:
                bad = next(v for v in values if not -bound <= v < bound)
                raise SchemaError(f"{name}.{field}: {bad} does not fit {arrow}")
            continue
        for v in values:
            _, digits, exp = v.as_tuple()
            if -exp > scale or len(digits) + exp > bound:
                raise SchemaError(f"{name}.{field}: {v} does not fit {arrow}")


def duplicate_key(table: pa.Table, keys: tuple[str, ...], by_key: bool = False) -> dict | None:
    """The first key that two rows share, or None: sorted (unless `by_key`: the table is
    sorted by `keys` already), then each row against the next.

    Not `Table.group_by`: that loads Acero, pyarrow.dataset and with them pandas, 0.2 s
    of every run's start (the key columns are required, so never null).
    """
    t = table.select(list(keys))
    if not by_key:
        t = t.take(pc.sort_indices(t, sort_keys=[(k, "ascending") for k in keys]))
    same = None
    for k in keys:
        col = t[k].combine_chunks()
        eq = pc.equal(col.slice(1), col.slice(0, len(col) - 1))
        same = eq if same is None else pc.and_(same, eq)
    if same is None or not pc.any(same).as_py():
        return None
    return t.slice(pc.index(same, True).as_py(), 1).to_pylist()[0]


def validate(name: str, table: pa.Table, known_doc_ids: pa.Array | None = None, by_key: bool = False) -> None:
    """Required columns non-null, primary key unique, every doc_id known. `by_key`: the
    table is sorted by its primary key already (merge.sort_by_key), so it is not sorted again."""
    schema = load(name)
    for col in schema.required:
        nulls = table.column(col).null_count
        if nulls:
            raise SchemaError(f"{name}.{col}: {nulls} null value(s) in a required column")
    if schema.primary_key and table.num_rows:
        dup = duplicate_key(table, schema.primary_key, by_key)
        if dup is not None:
            raise SchemaError(f"{name}: duplicate primary key {dup}")
    if known_doc_ids is not None and schema.foreign_keys and table.num_rows:
        # known_doc_ids: the doc_id column of the part's documents, checked in Arrow
        missing = table.filter(pc.invert(pc.is_in(table["doc_id"], value_set=known_doc_ids)))
        unknown = set(missing["doc_id"].to_pylist())
        if unknown:
            raise SchemaError(f"{name}: doc_id not in documents: {sorted(unknown)[:3]}")
