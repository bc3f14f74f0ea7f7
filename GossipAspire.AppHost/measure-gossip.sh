#!/usr/bin/env bash
# How fast gossip spreads under the real AppHost, with everything it runs (DCP, the Aspire dashboard receiving
# every node's telemetry, the Lab polling every node): the benchmark attaches to the AppHost's nodes and times
# each book change from pick to the last node, from the nodes' /history/ (so nothing is polled while it spreads).
#
#   GossipAspire.AppHost/measure-gossip.sh [--launch exec|run|aot] [--changes 60] [--drive] [-- more AppHost args]
#
# Default: the nodes pick on their own every 10 s (the AppHost's default settings) and the benchmark watches 60
# of their picks (about a minute). --drive: the benchmark picks itself, every 300 ms, at random nodes.
# The report goes to GossipAspire.Benchmark/results/apphost-<launch>[-driven].json.
set -euo pipefail
cd "$(dirname "$0")/.."

launch=exec
changes=60
drive=false
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --launch) launch=$2; shift 2 ;;
    --changes) changes=$2; shift 2 ;;
    --drive) drive=true; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "measure-gossip.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

for port in 18887 18888 18889 18890 $(seq 5001 5010); do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "measure-gossip.sh: port $port is in use; stop whatever runs there (another AppHost?) first" >&2
    exit 1
  fi
done

dotnet build GossipAspire.AppHost -nologo -v q >/dev/null
dotnet build GossipAspire.Benchmark -c Release -nologo -v q >/dev/null
if [ "$launch" = aot ] && [ ! -x artifacts/node-aot/GossipAspire.Node ]; then
  echo "publishing the Native AOT node into artifacts/node-aot (once)"
  dotnet publish GossipAspire.Node -c Release -r linux-x64 -p:PublishAot=true -o artifacts/node-aot -nologo -v q >/dev/null
fi

log=$(mktemp -t gossipaspire-apphost.XXXXXX.log)
setsid dotnet run --project GossipAspire.AppHost --no-build -- --node-launch "$launch" "${extra[@]}" > "$log" 2>&1 < /dev/null &
apphost=$!
stop() {
  kill -TERM "$apphost" 2>/dev/null || true
  wait "$apphost" 2>/dev/null || true
  # DCP stops the dashboard and the nodes after the AppHost has gone; wait for all their ports, so a next run can
  # start at once.
  for _ in $(seq 600); do
    busy=false
    for port in 18887 18888 18889 18890 $(seq 5001 5010); do
      if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then busy=true; break; fi
    done
    [ "$busy" = true ] || return 0
    sleep 0.1
  done
}
trap stop EXIT

until grep -q "All 10 nodes are healthy" "$log"; do
  if ! kill -0 "$apphost" 2>/dev/null; then
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
grep -o "All 10 nodes are healthy.*" "$log"

name="apphost-$launch"
args=(--attach 5001-5010 --changes "$changes")
if [ "$drive" = true ]; then
  name="$name-driven"
else
  args+=(--pick-interval 10s)
fi

dotnet GossipAspire.Benchmark/bin/Release/net10.0/GossipAspire.Benchmark.dll "${args[@]}" --out "GossipAspire.Benchmark/results/$name.json"
