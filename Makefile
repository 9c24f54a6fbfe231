# The README's commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run serve-prod test e2e bench lint translations extract-messages vendor browser nginx

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

## serve-prod: install, migrate, then serve as in production: gunicorn with deploy/gunicorn.conf.py
## (one gthread worker; docs/deployment.md puts several behind nginx) on http://$(HOST):$(PORT)
serve-prod: $(VENV)/.installed
	$(FLASK) forum init --url http://$(HOST):$(PORT)
	@echo "Confrères (gunicorn, production settings) is starting on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py

## test: install what the tests need (Chromium included) and run them all, on SQLite, then on
## PostgreSQL too when FORUM_TEST_POSTGRES_URL is set
test: $(VENV)/.installed-test browser nginx
	@if [ -z "$$FORUM_TEST_POSTGRES_URL" ]; then exec $(BIN)/pytest; fi; \
	mkdir -p .pytest-tmp; echo "== Two passes at once: SQLite here, PostgreSQL ($$FORUM_TEST_POSTGRES_URL) into .pytest-postgres.log"; \
	$(BIN)/pytest --database postgres --basetemp=.pytest-tmp/postgres > .pytest-postgres.log 2>&1 & postgres=$$!; \
	$(BIN)/pytest --basetemp=.pytest-tmp/sqlite; sqlite=$$?; \
	wait $$postgres; postgres_status=$$?; \
	echo "== The PostgreSQL pass"; cat .pytest-postgres.log; \
	[ $$sqlite -eq 0 ] && [ $$postgres_status -eq 0 ]

## e2e: only the browser journeys
e2e: $(VENV)/.installed-test browser
	$(BIN)/pytest tests/e2e

## bench: the performance scripts; each prints its figures
bench: $(VENV)/.installed-test nginx
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: $(VENV)/.installed-test
	$(BIN)/ruff check forum tests bench deploy

## browser: Debian's Chromium, which Playwright drives
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium for the browser tests (apt-get)…"; \
	  apt-get update -q && apt-get install -y -q chromium; }

## nginx: Debian's nginx, run as an ordinary process by tests/deploy/ and bench/load.py. Installing the
## package must not leave a system nginx on port 80: policy-rc.d forbids the start, then it is disabled.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installing nginx for the deployment tests (apt-get; its system service stays off)…"; \
	  own_policy=; if [ ! -e /usr/sbin/policy-rc.d ]; then own_policy=1; \
	    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; fi; \
	  apt-get update -q && apt-get install -y -q nginx; status=$$?; \
	  if [ -n "$$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi; \
	  systemctl disable --now nginx >/dev/null 2>&1 || true; \
	  exit $$status; }

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
