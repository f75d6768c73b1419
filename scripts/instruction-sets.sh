#!/usr/bin/env bash
# Prints the instruction sets this processor runs, best first, as VAE_CPU names them:
# the kernels' paths that the tests can exercise here.
set -euo pipefail
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { [[ " $flags " == *" $1 "* ]]; }
paths=""
if has avx512f && has avx512vl && has avx512bw; then paths="avx512"; fi
if has avx2 && has fma; then paths="$paths avx2"; fi
echo $paths baseline
