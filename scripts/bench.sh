#!/usr/bin/env bash
# Builds in release mode and runs the benchmark against a real sshd on 127.0.0.1 with the simulator
# behind it; prints the table, writes docs/performance.json (every sample) and docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build -c release --product pve-sim
swift build -c release --product mcp-proxmox-admin
swift build -c release --product mcp-proxmox-bench
swift build -c release --product mcp-proxmox-guard
MCP_PROXMOX_BIN_DIR="$(swift build -c release --show-bin-path)"
export MCP_PROXMOX_BIN_DIR
# The static build (what scripts/release.sh ships) is measured beside the dynamic one.
scripts/release.sh --install-only
swift build -c release --static-swift-stdlib --scratch-path .build-static --product mcp-proxmox-admin
static="$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/mcp-proxmox-admin"
"$MCP_PROXMOX_BIN_DIR/mcp-proxmox-bench" --json docs/performance.json --markdown docs/performance.md --static-binary "$static" "$@"
