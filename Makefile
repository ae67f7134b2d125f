# partnerhub — `make run` serves on http://127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test lint format bench bench-tools bench-console catalogs screenshots clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "partnerhub needs Python 3.11+")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# Console message catalogs: the .po files are committed, the .mo files are built here (the console also
# compiles a missing or stale .mo in memory at startup). `make catalogs` re-extracts the messages.
LOCALE   := src/partnerhub/console/locale
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(LOCALE)/*/LC_MESSAGES/messages.po))

install: $(VENV)/.installed $(MO_FILES)

$(LOCALE)/%/LC_MESSAGES/messages.mo: $(LOCALE)/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile -D messages -i $< -o $@

catalogs: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ --no-location \
		--sort-output --omit-header -o $(LOCALE)/messages.pot .
	$(BIN)/pybabel -q update -D messages -i $(LOCALE)/messages.pot -d $(LOCALE) \
		--no-fuzzy-matching --width 110 --ignore-obsolete
	$(MAKE) install

run: install
	$(BIN)/partnerhub db upgrade
	$(BIN)/partnerhub demo
	$(BIN)/partnerhub serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# One table, the goals beside the figures (bench/README.md). Needs wrk and pgbench; BENCH_ARGS e.g. --duration 5.
bench: install bench-tools
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# wrk replays the pre-signed requests, pgbench is the database's own figure: Debian's packages.
bench-tools:
	@command -v wrk >/dev/null && command -v pgbench >/dev/null || \
	  (command -v apt-get >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk postgresql-contrib) || \
	  { echo "make bench needs wrk and pgbench: apt-get install wrk postgresql-contrib"; exit 1; }

bench-console: install
	$(BIN)/python bench/console.py

screenshots: install
	PARTNERHUB_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/browser/test_console_screenshots.py -q

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
