#!/usr/bin/env bash
# Runs every test: Core, Web (bunit + HTTP) and E2E (Playwright driving Debian's chromium).
# PostgreSQL tests run when FC_TEST_POSTGRES holds a server connection string (.ci/run starts one);
# otherwise they are reported as skipped with the reason. Results (TRX) land in artifacts/test-results.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "note: /usr/bin/chromium is missing; install Debian's 'chromium' package or the browser tests will fail." >&2
  fi
fi

rm -rf artifacts/test-results
dotnet test FeedbackConsole.sln --configuration Release \
  --logger "trx" --logger "console;verbosity=normal" --results-directory artifacts/test-results "$@"
