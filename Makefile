# mapgen: two commands on a fresh machine.
#   make demo   set up a virtual environment and write the blank handout and workbook to output/
#   make test   set up (with test tools) and run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test setup setup-test lint bench clean

$(BIN)/mapgen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	@touch $@

setup: $(BIN)/mapgen

setup-test: setup
	$(BIN)/pip install -q -e '.[test]'

demo: setup
	$(BIN)/mapgen generate --out output --force

test: setup-test
	$(BIN)/python -m pytest -n 2 -q

lint: setup-test
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) output/*.xlsx output/*.docx build *.egg-info
