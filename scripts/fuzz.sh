#!/usr/bin/env bash
# A long fuzz run of one node's HTTP surface: the property-based tests of GossipAspire.Tests/Node/FuzzTests.cs
# (any bytes and hostile JSON to /gossip/, /digest/, /pick/ and /peers/{id}: never a 5xx, never an invalid entry),
# with many more iterations than the suite's 150 and, unless a seed is given, a new random seed each run.
#
#   scripts/fuzz.sh                       20,000 iterations per endpoint, random seed
#   scripts/fuzz.sh 100000                more
#   scripts/fuzz.sh 5000 cz1RCPNHOjE2     a given seed (the one a failure printed, to reproduce it)
#
# A failure names its seed and the smallest input CsCheck shrank it to; the test log is in the console output.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOSSIP_FUZZ_ITERATIONS="${1:-20000}"
export GOSSIP_FUZZ_SEED="${2:-random}"
echo "fuzz.sh: $GOSSIP_FUZZ_ITERATIONS iterations per endpoint, seed $GOSSIP_FUZZ_SEED"
exec dotnet test GossipAspire.Tests --filter "FullyQualifiedName~GossipAspire.Tests.Node.FuzzTests" --logger "console;verbosity=normal"
