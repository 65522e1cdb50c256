#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs the whole test suite: unit tests and the
# end-to-end tests, which start their own OpenSSH sshd on 127.0.0.1 with the simulator behind it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
MCP_PROXMOX_BIN_DIR="$(swift build --show-bin-path)"
export MCP_PROXMOX_BIN_DIR
swift test --skip-build "$@"
