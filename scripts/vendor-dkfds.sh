#!/usr/bin/env bash
# Vendor Det Fælles Designsystem (dkfds) into static/vendor/dkfds: the municipal network is
# closed, so nothing is loaded from a CDN. Copies the minified CSS and JS and exactly the
# fonts and icons the CSS refers to. Rerun to upgrade: scripts/vendor-dkfds.sh 11.2.0
set -euo pipefail
version="${1:-11.2.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/static/vendor/dkfds"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "dkfds@$version" --silent >/dev/null && tar xzf dkfds-*.tgz)
dist="$work/package/dist"
rm -rf "$target" && mkdir -p "$target/css" "$target/js"
cp "$dist/css/dkfds.min.css" "$target/css/"
cp "$dist/js/dkfds.min.js" "$target/js/"
cp "$dist/LICENSE.md" "$target/"
grep -o 'url(\.\./[^)]*)' "$dist/css/dkfds.min.css" | sed 's/^url(\.\.\///; s/)$//' | sort -u |
  while read -r asset; do
    mkdir -p "$target/$(dirname "$asset")"
    cp "$dist/$asset" "$target/$asset"
  done
echo "$version" > "$target/VERSION"
echo "dkfds $version vendored into $target ($(du -sh "$target" | cut -f1))"
