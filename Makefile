# Two commands for a fresh machine:
#   make run        - set up a virtual environment and open the app on the default (sample) project
#   make test       - set up the same environment and run the whole test suite
#   make test-fast  - the tests without the slow mark (PostgreSQL, real X windows, subprocess-heavy runs)
#   make bundle     - a one-folder desktop build with PyInstaller in dist/annotator/
# Set ANNOTATOR_PYTHON=/path/to/python3.12 to choose the interpreter yourself.

VENV    := .venv
STAMP   := $(VENV)/.installed
PROJECT ?=
ARGS    ?=

.PHONY: run test test-fast check bench bundle bundle-smoke clean

run: $(STAMP)
	$(VENV)/bin/annotator $(PROJECT) $(ARGS)

# one worker per core (pytest-xdist), a test file's tests together on one worker; with
# ANNOTATOR_TEST_POSTGRES_URL set each worker keeps its own PostgreSQL database, reset between
# tests (tests/postgres_reuse.py), and copies new SQLite projects from its own template. Bytecode is
# written even where PYTHONDONTWRITEBYTECODE is set: without it every worker of every run
# recompiles the package and re-rewrites the asserts of all test modules (seconds per worker).
TEST_ENV := QT_QPA_PLATFORM=offscreen PYTHONDONTWRITEBYTECODE=
test: $(STAMP)
	$(TEST_ENV) $(VENV)/bin/python -m pytest -n auto --dist loadfile $(ARGS)

# the daily lane: the same without the tests marked slow (PostgreSQL cases, real X windows,
# subprocess-heavy runs), so the store runs on SQLite only
test-fast: $(STAMP)
	$(TEST_ENV) $(VENV)/bin/python -m pytest -n auto --dist loadfile -m "not slow" $(ARGS)

# the layer contracts, lint and the core's types (.ci/run runs this before the tests)
check: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check annotator tests
	$(VENV)/bin/mypy

bench: $(STAMP)
	@for script in tests/benchmarks/bench_*.py; do \
	  echo "== $$script"; QT_QPA_PLATFORM=offscreen $(VENV)/bin/python $$script $(ARGS) || exit 1; \
	done

# a one-folder desktop application in dist/annotator/ (PyInstaller; README: "A desktop build").
# PyInstaller (the bundle extra) is installed once; the build takes about 1.8 min of CPU
# (resources/bundle/annotator.spec says what keeps it short).
BUNDLE_STAMP := $(VENV)/.bundle-installed
bundle: $(BUNDLE_STAMP)
	@echo "[2/2] Building dist/annotator/ (about two minutes on two free cores)"
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
	  resources/bundle/annotator.spec
	@echo "Built dist/annotator/annotator. Next: 'make bundle-smoke' checks it; the folder is the application."

$(BUNDLE_STAMP): $(STAMP)
	@echo "[1/2] Installing PyInstaller into $(VENV)"
	$(VENV)/bin/python -m pip install --progress-bar on -e '.[bundle]'
	@touch $(BUNDLE_STAMP)

# build, then start the build offscreen on the sample project, import a web page, suggest with
# both pipelines and check that every step ends cleanly (.ci/run runs this after the tests)
bundle-smoke: bundle
	resources/bundle/smoke_check.sh dist/annotator/annotator

$(STAMP): pyproject.toml
	@py=""; \
	for candidate in "$$ANNOTATOR_PYTHON" python3.12 python3.13 python3 \
	    $$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -V); do \
	  [ -n "$$candidate" ] || continue; \
	  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    py=$$candidate; break; \
	  fi; \
	done; \
	if [ -z "$$py" ]; then \
	  echo "annotator needs Python 3.12 or newer and found none."; \
	  echo "Install one (e.g. 'pyenv install 3.12', or your system's python3.12 and python3.12-venv packages),"; \
	  echo "or point ANNOTATOR_PYTHON at it: make ANNOTATOR_PYTHON=/path/to/python3.12 run"; \
	  exit 1; \
	fi; \
	echo "[1/3] Creating $(VENV) with $$py ($$("$$py" --version))"; \
	rm -rf $(VENV) && "$$py" -m venv $(VENV)
	@echo "[2/3] Updating pip"
	$(VENV)/bin/python -m pip install --progress-bar on --upgrade pip
	@echo "[3/3] Installing annotator, the spaCy English model and the test tools (a few minutes on a first set-up)"
	$(VENV)/bin/python -m pip install --progress-bar on -e '.[model,test]'
	@touch $(STAMP)
	@echo "Set-up done. Next: 'make run' opens the sample project, 'make test' (or 'make test-fast') runs the tests."

clean:
	rm -rf $(VENV) .pytest_cache build dist
