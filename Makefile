# The two commands: `make run` starts everything, `make test` proves it.
VENV ?= .venv
PYTHON ?= python3

.PHONY: run test bench simulate lint format install clean

# What each command needs from the system. scripts/prereqs.sh finds it, else installs it
# (root, or sudo without a password), else prints the one line to run. A fresh Debian has
# python3 without its venv module, so the first step asks for that too, with the goal's
# tools, so that a machine that cannot install gets one line for everything.
TOOLS_test = postgresql redis chromium
TOOLS_bench = postgresql redis

$(VENV)/.installed: requirements.txt requirements-dev.txt
	PYTHON=$(PYTHON) WHO="make $(firstword $(MAKECMDGOALS) install)" \
	  scripts/prereqs.sh venv $(foreach goal,$(MAKECMDGOALS),$(TOOLS_$(goal)))
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## run: migrate, load the demo roster, start web + worker + beat on 127.0.0.1:$PORT (8000)
run: install
	VENV=$(VENV) scripts/run

## test: ruff, mypy, bandit, then the whole suite on a throwaway PostgreSQL and Redis
## (installs PostgreSQL, Redis and Chromium first if missing and this user may)
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
