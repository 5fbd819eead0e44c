# make run: the portal on http://127.0.0.1:8000 with a worker and beat; make test: the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

VNU_JAR := .tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: run test lint format install vnu bench bench-instructions clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The Nu HTML checker for tests/test_valid_html.py (needs npm and Java 11+), kept in .tools/.
$(VNU_JAR):
	mkdir -p .tools/vnu
	npm install --silent --no-audit --no-fund --ignore-scripts --prefix .tools/vnu vnu-jar@26.9.27

vnu: $(VNU_JAR)

run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/honcho start -f Procfile.dev

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Seeds a PostgreSQL database of its own (portal_bench, dropped afterwards), serves it with gunicorn
# and loads searches, project pages, the applicants page and dashboards beside a bare Django view.
# BENCH_DATABASE_URL / BENCH_ARGS to change (BENCH_ARGS="--growth" for 100,000 projects too).
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/payouts.py

# Instructions of the portal's Python per request of the bench's pages, counted by valgrind's
# callgrind on the database `make bench` seeded: figures that repeat, where the loads' move.
bench-instructions: install
	$(BIN)/python bench/instructions.py

clean:
	rm -rf var/celery var/cache
