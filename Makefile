# laobao — the two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export LAOBAO_VAR ?= $(CURDIR)/var

.PHONY: demo test test-postgres serve install bench messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "laobao needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make demo: install, migrate a SQLite database under var/, load the demo city, serve on :8000
demo: $(STAMP)
	mkdir -p $(LAOBAO_VAR)
	LAOBAO_ENV=demo $(BIN)/laobao migrate
	LAOBAO_ENV=demo $(BIN)/laobao demo --if-empty
	LAOBAO_ENV=demo $(BIN)/laobao serve --host 127.0.0.1 --port 8000

## make test: the whole suite on SQLite
test: $(STAMP)
	LAOBAO_ENV=test $(BIN)/python -m pytest -n 2 --dist loadfile

## make test-postgres: the whole suite on a throwaway PostgreSQL cluster
test-postgres: $(STAMP)
	bash scripts/with-postgres.sh env LAOBAO_ENV=test $(BIN)/python -m pytest -n 2 --dist loadfile

bench: $(STAMP)
	LAOBAO_ENV=test $(BIN)/python bench/run.py

## make messages: compile the translation catalogues (.po -> .mo) without GNU gettext
messages: $(STAMP)
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) var .pytest_cache
