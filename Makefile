# Quick start: `make run` archives the bundled seeds; `make test` runs the test suite.
# Each target sets up its own virtualenv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
ARCHIVE ?= archive

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip  # old pips silently skip lxml[html-clean]
	$(PY) -m pip install --quiet -c constraints.txt -e '.[airflow,dev]'
	touch $(STAMP)

install: $(STAMP)

run: install  # through Airflow: one ingest_articles run (`airflow dags test`, SQLite in .airflow/)
	scripts/run_airflow.sh seeds $(ARCHIVE)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(ARCHIVE) .airflow .pytest_cache
