# Cordon: `make run` sets up a fresh machine and serves; `make test` runs everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask
PORT ?= 5000
HOST ?= 127.0.0.1
NEO4J_LIB := .neo4j/lib
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
SCALE ?= 10k
# Test processes: one per core, each with its own throwaway Neo4j; a test file stays in one.
TEST_WORKERS ?= $(shell nproc)
export FLASK_APP := wsgi.py

.PHONY: run serve stop test lint format bench setup system-packages neo4j frontend chromium redis translations

run: setup ## install what is missing, migrate, create the first admin, serve
	$(FLASK) db upgrade
	$(FLASK) users bootstrap-admin
	$(MAKE) serve

serve:
	@echo "Cordon on http://$(HOST):$(PORT)"
	exec $(BIN)/gunicorn --bind $(HOST):$(PORT) \
	  --timeout 120 --access-logfile - wsgi:app

stop: ## stop the embedded Neo4j cleanly
	@if [ -x $(FLASK) ]; then $(FLASK) neo4j stop; fi

setup: system-packages $(VENV)/.installed neo4j frontend translations

translations: $(VENV)/.installed ## French and Arabic catalogues (.po) compiled to .mo
	$(BIN)/pybabel -q compile -d app/translations

system-packages: ## Java and Maven for Neo4j, from Debian's packages when missing
	@command -v java >/dev/null && command -v mvn >/dev/null || { \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q openjdk-17-jre-headless maven; }

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

neo4j: $(NEO4J_LIB)/.installed ## Neo4j Community jars from Maven Central

$(NEO4J_LIB)/.installed: graph/embedded/pom.xml
	mvn -q -B -f graph/embedded/pom.xml dependency:copy-dependencies \
	  -DincludeScope=runtime -DoutputDirectory=$(abspath $(NEO4J_LIB))
	touch $@

frontend: app/static/vendor/.installed ## browser libraries from npm, served by the app

app/static/vendor/.installed: frontend/package.json frontend/package-lock.json frontend/install.sh
	@command -v npm >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nodejs npm; }
	sh frontend/install.sh
	touch $@

chromium: ## Debian's Chromium for the browser tests
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

redis: ## Debian's Redis server: the tests share rate limits between two app processes
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q redis-server; }

lint: ## ruff, vulture for dead code (a function only tests call), mypy on graph nlp risk, every string translated; options in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/vulture app graph nlp risk bench vulture_whitelist.py
	$(BIN)/mypy
	$(BIN)/python -m app.i18n_check

format:
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

test: setup chromium redis ## lint, then unit, integration and browser tests on a throwaway Neo4j
	$(MAKE) lint
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile

bench: setup ## benchmarks; SCALE=10k (default), 100k or 1m
	$(BIN)/python -m bench.run --scale $(SCALE)
