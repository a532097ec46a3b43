# Titrate — everything a person runs. `make help` lists the targets.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help
.PHONY: FORCE help run test test-fast lint format demo serve migrate collectstatic lock clean vendor-plotly bench profile stats-check messages

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Titrate needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -qq -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -qq -r requirements-dev.txt
	@touch $@

migrate: $(VENV)/.runtime ## Apply database migrations
	$(MANAGE) migrate --noinput

collectstatic: $(VENV)/.runtime
	$(MANAGE) collectstatic --noinput --verbosity 0

# The tests' static files, collected again only when what they come from has
# changed (a file under static/, the installed packages, the settings) or
# staticfiles/ is gone: collecting took a second or two of every `make
# test-fast`. The stamp lives outside staticfiles/ (in development settings
# collectstatic writes no manifest there to stand for it).
STATIC_STAMP := .cache/static-collected
$(STATIC_STAMP): $(shell find static -type f) static $(VENV)/.runtime config/settings.py config/staticfiles.py $(if $(wildcard staticfiles),,FORCE)
	$(MANAGE) collectstatic --noinput --verbosity 0
	@mkdir -p $(@D) && touch $@

FORCE:

# The worker (reminders) runs beside the development server and stops with it.
run: migrate ## Create the virtualenv, install, migrate and serve on http://$(HOST):$(PORT), with the worker
	@$(MANAGE) worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver $(HOST):$(PORT)

AXE := tests/e2e/axe/node_modules/axe-core/axe.min.js

# axe-core for the browser tests' accessibility checks, from the npm registry
# at the version the lock file pins. Without npm those checks skip (CI fails).
$(AXE): tests/e2e/axe/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/e2e/axe --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility checks will skip"; fi

# Test processes in parallel (pytest-xdist): one per CPU. TEST_WORKERS=0 runs
# everything in one process. Each worker starts with its share of the tests
# and takes half of another's queue when its own runs out (--dist worksteal):
# in fixed chunks, one worker was left with a queue of browser tests while the
# other sat idle for most of a minute; handing out tests one at a time took
# 2-8 s longer than stealing in three alternating pairs of whole-suite runs.
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) --dist worksteal
# Bytecode is kept between runs even where PYTHONDONTWRITEBYTECODE is set:
# compiling and rewriting the asserts of every module again took seconds a run.
PYTEST = env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest

test: $(VENV)/.dev $(STATIC_STAMP) $(AXE) ## Run the whole test suite
	$(PYTEST) $(XDIST) $(PYTEST_ARGS)

# Every browser test lives in tests/e2e: not even collected here (their
# imports alone took a second).
test-fast: $(VENV)/.dev $(STATIC_STAMP) ## The suite without browser or slow tests, for every save
	$(PYTEST) $(XDIST) -m "not browser and not slow" --ignore=tests/e2e $(PYTEST_ARGS)

stats-check: $(VENV)/.runtime ## Measure by simulation how calibrated Insights' and experiments' statements are
	$(MANAGE) stats_check $(STATS_ARGS)
	$(MANAGE) experiment_stats_check $(STATS_ARGS)

lint: $(VENV)/.dev ## Check code style (ruff) and the layers between apps (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.dev ## Reformat the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: migrate ## Create or refresh the demo user (demo / demo) with sample data
	$(MANAGE) seed_demo --user demo --password demo --years $${YEARS:-1}

# Production settings on this machine: plain HTTP on loopback, so no HTTPS
# redirect, HSTS or secure-only cookies unless the environment says otherwise.
serve: export DEBUG ?= false
serve: export SECRET_KEY_FILE ?= data/secret_key
serve: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export SECURE_SSL_REDIRECT ?= false
serve: export SECURE_HSTS_SECONDS ?= 0
serve: export SECURE_COOKIES ?= false
serve: $(VENV)/.runtime ## Serve with gunicorn and production settings on http://$(HOST):$(PORT)
	@mkdir -p data
	@test -n "$$SECRET_KEY" || test -s "$$SECRET_KEY_FILE" || \
		( umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$$SECRET_KEY_FILE" )
	@if [ -n "$$SECRET_KEY" ]; then unset SECRET_KEY_FILE; fi; \
		$(MANAGE) collectstatic --noinput --verbosity 0 && \
		$(MANAGE) migrate --noinput && \
		exec $(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2} --access-logfile -

# The benchmark (bench/README.md): PostgreSQL, five years of demo data, gunicorn
# and wrk (Debian's package, installed here when missing). Not part of `make test`.
bench: $(VENV)/.dev ## Measure the main pages under load (needs PostgreSQL; see bench/README.md)
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

profile: $(VENV)/.dev ## Profile one page of the benchmark database (PAGE=insights_all)
	$(BIN)/python -m bench.profile $${PAGE:-insights_all} $(BENCH_ARGS)

# plotly.js with only the chart types Titrate draws (tools/plotly/entry.js),
# built with esbuild at the versions tools/plotly/package-lock.json pins.
vendor-plotly: $(VENV)/.runtime ## Rebuild the vendored plotly.js bundle from the npm registry
	rm -rf .vendor-tmp && mkdir .vendor-tmp
	cp tools/plotly/entry.js tools/plotly/package.json tools/plotly/package-lock.json .vendor-tmp/
	cd .vendor-tmp && npm ci --silent --no-audit --no-fund && \
		./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife \
		--global-name=Plotly --define:global=window --define:define.amd=false \
		--target=es2016 --legal-comments=eof --log-level=warning --outfile=plotly.min.js \
		"--banner:js=/*! plotly.js $$(node -p "require('plotly.js/package.json').version") with scatter, bar and box only (tools/plotly) - MIT License, see LICENSE beside this file */"
	$(BIN)/python tools/vendor_plotly.py .vendor-tmp/plotly.min.js
	cp .vendor-tmp/node_modules/plotly.js/LICENSE static/vendor/plotly/LICENSE
	rm -rf .vendor-tmp

lock: ## Re-pin requirements.txt from the direct dependencies in pyproject.toml
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	$(PYTHON) -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > .venv-lock/direct.txt
	.venv-lock/bin/pip install -qq -r .venv-lock/direct.txt
	{ echo "# Runtime dependencies, fully pinned (direct and transitive)."; \
	  echo "# Direct dependencies are listed in pyproject.toml; regenerate with 'make lock'."; \
	  .venv-lock/bin/pip freeze; } > requirements.txt
	rm -rf .venv-lock

messages: $(VENV)/.runtime ## Recompile locale/ after editing its .po (needs GNU gettext's msgfmt)
	$(MANAGE) compilemessages --locale en --ignore "$(VENV)*"

clean: ## Remove the virtualenv and collected static files (keeps data/)
	rm -rf $(VENV) staticfiles
