# parcours: two commands on a fresh machine.
#   make demo   creates .venv, installs parcours, generates the retail company, ingests it,
#               analyses it and writes demo/report.html
#   make test   creates/updates .venv with the dev extras (pyspark, playwright, hypothesis),
#               installs Debian's chromium if missing, and runs the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EVENTS ?= 200000
PYTEST_ARGS ?=

.PHONY: demo test bench chromium install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,spark]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/pip install -q -e '.[dev,spark,bench]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(BIN)/parcours demo --out demo --events $(EVENTS)

# Debian's chromium for the browser tests (Playwright drives it; nothing is downloaded by Playwright).
chromium:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.installed-dev chromium
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) demo .pytest_cache
