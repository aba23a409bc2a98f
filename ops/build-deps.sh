#!/usr/bin/env bash
# What the build needs from Debian beyond Swift: zlib's headers (ZIPFoundation, for the ZIP of
# a person's data). Installed with apt-get when missing (as root); otherwise says how.
set -euo pipefail
missing=()
for package in zlib1g-dev; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
[ ${#missing[@]} = 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "build-deps: installing ${missing[*]} with apt-get"
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
else
    echo "build-deps: missing ${missing[*]}: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
