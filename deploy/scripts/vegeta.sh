#!/usr/bin/env bash
# Builds the load generator of the fixed-rate benchmark phases (`npm run bench:*`) once into .tools/bin
# (gitignored) and prints its path on the last line: Vegeta (github.com/tsenart/vegeta, MIT), a Go
# constant-rate HTTP load tool. A Node.js client on this 2-core machine is itself descheduled and
# collects garbage, and that adds to every latency it measures; Vegeta's pacer sends on schedule whatever
# earlier requests do (no coordinated omission) at a fraction of the CPU. Cold: ~40 s; then instant.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="v12.13.0"
bin="$root/.tools/bin/vegeta-$version"

if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "[vegeta] Go is needed to build Vegeta (https://go.dev/dl/)" >&2; exit 1; }
  echo "[vegeta] building Vegeta $version (once; ~40 s cold)" >&2
  mkdir -p "$root/.tools/bin"
  gobin=$(mktemp -d)
  GOBIN="$gobin" GOFLAGS=-mod=mod go install "github.com/tsenart/vegeta/v12@$version"
  mv "$gobin/vegeta" "$bin"
  rm -rf "$gobin"
fi
echo "$bin"
