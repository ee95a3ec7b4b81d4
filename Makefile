# Set-up is part of each target: a fresh clone needs nothing else.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: report test lint check bench clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

report: $(BIN)/.installed  ## score the bundled example workspace: report.html and each mission's report
	$(BIN)/ovm report examples --with-missions -o report.html

AXE := tests/browser/node_modules/axe-core/axe.min.js

# The accessibility audit's axe-core comes from npm; without npm the browser test skips.
$(AXE): tests/browser/package-lock.json
	-command -v npm >/dev/null && cd tests/browser && npm ci --no-audit --no-fund --silent

test: $(BIN)/.installed $(AXE)  ## the whole test suite
	$(BIN)/python -m pytest

lint: $(BIN)/.installed  ## ruff (lint and format) and mypy --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict ovm

check: lint test

bench: $(BIN)/.installed  ## the scripted benchmarks (outside the test suite); records in benchmarks/results/
	-$(BIN)/python benchmarks/startup_bench.py
	-$(BIN)/python benchmarks/endtoend_bench.py
	-$(BIN)/python benchmarks/statistics_bench.py
	-$(BIN)/python benchmarks/output_size.py
	$(BIN)/python benchmarks/score_bench.py
	$(BIN)/python benchmarks/memory_bench.py
	$(BIN)/python benchmarks/sensitivity_bench.py
	$(BIN)/python benchmarks/report_bench.py
	$(BIN)/python benchmarks/report_pages.py

clean:
	rm -rf $(VENV) build dist artifacts report.html mission-*.html
