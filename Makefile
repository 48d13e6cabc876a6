# The README's commands. Each sets up .venv itself, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: help html serve test check capture verify clean bench screenshot

help:
	@echo "make serve   build the site and the search index, then serve both on http://127.0.0.1:$(PORT)/"
	@echo "make test    run the whole test suite"
	@echo "make html    build the site (published as output/) and the index into var/"
	@echo "make check   validate content/ without building"
	@echo "make capture capture every source not captured yet (needs the internet)"
	@echo "make verify  re-read and re-hash every capture in archive/"
	@echo "make clean   remove output/, var/ and .venv/"
	@echo "make bench   run bench/search.py (a few minutes; not part of make test)"
	@echo "make screenshot  retake the README's screenshot, docs/timeline.png, from the real site"

# Reinstalled whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# A new build each time, published by switching the output symlink (docs/serving.md).
html: $(BIN)/.installed
	$(BIN)/sim-archive build

# A local preview: built with SITEURL set to the address it is served on, so that its citations,
# canonical links and feed carry working absolute links.
serve: $(BIN)/.installed
	$(BIN)/sim-archive build --siteurl http://127.0.0.1:$(PORT)
	$(BIN)/sim-archive serve --port $(PORT)

check: $(BIN)/.installed
	$(BIN)/sim-archive check

capture: $(BIN)/.installed
	$(BIN)/sim-archive capture --missing

verify: $(BIN)/.installed
	$(BIN)/sim-archive verify

test: $(BIN)/.installed
	$(BIN)/sim-archive check
	$(BIN)/sim-archive verify
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(BIN)/.installed
	$(BIN)/python bench/search.py

screenshot: $(BIN)/.installed
	$(BIN)/python bench/screenshot.py

clean:
	rm -rf output output.builds var $(VENV)
