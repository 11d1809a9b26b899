#!/usr/bin/env bash
# Starts a MongoDB-wire-compatible test server for the read-models MongoDB conformance suite and prints
# `MONGODB_URI=…` on its last line. No real mongod can be installed here (none on npm or Debian;
# mongodb-memory-server downloads at run time), so this builds FerretDB v1 (MongoDB wire protocol on
# SQLite or PostgreSQL) from source with Go, once, into .tools/ (gitignored).
#
# Why not `go install …/ferretdb@v1.24.0`: it makes the Go proxy list the module's versions (for
# deprecation notices), which the proxy here refuses (403); and a binary built that way panics at start
# because build/version/version.txt is empty in the module zip (FerretDB issue #2982). So: download the
# module zip, copy its source, write version.txt, build. Cold: ~2 minutes on 2 cores; then instant.
#
# Environment: MONGO_TEST_PORT (27017), FERRETDB_BACKEND (postgresql | sqlite; default postgresql: about 4x faster here),
# FERRETDB_POSTGRESQL_URL (postgresql backend; default postgres://postgres@127.0.0.1:5432/hearth_ferretdb).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="v1.24.0"
tools="$root/.tools"
bin="$tools/bin/ferretdb-$version"
state="$tools/ferretdb"
port="${MONGO_TEST_PORT:-27017}"
backend="${FERRETDB_BACKEND:-postgresql}"
uri="mongodb://127.0.0.1:$port/"

say() { printf '[mongo-test-server] %s\n' "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { say "Go is needed to build FerretDB (https://go.dev/dl/)"; exit 1; }
  started=$(date +%s)
  say "building FerretDB $version (once; ~2 min cold)"
  dir=$(cd "$tools" 2>/dev/null || mkdir -p "$tools"; cd "$tools" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] && [ -d "$dir" ] || { say "go mod download of FerretDB $version failed"; exit 1; }
  src="$tools/src/ferretdb-$version"
  rm -rf "$src"
  mkdir -p "$tools/src" "$tools/bin"
  cp -R "$dir" "$src"
  chmod -R u+w "$src"
  echo "$version" > "$src/build/version/version.txt"
  (cd "$src" && GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -o "$bin.tmp" ./cmd/ferretdb)
  mv "$bin.tmp" "$bin"
  rm -rf "$src"
  say "built $bin in $(( $(date +%s) - started ))s"
fi

if port_open; then
  say "something already listens on 127.0.0.1:$port; using it"
else
  mkdir -p "$state/data"
  args=(--listen-addr="127.0.0.1:$port" --state-dir="$state" --telemetry=disable --debug-addr=127.0.0.1:0 --log-level=warn)
  if [ "$backend" = "postgresql" ]; then
    pg_url="${FERRETDB_POSTGRESQL_URL:-postgres://postgres@127.0.0.1:5432/hearth_ferretdb}"
    db="${pg_url##*/}"; db="${db%%\?*}"
    psql "${pg_url%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
      || psql "${pg_url%/*}/postgres" -qc "CREATE DATABASE \"$db\""
    args+=(--handler=postgresql --postgresql-url="$pg_url")
  else
    args+=(--handler=sqlite --sqlite-url="file:$state/data/")
  fi
  say "starting FerretDB $version ($backend) on 127.0.0.1:$port, log $state/ferretdb.log"
  nohup setsid "$bin" "${args[@]}" >>"$state/ferretdb.log" 2>&1 </dev/null &
  echo $! > "$state/ferretdb.pid"
  for _ in $(seq 1 100); do port_open && break; sleep 0.1; done
  port_open || { say "FerretDB did not start; last log lines:"; tail -20 "$state/ferretdb.log" >&2; exit 1; }
fi
echo "MONGODB_URI=$uri"
