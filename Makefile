# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := APP_ENV=development $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed
ASSETS := static/build/app.css
# One script installs the Debian packages for both `make run` ("run") and the tests ("test").
SYSTEM_PACKAGES := bash .ci/system-packages

.PHONY: run test test-packages lint check-security pytest bench install assets clean

# Each step says what it does; the slow ones happen on the first run only.
run:  ## set up everything and serve on http://127.0.0.1:$(PORT)
	@echo "Setting up: the first run takes about 2–3 minutes, later runs a few seconds."
	@echo "1/5 Installing system packages (only those missing)…"
	@$(SYSTEM_PACKAGES) run
	@if $(MAKE) -s -q $(STAMP); then echo "2/5 Python environment: ready"; else \
		echo "2/5 Creating the Python environment (first run: about 1–2 minutes)…"; \
		$(MAKE) -s --no-print-directory $(STAMP); fi
	@if $(MAKE) -s -q $(ASSETS); then echo "3/5 GOV.UK Frontend assets: ready"; else \
		echo "3/5 Building the GOV.UK Frontend assets…"; \
		$(MAKE) -s --no-print-directory $(ASSETS); fi
	@echo "4/5 Preparing the database…"
	@mkdir -p -m 700 instance
	@$(FLASK) db upgrade
	@echo "5/5 Loading the demo (into a database without one; about 10 s)…"
	@$(FLASK) demo load --if-empty
	@echo
	@echo "Serving on http://127.0.0.1:$(PORT) (the background worker beside it renders the PDFs)"
	@$(FLASK) demo accounts
	@echo
	@APP_ENV=development $(BIN)/python -m partnership.operations.devserver --host 127.0.0.1 --port $(PORT)

test: test-packages lint pytest  ## the whole suite: linters, SQLite, PostgreSQL and headless Chromium

test-packages:  ## the Debian packages the tests need (installed if missing, as root)
	@$(SYSTEM_PACKAGES) test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r partnership -ll
	$(BIN)/lint-imports --no-cache

# On every core (pytest-xdist; the browser tests share one worker), slowest 15 listed at the end.
PYTEST_WORKERS ?= auto
pytest: $(STAMP) $(ASSETS)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=15 $(PYTEST_ARGS)

bench: $(STAMP) $(ASSETS)  ## median and p95 server time and SQL queries per key page
	APP_ENV=development $(BIN)/python -m partnership.bench $(BENCH_ARGS)

install:  ## the system packages, .venv and the compiled assets
	@$(SYSTEM_PACKAGES) run
	@$(MAKE) -s --no-print-directory $(STAMP) $(ASSETS)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: $(ASSETS)

$(ASSETS): node_modules/.package-lock.json static/scss/app.scss
	@mkdir -p static/build
	node_modules/.bin/sass --no-source-map --quiet-deps --silence-deprecation=import \
		--load-path=node_modules/govuk-frontend/dist static/scss/app.scss $@
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/build/
	rm -rf static/build/assets
	cp -r node_modules/govuk-frontend/dist/govuk/assets static/build/assets

clean:
	rm -rf $(VENV) node_modules static/build .pytest_cache
