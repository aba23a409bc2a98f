#!/usr/bin/env bash
# `ops/timed.sh WHAT COMMAND…`: runs COMMAND, then says how long WHAT took (`make test` prints
# one such line per step, so a slow CI run shows which step grew). Keeps COMMAND's exit status.
what=$1; shift
started=$SECONDS
status=0
"$@" || status=$?
echo "make: $what took $((SECONDS - started)) s$([ $status = 0 ] || echo " and failed ($status)")" >&2
exit $status
