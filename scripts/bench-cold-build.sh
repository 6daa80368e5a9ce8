#!/usr/bin/env bash
# Cold `go build ./...` of this repository, side by side with the naive import
# set: the same code with every azure-native import switched from its
# API-versioned package (.../v2/v20241001) to the root package (.../v2).
# Each build gets an empty GOCACHE; the module cache stays warm (downloads are
# not measured). Run it on an otherwise idle machine:
#
#   bash scripts/bench-cold-build.sh [OUTDIR]
#
# For each variant it writes OUTDIR/time-VARIANT.txt (/usr/bin/time -v) and
# OUTDIR/actiongraph-VARIANT.json, and prints compile-seconds per package
# group (go run ./internal/cmd/compilesecs).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"

naive=$(mktemp -d)
(cd "$repo" && git ls-files -co --exclude-standard | grep -v '^tests/' | tar -cf - -T -) | (cd "$naive" && tar -xf -)
grep -rl --include='*.go' 'pulumi-azure-native-sdk/' "$naive" | xargs sed -i -E \
  's#(pulumi-azure-native-sdk/[a-z]+/v2)/v20[0-9a-z]+"#\1"#'
(cd "$naive" && go build ./... ) # the naive variant must compile too

for variant in ours naive; do
  dir=$repo; [ "$variant" = naive ] && dir=$naive
  cache=$(mktemp -d)
  (cd "$dir" && GOCACHE=$cache /usr/bin/time -v go build -debug-actiongraph="$out/actiongraph-$variant.json" ./...) \
    2> "$out/time-$variant.txt"
  rm -rf "$cache"
  echo "== $variant"
  grep -E 'Elapsed|Maximum resident' "$out/time-$variant.txt"
  (cd "$repo" && go run ./internal/cmd/compilesecs -top 12 "$out/actiongraph-$variant.json")
done
rm -rf "$naive"
echo "results in $out"
