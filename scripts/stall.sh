#!/usr/bin/env bash
# How long a node takes to answer one valid POST /gossip/ of 2,000 messages (issue 9, "a stall"), in a
# network of eight real nodes on loopback. Prints the median, min and max answer time per shape.
#
#   scripts/stall.sh                     the node in this work tree (built in Release)
#   scripts/stall.sh --rev main          the node as it is at a git revision (exported and built in a temp dir)
#   scripts/stall.sh --runs 7            posts per shape (default 5); each goes to a fresh eight-node network
#
# Shapes (every message valid, every uuid new, versions gem-style small numbers so the checks accept them):
#   one-origin  2,000 messages of one origin with rising versions: every one is news
#   50-origins  2,000 messages spread over 50 origins (ports nothing listens on), rising versions per origin
#   stale       2,000 messages older than what the node holds: nothing is news
# The time is curl's time_total for the one request, answered on loopback. The machine is shared: quote
# medians and ratios, not single runs.
set -euo pipefail
cd "$(dirname "$0")/.."

rev=""
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rev) rev=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "stall.sh: unknown argument '$1' (--rev REV, --runs N)" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d -t gossip-stall.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "$rev" ]; then
  echo "stall.sh: building the node at $rev" >&2
  git archive "$rev" | tar -x -C "$work"
  src="$work"
else
  src="$PWD"
fi
dotnet build "$src/GossipAspire.Node" -c Release -nologo -v q -o "$work/node" >/dev/null
node_dll="$work/node/GossipAspire.Node.dll"

free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

start_network() {
  ports=()
  pids=()
  for k in $(seq 0 7); do
    ports+=("$(free_port)")
  done
  for k in $(seq 0 7); do
    local args=(--port "${ports[$k]}" --Gossip:PickInterval=01:00:00)
    if [ "$k" -gt 0 ]; then args+=(--seed "${ports[$((k - 1))]}"); fi
    Logging__Console__FormatterName=simple dotnet "$node_dll" "${args[@]}" > "$work/node-$k.log" 2>&1 &
    pids+=($!)
  done
  # Ready when the target (the first node) knows the seven others as peers; a loaded machine can take minutes.
  for _ in $(seq 1800); do
    if [ "$(curl -s "http://127.0.0.1:${ports[0]}/peers/" | tr -cd ',' | wc -c)" -ge 6 ] 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "stall.sh: the network did not form within 3 minutes; the target knows $(curl -s "http://127.0.0.1:${ports[0]}/peers/")" >&2
  tail -n 20 "$work/node-0.log" >&2
  exit 1
}

stop_network() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}

# envelope SHAPE SENDER RUN > file
envelope() {
  local shape=$1 sender=$2 run=$3 i origin version
  printf '{"client_id":"%s","messages":[' "$sender"
  for i in $(seq 0 1999); do
    case "$shape" in
      one-origin) origin=${fake[0]}; version=$((run * 10000 + i + 1)) ;;
      50-origins) origin=${fake[$((i % 50))]}; version=$((run * 10000 + i / 50 + 1)) ;;
      stale) origin=${fake[$((i % 50))]}; version=1 ;;
    esac
    [ "$i" -gt 0 ] && printf ','
    printf '{"uuid":"stall-%s-%s-%d","client_id":"%s","ttl":3,"payload":{"version":%d,"book":"Kim by Rudyard Kipling","picked_at":"2026-11-24T19:00:00.000000Z","hop":1}}' \
      "$shape" "$run" "$i" "$origin" "$version"
  done
  printf ']}'
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

echo "stall.sh: $runs posts per shape, each to a fresh network of 8 nodes, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for shape in one-origin 50-origins stale; do
  times=()
  for run in $(seq "$runs"); do
    start_network
    fake=()
    for _ in $(seq 50); do fake+=("$(free_port)"); done
    if [ "$shape" = stale ]; then
      # First make every fake origin's version 2 known, so the measured post (version 1) is all stale.
      body="$work/prime.json"
      { printf '{"client_id":"%s","messages":[' "${ports[1]}"
        for i in $(seq 0 49); do
          [ "$i" -gt 0 ] && printf ','
          printf '{"uuid":"prime-%d-%d","client_id":"%s","ttl":1,"payload":{"version":2,"book":"Kim by Rudyard Kipling"}}' "$run" "$i" "${fake[$i]}"
        done
        printf ']}'; } > "$body"
      curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary "@$body" "http://127.0.0.1:${ports[0]}/gossip/"
    fi
    # Warm-up: a small post of news first, so the measured one does not pay for compiling the receive path.
    warm=$(free_port)
    { printf '{"client_id":"%s","messages":[' "${ports[1]}"
      for i in $(seq 0 19); do
        [ "$i" -gt 0 ] && printf ','
        printf '{"uuid":"warm-%d-%d","client_id":"%s","ttl":3,"payload":{"version":%d,"book":"Kim by Rudyard Kipling","hop":1}}' "$run" "$i" "$warm" "$((i + 1))"
      done
      printf ']}'; } > "$work/warm.json"
    curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary "@$work/warm.json" "http://127.0.0.1:${ports[0]}/gossip/"
    sleep 1
    envelope "$shape" "${ports[1]}" "$run" > "$work/body.json"
    seconds=$(curl -s -o "$work/answer" -w '%{time_total}' -H 'Content-Type: application/json' \
      --data-binary "@$work/body.json" "http://127.0.0.1:${ports[0]}/gossip/")
    if ! grep -q '"OK"' "$work/answer"; then
      echo "stall.sh: the node did not answer OK: $(head -c 300 "$work/answer")" >&2
      exit 1
    fi
    times+=("$(awk -v s="$seconds" 'BEGIN { printf "%d", s * 1000 }')")
    stop_network
  done
  printf '%-11s median %6d ms   min %6d ms   max %6d ms   runs (ms): %s\n' \
    "$shape" "$(median "${times[@]}")" "$(printf '%s\n' "${times[@]}" | sort -n | head -1)" \
    "$(printf '%s\n' "${times[@]}" | sort -n | tail -1)" "${times[*]}"
done
