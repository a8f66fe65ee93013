# mapgen: two commands on a fresh machine.
#   make demo   set up a virtual environment and write the blank handout and workbook to output/
#   make test   set up (with test tools) and run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test setup setup-test lint bench catalogs issue-codes clean

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

# After changing a built-in text: extract the catalog template, merge it into each language's
# catalog, then translate the new (empty) entries; the tests fail until every one is translated.
LANGUAGES := sv de fr es nl
catalogs: setup
	$(BIN)/pybabel -q extract --no-location --sort-output --project mapgen \
	  -k texts -k ngettext:1,2 -k N_plural:1,2 -k pgettext:1c,2 --copyright-holder "the mapgen authors" -o mapgen/core/locales/mapgen.pot mapgen
	for l in $(LANGUAGES); do \
	  if [ -f mapgen/core/locales/$$l.po ]; then \
	    $(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -l $$l \
	      -i mapgen/core/locales/mapgen.pot -o mapgen/core/locales/$$l.po; \
	  else $(BIN)/pybabel -q init -l $$l -i mapgen/core/locales/mapgen.pot -o mapgen/core/locales/$$l.po; fi; \
	done

clean:
	rm -rf $(VENV) output/*.xlsx output/*.docx build *.egg-info

# After adding an issue code to mapgen/core/issue_codes.py: write docs/issue-codes.md from it
# (tests/test_issue_codes.py fails while the page and the registry differ).
issue-codes: setup
	$(BIN)/python -c "import sys; from mapgen.core.issue_codes import markdown; sys.stdout.write(markdown())" > docs/issue-codes.md
