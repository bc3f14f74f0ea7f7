#!/usr/bin/env bash
# Runs the benchmark configurations the README quotes, one after another (never two at once: they would
# measure each other), and leaves their reports in GossipAspire.Benchmark/results/.
#   GossipAspire.Benchmark/run-all.sh            all five
#   GossipAspire.Benchmark/run-all.sh 10 aot     some of them: 10, 25-delay, 50, aot, 10-warm, mixed
set -uo pipefail
cd "$(dirname "$0")/.."

dotnet build GossipAspire.Benchmark -c Release --nologo -v quiet || exit 1
# --wait-quiet: the machine is shared; each run waits until nobody else is using the cores.
bench() { dotnet GossipAspire.Benchmark/bin/Release/net10.0/GossipAspire.Benchmark.dll --wait-quiet "$@"; }

configurations=("$@")
if [ ${#configurations[@]} -eq 0 ]; then configurations=(10 10-own 25-delay 50 aot aot-own mixed); fi

failed=0
for configuration in "${configurations[@]}"; do
  case "$configuration" in
    10) bench --nodes 10 ;;
    25-delay) bench --nodes 25 --delay 100ms ;;
    50) bench --nodes 50 ;;
    aot) bench --nodes 10 --aot ;;
    # Default settings: the nodes pick on their own every 10 s (jittered); the benchmark only watches.
    10-own) bench --nodes 10 --pick-interval 10s --changes 60 ;;
    aot-own) bench --nodes 10 --pick-interval 10s --changes 60 --aot ;;
    # The JIT node after enough picks for tiered compilation to settle (about 60 per node).
    10-warm) bench --nodes 10 --warmup 600 ;;
    # Ten nodes alternating ours and stand-in Ruby gem nodes at the gem's intervals, 90 s (issue 9, section 1).
    mixed) dotnet GossipAspire.Benchmark/bin/Release/net10.0/GossipAspire.Benchmark.dll mixed ;;
    *) echo "run-all.sh: unknown configuration '$configuration' (10, 10-own, 25-delay, 50, aot, aot-own, 10-warm, mixed)" >&2; exit 2 ;;
  esac || failed=1
done
exit $failed
