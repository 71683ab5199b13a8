# Rebalance: `make demo` runs the site with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint format check up worker beat web clean bench-national

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## The site on the embedded default (SQLite, tasks in-process) with demo data.
demo: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## The whole suite. Real-service tests run when DATABASE_URL / REDIS_URL are set.
test: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(STAMP)
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## Web, worker and beat against PostgreSQL and Redis (set DATABASE_URL and REDIS_URL).
up: $(STAMP)
	@test -n "$$DATABASE_URL" || (echo "Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/rebalance" && exit 1)
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL, e.g. redis://127.0.0.1:6379/0" && exit 1)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} $(BIN)/honcho start -f Procfile

## The capacity benchmark at national scale (README, "Capacity at national scale"): about an hour on 2 cores.
## Its own PostgreSQL database (NATIONAL_DATABASE_URL, default rb_national, dropped and made again) and Redis
## database (NATIONAL_REDIS_URL, default redis://127.0.0.1:6379/5, flushed).
bench-national: $(STAMP)
	$(BIN)/python bench/national.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
