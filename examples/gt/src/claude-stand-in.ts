#!/usr/bin/env node
// A stand-in for Claude Code, started by `gt session start` when GT_CLAUDE_BIN is unset: a
// session with nothing to do (docs/contract.md#claude-code-sessions), which ends at once and prints nothing. When
// GT_CLAUDE_STAND_IN_REPORT names a file, it writes there the telemetry variables it was
// given, as one sorted JSON object, for tests to read. gt's own GT_* variables are left
// out: the child inherits them, gt does not hand them over.
import * as fs from "node:fs"

const telemetryVariable = /^(?:OTEL_|CLAUDE_CODE_|BD_OTEL_|TRACEPARENT$)/

const report = process.env["GT_CLAUDE_STAND_IN_REPORT"]
if (report !== undefined && report !== "") {
  const given = Object.fromEntries(
    Object.entries(process.env)
      .filter(([name]) => telemetryVariable.test(name))
      .toSorted(([a], [b]) => a.localeCompare(b))
  )
  fs.writeFileSync(report, JSON.stringify(given))
}
