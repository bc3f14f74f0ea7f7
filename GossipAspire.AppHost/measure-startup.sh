#!/usr/bin/env bash
# How long from launching the AppHost to all of its nodes healthy, over several runs (median, min, max).
#   GossipAspire.AppHost/measure-startup.sh [runs=7] [nodes=10]
# Two ways of launching, each after a build:
#   run:    dotnet run --project GossipAspire.AppHost   (includes dotnet run's own up-to-date check)
#   launch: dotnet GossipAspire.AppHost.dll              (the AppHost alone)
# "Healthy" is the AppHost's own line "All N resources are healthy", printed when every node's /health has
# answered 200. Ports are randomized so a run never collides with anything else on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
nodes=${2:-10}

dotnet build GossipAspire.AppHost -nologo -v q >/dev/null

# Prints the milliseconds from launch to the healthy line, then stops the AppHost with SIGTERM.
measure() {
  local out pid start end
  out=$(mktemp)
  start=$(date +%s%N)
  "$@" > "$out" 2>&1 < /dev/null &
  pid=$!
  until grep -q "All $nodes resources are healthy" "$out"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$out" >&2
      rm -f "$out"
      return 1
    fi
    sleep 0.01
  done
  end=$(date +%s%N)
  kill -TERM "$pid"
  wait "$pid" || true
  rm -f "$out"
  echo $(((end - start) / 1000000))
}

summary() {
  local name=$1
  shift
  local sorted
  sorted=$(printf '%s\n' "$@" | sort -n)
  local count=$#
  local median
  median=$(echo "$sorted" | sed -n "$(((count + 1) / 2))p")
  printf '%-7s median %5d ms   min %5d ms   max %5d ms   runs: %s\n' "$name" "$median" "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)" "$*"
}

app_args=(--nodes "$nodes" --DcpPublisher:RandomizePorts true)
run_times=()
launch_times=()
for _ in $(seq "$runs"); do
  run_times+=("$(measure dotnet run --project GossipAspire.AppHost --no-launch-profile -- "${app_args[@]}")")
  launch_times+=("$(measure dotnet GossipAspire.AppHost/bin/Debug/net10.0/GossipAspire.AppHost.dll "${app_args[@]}")")
done

echo "AppHost start to $nodes nodes healthy, $runs runs each, $(nproc) cores:"
summary run "${run_times[@]}"
summary launch "${launch_times[@]}"
