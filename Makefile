# dl-interview-explained — every command sets up what it needs first.
#   make serve       live-reloading site at http://127.0.0.1:8000
#   make test        the whole test suite (strict build, links, math, code, browser tests)
#   make check-fast  strict build + the fast tests (no browser), under a minute
#   make build       strict build into site/
#   make bench       build, page-weight and Lighthouse figures (prints a table, writes bench/results/);
#                    make bench BENCH_ARGS=--quick for question 6 alone
#   make pdf anki    build once, then the printable edition as PDF and the Anki decks into site/

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup serve build test check-fast bench browser new-question fix pdf anki clean clean-env

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# Debian's chromium for the browser tests (no downloaded browsers), CJK fonts for screenshots
# and PDFs, poppler-utils (pdftotext, pdffonts): whatever is missing is installed, as root or
# through passwordless sudo. CHROMIUM_PATH (e.g. a CI runner's Chrome) replaces chromium.
browser:
	@need=""; \
	[ -n "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null || need="chromium"; \
	command -v pdftotext >/dev/null || need="$$need poppler-utils"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need="$$need fonts-noto-cjk"; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	  else echo "missing Debian packages: sudo apt-get install -y $$need"; exit 1; fi; \
	  echo "installing Debian packages:$$need"; \
	  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	fi

serve: setup
	$(VENV)/bin/mkdocs serve --strict --livereload -a 127.0.0.1:8000

build: setup
	$(VENV)/bin/mkdocs build --strict

TEST_SITE := .cache/test-site

test: setup browser
	$(VENV)/bin/mkdocs build --strict --site-dir $(TEST_SITE)
	SITE_DIR=$(TEST_SITE) $(PY) -m pytest -n 2 --dist loadgroup

check-fast: setup
	$(VENV)/bin/mkdocs build --strict --site-dir $(TEST_SITE)
	SITE_DIR=$(TEST_SITE) $(PY) -m pytest -m "not slow and not browser" -q -n 2

# The printable edition as PDF (both languages) into site/, with download links on the print pages.
pdf: build browser
	$(PY) -m dlie.pdf site

# One Anki deck per language (genanki) into site/ (site/anki/, site/en/anki/), with download links
# on the home page and the study overview. `make pdf anki` builds the site once for both.
anki: build
	$(PY) -m dlie.anki site

bench: setup browser
	$(PY) bench/bench.py $(BENCH_ARGS)

# make new-question NUM=41 SLUG=my-topic TITLE_ZH="中文标题" TITLE_EN="English title" (asks for what is missing)
new-question: setup
	$(PY) -m dlie.scaffold $(NUM) $(SLUG) $(if $(TITLE_ZH),"$(TITLE_ZH)") $(if $(TITLE_EN),"$(TITLE_EN)")

# Auto-fix what the linters of `make test` check: Markdown style, the house style's safe fixes and
# Chinese copywriting (dlie.textlint --fix, style first; it lists what is left for a human), Python.
fix: setup
	$(VENV)/bin/pymarkdown --config .pymarkdown.json fix -r docs templates README.md || true
	$(PY) -m dlie.textlint --fix
	$(VENV)/bin/ruff check --fix hooks tests bench
	$(VENV)/bin/ruff format hooks tests bench

clean:
	rm -rf site .cache
clean-env: clean
	rm -rf $(VENV) node_modules
