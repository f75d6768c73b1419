#!/usr/bin/env bash
# Fuzzes the readers of every file the project reads with libFuzzer:
#   [VAE_FUZZ_RUNS=N] Fuzz/run.sh [seconds per reader, default 300] [readers, default: all of them]
# Readers: idx, safetensors, config (config.json), image (the picture decoders), manifest
# (an image cache entry's), split (split.json), mixture (the fitted mixture prior's JSON),
# checkpoint (a checkpoint's metadata). The corpora grow in Fuzz/corpus/<reader>, seeded by
# the program itself when empty; findings are written to Fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
runs=${VAE_FUZZ_RUNS:--1}  # executions per reader; -1: until the time is up
readers=${*:-idx safetensors config image manifest split mixture checkpoint}

# The sanitizers come from the command line, never the manifest: Swift code gets the fuzzer's
# coverage and the address sanitizer, and so does the package's C code (the kernels, the
# decoders' glue and the GIF and BMP decoder compiled here), so an overflow there is caught
# as one in Swift would be and the fuzzer sees its branches. libpng and libjpeg-turbo are
# the system's builds: fuzzed as they are, without coverage or the sanitizer inside them.
VAE_FUZZ=1 swift build -c release --build-path .build-fuzz --product vae-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xcc -fsanitize=fuzzer-no-link,address
binary=.build-fuzz/release/vae-fuzz
mkdir -p Fuzz/findings
for reader in $readers; do
  mkdir -p "Fuzz/corpus/$reader"
  if [ -z "$(ls -A "Fuzz/corpus/$reader")" ]; then
    # (the seeds' own statics outlive the process: not a finding)
    ASAN_OPTIONS=detect_leaks=0 VAE_FUZZ_TARGET=$reader VAE_FUZZ_SEED="Fuzz/corpus/$reader" "$binary"
  fi
  echo "== $reader: $seconds s or $runs executions, whichever comes first"
  VAE_FUZZ_TARGET=$reader "$binary" "Fuzz/corpus/$reader" \
    -max_total_time="$seconds" -runs="$runs" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="Fuzz/findings/$reader-" 2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|#[0-9]+ +DONE)' || true
done
