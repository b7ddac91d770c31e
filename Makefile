# Every target sets itself up: a fresh clone needs only `make extract` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SCHV   := $(VENV)/bin/schv
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed
RAW    ?= raw
OUT    ?= processed
WORKERS ?=

.PHONY: extract test eval bench report docs samples devset lint status clean

# A run needs only the package; tests, lint, eval, bench and the fixture renderer add the dev
# extras. Editable installs: setuptools' "Editable installation" notice (information only,
# sent as a warning for want of another channel, pypa/packaging-problems#558) is filtered by
# its text; every other warning still shows.
INSTALL := PYTHONWARNINGS="ignore:Editable installation:UserWarning" $(PY) -m pip install --quiet -e

$(RUN_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(INSTALL) .
	@touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP)
	$(INSTALL) '.[dev]'
	@touch $(DEV_STAMP)

extract: $(RUN_STAMP)
	$(SCHV) extract --raw $(RAW) --out $(OUT) $(if $(WORKERS),--workers $(WORKERS))

report: $(RUN_STAMP)
	$(SCHV) report --out $(OUT)

docs: $(RUN_STAMP)
	$(SCHV) docs

status: $(RUN_STAMP)
	$(SCHV) status --raw $(RAW) --out $(OUT)

test: $(DEV_STAMP)
	$(PY) -m pytest

eval: $(DEV_STAMP)
	$(SCHV) eval --devset tests/devset --pdfs tests/devset/pdf
	$(SCHV) eval --devset tests/heldout --pdfs tests/heldout/pdf
	$(SCHV) eval --devset tests/heldout2 --pdfs tests/heldout2/pdf
	$(SCHV) eval --tables tests/tables_gold

# Speed against pypdfium2/pdfplumber baselines on a 320-PDF corpus (built once in bench/corpus).
# Run as a module from the checkout: the corpus is rendered by the fixture generator in tests/synth.
bench: $(DEV_STAMP)
	$(PY) -m pipeline.cli bench

# Regenerate the sample PDFs in raw/ from their sources (reportlab; deterministic bytes).
samples: $(DEV_STAMP)
	$(PY) -m tests.synth tests/synth/samples $(RAW) --force

# Regenerate the PDFs of the annotated sets (the docx ones need LibreOffice: apt-get install libreoffice-writer-nogui).
devset: $(DEV_STAMP)
	$(PY) -m tests.synth tests/devset/docs tests/devset/pdf
	$(PY) -m tests.synth tests/heldout/docs tests/heldout/pdf
	$(PY) -m tests.synth tests/heldout2/docs tests/heldout2/pdf

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check pipeline tests

clean:
	rm -rf $(VENV) $(OUT)/*.parquet $(OUT)/.work $(OUT)/gen $(OUT)/current $(OUT)/datapackage.json
