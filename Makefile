# Two commands to start: `make run` (the app on SQLite with demo data) and `make test`.
# Everything installs into .venv from the hashed lock files; a stamp file per lock file
# means pip only runs again when that lock changes.

# The virtualenv's interpreter: the distribution's own python3 where it is 3.11 or newer and
# can make a virtualenv, else python3 on PATH; `make PYTHON=...` to choose. Debian builds it
# with profile-guided and link-time optimisation, which a default source build (pyenv's)
# lacks: Python-bound code runs about a quarter faster on it, and so does the test suite,
# which is CPU-bound in Python (docs/performance.md, "The interpreter").
SYSTEM_PYTHON := /usr/bin/python3
PYTHON ?= $(shell $(SYSTEM_PYTHON) -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $(SYSTEM_PYTHON) || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/python -m pip install -q --disable-pip-version-check
# uv installs the hashed lock files in a fifth of pip's time (a clean clone's CI run waits on
# it); pinned, and itself installed by pip. It checks every hash, as pip's --require-hashes.
UV_VERSION := 0.13.9
UV := $(BIN)/python -m uv
# --system-certs: like pip, trust the machine's certificate store (a proxy's own CA), also
# where no SSL_CERT_FILE is set.
UV_INSTALL := $(UV) pip install -q --require-hashes --system-certs --python $(BIN)/python
PYTEST_ARGS ?=
# pytest-xdist workers: one more than the cores. Each has its own test database, Redis
# database and browser (config/settings.py). A worker often waits (on its browser, a server
# it started, a Celery worker starting), and a third worker on two cores keeps them busy:
# 275 and 293 s against 319-333 s with two (docs/performance.md, "A worker more than the
# cores"). `make test TEST_WORKERS=2` to choose.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
# The development server's port: `make run PORT=8100` when 8000 is taken.
PORT ?= 8000

.PHONY: run test lint worker beat lock screenshots messages openapi

run: $(VENV)/.installed-run
	DEBUG=1 $(BIN)/python manage.py migrate
	DEBUG=1 $(BIN)/python manage.py demo_data --url http://127.0.0.1:$(PORT)/
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE, as
# in a container): the run starts many Python processes (workers, servers, manage.py),
# and without .pyc files each compiles Django and the app again from source.
test: $(VENV)/.installed-test
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Browser tests that also refresh docs/screenshots/*.png; `make test` leaves them alone.
screenshots: $(VENV)/.installed-test
	SCREENSHOTS=1 $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# The API's schema, checked in: docs/openapi.json (tests/api/test_schema.py compares).
openapi: $(VENV)/.installed-test
	DEBUG=1 $(BIN)/python manage.py openapi_schema > docs/openapi.json

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Translations: extract every marked string into locale/<language>/LC_MESSAGES/*.po, then
# compile the .mo files (committed beside them; tests/test_catalogues.py checks both are
# current). Needs GNU gettext. Translate the new entries, then run it again to compile.
LANGUAGE_FLAGS := -l sv -l da -l nb --no-location --no-obsolete
messages: $(VENV)/.installed-test
	DEBUG=1 $(BIN)/python manage.py makemessages $(LANGUAGE_FLAGS)
	DEBUG=1 $(BIN)/python manage.py makemessages -d djangojs $(LANGUAGE_FLAGS) \
		--ignore=tests --ignore=staticfiles
	DEBUG=1 $(BIN)/python manage.py compilemessages

# The real stack: set DATABASE_URL and REDIS_URL, then run these beside `make run` (which,
# like them, runs with DEBUG=1: no production keys needed on a development machine).
# Beat keeps its schedule under data/, which git ignores.
worker: $(VENV)/.installed-run
	DEBUG=1 $(BIN)/celery -A config worker -l info --without-gossip --without-mingle --without-heartbeat

beat: $(VENV)/.installed-run
	mkdir -p data
	DEBUG=1 $(BIN)/celery -A config beat -l info -s data/celerybeat-schedule

lock: | $(BIN)/python
	$(UV) --version >/dev/null 2>&1 || $(PIP_INSTALL) uv==$(UV_VERSION)
	$(UV) pip compile -q pyproject.toml --python-version 3.11 --generate-hashes \
		-o requirements.lock
	$(UV) pip compile -q pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes -o requirements-dev.lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.lock | $(BIN)/python
	$(UV) --version >/dev/null 2>&1 || $(PIP_INSTALL) uv==$(UV_VERSION)
	$(UV_INSTALL) -r requirements.lock
	touch $@

$(VENV)/.installed-test: requirements-dev.lock | $(BIN)/python
	$(UV) --version >/dev/null 2>&1 || $(PIP_INSTALL) uv==$(UV_VERSION)
	$(UV_INSTALL) -r requirements-dev.lock
	touch $@
