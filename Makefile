# Renfort — the front door. `make run` starts everything on the demo data;
# `make test` runs every test against a real PostgreSQL.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8080

.PHONY: help run test bench build db-start db-stop db-reset db-env psql clean

help:
	@echo "make run       set up the private database, load the demo, serve on http://127.0.0.1:$(PORT)"
	@echo "make test      run every test against the private database"
	@echo "make db-start  start the private PostgreSQL cluster (installs PostgreSQL 15 if missing)"
	@echo "make db-stop   stop it;  make db-reset  delete it"
	@echo "make bench     generate a large data set and load the release server with wrk (about 10 min after the build)"
	@echo "make psql      a psql shell on the private cluster, as its superuser"

run:
	@PORT=$(PORT) ops/run.sh

test: db-start
	@eval "$$(ops/dev-db.sh env)" && swift build --build-tests && swift test

bench:
	@ops/bench.sh

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
