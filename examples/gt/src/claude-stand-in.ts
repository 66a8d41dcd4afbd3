#!/usr/bin/env node
// A stand-in for Claude Code, started by `gt session start` when GT_CLAUDE_BIN is unset: it prints the
// telemetry variables it was given (docs/contract.md#claude-code-sessions), as one sorted JSON object, and
// exits. gt's own GT_* variables are left out: the child inherits them, gt does not hand them over.
const telemetryVariable = /^(?:OTEL_|CLAUDE_CODE_|BD_OTEL_|TRACEPARENT$)/

const given = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name]) => telemetryVariable.test(name))
    .toSorted(([a], [b]) => a.localeCompare(b))
)
console.log(JSON.stringify(given))
