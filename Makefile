# The portal's commands. `make run` and `make test` are the two a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# The tests use PostgreSQL and Redis at their usual local ports unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench

.PHONY: help install run test test-fast lint format worker beat bench migrate clean

help:
	@echo "make run     - install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test    - the whole test suite on PostgreSQL and Redis"
	@echo "make lint    - ruff and mypy"
	@echo "make worker  - a Celery worker; make beat - the Celery scheduler"
	@echo "make bench   - benchmarks"

# Installs again only when the pinned requirements change.
$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@mkdir -p staticfiles  # WhiteNoise's root; `collectstatic` fills it in production
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --no-input

# The embedded default: SQLite, tasks run eagerly, local-memory cache, console e-mail.
run: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo --quiet
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) bin/check-services
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A portal worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A portal beat --loglevel=INFO

bench: install
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache
