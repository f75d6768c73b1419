#!/bin/sh
# The dashboard under load: wrk on loopback against `vae serve`, asking the explorer to
# decode random codings, with two connections and with 64, each for 10 seconds.
#
#   scripts/dashboard-load.sh BUILD_FOLDER RUNS_FOLDER RUN
#
# RUN is a run's name under RUNS_FOLDER (such as `book` for the run `make demo` writes).
# Prints wrk's requests per second and latency percentiles for each. Needs wrk (Debian's).
set -eu
build=$1 runs=$2 run=$3
command -v wrk > /dev/null || { echo "no wrk on the PATH (Debian's package is wrk)"; exit 1; }
work=$(mktemp -d)
trap 'kill $server 2> /dev/null; rm -rf "$work"' EXIT
"$build/vae" serve --runs "$runs" --port 0 > "$work/serve.log" &
server=$!
for _ in $(seq 100); do grep -q "http://" "$work/serve.log" 2> /dev/null && break; sleep 0.1; done
base=$(sed -n 's|.*\(http://127.0.0.1:[0-9]*\)/.*|\1|p' "$work/serve.log")
[ -n "$base" ] || { echo "vae serve did not start"; cat "$work/serve.log"; exit 1; }
# The explorer's layout: loads the model once, and tells the coding's length.
size=$(curl -sf "$base/api/explorer?run=$run" | sed -n 's/.*"codingSize":\([0-9]*\).*/\1/p')
[ -n "$size" ] || { echo "the run $run has no explorer"; exit 1; }
cat > "$work/decode.lua" << LUA
math.randomseed(1)
request = function()
  local z = {}
  for i = 1, $size do z[i] = string.format("%.3f", (math.random() * 2 - 1) * 2) end
  return wrk.format("GET", "/api/decode?run=$run&z=" .. table.concat(z, ","))
end
LUA
echo "vae serve, $run ($size latent dimensions): GET /api/decode with a random coding each time"
for connections in 2 64; do
  echo "== $connections connections, 2 threads, 10 s"
  wrk -t2 -c"$connections" -d10s --latency -s "$work/decode.lua" "$base" | sed -n '/Latency Distribution/,/Requests\/sec/p;/Non-2xx/p;/Socket errors/p'
done
