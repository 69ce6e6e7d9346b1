# The two commands: `make run` starts everything, `make test` proves it.
VENV ?= .venv
PYTHON ?= python3
PORT ?= 8000
export PORT

.PHONY: run test bench simulate lint format install clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## run: migrate, load the demo roster, start web + worker + beat on $(PORT)
run: install
	VENV=$(VENV) scripts/run

## test: ruff, then the whole suite on a throwaway PostgreSQL and Redis
test: install
	VENV=$(VENV) scripts/test $(PYTEST_ARGS)

## bench: timed benchmarks (ratios against a floor measured in the same run) -> bench/results.md
bench: install
	VENV=$(VENV) scripts/bench $(BENCH_ARGS)

## simulate: replay a month of orders through the real engine per fill policy -> data/simulation/results.md
simulate: install
	$(VENV)/bin/python manage.py simulate $(SIM_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) data staticfiles .pytest_cache .ruff_cache .mypy_cache
