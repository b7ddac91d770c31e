# Every target sets itself up: a fresh clone needs only `make extract` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SCHV   := $(VENV)/bin/schv
STAMP  := $(VENV)/.installed
RAW    ?= raw
OUT    ?= processed
WORKERS ?=

.PHONY: extract test eval bench report docs samples devset lint status clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

extract: $(STAMP)
	$(SCHV) extract --raw $(RAW) --out $(OUT) $(if $(WORKERS),--workers $(WORKERS))

report: $(STAMP)
	$(SCHV) report --out $(OUT)

docs: $(STAMP)
	$(SCHV) docs

status: $(STAMP)
	$(SCHV) status --raw $(RAW) --out $(OUT)

test: $(STAMP)
	$(PY) -m pytest

eval: $(STAMP)
	$(SCHV) eval --devset tests/devset --pdfs tests/devset/pdf
	$(SCHV) eval --devset tests/heldout --pdfs tests/heldout/pdf

# Speed against pypdfium2/pdfplumber baselines on a 320-PDF corpus (built once in bench/corpus).
bench: $(STAMP)
	$(SCHV) bench

# Regenerate the sample PDFs in raw/ from their sources (reportlab; deterministic bytes).
samples: $(STAMP)
	$(PY) -m pipeline.synth pipeline/synth/samples $(RAW) --force

# Regenerate the development-set PDFs (the docx ones need LibreOffice: apt-get install libreoffice-writer-nogui).
devset: $(STAMP)
	$(PY) -m pipeline.synth tests/devset/docs tests/devset/pdf
	$(PY) -m pipeline.synth tests/heldout/docs tests/heldout/pdf

lint: $(STAMP)
	$(VENV)/bin/ruff check pipeline tests

clean:
	rm -rf $(VENV) $(OUT)/*.parquet $(OUT)/.work $(OUT)/gen $(OUT)/current $(OUT)/datapackage.json
