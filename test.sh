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

dotnet test GossipAspire.sln --logger "console;verbosity=normal" "$@"
