# SEND family portal. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000
export PORTAL_ENV ?= development
LANGUAGES := ur pl pa ro

.PHONY: help install assets translations-compile db run test check lint format translations bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-22s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

$(FONT): # PDFs (plans, certificates) are set in DejaVu Sans, from Debian
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core

install: $(VENV)/.installed node_modules/.package-lock.json | $(FONT) ## Install Python and npm packages (from the locks)

assets: install ## Build static/build/ (GOV.UK Frontend through sass, plus htmx)
	node scripts/build-assets.mjs

translations-compile: install ## Compile the translations (.po to .mo)
	$(BIN)/pybabel compile -d translations

db: install translations-compile ## Create or upgrade the SQLite database and load demo data once
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty

run: assets db ## Install everything, set up the demo database and serve the portal
	$(FLASK) demo --print
	$(FLASK) run --host $(HOST) --port $(PORT)

test: assets translations-compile ## Install everything and run every test
	$(BIN)/pytest

lint: install ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Reformat the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint test ## ruff, then every test

translations: install ## Extract interface strings, update every .po, compile
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output --project send-portal .
	@for lang in $(LANGUAGES); do [ -f translations/$$lang/LC_MESSAGES/messages.po ] || \
	  $(BIN)/pybabel init -i translations/messages.pot -d translations -l $$lang; done
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d translations


bench: assets translations-compile ## Measure key pages under gunicorn on SQLite and PostgreSQL (docs/performance.md)
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py

clean: ## Remove generated files (not the database)
	rm -rf static/build .pytest_cache .ruff_cache
