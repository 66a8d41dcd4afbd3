#!/usr/bin/env bash
# Runs every vitest project, then prints the closing summary line from the JSON report.
set -uo pipefail
report="${TMPDIR:-/tmp}/gastown-otel-vitest-$$.json"
vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
code=$?
node scripts/test-summary.ts "$report" || code=1
rm -f "$report"
exit $code
