# ICBL-CMC strategic-plan review suite. `make help` lists the tasks.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
YEAR   ?= 2015
STAMP  := $(VENV)/.installed
AXE    := $(VENV)/axe/node_modules/axe-core/axe.min.js

.PHONY: help review records test test-browser lint validate data reconcile lab benchmark clean-outputs

help:  ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

review: $(STAMP)  ## build the environment if needed, then the annual review (YEAR=2015; RECORDS=campaign.xlsx adds the campaign's records) into outputs/
	$(BIN)/icbl-review annual --year $(YEAR) $(if $(RECORDS),--records "$(RECORDS)")

records: $(STAMP)  ## write the campaign records workbook for staff to fill in Excel (RECORDS=campaign.xlsx; never replaces a file)
	$(BIN)/icbl-review records "$(or $(RECORDS),campaign.xlsx)"

$(AXE):  # axe-core from the npm registry, for the accessibility checks of the browser tests
	@command -v npm >/dev/null && npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/axe \
		axe-core@4.14.1 || echo "npm not found or failed: the accessibility checks will be skipped"

test: $(STAMP) $(AXE)  ## build the environment if needed, then lint, the test suite (browser tests included), every notebook (nbval)
	$(BIN)/ruff check .
	ICBL_OUTPUTS_DIR=$$(mktemp -d) $(BIN)/python -m pytest tests notebooks --nbval-lax

test-browser: $(STAMP) $(AXE)  ## only the browser tests: JupyterLab and the published pages in headless Chromium, axe-core
	ICBL_OUTPUTS_DIR=$$(mktemp -d) $(BIN)/python -m pytest tests -m browser

lint: $(STAMP)  ## ruff only
	$(BIN)/ruff check .

validate: $(STAMP)  ## check the bundled data against data/datapackage.json
	$(BIN)/icbl-review validate

data: $(STAMP)  ## rebuild data/*.csv and the sources of datapackage.json from the batches in data/incoming/
	$(BIN)/icbl-review build

reconcile: $(STAMP)  ## compare the derived counts with the published ones (2011-2015)
	$(BIN)/icbl-review reconcile

lab: $(STAMP)  ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

benchmark: $(STAMP)  ## the annual review against a plain papermill loop, side by side
	$(BIN)/python scripts/benchmark.py --year $(YEAR)

clean-outputs:  ## move the suite's outputs/<year> folders to outputs/archive/ (nothing is deleted; folders it did not make stay)
	@for d in outputs/[0-9]*; do [ -f "$$d/.icbl-review.json" ] && mkdir -p outputs/archive && mv "$$d" "outputs/archive/$$(basename $$d)-$$(date +%Y%m%dT%H%M%S)"; done; true
