#!/usr/bin/env bash
# Faults measured with real node processes on loopback (issue 9, section 4), in their long versions, and the
# figures the README quotes: each scenario prints a table, the machine's load while it ran, and the command that
# reruns it alone; the JSON reports land in GossipAspire.Benchmark/results/reliability-SCENARIO.json.
#
#   scripts/reliability.sh                        all five, one after another (about 8 minutes)
#   scripts/reliability.sh freeze flood           some of them: freeze, restart, flood, hostile, startup
#   scripts/reliability.sh startup --startup-runs 10    anything else is passed on (--help lists it all)
#   scripts/reliability.sh --wait-quiet           before each scenario, wait (up to 10 min) for idle cores
#
# The scenarios (ten nodes, each seeded with the one before it; loopback only; every node is stopped through its
# own process group on the way out, never by name; the runs make every pick themselves, the nodes' own timers
# are off, so every current version is known):
#   freeze   a node frozen with SIGSTOP for 20 s while the others pick, then SIGCONT: time until it holds every
#            current version, and until it is back in every peer list (3 runs, each at another node)
#   restart  kill -9 and a restart on the same port: time to catch up; its next pick must win everywhere (3 runs)
#   flood    50 picks a second for 2 minutes: RSS per node at start and end, failed requests, time until all agree
#   hostile  500 fake peer ids (ports with nothing listening) fed as a stranger would: real picks still reach every
#            real node (median and max), time until no node lists a fake id
#   startup  ten nodes launched at once: time from the last /health to all agreeing (5 runs, each a fresh cluster)
set -uo pipefail
cd "$(dirname "$0")/.."

scenarios=()
options=()
for argument in "$@"; do
  case "$argument" in
    freeze|restart|flood|hostile|startup) scenarios+=("$argument") ;;
    *) options+=("$argument") ;;
  esac
done

# The command's defaults are the long versions above (--nodes 10 --runs 3 --startup-runs 5 --freeze 20s
# --flood-rate 50 --flood-for 2m --hostile 500); the node is published in Release once, by the command.
dotnet build GossipAspire.Benchmark -c Release --nologo -v quiet || exit 1
exec dotnet GossipAspire.Benchmark/bin/Release/net10.0/GossipAspire.Benchmark.dll reliability "${scenarios[@]}" "${options[@]}"
