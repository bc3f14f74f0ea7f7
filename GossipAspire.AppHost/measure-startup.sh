#!/usr/bin/env bash
# How long from `dotnet run --no-build` of the AppHost to every node healthy, and how much memory the whole
# application holds then (DCP, the Aspire dashboard, the nodes and everything else the AppHost started).
#
#   GossipAspire.AppHost/measure-startup.sh [--runs 3] [--nodes 10] [--launch exec|run|aot] [-- more AppHost args]
#
# "Healthy" is the AppHost's own line "All N nodes are healthy, ...", logged when Aspire's health check of the
# last node first passes. Each run is stopped with SIGTERM (as Ctrl+C would) and the script waits until no
# process of the run is left, saying how long that took. The run uses the launch profile's fixed ports
# (dashboard 18888, nodes 5001...), so nothing else may be using them; the script checks first.
# --launch aot publishes the Native AOT node into artifacts/node-aot first if it is not there (~4 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
nodes=10
launch=exec
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --launch) launch=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "measure-startup.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$launch" in exec|run|aot) ;; *) echo "measure-startup.sh: --launch must be exec, run or aot" >&2; exit 2 ;; esac

for port in 18887 18888 18889 18890 $(seq 5001 $((5000 + nodes))); do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "measure-startup.sh: port $port is in use; stop whatever runs there (another AppHost?) first" >&2
    exit 1
  fi
done

dotnet build GossipAspire.AppHost -nologo -v q >/dev/null
if [ "$launch" = aot ] && [ ! -x artifacts/node-aot/GossipAspire.Node ]; then
  echo "publishing the Native AOT node into artifacts/node-aot (once)"
  dotnet publish GossipAspire.Node -c Release -r linux-x64 -p:PublishAot=true -o artifacts/node-aot -nologo -v q >/dev/null
fi

# The processes of a run: those in the session the script gives it (setsid: dotnet run and the AppHost), and
# DCP's servers, which detach into sessions of their own, with everything they started (the dashboard, the
# nodes, a monitor per process). DCP's servers are known by the kubeconfig they share, which the first of them
# names with the AppHost's pid (--monitor PID).
dcp_kubeconfig() {
  local apphost
  apphost=$(ps -eo pid=,sid=,args= | awk -v s="$1" '$2 == s && /GossipAspire.AppHost/ && !/dotnet run/ { print $1; exit }')
  [ -n "$apphost" ] || return 0
  ps -eo args= | awk -v p="$apphost" '/dcp start-apiserver/ && $0 ~ ("--monitor " p " ") { for (i = 1; i <= NF; i++) if ($i == "--kubeconfig") print $(i + 1) }' | head -1
}

# run_pids SESSION KUBECONFIG: the run's processes and all their descendants.
run_pids() {
  ps -eo pid=,ppid=,sid=,args= | awk -v s="$1" -v k="$2" '
    { pid[NR] = $1; parent[$1] = $2; if ($3 == s || (k != "" && $4 ~ /\/dcp$/ && index($0, k) > 0)) keep[$1] = 1 }
    END {
      do { added = 0; for (i in pid) { p = pid[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; added = 1 } } } while (added)
      for (p in keep) print p
    }'
}

# Sum of RSS and of PSS (shared pages split between the processes that share them), in MiB, over a session.
memory() {
  local rss=0 pss=0 count=0 pid r p
  for pid in $(run_pids "$1" "$2"); do
    r=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status 2>/dev/null || true)
    p=$(awk '/^Pss:/ { print $2 }' /proc/$pid/smaps_rollup 2>/dev/null || true)
    [ -n "$r" ] || continue
    rss=$((rss + r)); pss=$((pss + ${p:-0})); count=$((count + 1))
  done
  echo "$((rss / 1024)) $((pss / 1024)) $count"
}

results=()
for run in $(seq "$runs"); do
  log=$(mktemp -t gossipaspire-startup.XXXXXX.log)
  start=$(date +%s%N)
  setsid dotnet run --project GossipAspire.AppHost --no-build -- --nodes "$nodes" --node-launch "$launch" "${extra[@]}" > "$log" 2>&1 < /dev/null &
  pid=$!
  until grep -q "All $nodes nodes are healthy" "$log"; do
    if ! kill -0 "$pid" 2>/dev/null || [ $(( ($(date +%s%N) - start) / 1000000000 )) -gt 300 ]; then
      echo "run $run: the AppHost ended or took over 300 s; its log:" >&2
      cat "$log" >&2
      kill -TERM "$pid" 2>/dev/null || true
      exit 1
    fi
    sleep 0.05
  done
  healthy_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  own=$(grep -o "healthy, [0-9.]* s after" "$log" | grep -o "[0-9.]*")
  kubeconfig=$(dcp_kubeconfig "$pid")
  read -r rss pss processes <<< "$(memory "$pid" "$kubeconfig")"

  kill -TERM "$pid"
  stop_start=$(date +%s%N)
  while [ -n "$(run_pids "$pid" "$kubeconfig")" ]; do
    if [ $(( ($(date +%s%N) - stop_start) / 1000000000 )) -gt 60 ]; then
      echo "run $run: processes still running 60 s after SIGTERM:" >&2
      ps -o pid,args -p "$(run_pids "$pid" "$kubeconfig" | paste -sd,)" >&2
      exit 1
    fi
    sleep 0.1
  done
  stopped_ms=$(( ($(date +%s%N) - stop_start) / 1000000 ))
  rm -f "$log"

  printf 'run %d: %5d ms to %d nodes healthy (%s s after the AppHost process started); %d processes, RSS %d MiB, PSS %d MiB; all gone %d ms after SIGTERM\n' \
    "$run" "$healthy_ms" "$nodes" "$own" "$processes" "$rss" "$pss" "$stopped_ms"
  results+=("$healthy_ms $rss $pss")
done

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "median of $runs runs, --launch $launch, $(nproc) cores: $(printf '%s\n' "${results[@]}" | awk '{print $1}' | median) ms to healthy," \
  "RSS $(printf '%s\n' "${results[@]}" | awk '{print $2}' | median) MiB, PSS $(printf '%s\n' "${results[@]}" | awk '{print $3}' | median) MiB"
