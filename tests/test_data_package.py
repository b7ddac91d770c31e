"""The documented data package: datapackage.json, docs/tables.md, README examples, report."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.batch.run import RunOptions, extract
from pipeline.commit.package import TABLES_MD, datapackage, tables_markdown
from pipeline.commit.parts import current
from pipeline.schema import TABLE_ORDER, load

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The development-set PDFs (plus one bad file) through the whole pipeline."""
    base = tmp_path_factory.mktemp("pkg")
    raw = base / "raw"
    shutil.copytree(ROOT / "tests" / "devset" / "pdf", raw)
    (raw / "broken.pdf").write_bytes(b"%PDF-1.4 nothing more")
    extract(raw, base / "processed", options=RunOptions(workers=2))
    return base / "processed"


def test_data_dictionary_is_up_to_date() -> None:
    assert TABLES_MD.read_text(encoding="utf-8") == tables_markdown(), "run `make docs` (schv docs) and commit docs/tables.md"


def test_data_dictionary_names_every_column() -> None:
    md = tables_markdown()
    for name in TABLE_ORDER:
        assert f"## `{name}`" in md
        for col in load(name).columns:
            assert f"| `{col}` |" in md


def test_datapackage_is_written_and_matches_schemas(processed: Path) -> None:
    pkg = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    gen = current(processed)
    assert pkg == json.loads(json.dumps(datapackage(gen)))
    assert [r["name"] for r in pkg["resources"]] == list(TABLE_ORDER)
    for r in pkg["resources"]:
        assert (processed / r["path"]).resolve() == gen.path / load(r["name"]).name
        assert sorted(p.name for p in (processed / r["path"]).iterdir()) == sorted(Path(p).name for p in r["parts"])
        assert [(processed / p).resolve() for p in r["parts"]] == gen.files(r["name"])
        assert r["schema"]["primaryKey"] == list(load(r["name"]).primary_key)
    assert len(pkg["resources"][0]["parts"]) > 1  # documents of several sessions: a part each


