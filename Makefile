# Two commands for a fresh machine (see README.md):
#   make book   set up .venv, build the HTML book into _build/html
#   make test   set up .venv, run every check (lint, unit tests, notebooks, strict build)
# A second run reuses .venv; it reinstalls only when requirements.txt or pyproject.toml change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book build . -W -n --keep-going
NBVAL  := --nbval --nbval-current-env --nbval-cell-timeout=600 --nbval-sanitize-with book/nbval-sanitize.cfg

.PHONY: book test lint unit notebooks pairing strict-build notebooks-execute clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(JB)
	@echo
	@echo "The book is built. Open: file://$(CURDIR)/_build/html/index.html"

test: lint unit notebooks strict-build
	@echo "All checks passed."

lint: $(STAMP)
	$(BIN)/ruff check .

# Unit tests and the notebook pairing check (tests/test_notebooks.py).
unit: $(STAMP)
	$(BIN)/pytest -q -n 2 --dist loadfile tests

# nbval: re-run every .ipynb and compare with its stored outputs.
notebooks: $(STAMP)
	$(BIN)/pytest -q -n 2 --dist loadfile $(NBVAL) book

strict-build: $(STAMP)
	$(JB)

# Regenerate every paired notebook from its MyST source and execute it
# (run after editing a book/*.md; commit both files).
notebooks-execute: $(STAMP)
	cd book && for f in [0-9][0-9]-*.md; do ../$(BIN)/jupytext --to ipynb --execute "$$f" || exit 1; done

clean:
	rm -rf _build
