#!/usr/bin/env bash
# Trains the book's model briefly under qemu-user emulating a Haswell processor (AVX2 and
# FMA, no AVX-512): an AVX-512 instruction reached on the way would stop it. Needs
# Debian's qemu-user and Fashion-MNIST (make deps installs both).
#   scripts/emulated-haswell.sh [path to vae, default .build/debug/vae]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/vae}
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
output=$(qemu-x86_64 -cpu Haswell "$binary" train --limit 300 --validation 100 --epochs 1 --out "$folder/run")
echo "$output"
grep -q "Kernels: AVX2, matrix products: own kernel" <<<"$output" || { echo "the AVX2 path did not run"; exit 1; }
[ -s "$folder/run/model.safetensors" ] || { echo "no weights were written"; exit 1; }
echo "Trained under an emulated Haswell: no AVX-512 instruction was reached."
