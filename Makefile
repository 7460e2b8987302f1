# IMS Clinic: one target per habit. `make run` and `make test` work from a fresh clone with python3.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MESSAGE_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
HOST ?= 127.0.0.1
PORT ?= 8000

# Local settings, if any (see .env.example).
-include .env
export

.PHONY: run serve worker test e2e screenshots lint security format check-deploy migrations-check bench clean install

install: $(INSTALLED) $(MESSAGE_FILES)

$(INSTALLED): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# The compiled message files (gitignored), remade when their .po changes, with Babel: no GNU gettext needed.
locale/%.mo: locale/%.po | $(INSTALLED)
	$(BIN)/pybabel --quiet compile -i $< -o $@
run serve test e2e screenshots: $(MESSAGE_FILES)

.PHONY: messages
# The patient-facing strings extracted again into locale/*/LC_MESSAGES/django.po (scripts/messages.py).
messages: export DJANGO_DEBUG ?= 1
messages: $(INSTALLED)
	$(BIN)/python scripts/messages.py update

run: export DJANGO_DEBUG ?= 1
run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python scripts/run_with_worker.py $(HOST):$(PORT)

# The web server only: messages and reminders are sent by the worker, its own process (`make worker` beside it,
# or one or more systemd units: docs/deployment.md).
serve: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Messages and reminders need a task worker too: run 'make worker' in another terminal (docs/deployment.md)."
	$(BIN)/gunicorn ims_clinic.wsgi --config ims_clinic/gunicorn.conf.py --bind $(HOST):$(PORT) --workers $${GUNICORN_WORKERS:-2} --timeout 30

# One task worker (messages, reminders): run as many as needed, on any machine that reaches the database.
worker: $(INSTALLED)
	$(BIN)/python manage.py db_worker --no-reload --interval $${WORKER_INTERVAL:-2}

test: $(INSTALLED)
	$(BIN)/python tests/run_suite.py $(PYTEST_ARGS)

e2e: $(INSTALLED)
	$(BIN)/python tests/run_suite.py tests/e2e $(PYTEST_ARGS)

# The browser journey of a clinic day, saving its screenshots (desk, tablet, phone) to docs/screenshots/,
# and the printed letters and assessment summary at A4.
screenshots: $(INSTALLED)
	IMS_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python tests/run_suite.py tests/e2e/test_clinic_day.py -k day
	IMS_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python tests/run_suite.py tests/e2e/test_letters.py

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/mypy

# Bandit over the apps; only findings not in the committed, reviewed baseline fail. After reviewing a
# new finding that is a false positive, mark it `# nosec BXXX` with the reason on the line above.
security: $(INSTALLED)
	$(BIN)/bandit --quiet --recursive accounts patients scheduling assessments records ims_clinic --baseline bandit-baseline.json

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(INSTALLED)
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The production settings gate: DEBUG off, a real secret, real hosts, e-mail sent by SMTP, links to the real site.
check-deploy: $(INSTALLED)
	env -u DJANGO_DEBUG -u DJANGO_HTTPS DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		DJANGO_ALLOWED_HOSTS=clinic.example.org DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
		CLINIC_ADDRESS='100 Main Street\nSpringfield, BC  V0V 0V0' CLINIC_PHONE=250-555-0100 \
		CLINIC_SITE_URL=https://clinic.example.org CLINIC_TEXT_BACKEND=twilio CLINIC_TWILIO_ACCOUNT_SID=AC0 \
		CLINIC_TWILIO_AUTH_TOKEN=example CLINIC_TWILIO_FROM=+12505550100 \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Page latency at two clinic sizes against the floor of the stack (docs/performance.md); needs PostgreSQL.
BENCH_SIZES ?= 1000,100000
BENCH_SECONDS ?= 60
BENCH_CLIENTS ?= 2
bench: $(INSTALLED)
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES) --seconds $(BENCH_SECONDS) --clients $(BENCH_CLIENTS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
