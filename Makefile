# One command each: `make run` and `make test` set themselves up on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint clean demo emulator

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/ipbot run

# The suite's files spread over half again as many workers as cores (a file stays on one worker: its
# module-scoped bot is built once): about half of the suite's time is spent waiting on child processes,
# servers and the emulator, so a third worker on two cores fills that time (measured: 2 workers 253 s,
# 3 workers 222 s on this two-core machine, same 2109 tests).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n * 3 / 2 > 2 ? n * 3 / 2 : 2 )))
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

bench: $(STAMP)
	$(BIN)/python bench/updates.py
	$(BIN)/python bench/policy.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/digest.py
	$(BIN)/python bench/progress.py
	$(BIN)/python bench/questions.py

lint: $(STAMP)
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var/*.db var/*.db-* .pytest_cache
