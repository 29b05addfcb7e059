# Two commands for a fresh machine:
#   make run   - set up a virtual environment and open the app on the default (sample) project
#   make test  - set up the same environment and run the whole test suite
# Set ANNOTATOR_PYTHON=/path/to/python3.12 to choose the interpreter yourself.

VENV    := .venv
STAMP   := $(VENV)/.installed
PROJECT ?=
ARGS    ?=

.PHONY: run test check bench clean

run: $(STAMP)
	$(VENV)/bin/annotator $(PROJECT) $(ARGS)

# one worker per core (pytest-xdist), a test file's tests together on one worker
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest -n auto --dist loadfile $(ARGS)

# the layer contracts, lint and the core's types (.ci/run runs this before the tests)
check: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check annotator tests
	$(VENV)/bin/mypy

bench: $(STAMP)
	@for script in tests/benchmarks/bench_*.py; do \
	  echo "== $$script"; QT_QPA_PLATFORM=offscreen $(VENV)/bin/python $$script $(ARGS) || exit 1; \
	done

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
	echo "Setting up $(VENV) with $$py ($$("$$py" --version))"; \
	rm -rf $(VENV) && "$$py" -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[model,test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache
