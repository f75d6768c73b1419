#!/usr/bin/env bash
# Compiles the C kernels for 64-bit ARM Linux (and for macOS on ARM when the toolchain
# can), which this x86 machine cannot run: a check that they build there, with every
# warning. Needs Debian's libc6-dev-arm64-cross.
set -euo pipefail
cd "$(dirname "$0")/.."
compiler=${CC:-clang}
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
for source in Sources/CKernels/*.c; do
  "$compiler" --target=aarch64-linux-gnu --sysroot=/usr/aarch64-linux-gnu -isystem /usr/aarch64-linux-gnu/include \
    -std=gnu11 -O2 -Wall -Wextra -Werror -ISources/CKernels/include -c "$source" -o "$folder/$(basename "$source").o"
done
echo "The C kernels compile for aarch64-linux-gnu: $(ls "$folder" | wc -l) objects."
