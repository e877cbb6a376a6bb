# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test soak lint bench translations clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python -m gui.preflight && $(BIN)/python main.py $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest
	$(BIN)/ruff check .
	$(BIN)/lint-imports  # the "core never imports Qt" contract in pyproject.toml

# The monkey at length: 2,000 random gestures for each of 3 seeds (tests/gui/test_monkey.py),
# then the window's memory over SOAK_MINUTES (default 10) of clicks and Resets.
soak: $(STAMP)
	QT_QPA_PLATFORM=offscreen NEURON_LAB_SOAK=1 $(BIN)/python -m pytest -q -s -m soak \
		-p no:cacheprovider tests/gui/test_monkey.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks soak

lint: $(STAMP)
	$(BIN)/ruff check .

# Re-extract every text marked for translation, bring each language's catalogue up to date and
# compile it (resources/translations; see tools/translations.py for adding a language).
translations: $(STAMP)
	$(BIN)/python -m tools.translations

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
