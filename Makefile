# Renfort — the front door. `make run` starts everything on the demo data;
# `make test` runs every test against a real PostgreSQL.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8080

.PHONY: help run test build-tests bench build db-start db-stop db-reset db-env psql clean a11y-tools check-html check-axe cluster cluster-stop cluster-test

help:
	@echo "make run       set up the private database, load the demo, serve on http://127.0.0.1:$(PORT)"
	@echo "make test      run every test against the private database, then the accessibility checks and the cluster drills"
	@echo "make check-html  the tests, keeping the HTML pages they receive, then the Nu HTML Checker on them"
	@echo "make check-axe   axe-core in headless Chromium on every page of every demo role"
	@echo "make db-start  start the private PostgreSQL cluster (installs PostgreSQL 15 if missing)"
	@echo "make db-stop   stop it;  make db-reset  delete it"
	@echo "make bench     generate a large data set and load the release server with wrk (about 10 min after the build)"
	@echo "make psql      a psql shell on the private cluster, as its superuser"
	@echo "make cluster   a primary, a streaming replica, two servers and HAProxy on the demo data (make cluster-stop stops them)"
	@echo "make cluster-test  the drills on that cluster: proxy, a server stopped under load, replica, fail-over, restore"

run:
	@PORT=$(PORT) ops/run.sh

# The tests keep every kind of HTML page they receive for the Nu HTML Checker (ops/check-html.sh);
# then axe-core visits every page of every demo role (ops/check-axe.sh). See the README,
# "Accessibilité : ce que vérifient les tests".
RENDERED_PAGES := $(CURDIR)/.build/rendered-pages

test: db-start build-tests a11y-tools
	@rm -rf "$(RENDERED_PAGES)"
	@eval "$$(ops/dev-db.sh env)" && RENFORT_RENDERED_PAGES="$(RENDERED_PAGES)" ops/timed.sh "the Swift tests" swift test --skip-build
	@ops/timed.sh "the HTML check" ops/check-html.sh "$(RENDERED_PAGES)"
	@eval "$$(ops/dev-db.sh env)" && RENFORT_BIN="$$(swift build --show-bin-path)/renfort" ops/timed.sh "the axe check" ops/check-axe.sh
	@RENFORT_BIN="$$(swift build --show-bin-path)/renfort" ops/timed.sh "the cluster drills" python3 ops/cluster-test.py

# Java, Chromium and its driver (apt-get, when missing) and the Python packages in .venv-a11y/.
a11y-tools:
	@ops/a11y-tools.sh

check-html: db-start build-tests a11y-tools
	@rm -rf "$(RENDERED_PAGES)"
	@eval "$$(ops/dev-db.sh env)" && RENFORT_RENDERED_PAGES="$(RENDERED_PAGES)" swift test
	@ops/check-html.sh "$(RENDERED_PAGES)"

check-axe: db-start a11y-tools
	@ops/build-deps.sh
	@swift build --product renfort
	@eval "$$(ops/dev-db.sh env)" && RENFORT_BIN="$$(swift build --show-bin-path)/renfort" ops/check-axe.sh

# A compiler warning located in our own code; the packages' own are not ours to fix.
OWN_WARNING := ^[^ :]*/(Sources|Tests)/[^:]*:[0-9]+:[0-9]+: warning:

# Builds the server and its tests, and fails on any compiler warning in Sources/ or Tests/.
build-tests:
	@ops/build-deps.sh
	@mkdir -p .build
	@set -o pipefail; ops/timed.sh "the build (server and tests)" swift build --build-tests 2>&1 | tee .build/build-tests.log
	@warnings="$$(grep -E '$(OWN_WARNING)' .build/build-tests.log | grep -v -e '/\.build' -e '/checkouts/' | sort -u)"; \
	if [ -n "$$warnings" ]; then \
		echo "$$warnings"; \
		echo "make: $$(echo "$$warnings" | wc -l) compiler warning(s) in our code; CI fails on any." >&2; exit 1; \
	fi

bench:
	@ops/bench.sh

cluster:
	@ops/cluster.sh start

cluster-stop:
	@ops/cluster.sh stop

cluster-test:
	@python3 ops/cluster-test.py

build:
	swift build

db-start:
	@ops/dev-db.sh start

db-stop:
	@ops/dev-db.sh stop

db-reset:
	@ops/dev-db.sh reset

db-env:
	@ops/dev-db.sh env

psql:
	@ops/dev-db.sh psql -d renfort

clean:
	rm -rf .build
