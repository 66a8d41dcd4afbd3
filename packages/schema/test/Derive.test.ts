import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Derive, Redact, Truncate } from "@gastown-otel/schema"

const context = { "gt.rig": "mol", "gt.role": "mol/witness", "gt.run_id": "r1" }
const bdCall: Catalogue.Event = {
  _tag: "bd.call",
  subcommand: "list",
  args: "list --json --token=abc123",
  duration_ms: 12.5,
  status: "error",
  stdout: "é".repeat(2000),
  stderr: "boom",
  error: "exit 1"
}

describe("Derive", () => {
  it("a bd.call gives one counter increment and one histogram sample, labelled gt.* then fields", () => {
    const updates = Derive.metricUpdates(bdCall, context)
    assert.deepStrictEqual(
      updates.map((u) => [u.metric.name, u.metric.kind, u.labelValues, u.value]),
      [
        ["gastown_bd_calls_total", "counter", ["mol/witness", "mol", undefined, undefined, "list", "error"], 1],
        ["gastown_bd_duration_ms", "histogram", ["mol/witness", "mol", undefined, undefined, "list", "error"], 12.5]
      ]
    )
    assert.deepStrictEqual(updates[0]!.metric.labelKeys, [
      "gt.role",
      "gt.rig",
      "gt.actor",
      "gt.agent",
      "subcommand",
      "status"
    ])
  })

  it("valued counters and gauges take their field; booleans label as true/false", () => {
    const ai = Derive.metricUpdates(
      { _tag: "bd.ai.request", model: "haiku", input_tokens: 120, output_tokens: 30, duration_ms: 900, status: "ok" },
      {}
    )
    assert.deepStrictEqual(
      ai.map((u) => [u.metric.name, u.value]),
      [
        ["bd_ai_input_tokens_total", 120],
        ["bd_ai_output_tokens_total", 30],
        ["bd_ai_request_duration_ms", 900]
      ]
    )
    const lock = Derive.metricUpdates({ _tag: "bd.db.lock_wait", wait_ms: 3, exclusive: true }, {})
    assert.deepStrictEqual(lock[0]!.labelValues.at(-1), "true")
    const gauge = Derive.metricUpdates({ _tag: "bd.issue_count", status: "open", count: 7 }, {})
    assert.deepStrictEqual([gauge[0]!.metric.kind, gauge[0]!.value], ["gauge", 7])
  })

  it("the log record: body, ERROR severity, typed attributes, redaction, truncation marker, context labels", () => {
    const record = Derive.logRecord(bdCall, context)
    assert.strictEqual(record.body, "bd.call")
    assert.strictEqual(record.severity, "ERROR")
    const attrs = Object.fromEntries(record.attributes.map((a) => [a.key, [a.value, a.type]]))
    assert.deepStrictEqual(attrs["args"], [`list --json --token=${Redact.mask}`, "string"])
    assert.deepStrictEqual(attrs["duration_ms"], [12.5, "double"])
    assert.deepStrictEqual(attrs["stdout_truncated"], [true, "boolean"])
    const stdout = attrs["stdout"]![0] as string
    assert.isTrue(stdout.endsWith(Truncate.marker))
    assert.strictEqual(Buffer.byteLength(stdout.slice(0, -1)), 2048)
    assert.isUndefined(attrs["stderr_truncated"])
    assert.deepStrictEqual(attrs["gt.run_id"], ["r1", "string"])
    assert.isUndefined(attrs["gt.agent"])
  })

  it("INFO when ok; severity from the annotation where no status field exists", () => {
    assert.strictEqual(Derive.severity({ ...bdCall, status: "ok" }), "INFO")
    assert.strictEqual(
      Derive.severity({ _tag: "bd.storage.error", db_operation: "create", error_kind: "locked", error: "x" }),
      "ERROR"
    )
    assert.strictEqual(Derive.severity({ _tag: "bd.issue_count", status: "blocked", count: 1 }), "INFO")
  })

  it("options leave process output out, or replace its limit (and only its)", () => {
    const keys = Derive.logRecord(bdCall, {}, { includeContent: false }).attributes.map((a) => a.key)
    assert.notInclude(keys, "stdout")
    assert.notInclude(keys, "stderr")
    assert.include(keys, "args")
    const limited = Derive.logRecord(bdCall, {}, { contentLimitBytes: 4 }).attributes
    assert.strictEqual(limited.find((a) => a.key === "stdout")!.value, "éé…")
    assert.strictEqual(limited.find((a) => a.key === "stderr")!.value, "boom")
    assert.strictEqual(limited.find((a) => a.key === "args")!.value, "list --json --token=[REDACTED]")
  })

  it("ints stay ints", () => {
    const record = Derive.logRecord(
      { _tag: "pane.read", session: "s", lines_requested: 50, content_len: 1200, status: "ok" },
      {}
    )
    assert.deepStrictEqual(
      record.attributes.filter((a) => a.type === "int").map((a) => a.key),
      ["lines_requested", "content_len"]
    )
  })
})
