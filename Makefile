# Two jobs, two commands (see README): `make lab` and `make test`.
# Everything the tests need is installed here, never by hand.

VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: lab notebook test system clean

# The project and its test tools, in a virtual environment next to the sources.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Debian's chromium for the browser tests (no browser download), and fonts. Without its
# recommended packages: the headless tests need none of them (115 packages, 479 MB saved).
system:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	      --no-install-recommends chromium fonts-dejavu-core; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install -y chromium' (browser tests will be skipped)"; \
	  fi; \
	fi

# The main job: JupyterLab on the quick-start notebook, running against the embedded engine.
# LAB_ARGS passes options through (tests: --no-browser --port=N); root (containers) needs
# --allow-root, which is added for it. No "news" prompt and no update check over the studio
# (JupyterLab asks on first start otherwise). `make notebook` is the same in Notebook 7.
LAB_ARGS ?=
JUPYTER_QUIET := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/01_quickstart.ipynb $(JUPYTER_QUIET) \
	  $$(if [ "$$(id -u)" = 0 ]; then echo --allow-root; fi) $(LAB_ARGS)

notebook: $(STAMP)
	$(VENV)/bin/jupyter notebook notebooks/01_quickstart.ipynb \
	  $$(if [ "$$(id -u)" = 0 ]; then echo --allow-root; fi) $(LAB_ARGS)

# The whole test suite: lint, format check, unit + end-to-end + browser tests.
test: system $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
