#!/usr/bin/env bash
# Checks the artefacts of scripts/release.sh: the sums verify; the packaged executable loads no Swift
# runtime library and, unpacked into an empty folder and run with a minimal environment, answers
# --version, runs the demo and answers MCP initialize and tools/list over stdio; the .deb is well formed
# and (as root) installs and removes cleanly. Usage: scripts/check-release.sh DIR [VERSION]
set -euo pipefail
dir="$(cd "$1" && pwd)"
version="${2:-}"
fail() { echo "check-release: FAILED: $*" >&2; exit 1; }
cd "$dir"
sha256sum --quiet -c SHA256SUMS || fail "SHA256SUMS does not verify"
tarball="$(ls mcp-proxmox-admin-*-linux-*.tar.gz)"
deb="$(ls mcp-proxmox-admin_*_*.deb)"
if [ -z "$version" ]; then version="$(basename "$tarball" | sed 's/^mcp-proxmox-admin-\(.*\)-linux-.*$/\1/')"; fi
echo "checking $tarball and $deb (version $version)"

empty="$(mktemp -d)"
trap 'rm -rf "$empty"' EXIT
tar -xzf "$tarball" -C "$empty"
bin="$(ls -d "$empty"/mcp-proxmox-admin-*/bin)"
for executable in "$bin/mcp-proxmox-admin" "$bin/pve-sim" "$bin/mcp-proxmox-guard"; do
    if ldd "$executable" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime'; then
        fail "$(basename "$executable") loads a Swift runtime library (above)"
    fi
    if ldd "$executable" | grep -q 'not found'; then fail "$(basename "$executable") lacks a library: $(ldd "$executable" | grep 'not found')"; fi
done
echo "ok: no Swift runtime library is loaded ($(ldd "$bin/mcp-proxmox-admin" | wc -l) libraries, all from the system)"

# A minimal environment: no toolchain on PATH or the library path, a home of its own.
home="$empty/home"
mkdir -p "$home"
run() { (cd "$empty" && env -i PATH=/usr/bin:/bin HOME="$home" "$@"); }
expected="mcp-proxmox-admin $version (commit "
answer="$(run "$bin/mcp-proxmox-admin" --version)"
[[ "$answer" == "$expected"*"static Swift standard library)" ]] || fail "--version answered '$answer'"
[ "$(run "$bin/mcp-proxmox-admin" version)" = "$answer" ] || fail "version and --version differ"
echo "ok: $answer"

demo="$(run "$bin/mcp-proxmox-admin" demo 2>&1)" || fail "demo failed: $demo"
grep -q "Connected to mcp-proxmox-admin $version " <<<"$demo" || fail "demo: serverInfo.version is not $version"
grep -q "start VM 102: OK" <<<"$demo" || fail "demo did not start VM 102"
grep -q "progress: running" <<<"$demo" || fail "demo showed no progress"
echo "ok: demo against the simulator"

# The host guard, as a guarded key's authorized_keys line runs it: shell syntax refused (exit 77),
# an allowed command executed (here no pvesh exists, so it cannot start: 127).
set +e
refusal="$(cd "$empty" && env -i PATH=/usr/bin:/bin SSH_ORIGINAL_COMMAND='pvesh get /nodes --output-format json; id' "$bin/mcp-proxmox-guard" --name check 2>&1)"
status=$?
allowed="$(cd "$empty" && env -i PATH=/nonexistent SSH_ORIGINAL_COMMAND='pvesh get /nodes --output-format json' "$bin/mcp-proxmox-guard" --policy "$empty/none.json" 2>&1)"
allowed_status=$?
set -e
[ "$status" = 77 ] && [[ "$refusal" == "refused by the host's guard (check): shell syntax (';')"* ]] || fail "the guard did not refuse shell syntax: $status $refusal"
[ "$allowed_status" = 127 ] && [[ "$allowed" == *"pvesh could not be started"* ]] || fail "the guard did not pass an allowed command on: $allowed_status $allowed"
echo "ok: mcp-proxmox-guard refuses shell syntax and executes an allowed command"

requests='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"check-release","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
mcp="$(run "$bin/mcp-proxmox-admin" serve --simulator <<<"$requests" 2>/dev/null)"
grep -q "\"version\":\"$version\"" <<<"$mcp" || fail "initialize: serverInfo.version is not $version"
grep -q '"id":2' <<<"$mcp" && grep -q '"name":"proxmox_vm_list"' <<<"$mcp" || fail "tools/list was not answered"
echo "ok: MCP initialize and tools/list over stdio ($(grep -o '"name":"proxmox_' <<<"$mcp" | wc -l) tools)"

dpkg-deb --info "$deb" >/dev/null || fail "dpkg-deb --info rejects $deb"
[ "$(dpkg-deb --field "$deb" Version)" = "$version" ] || fail ".deb Version is not $version"
contents="$(dpkg-deb --contents "$deb")"
for path in ./usr/bin/mcp-proxmox-admin ./usr/bin/pve-sim ./usr/bin/mcp-proxmox-guard ./usr/share/doc/mcp-proxmox-admin/copyright ./usr/share/doc/mcp-proxmox-admin/README.md; do
    grep -q " $path\$" <<<"$contents" || fail ".deb lacks $path"
done
echo "ok: $deb (Depends: $(dpkg-deb --field "$deb" Depends))"
if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: dpkg -i / dpkg -r of the .deb (needs root; this is uid $(id -u))"
    exit 0
fi
if dpkg-query -W -f='${Status}' mcp-proxmox-admin 2>/dev/null | grep -q "install ok installed"; then
    echo "skipped: dpkg -i / dpkg -r (mcp-proxmox-admin is already installed here; not touching it)"
    exit 0
fi
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb"
installed="$(env -i PATH=/usr/bin:/bin HOME="$home" /usr/bin/mcp-proxmox-admin --version)"
dpkg -r mcp-proxmox-admin >/dev/null || fail "dpkg -r mcp-proxmox-admin"
[ "$installed" = "$answer" ] || fail "the installed executable answered '$installed'"
[ ! -e /usr/bin/mcp-proxmox-admin ] && [ ! -e /usr/share/doc/mcp-proxmox-admin ] || fail "dpkg -r left files behind"
echo "ok: dpkg -i installs it ($installed), dpkg -r removes it"