def test_frictionless_validate_passes(processed: Path) -> None:
    exe = Path(sys.executable).with_name("frictionless")
    proc = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=processed, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_readme_examples_run_on_real_tables(processed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _readme_python_blocks()
    assert len(blocks) >= 4
    monkeypatch.chdir(processed.parent)
    namespace: dict = {}
    for code in blocks:
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own examples
    assert len(namespace["decrees"]) > 0
    assert "late" in namespace


# Money in the answers of two development documents, summed by hand from their text.
README_MONEY = [
    # dev20: 7,4 + 9,1 + 12 miljard, 450 miljoen, 1,6 miljard frank; not "4.500 frank per ton",
    # not the question's 2,8 miljard
    (("BEF", "Wilfried Desmet", 1996), Decimal("30550000000")),
    # dev06: 1,5 miljoen euro + 4.387.215,43 euro; not the four prices per ton
    (("EUR", "Katleen Verhelst", 2010), Decimal("5887215.43")),
]


def test_readme_money_totals_leave_out_unit_prices_and_keep_currencies_apart(processed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    block = next(b for b in _readme_python_blocks() if "money_per_minister" in b)
    monkeypatch.chdir(processed.parent)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    totals = namespace["money_per_minister"]
    for key, expected in README_MONEY:
        assert totals.loc[key] == expected, key
    # dev25 (2001) answers in francs and in euros: two totals, never one sum
    assert {c for c, m, _ in totals.index if m == "Jozef Verlinden"} == {"BEF", "EUR"}


def test_readme_reads_every_table_with_its_exact_types(processed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    block = next(b for b in _readme_python_blocks() if "dtype_backend" in b and "polars" in b)
    monkeypatch.chdir(processed.parent)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    assert namespace["TABLES"] == list(TABLE_ORDER)
    for name, frame in namespace["frames"].items():
        for f in load(name).arrow():
            assert frame[f.name].dtype.pyarrow_dtype == f.type, (name, f.name)
    assert namespace["frames"]["amounts"]["value"].dtype.pyarrow_dtype == pa.decimal128(38, 10)
    duck = dict(namespace["amount_types"][["column_name", "column_type"]].itertuples(index=False))
    assert (duck["value"], duck["range_group"], duck["text"]) == ("DECIMAL(38,10)", "INTEGER", "VARCHAR")
    schema = namespace["documents_pl"].schema
    assert (str(schema["question_date"]), str(schema["number"]), str(schema["source_files"])) == ("Date", "Int32", "List(String)")


def test_readme_lists_every_table() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `(\w+)` \| `[^`]+` \|", text, re.M)
    assert sorted(listed) == sorted(TABLE_ORDER)


def test_report_is_one_self_contained_page(processed: Path) -> None:
    from pipeline.tools.report import write_report

    path = write_report(processed)
    page = path.read_text(encoding="utf-8")
    for title in ("Questions per month", "Questions per minister", "Share answered", "Answer delay", "Most cited instruments", "Money amounts by order of magnitude", "Errors"):
        assert title in page
    assert "euro (EUR)" in page and "Belgian francs (BEF)" in page
    assert page.count("<svg") >= 5
    assert "broken.pdf" in page  # the error list
    assert not re.search(r"""(?:src|href)=["']https?://""", page), "the page must not load anything from the network"


@pytest.mark.parametrize(("rows", "expected"), [
    ([("money", "7400000000", "BEF", None)], {"BEF": {9: 1}}),                   # 7,4 miljard frank
    ([("money", "1500000", "EUR", None), ("money", "4387215.43", "EUR", None)], {"EUR": {6: 2}}),
    ([("money", "14", "EUR", "ton"), ("money", "4500", "BEF", "ton")], {}),     # per-unit prices left out
    ([("money", "0.35", "EUR", None), ("money", "1000", "EUR", None), ("money", "999.99", "EUR", None)], {"EUR": {-1: 1, 3: 1, 2: 1}}),
    ([("percentage", "50", None, None), ("money", "0", "EUR", None)], {}),      # no money, no magnitude
    ([("money", "2000000000", "EUR", None), ("money", "1900000000", "BEF", None)], {"EUR": {9: 1}, "BEF": {9: 1}}),
])
def test_money_magnitudes_per_currency(rows: list[tuple], expected: dict) -> None:
    from decimal import Decimal

    from pipeline.tools.report import money_magnitudes

    amounts = [{"kind": k, "value": Decimal(v), "currency": c, "unit": u} for k, v, c, u in rows]
    assert {c: dict(n) for c, n in money_magnitudes(amounts).items()} == expected


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
# Run in the browser on the report's own page: every pair of text boxes in one chart that
# overlap by more than a pixel (tick labels, titles), measured with the fonts the browser uses.
OVERLAP_PROBE = """<script>
const found = [];
document.querySelectorAll("figure svg").forEach((svg, i) => {
  const boxes = [...svg.querySelectorAll("text")].map(t => [t.textContent.trim(), t.getBoundingClientRect()]).filter(b => b[0] && b[1].width > 0);
  for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
    const [ta, ra] = boxes[a], [tb, rb] = boxes[b];
    const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left), h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (w > 1 && h > 1) found.push(`chart ${i + 1}: '${ta}' / '${tb}'`);
  }
});
document.body.setAttribute("data-charts", document.querySelectorAll("figure svg").length);
document.body.setAttribute("data-overlaps", JSON.stringify(found));
</script>"""


@pytest.fixture(scope="module")
def samples_processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample PDFs of raw/: a small corpus, few bins per chart (where labels once overlapped)."""
    out = tmp_path_factory.mktemp("samples") / "processed"
    # In this process: by the time a test asks for it, the README tests have read tables
    # with pandas, polars and DuckDB here, and workers forked from this process then died
    # (SIGSEGV, "error return without exception set") when this module ran alone. A process
    # with those libraries' thread pools running is no safe place to fork from; `schv
    # extract` forks from a driver that has run none of them (the batch tests fork from one).
    extract(ROOT / "raw", out, options=RunOptions(in_process=True))
    return out


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed here (Debian package 'chromium'); .ci/run installs it")
@pytest.mark.parametrize(("corpus", "currencies"), [("processed", ("euro (EUR)", "Belgian francs (BEF)")), ("samples_processed", ("euro (EUR)",))])
def test_report_renders_in_headless_chromium(corpus: str, currencies: tuple[str, ...], request: pytest.FixtureRequest, tmp_path: Path) -> None:
    from pipeline.tools.report import write_report

    path = write_report(request.getfixturevalue(corpus))
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 5 and "Most cited instruments" in dom.stdout
    # Money per currency: the development set has answers in euros and in Belgian francs.
    assert all(c in dom.stdout for c in currencies)
    # Months on a time axis: ticks are years (or months) chosen by the date locator, not one
    # "YYYY-MM" category per month that has questions.
    months_svg = dom.stdout.split("Questions per month", 1)[1].split("</svg>", 1)[0]
    assert not re.search(r">\s*\d{4}-\d{2}\s*<", months_svg)
    assert re.search(r">\s*(19|20)\d\d\s*<", months_svg)

    probe = tmp_path / "probe.html"
    probe.write_text(path.read_text(encoding="utf-8").replace("</body>", OVERLAP_PROBE + "</body>"), encoding="utf-8")
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    charts = re.search(r'data-charts="(\d+)"', dom.stdout)
    overlaps = re.search(r'data-overlaps="([^"]*)"', dom.stdout)
    assert charts and int(charts.group(1)) >= 5, dom.stdout[-2000:]
    assert overlaps and json.loads(html.unescape(overlaps.group(1))) == []

    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, "--window-size=1200,2400", f"--screenshot={shot}", path.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000
