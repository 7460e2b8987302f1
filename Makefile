# IMS Clinic: one target per habit. `make run` and `make test` work from a fresh clone with python3.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Local settings, if any (see .env.example).
-include .env
export

.PHONY: run serve test e2e lint format check-deploy migrations-check bench clean install

install: $(INSTALLED)

$(INSTALLED): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

run: export DJANGO_DEBUG ?= 1
run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn ims_clinic.wsgi --bind $(HOST):$(PORT) --workers $${GUNICORN_WORKERS:-2} --timeout 30

test: $(INSTALLED)
	$(BIN)/python tests/run_suite.py $(PYTEST_ARGS)

e2e: $(INSTALLED)
	$(BIN)/python tests/run_suite.py -m browser $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(INSTALLED)
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The production settings gate: DEBUG off, a real secret, real hosts.
check-deploy: $(INSTALLED)
	env -u DJANGO_DEBUG -u DJANGO_HTTPS DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		DJANGO_ALLOWED_HOSTS=clinic.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
