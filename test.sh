#!/usr/bin/env bash
# The one test command: installs what the tests need on a fresh machine, then runs every test.
#   ./test.sh                 all tests
#   ./test.sh --filter Node   any extra arguments go to `dotnet test`
set -euo pipefail
cd "$(dirname "$0")"

# Browser tests drive Debian's Chromium; Playwright cannot download its own browser here.
if [ ! -x /usr/bin/chromium ]; then
  echo "test.sh: installing Debian's chromium for the browser tests"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

# The console log is long (every test's output is in it), so a failed run ends with a
# summary of just the failures: their names, messages and the top of their stack traces.
log="$(mktemp -t gossipaspire-test.XXXXXX.log)"
status=0
dotnet test GossipAspire.sln --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
if [ "$status" -ne 0 ]; then
  echo
  echo "test.sh: dotnet test exited with $status; the failures, from $log:"
  awk '
    /^  Failed / { shown = 0; inside = 1; print ""; print; next }
    /^  (Passed|Skipped) / { inside = 0 }
    inside && /^  Standard (Output|Error) Messages:/ { inside = 0 }
    inside && shown < 25 { print; shown++ }
  ' "$log"
  grep -E "^(Total tests|     (Passed|Failed)|Test Run)" "$log" | tail -n 5 || true
fi
exit "$status"
