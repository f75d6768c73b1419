#!/usr/bin/env bash
# Fuzzes the readers of every file the project reads with libFuzzer:
#   Fuzz/run.sh [seconds per reader, default 300] [readers, default: idx safetensors config]
# The corpora grow in Fuzz/corpus/<reader>; findings are written to Fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
readers=${*:-idx safetensors config}

# The sanitizers come from the command line, never the manifest: Swift code gets the fuzzer's
# coverage and the address sanitizer, the package's C code (compiled by clang) the address
# sanitizer too, so an overflow in a kernel is caught as one in Swift would be.
VAE_FUZZ=1 swift build -c release --build-path .build-fuzz --product vae-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xcc -fsanitize=address
binary=.build-fuzz/release/vae-fuzz
mkdir -p Fuzz/findings
for reader in $readers; do
  mkdir -p "Fuzz/corpus/$reader"
  echo "== $reader: $seconds s"
  VAE_FUZZ_TARGET=$reader "$binary" "Fuzz/corpus/$reader" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="Fuzz/findings/$reader-" 2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|#[0-9]+ +DONE)' || true
done
