#!/usr/bin/env bash
# One training over two "machines" joined by a network: two network namespaces, each with
# one end of a veth pair, stand in for two hosts, and Open MPI starts one process in each
# and carries the gradients over TCP between them. The weights must equal those of the
# same training in one process, bit for bit. Needs Open MPI (make test installs it) and
# the right to make network namespaces (root in most containers); without that it says it
# skipped, and why.
#   scripts/mpi-over-tcp.sh [path to vae, default .build/release/vae]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:-.build/release/vae}")
command -v mpirun >/dev/null || { echo "SKIPPED: mpirun is not installed (make test installs openmpi-bin)"; exit 0; }
folder=$(mktemp -d)
a=vae-host-a-$$ b=vae-host-b-$$
cleanup() { ip netns delete "$a" 2>/dev/null || true; ip netns delete "$b" 2>/dev/null || true; rm -rf "$folder"; }
trap cleanup EXIT
if ! ip netns add "$a" 2>"$folder/why" || ! ip netns add "$b" 2>>"$folder/why"; then
  echo "SKIPPED: network namespaces cannot be made here: $(head -1 "$folder/why")"
  exit 0
fi
# 10.231.0.0/24 exists only between the two namespaces made here.
ip link add "va$$" type veth peer name "vb$$"
ip link set "va$$" netns "$a"
ip link set "vb$$" netns "$b"
ip -n "$a" addr add 10.231.0.1/24 dev "va$$"
ip -n "$b" addr add 10.231.0.2/24 dev "vb$$"
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set "va$$" up
ip -n "$b" link set "vb$$" up
# Open MPI starts the remote process through this in place of ssh: "host command…" runs
# the command in the namespace that holds that address.
cat >"$folder/start-on" <<AGENT
#!/bin/sh
host="\$1"; shift
case "\$host" in
  10.231.0.1) exec ip netns exec $a sh -c "\$*" ;;
  10.231.0.2) exec ip netns exec $b sh -c "\$*" ;;
esac
echo "not a test host: \$host" >&2; exit 1
AGENT
chmod +x "$folder/start-on"
options=(train --limit 2000 --validation 500 --epochs 2 --seed 5)
"$binary" "${options[@]}" --out "$folder/alone" >/dev/null
root=(); [ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
ip netns exec "$a" timeout 300 mpirun "${root[@]}" --host 10.231.0.1:1,10.231.0.2:1 -np 2 \
  --mca plm_rsh_agent "$folder/start-on" --mca btl tcp,self \
  --mca btl_tcp_if_include 10.231.0.0/24 --mca oob_tcp_if_include 10.231.0.0/24 \
  "$binary" "${options[@]}" --out "$folder/two-hosts" | tr '\r' '\n' | grep -v ETA
cmp "$folder/alone/model.safetensors" "$folder/two-hosts/model.safetensors" \
  || { echo "the weights of two hosts over TCP differ from one process's"; exit 1; }
echo "Trained over two network namespaces on MPI's TCP transport: the weights equal one process's, bit for bit."
