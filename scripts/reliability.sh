#!/usr/bin/env bash
# Runs the reliability suite (injection, faults, bad MCP input, secrets, leaks, parser fuzzing)
# against a real sshd on 127.0.0.1 with the simulator behind it, one suite at a time so the
# figures are not skewed by each other, and writes docs/reliability.md from what the tests record.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
swift build --product mcp-proxmox-bench
MCP_PROXMOX_BIN_DIR="$(swift build --show-bin-path)"
export MCP_PROXMOX_BIN_DIR
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
export MCP_PROXMOX_RELIABILITY_REPORT="$report"
for suite in ReliabilityInjectionTests ReliabilityFaultTests ReliabilityBadInputTests configuredSecretsAppearInNoOutput \
             ReliabilityLeakTests ReliabilityParserFuzzTests; do
  "$MCP_PROXMOX_BIN_DIR/mcp-proxmox-adminPackageTests.xctest" --testing-library swift-testing --filter "$suite"
done
"$MCP_PROXMOX_BIN_DIR/mcp-proxmox-bench" --reliability-report "$report" --markdown docs/reliability.md
echo "wrote docs/reliability.md"
