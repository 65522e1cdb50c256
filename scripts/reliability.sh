#!/usr/bin/env bash
# Runs the reliability suite (injection, faults, bad MCP input, secrets, leaks, parser fuzzing)
# against a real sshd on 127.0.0.1 with the simulator behind it, and writes docs/reliability.md
# from the figures the tests record.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
swift build --product mcp-proxmox-bench
MCP_PROXMOX_BIN_DIR="$(swift build --show-bin-path)"
export MCP_PROXMOX_BIN_DIR
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
MCP_PROXMOX_RELIABILITY_REPORT="$report" \
  "$MCP_PROXMOX_BIN_DIR/mcp-proxmox-adminPackageTests.xctest" --testing-library swift-testing \
  --filter 'Reliability|configuredSecretsAppearInNoOutput'
"$MCP_PROXMOX_BIN_DIR/mcp-proxmox-bench" --reliability-report "$report" --markdown docs/reliability.md
echo "wrote docs/reliability.md"
