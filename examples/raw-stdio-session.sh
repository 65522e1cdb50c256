#!/usr/bin/env bash
# Speaks MCP to the server by hand: three JSON-RPC lines in, the answers out (simulated cluster).
# Run from the repository root after `swift build`. The server answers every request it read
# before it exits at the end of its input.
set -euo pipefail
binary="$(swift build --show-bin-path)/mcp-proxmox-admin"
{
  echo '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"shell","version":"1"}}}'
  echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  echo '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
  echo '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"proxmox_vm_list","arguments":{"node":"pve1"}}}'
} | "$binary" serve --simulator
