# The README's commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test e2e bench lint translations extract-messages vendor browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## run: install, migrate, print how to log in, serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(FLASK) forum init --url http://$(HOST):$(PORT)
	@echo "Confrères is starting on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(FLASK) run --host $(HOST) --port $(PORT)

## test: install what the tests need (Chromium included) and run them all, on SQLite, then on
## PostgreSQL too when FORUM_TEST_POSTGRES_URL is set
test: $(VENV)/.installed-test browser
	$(BIN)/pytest
	@if [ -n "$$FORUM_TEST_POSTGRES_URL" ]; then \
	  echo "== The same suite on PostgreSQL ($$FORUM_TEST_POSTGRES_URL)"; \
	  $(BIN)/pytest --database postgres; fi

## e2e: only the browser journeys
e2e: $(VENV)/.installed-test browser
	$(BIN)/pytest tests/e2e

## bench: the performance scripts; each prints its figures
bench: $(VENV)/.installed-test
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: $(VENV)/.installed-test
	$(BIN)/ruff check forum tests bench

## browser: Debian's Chromium, which Playwright drives
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium for the browser tests (apt-get)…"; \
	  apt-get update -q && apt-get install -y -q chromium; }

## translations: extract messages, merge them into the catalogues, compile them
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o forum/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i forum/translations/messages.pot -d forum/translations --no-fuzzy-matching

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d forum/translations

vendor:
	rm -rf /tmp/confreres-vendor && mkdir -p /tmp/confreres-vendor
	cd /tmp/confreres-vendor && npm pack @picocss/pico@2.1.1 axe-core@4.14.1 >/dev/null \
	  && tar xzf picocss-pico-2.1.1.tgz && cp package/css/pico.min.css $(CURDIR)/forum/static/vendor/pico/ \
	  && rm -rf package && tar xzf axe-core-4.14.1.tgz && cp package/axe.min.js $(CURDIR)/tests/e2e/vendor/
