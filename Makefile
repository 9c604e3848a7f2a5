# The README's two commands: `make run` (the app on the embedded default) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Four test processes (pytest-xdist), each with its own database, Redis keys and server ports: most tests wait on a
# browser, a server or a timer rather than the CPU, so four share two cores well; work-stealing keeps the long tests
# from queueing behind each other.
TEST_PROCESSES ?= 4
PYTEST := $(PY) -m pytest --headless -p no:cacheprovider --durations=10 -n $(TEST_PROCESSES) --dist worksteal
# The PostgreSQL pass re-runs what uses the database; browser and database-free tests ran in the first pass.
PG_ONLY := -m "not browser and not db_independent"

.PHONY: run test test-sqlite test-postgres check clean

run: $(VENV)/done  ## the app on the embedded default: its own redis-server, a SQLite file under var/
	$(PY) -m dashboard.embedded

test: $(VENV)/done  ## the whole suite on SQLite, then every database test again on PostgreSQL when one answers
	tools/ensure_test_services.sh
	$(PYTEST)
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		echo "== again on PostgreSQL (the tests that use the database)"; \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST) $(PG_ONLY); \
	else echo "== no PostgreSQL server answers on 127.0.0.1:5432: the suite ran on SQLite only"; fi

test-sqlite: $(VENV)/done
	tools/ensure_test_services.sh && $(PYTEST)

test-postgres: $(VENV)/done
	tools/ensure_test_services.sh && DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST) $(PG_ONLY)

check: $(VENV)/done  ## formatting, lint, types
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

$(VENV)/done: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) var
