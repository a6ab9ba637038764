# Tidlig — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := TIDLIG_MODE=demo
# Two or more processes (one per core): on PostgreSQL each gets its own database.
PYTEST_WORKERS ?= -n auto --dist loadfile
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-postgres lint translations extract-messages bench vendor clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tidlig needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-run

translations: $(VENV)/.installed-run
	$(BIN)/pybabel compile -d translations > /dev/null

run: $(VENV)/.installed-run translations
	$(DEMO) $(BIN)/alembic upgrade head
	$(DEMO) $(BIN)/flask --app app keys check
	$(DEMO) $(BIN)/flask --app app seed-demo
	@echo ""
	@echo "Demo logins (password, then the code from an authenticator app with the totp key,"
	@echo "or run: $(DEMO) $(BIN)/flask --app app demo-code coordinator@demo.tidlig.dk):"
	@cat instance/demo-logins.txt
	@echo ""
	@echo "Tidlig is starting on http://$(HOST):$(PORT)"
	$(DEMO) $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test translations
	$(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/bandit -q -r app -ll
	$(BIN)/pip install --quiet ruff && $(BIN)/ruff check app tests migrations

extract-messages: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --project Tidlig --ignore-dirs '.* __pycache__' .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

vendor:
	scripts/vendor-dkfds.sh

clean:
	rm -rf $(VENV) .pytest_cache
