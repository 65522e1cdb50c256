#!/usr/bin/env bash
# Installs what building and testing need on Debian/Ubuntu, only when something is missing.
# The Swift 6.3 toolchain itself must already be on PATH (swift.org installers).
set -euo pipefail

# `install-deps.sh build` installs what building needs (the demo); without it, also what the tests
# need (an sshd and an ssh client on 127.0.0.1).
packages=(libssh2-1-dev pkg-config)
if [ "${1:-}" != "build" ]; then packages+=(openssh-server openssh-client); fi
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo -n); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v swift >/dev/null || { echo "swift is not on PATH: install the Swift 6.3 toolchain first" >&2; exit 1; }
