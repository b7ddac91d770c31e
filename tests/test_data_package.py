"""The documented data package: datapackage.json, docs/tables.md, README examples, report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.package import TABLES_MD, datapackage, tables_markdown
from pipeline.parts import current
from pipeline.run import RunOptions, extract
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
    assert len(blocks) >= 2
    monkeypatch.chdir(processed.parent)
    namespace: dict = {}
    for code in blocks:
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own examples
    assert len(namespace["money_per_minister"]) > 0
    assert len(namespace["decrees"]) > 0
    assert "late" in namespace


def test_report_is_one_self_contained_page(processed: Path) -> None:
    from pipeline.report import write_report

    path = write_report(processed)
    page = path.read_text(encoding="utf-8")
    for title in ("Questions per month", "Questions per minister", "Share answered", "Answer delay", "Most cited instruments", "Money amounts by order of magnitude", "Errors"):
        assert title in page
    assert page.count("<svg") >= 5
    assert "broken.pdf" in page  # the error list
    assert not re.search(r"""(?:src|href)=["']https?://""", page), "the page must not load anything from the network"


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed here (Debian package 'chromium'); .ci/run installs it")
def test_report_renders_in_headless_chromium(processed: Path, tmp_path: Path) -> None:
    from pipeline.report import write_report

    path = write_report(processed)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 5 and "Most cited instruments" in dom.stdout
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, "--window-size=1200,2400", f"--screenshot={shot}", path.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000
