# Every target creates the virtual environment it needs when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv test
.DEFAULT_GOAL := test

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -e .
	touch $@

venv: $(STAMP)

## test: set up and run the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## docs: regenerate docs/rules.md from the rules' metadata.json (a test checks it is up to date)
.PHONY: docs
docs: $(STAMP)
	$(BIN)/python -m smguard.docgen > docs/rules.md.tmp
	mv docs/rules.md.tmp docs/rules.md
