import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Correlation, Naming } from "@gastown-otel/schema"
import { parseFlags, storedLabelName, storedMetricName } from "./support/VictoriaMetricsNaming.ts"

// docs/contract.md#metrics, literally: the names users' dashboards and queries depend on.
const expected = [
  "gastown_bd_calls_total",
  "gastown_bd_duration_ms",
  "gastown_session_starts_total",
  "gastown_session_stops_total",
  "gastown_prompt_sends_total",
  "gastown_pane_reads_total",
  "gastown_prime_total",
  "gastown_agent_state_changes_total",
  "gastown_polecat_spawns_total",
  "gastown_polecat_removes_total",
  "gastown_sling_dispatches_total",
  "gastown_mail_operations_total",
  "gastown_nudge_total",
  "gastown_done_total",
  "gastown_daemon_agent_restarts_total",
  "gastown_formula_instantiations_total",
  "gastown_convoy_creates_total",
  "bd_storage_operations_total",
  "bd_storage_operation_duration_ms",
  "bd_storage_errors_total",
  "bd_db_retry_count_total",
  "bd_db_lock_wait_ms",
  "bd_issue_count",
  "bd_ai_input_tokens_total",
  "bd_ai_output_tokens_total",
  "bd_ai_request_duration_ms"
]

const stackFlags = parseFlags(Naming.victoriaMetricsFlags)
// The contract's metrics (docs/contract.md#metrics); the library's own (gastown_telemetry_dropped_total) come on top.
const specMetrics = Catalogue.metrics.filter((m) => m.emitter !== "telemetry")
const stored = (flags: typeof stackFlags) =>
  specMetrics.map((m) => storedMetricName({ name: m.name, unit: m.unit, type: m.kind }, flags))

describe("metric names as VictoriaMetrics stores them", () => {
  it("are the contract's 26 names, one by one, under the stack's flags", () => {
    assert.strictEqual(specMetrics.length, expected.length)
    assert.deepStrictEqual(stored(stackFlags), expected)
  })

  it("agree with the catalogue's own model of the stack", () => {
    assert.deepStrictEqual(
      specMetrics.map((m) => Naming.promCompatible(m.name)),
      stored(stackFlags)
    )
  })

  it("would not survive -opentelemetry.usePrometheusNaming: ms histograms gain a unit word", () => {
    const renamed = stored({ usePrometheusNaming: true, usePromCompatibleNaming: true })
    const changed = expected.filter((name, i) => renamed[i] !== name)
    assert.deepStrictEqual(changed, [
      "gastown_bd_duration_ms",
      "bd_storage_operation_duration_ms",
      "bd_db_lock_wait_ms",
      "bd_ai_request_duration_ms"
    ])
    assert.include(renamed, "gastown_bd_duration_ms_milliseconds")
  })

  it("the library's own metric is stored as gastown_telemetry_dropped_total", () => {
    const own = Catalogue.metrics.filter((m) => m.emitter === "telemetry")
    assert.deepStrictEqual(
      own.map((m) => storedMetricName({ name: m.name, unit: m.unit, type: m.kind }, stackFlags)),
      ["gastown_telemetry_dropped_total"]
    )
  })

  it("keep honest units: ms on durations, {…} annotations on counts", () => {
    for (const m of Catalogue.metrics) {
      if (m.kind === "histogram") assert.strictEqual(m.unit, "ms", m.name)
      else assert.match(m.unit, /^\{[a-z]+\}$/, m.name)
    }
  })

  it("store the gt.* labels as gt_role, gt_rig, gt_actor, gt_agent", () => {
    assert.deepStrictEqual(
      Correlation.metricKeys.map((k) => storedLabelName(k, stackFlags)),
      ["gt_role", "gt_rig", "gt_actor", "gt_agent"]
    )
  })

  it("give histograms _bucket, _sum and _count series", () => {
    const histogram = Catalogue.metrics.find((m) => m.name === "gastown_bd_duration_ms")!
    assert.deepStrictEqual(Naming.series(histogram), [
      "gastown_bd_duration_ms_bucket",
      "gastown_bd_duration_ms_sum",
      "gastown_bd_duration_ms_count"
    ])
  })
})
