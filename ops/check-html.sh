#!/usr/bin/env bash
# `make check-html`: the Nu HTML Checker (vnu.jar, from ops/a11y-tools.sh) on the pages the tests
# received, kept by the test support when RENFORT_RENDERED_PAGES names a folder (one file per
# kind of page: method, path with its ids blanked, query parameters' names, status; the first
# line of each file says which). Prints every error with its file, line and column; exits 1 on any.
#   ops/check-html.sh [FOLDER]   (default .build/rendered-pages)
set -euo pipefail
cd "$(dirname "$0")/.."
folder=${1:-.build/rendered-pages}
ops/a11y-tools.sh
shopt -s nullglob
pages=("$folder"/*.html)
if [ ${#pages[@]} = 0 ]; then
    echo "check-html: no page in $folder: run the tests with RENFORT_RENDERED_PAGES=$PWD/$folder first (make check-html does)" >&2
    exit 1
fi
report=.build/check-html.txt
mkdir -p .build
started=$(date +%s)
# --errors-only: warnings (advice such as "consider adding a lang attribute") do not fail.
if java -jar "$(ops/a11y-tools.sh path vnu)" --errors-only --format gnu "$folder" >"$report" 2>&1; then
    echo "check-html: Nu HTML Checker $(java -jar "$(ops/a11y-tools.sh path vnu)" --version | cut -d' ' -f1): ${#pages[@]} pages, 0 errors ($(( $(date +%s) - started )) s)"
else
    sed -E "s|\"file:$PWD/|\"|" "$report" >&2
    echo "check-html: $(grep -c ': error: ' "$report" || true) errors in $(cut -d'"' -f2 "$report" | sort -u | wc -l) of ${#pages[@]} pages (the first line of each file says which request it answered)" >&2
    exit 1
fi
