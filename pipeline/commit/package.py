"""The tables as a documented data package: datapackage.json and docs/tables.md, from schemas/.

Both are generated from the same schema files the pipeline validates against, so the
description an analyst reads is the one the data is checked with.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline import __version__
from pipeline.commit.parts import CURRENT, GEN_DIR, Generation
from pipeline.schema import SCHEMA_DIR, TABLE_ORDER, load

ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout: `schv docs` is a developer command
TABLES_MD = ROOT / "docs" / "tables.md"
FRICTIONLESS_FIELD_KEYS = ("name", "type", "description", "constraints")
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def _raw(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _field(f: dict) -> dict:
    out = {k: f[k] for k in FRICTIONLESS_FIELD_KEYS if k in f}
    if f["type"] == "array":
        # Parquet lists reach frictionless' validator as arrays it does not take for its
        # "array" type (that wants JSON text); "any" keeps the package valid, the Parquet
        # type stays in the description.
        out["type"] = "any"
        out["description"] = f"{f['description']} (Parquet {f['arrow']})"
    if "enum" in f:
        out.setdefault("constraints", {})["enum"] = f["enum"]
    return out


def datapackage(gen: Generation | None = None) -> dict:
    """A Frictionless Data Package describing every table in the output folder.

    Each table is one resource of the generation `gen` (paths relative to the output
    folder): `path` is the table's folder, "gen/000007/documents", which frictionless
    (through pyarrow) reads whole, and `parts` lists its files. Frictionless reads only
    the first file of a multipart (`path` list) Parquet resource, so its foreign-key and
    primary-key checks would miss the other parts. The package names one consistent
    state, kept until the run after next.
    """
    resources = []
    for name in TABLE_ORDER:
        raw = _raw(name)
        schema = {
            "fields": [_field(f) for f in raw["schema"]["fields"]],
            "primaryKey": raw["schema"]["primaryKey"],
            # Frictionless reads Parquet through pandas: a null integer arrives as NaN, a null date as NaT.
            "missingValues": ["", "nan", "NaT"],
        }
        if raw["schema"].get("foreignKeys"):
            schema["foreignKeys"] = raw["schema"]["foreignKeys"]
        resources.append({
            "name": name,
            "type": "table",
            "path": f"{GEN_DIR}/{gen.path.name}/{load(name).name}" if gen is not None else f"{CURRENT}/{load(name).name}",
            "parts": _parts(gen, name) if gen is not None else [],
            "format": "parquet",
            "mediatype": PARQUET_MEDIATYPE,
            "description": raw.get("description", ""),
            "schema": schema,
        })
    return {
        "name": "schv",
        "title": "Flemish Parliament written questions (schriftelijke vragen), as tables",
        "description": "Question and answer texts, items, dates, amounts, article and document references "
        "extracted from the PDFs by schv. See docs/tables.md for every column.",
        "version": __version__,
        "resources": resources,
    }


def _parts(gen: Generation, name: str) -> list[str]:
    return [f"{GEN_DIR}/{gen.path.name}/{p.relative_to(gen.path).as_posix()}" for p in gen.files(name)]


def write_datapackage(out_dir: Path, gen: Generation) -> bool:
    """Write datapackage.json beside the generations, naming `gen`'s parts (after the switch
    to it: until then it names the previous generation, which is kept); False when unchanged."""
    from pipeline.commit.store import write_text

    return write_text(out_dir / "datapackage.json", json.dumps(datapackage(gen), indent=2, ensure_ascii=False) + "\n")


def tables_markdown() -> str:
    """The data dictionary: every table and column with type, key and description."""
    out = [
        "# Data dictionary",
        "",
        "Generated from `schemas/*.json` by `schv docs` (a test fails when it is out of date).",
        "Load any table with `pandas.read_parquet(\"processed/current/<table>\", dtype_backend=\"pyarrow\")`",
        "(a folder of parts, one per session, big sessions cut by doc_id; the types below, exactly; DuckDB and polars read them as",
        "they are; see the README on reading several tables from one state); offsets",
        "(`char_start`, `char_end`) slice `documents.question_text` or `answer_text` by `part`.",
        "",
    ]
    for name in TABLE_ORDER:
        s = load(name)
        out += [f"## `{name}`", "", s.description, "", f"Primary key: `{', '.join(s.primary_key)}`."]
        if s.foreign_keys:
            out.append("Foreign key: `doc_id` → `documents.doc_id`.")
        out += ["", "| column | type | required | description |", "|---|---|---|---|"]
        for f in s.fields:
            required = "yes" if f.get("constraints", {}).get("required") else ""
            desc = f["description"] + (f" One of: {', '.join(f['enum'])}." if "enum" in f else "")
            out.append(f"| `{f['name']}` | {f['arrow']} | {required} | {desc.replace('|', '/')} |")
        out.append("")
    return "\n".join(out)


def write_tables_markdown(path: Path = TABLES_MD) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tables_markdown(), encoding="utf-8")
