#!/usr/bin/env bash
# Builds the release artefacts from the committed sources (HEAD), with the Swift standard library and
# Foundation linked in, so the target needs no Swift toolchain:
#   OUTDIR/mcp-proxmox-admin-<version>-linux-<arch>.tar.gz   executables, README, LICENSE, docs, examples
#   OUTDIR/mcp-proxmox-admin_<version>_<debarch>.deb          /usr/bin, /usr/share/doc/mcp-proxmox-admin
#   OUTDIR/SHA256SUMS
# then checks them with scripts/check-release.sh. Usage: scripts/release.sh [OUTDIR] (default dist/);
# scripts/release.sh --install-only installs what the static build needs and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
outdir="${1:-dist}"

# What the static link needs besides the build's own packages: FoundationNetworking links libcurl's
# development files (libcurl itself stays a shared library at run time).
./scripts/install-deps.sh build
if ! dpkg-query -W -f='${Status}' libcurl4-openssl-dev 2>/dev/null | grep -q "install ok installed"; then
    echo "installing: libcurl4-openssl-dev"
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo -n); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends libcurl4-openssl-dev
fi
if [ "${1:-}" = "--install-only" ]; then exit 0; fi
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"

# The version: a vX.Y.Z tag on HEAD, else the constant in BuildInfo.swift (the one place it is written).
info=Sources/ProxmoxMCP/Server/BuildInfo.swift
constant="$(sed -n 's/^    public static let version = "\(.*\)"$/\1/p' "$info")"
tag="$(git tag --points-at HEAD --list 'v[0-9]*' | sort -V | tail -n 1)"
version="${tag#v}"
version="${version:-$constant}"
commit="$(git rev-parse --short=12 HEAD)"
date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
arch="$(uname -m)"
debarch="$(dpkg --print-architecture)"
echo "release $version (commit $commit, $arch)"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "note: uncommitted changes are not part of the release (it is built from HEAD)"
fi

# Build from a copy of HEAD, stamped with the version, commit and date.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git archive HEAD | tar -x -C "$work"
sed -i -e "s/^    public static let version = \".*\"$/    public static let version = \"$version\"/" \
       -e "s/^    public static let commit = \".*\"$/    public static let commit = \"$commit\"/" \
       -e "s/^    public static let date = \".*\"$/    public static let date = \"$date\"/" "$work/$info"
grep -q "commit = \"$commit\"" "$work/$info" || { echo "could not stamp $info" >&2; exit 1; }
(cd "$work" && swift build -c release --static-swift-stdlib --product mcp-proxmox-admin \
    && swift build -c release --static-swift-stdlib --product pve-sim \
    && swift build -c release --static-swift-stdlib --product mcp-proxmox-guard)
bin="$(cd "$work" && swift build -c release --static-swift-stdlib --show-bin-path)"

# The tarball.
name="mcp-proxmox-admin-$version-linux-$arch"
stage="$work/stage/$name"
mkdir -p "$stage/bin"
install -m 755 "$bin/mcp-proxmox-admin" "$bin/pve-sim" "$bin/mcp-proxmox-guard" "$stage/bin/"
strip --strip-unneeded "$stage/bin/mcp-proxmox-admin" "$stage/bin/pve-sim" "$stage/bin/mcp-proxmox-guard"
cp -R README.md LICENSE docs examples "$stage/"
tar -C "$work/stage" --owner=0 --group=0 --sort=name -czf "$outdir/$name.tar.gz" "$name"

# The .deb: Depends names the package of every shared library the executables load.
deb="$work/deb"
mkdir -p "$deb/DEBIAN" "$deb/usr/bin" "$deb/usr/share/doc/mcp-proxmox-admin"
install -m 755 "$stage/bin/mcp-proxmox-admin" "$stage/bin/pve-sim" "$stage/bin/mcp-proxmox-guard" "$deb/usr/bin/"
cp -R README.md docs examples "$deb/usr/share/doc/mcp-proxmox-admin/"
cp LICENSE "$deb/usr/share/doc/mcp-proxmox-admin/copyright"
depends="$(scripts/runtime-packages.sh "$deb/usr/bin/mcp-proxmox-admin" "$deb/usr/bin/pve-sim" "$deb/usr/bin/mcp-proxmox-guard" | paste -sd, | sed 's/,/, /g')"
size="$(du -sk "$deb/usr" | cut -f1)"
cat > "$deb/DEBIAN/control" <<EOF
Package: mcp-proxmox-admin
Version: $version
Architecture: $debarch
Maintainer: The mcp-proxmox-admin authors <mcp-proxmox-admin@example.invalid>
Installed-Size: $size
Depends: $depends
Section: admin
Priority: optional
Description: MCP server that administers Proxmox VE over SSH (qm, pct, pvesh)
 Lets an AI assistant list, start, stop, snapshot, back up and configure VMs and
 containers of a Proxmox VE cluster through SSH alone. Includes pve-sim, a
 simulated cluster for trying it without a host (mcp-proxmox-admin demo).
EOF
debname="mcp-proxmox-admin_${version}_${debarch}.deb"
dpkg-deb --root-owner-group --build "$deb" "$outdir/$debname" >/dev/null

(cd "$outdir" && sha256sum "$name.tar.gz" "$debname" > SHA256SUMS)
echo "wrote $outdir: $name.tar.gz, $debname, SHA256SUMS (Depends: $depends)"
"$root/scripts/check-release.sh" "$outdir" "$version"
