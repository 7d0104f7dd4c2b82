# Encore: `make test` on a fresh machine (python3, python3-venv, make, git) installs what it needs and runs
# everything. Test servers are found or started by the tests themselves (tests/support/servers.py).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when pyproject.toml changes: the stamp is newer than it after a good install.
STAMP := $(VENV)/.encore-installed
PYTEST_ARGS ?=
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: help venv syslibs tools test test-stack stack-engine bench lint run admin screenshots package clean distclean

help:
	@echo "make test    install into .venv if needed, run the tests (PYTEST_ARGS='...' to pass options)"
	@echo "make test-stack  build the images and run the compose stack on a private Docker engine (minutes)"
	@echo "make lint    ruff, mypy, import-linter"
	@echo "make bench   run the benchmarks (not tests: they print a table)"
	@echo "make run     start the kiosk on the embedded SQLite database with demo data (in a window)"
	@echo "make admin   start the admin app on the same demo database (in a window)"
	@echo "make screenshots  render every kiosk and admin screen offscreen into resources/screenshots/"
	@echo "make package  PyInstaller one-folder bundles of encore-kiosk and encore-admin in dist/"
	@echo "make clean   remove caches and build output;  make distclean  also the .venv"

venv: syslibs $(STAMP)

# Qt's system libraries (PySide6 wheels bring Qt itself): checked every time, installed as root, else explained.
syslibs:
	@bash packaging/system-libs.sh

# pip is the target, not python: a venv made without ensurepip (python3-venv missing) has python but no pip.
$(BIN)/pip:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Encore needs Python 3.11 or newer as '$(PYTHON)' (try: make PYTHON=python3.11 ...)."; exit 1; }
	@echo "Creating $(VENV) ..."
	@if ! $(PYTHON) -m venv $(VENV) >$(VENV).err 2>&1; then \
	  rm -rf $(VENV); \
	  if grep -q ensurepip $(VENV).err; then \
	    sudo=$$([ "$$(id -u)" = 0 ] || echo "sudo "); \
	    echo ""; \
	    echo "Could not create a virtual environment: Python's venv module (python3-venv) is missing."; \
	    echo "Install it, then run make again:"; \
	    echo ""; \
	    echo "    $${sudo}apt-get install -y python3-venv"; \
	    echo ""; \
	  else \
	    echo "Could not create a virtual environment:"; cat $(VENV).err; \
	  fi; \
	  rm -f $(VENV).err; exit 1; \
	fi
	@rm -f $(VENV).err

$(STAMP): pyproject.toml | $(BIN)/pip
	@echo "Installing Encore and its test tools into $(VENV) (pyproject.toml changed or first run) ..."
	@$(PIP) install --quiet --progress-bar off -e '.[test]'
	@touch $@
	@echo "Installed."

# Checkers with dependencies of their own (checkov) live in a second virtualenv, made when their list changes.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.encore-installed

tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): packaging/tools-requirements.txt | $(BIN)/pip
	@echo "Installing the checkers (checkov) into $(TOOLS) ..."
	@rm -rf $(TOOLS) && $(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/python -m pip --disable-pip-version-check install --quiet --progress-bar off -r packaging/tools-requirements.txt
	@touch $@

test: venv tools
	$(BIN)/pytest $(PYTEST_ARGS)

# The compose stack for real (tests/stack/test_compose_stack.py): a private dockerd with no bridge (overlay2, or vfs
# where overlay mounts are refused), an offline Debian base image (debootstrap + docker import), both images built, compose up, a sale, a backup.
test-stack: venv stack-engine
	ENCORE_TEST_STACK=1 $(BIN)/pytest tests/stack/test_compose_stack.py -p no:cacheprovider -s -o faulthandler_timeout=1800 \
	  $(PYTEST_ARGS)

# Debian's docker.io (dockerd and its own client) and debootstrap: installed as root, else the command to run.
stack-engine:
	@if command -v dockerd >/dev/null && command -v debootstrap >/dev/null && [ -x /usr/bin/docker ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing docker.io and debootstrap for make test-stack ..."; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io debootstrap >/dev/null \
	    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	         --no-install-recommends docker.io debootstrap >/dev/null; }; \
	else \
	  echo "make test-stack needs Debian's docker.io and debootstrap (the test skips without them):"; \
	  echo "    sudo apt-get install -y docker.io debootstrap"; \
	fi

bench: venv
	$(BIN)/python -m tests.benchmarks

# All three run even when one fails, so one pass shows every problem.
lint: venv
	@status=0; \
	echo "== ruff"; $(BIN)/ruff check . || status=1; \
	echo "== mypy"; $(BIN)/mypy || status=1; \
	echo "== import-linter"; $(BIN)/lint-imports || status=1; \
	exit $$status

run: venv
	@$(BIN)/encore-ops run-demo
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ] && [ -z "$${QT_QPA_PLATFORM:-}" ]; then \
	  echo ""; \
	  echo "No screen found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the kiosk window cannot open here."; \
	  echo "Run 'make run' from a desktop session, or 'make screenshots' to render every screen to PNG files."; \
	  exit 1; \
	fi
	@if [ -n "$${DISPLAY:-}" ]; then bash packaging/system-libs.sh --display || exit 1; fi
	ENCORE_KIOSK_LOCKDOWN=$${ENCORE_KIOSK_LOCKDOWN:-false} $(BIN)/encore-kiosk

# The admin app on the same demo database (sign in as admin@encore.demo / demo-admin-2026).
admin: venv
	@$(BIN)/encore-ops run-demo
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ] && [ -z "$${QT_QPA_PLATFORM:-}" ]; then \
	  echo "No screen found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the admin window cannot open here."; \
	  exit 1; \
	fi
	@if [ -n "$${DISPLAY:-}" ]; then bash packaging/system-libs.sh --display || exit 1; fi
	$(BIN)/encore-admin

screenshots: venv
	$(BIN)/python -m tests.kiosk.screenshots  # offscreen, on a 1920x1080, a 1080x1920 and a 1280x800 screen
	$(BIN)/python -m tests.admin.screenshots  # the admin app at 1920x1080 and 1366x768

# One-folder bundles of both apps from one spec in one PyInstaller run (packaging/pyinstaller/encore.spec: the
# second app reuses the first's analysis of Python itself); each starts with --self-test to check a machine.
package: venv
	@echo "Bundling encore-kiosk and encore-admin into dist/ ..."
	@$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
	  packaging/pyinstaller/encore.spec
	@du -sh dist/encore-kiosk dist/encore-admin

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis .bench .test-servers build dist *.egg-info
	find . \( -path ./$(VENV) -o -path ./$(TOOLS) \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(TOOLS)
