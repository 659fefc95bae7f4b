# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://root@127.0.0.1:5432/test
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
DEMO_DIR ?= var/demo
PYTEST_ARGS ?=

.PHONY: install demo serve test test-postgres test-sqlite lint typecheck clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

# Fresh clone → a running portal on a generated demo académie (SQLite, eager Celery).
demo: install
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/python manage.py demo_setup --out $(DEMO_DIR)
	$(BIN)/python manage.py runserver 127.0.0.1:8000

serve: install
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite on PostgreSQL and Redis (a real Celery worker in the integration tests),
# then the importers' tests again on the embedded SQLite default.
test: install test-postgres test-sqlite lint typecheck

# ENT_DEV: the suite's PostgreSQL is not a deployment (no real key, no HTTPS).
test-postgres: install
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) ENT_DEV=1 \
	ENT_FAST_PASSWORD_HASHER=1 $(BIN)/pytest -q $(PYTEST_ARGS)

test-sqlite: install
	env -u DATABASE_URL -u CELERY_BROKER_URL ENT_FAST_PASSWORD_HASHER=1 \
	$(BIN)/pytest -q -m "not integration and not browser" tests/annuaire tests/imports $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# mypy with django-stubs over what [tool.mypy] lists in pyproject.toml; its cache in var/mypy.
typecheck: install
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var
