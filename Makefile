# Two commands on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
CORPUS ?= seeds
OUT    ?= data/out

.PHONY: install build report test lab lint clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[notebooks,dev,dask]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(PY) -m kit build $(CORPUS) --out $(OUT)

# Builds the tables into reports/tables (cached) and runs every notebooks/NN_*.ipynb on them.
report: $(STAMP)
	$(PY) -m kit report $(CORPUS) --out reports

test: $(STAMP) chromium
	$(PY) -m pytest -q

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

lint: $(STAMP)
	$(VENV)/bin/ruff check kit tests benchmarks

# Headless Chromium for the browser test and static figure export (Debian, offline package).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: the browser test will be skipped"

clean:
	rm -rf $(VENV) data/out reports .pytest_cache
