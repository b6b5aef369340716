# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := APP_ENV=development $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed
ASSETS := static/build/app.css

.PHONY: run test lint check-security pytest bench install assets clean

run: $(STAMP) $(ASSETS)  ## set up everything and serve on http://127.0.0.1:$(PORT)
	@mkdir -p -m 700 instance
	@$(FLASK) db upgrade
	@$(FLASK) demo load --if-empty
	@echo
	@echo "Serving on http://127.0.0.1:$(PORT)"
	@$(FLASK) demo accounts
	@echo
	@$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: lint pytest  ## the whole suite: linters, SQLite, PostgreSQL and headless Chromium

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r partnership -ll
	$(BIN)/lint-imports --no-cache

pytest: $(STAMP) $(ASSETS)
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP) $(ASSETS)  ## median and p95 server time and SQL queries per key page
	APP_ENV=development $(BIN)/python -m partnership.bench $(BENCH_ARGS)

install: $(STAMP)

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
