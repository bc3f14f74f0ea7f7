#!/usr/bin/env bash
# What authenticated gossip costs (docs/PROTOCOL.md, section 10): signing and verifying one message's
# payload.sig, making and checking one X-Gossip-Mac, beside the baseline of writing one message and reading
# it back in an envelope. In-process, one thread, Release build; median, min and max of several runs, and
# bytes allocated per operation. The machine is shared: quote medians and ratios, not single runs.
#
#   scripts/keyring-cost.sh                 7 runs of 200,000 operations per case
#   scripts/keyring-cost.sh 11 500000       runs, operations per run
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project scripts/keyring-cost -- "${1:-7}" "${2:-200000}"
