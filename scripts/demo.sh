#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo against the built-in SIMULATED cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh build   # the demo needs no sshd
swift build --product mcp-proxmox-admin
exec "$(swift build --show-bin-path)/mcp-proxmox-admin" demo
