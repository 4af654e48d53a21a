# Two commands matter: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test test-fast lint fmt bench migrate demo install clean

# The venv is rebuilt from the lock file whenever the lock file changes.
$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(UV) || ($(PYTHON) -m venv .tools && .tools/bin/pip install -q --disable-pip-version-check "uv==$(UV_VERSION)")
	$(UV) sync --frozen --python $(PYTHON) --quiet
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

# Reference data always; demo data only when the database is new (no stations yet).
demo: migrate
	$(PY) manage.py load_reference
	$(PY) manage.py seed_demo --if-empty

run: demo
	$(PY) manage.py collectstatic --noinput -v 0
	bash scripts/run-dev.sh

test: install
	$(PY) manage.py makemigrations --check --dry-run -v 1
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .tools staticfiles
