# Saksi: every target bootstraps its own virtual environment on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench lock clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## demo: the main job, an election night on the embedded synthetic election
demo: $(STAMP)
	$(BIN)/saksi demo

## test: the whole test suite (needs nothing but Python; ../shared data is used when present)
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

## lint: ruff and mypy (strict on the core)
lint: $(STAMP)
	$(BIN)/ruff check saksi tests bench tools
	$(BIN)/ruff format --check saksi tests bench tools
	$(BIN)/mypy

## bench: throughput figures as ratios against limits measured in the same run
bench: $(STAMP)
	$(BIN)/python -m bench

## lock: regenerate constraints.txt from a fresh resolution
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet --upgrade pip
	.lockenv/bin/python -m pip install --quiet -e '.[dev]'
	{ echo '# Exact versions the project is tested with (pip install -c constraints.txt).'; \
	  echo '# Regenerate with: make lock'; \
	  .lockenv/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf .lockenv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
