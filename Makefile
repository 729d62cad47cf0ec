# BackCore: `make run` serves a demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST_ARGS ?=
# The suites run in parallel, one worker per core (pytest-xdist; each worker has its own test
# database and Redis database). TEST_WORKERS=0 runs them in this one process (e.g. for --pdb).
TEST_WORKERS ?= auto
PARALLEL = -n $(TEST_WORKERS) --dist worksteal

.PHONY: install run migrate demo test test-fast test-browser test-sqlite lint format worker beat clean bench bench-cpu bench-weekly

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	@touch $@

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo ""
	@echo "  BackCore is starting at http://127.0.0.1:8000"
	@echo "  Demo logins (password: backcore-demo):"
	@echo "    member@example.com   a member with a plan"
	@echo "    coach@example.com    a coach (Django admin at /admin/)"
	@echo "    admin@example.com    a superuser"
	@echo "  Emails (verification, reminders) print to this console."
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest $(PARALLEL) $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest $(PARALLEL) -m "not browser" $(PYTEST_ARGS)

test-browser: install
	$(PY) -m pytest $(PARALLEL) -m browser $(PYTEST_ARGS)

# The embedded defaults (SQLite, eager Celery, no Redis) must keep working. In parallel like the
# others: each worker has its own in-memory SQLite database, and every transactional test puts
# the seeded rows back as it ends (tests/support/fast_rollback.py), whatever runs after it.
test-sqlite: install
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest $(PARALLEL) -m "not postgres and not redis and not browser" $(PYTEST_ARGS)

# Load and timing figures on PostgreSQL + Redis (needs Debian's wrk); see BENCHMARKS.md.
BENCH_ARGS ?= --members 2000
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

# CPU per request of every key page (app + PostgreSQL), ratio to the bare view: the figure that
# holds on a shared, loaded machine. e.g. make bench-cpu BENCH_ARGS="--database backcore_x --reuse"
bench-cpu: install
	$(PY) bench/run.py $(BENCH_ARGS) --cpu --no-wrk --skip-in-process

# The weekly run on real Celery workers at 10,000 and 100,000 members (issue 18's figures),
# each on a fresh grown copy of a 10k bench database. e.g. make bench-weekly WEEKLY_ARGS="--keep"
bench-weekly: install
	$(PY) bench/weekly_scale.py $(WEEKLY_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A backcore worker -l info

beat: install
	$(VENV)/bin/celery -A backcore beat -l info

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3
