# The portal's commands. `make run` and `make test` are the two a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# `make run` on the embedded default starts a stand-in Commission intake here, so accepted
# offers are routed locally. The secret is public on purpose: it signs only local test traffic.
INTAKE_PORT ?= 8099
INTAKE_SECRET ?= local-intake-secret

# The tests use PostgreSQL and Redis at their usual local ports unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
# A Redis database of its own: the routing benchmark flushes it.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14

.PHONY: help install run test test-fast lint format worker beat bench bench-routing migrate clean

help:
	@echo "make run     - install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test    - the whole test suite on PostgreSQL and Redis"
	@echo "make lint    - ruff and mypy"
	@echo "make worker  - a Celery worker; make beat - the Celery scheduler"
	@echo "make bench   - benchmarks; make bench-routing - routing to the Commission"

# Installs again only when the pinned requirements change.
$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@mkdir -p staticfiles  # WhiteNoise's root; `collectstatic` fills it in production
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --no-input

# The embedded default: SQLite, tasks run eagerly, local-memory cache, console e-mail, the
# beat schedule run in-process (`manage.py run_schedule`: retries, expiry, digests), and a
# stand-in Commission intake on INTAKE_PORT (recording to var/intake.jsonl) that accepted
# offers are routed to. Both are stopped when the portal stops, Ctrl-C included: a background
# job of this non-interactive shell ignores SIGINT, so the trap is what ends it.
# With DATABASE_URL or COMMISSION_INTAKE_URL set, the portal runs as configured: no intake,
# no schedule (run `make worker` and `make beat`).
run: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo --quiet
	@export DJANGO_DEBUG=$${DJANGO_DEBUG:-true}; \
	if [ -n "$$DATABASE_URL$$COMMISSION_INTAKE_URL" ]; then \
		exec $(PY) manage.py runserver 127.0.0.1:$(PORT); \
	fi; \
	export COMMISSION_INTAKE_URL=http://127.0.0.1:$(INTAKE_PORT)/offers COMMISSION_INTAKE_SECRET=$(INTAKE_SECRET); \
	mkdir -p var; \
	$(PY) manage.py run_schedule & \
	schedule=$$!; echo $$schedule > var/schedule.pid; \
	trap 'kill $$schedule 2>/dev/null; rm -f var/schedule.pid' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	listening() { (: <>/dev/tcp/127.0.0.1/$(INTAKE_PORT)) 2>/dev/null; }; \
	if listening; then \
		echo "Port $(INTAKE_PORT) is taken: assuming a Commission intake runs there (INTAKE_PORT=... to use another)."; \
	else \
		$(PY) manage.py commission_intake --port $(INTAKE_PORT) --secret $(INTAKE_SECRET) \
			--store var/intake.jsonl & \
		intake=$$!; echo $$intake > var/intake.pid; \
		trap 'kill $$intake $$schedule 2>/dev/null; rm -f var/intake.pid var/schedule.pid' EXIT; \
		trap 'exit 130' INT; trap 'exit 143' TERM; \
		for _ in $$(seq 100); do listening && break; kill -0 $$intake 2>/dev/null || break; sleep 0.1; done; \
		listening || echo "The Commission intake did not start on port $(INTAKE_PORT): accepted offers stay pending."; \
	fi; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

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

# A real worker (2 prefork processes), Redis DB 14 (flushed) and the intake on loopback.
bench-routing: install
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} BENCH_REDIS_URL=$(BENCH_REDIS_URL) \
		$(PY) bench/routing.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache
